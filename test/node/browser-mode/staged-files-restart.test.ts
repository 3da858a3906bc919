/**
 * Copies in staging/ after a crash: a service killed while a pick was handed over (or before its
 * intake released it) leaves its copies there, and the process that starts next knows none of
 * their references, so none can ever be taken in or released. They go at the next start, not a
 * week later; those of another process still running on the same folder stay.
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StagedFiles } from '../../../electron/services/files/staged-files';
import { removeTestFolder } from '../../support/temp-folder';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'corelog-staged-restart-'));
});
afterEach(() => removeTestFolder(dataDir));

const stage = (files: StagedFiles, name: string) => files.saveStream(Readable.from([Buffer.from(`bytes of ${name}`)]), name, null);
const staging = () => readdir(join(dataDir, 'staging'));

it('deletes at start the copies an earlier process left, and keeps the ones this process still holds', async () => {
  const killed = new StagedFiles(dataDir);
  await stage(killed, 'a.jpg');
  await stage(killed, 'b.jpg');
  await new Promise((resolve) => setTimeout(resolve, 20));

  const restarted = new StagedFiles(dataDir);
  const held = await stage(restarted, 'c.jpg');
  expect(await restarted.sweepStaleCopies()).toBe(2);
  expect(await staging()).toEqual([held.path.split('/').at(-1)]);
  expect(restarted.get(held.ref).name).toBe('c.jpg');
});

it('keeps the copies of another service process still running on the same data folder', async () => {
  await mkdir(join(dataDir, 'staging'), { recursive: true });
  // The parent of this test process is alive for as long as the test runs.
  const theirs = `${process.ppid}-${Date.now() - 60_000}.0d4c8f2e-1b7a-4d1e-9c1a-2f6b3e8d9a10`;
  await writeFile(join(dataDir, 'staging', theirs), 'bytes being taken in over there');
  const mine = new StagedFiles(dataDir);
  expect(await mine.sweepStaleCopies()).toBe(0);
  expect(await staging()).toEqual([theirs]);
});

it('deletes the copies of a page that died mid-pick once nothing has been handed over or taken in for an hour, never the user’s own files', async () => {
  const files = new StagedFiles(dataDir);
  const picked = await stage(files, 'd.jpg');
  const own = join(dataDir, 'own.jpg');
  await writeFile(own, 'the user’s own file, found by the watch folder');
  const found = await files.registerPath({ path: own });
  const started = Date.now();
  // A page still at work (it handed a file over, or asked for one, within the hour): nothing goes.
  expect(await files.releaseForgottenCopies(3600_000, started + 30 * 60_000)).toBe(0);
  expect(files.get(picked.ref).name).toBe('d.jpg');
  // That `get` was use: an hour after it, with nothing since, the copy goes and the user's file stays.
  expect(await files.releaseForgottenCopies(3600_000, Date.now() + 3600_000 + 1)).toBe(1);
  expect(await staging()).toEqual([]);
  expect(() => files.get(picked.ref)).toThrow(/no longer available/);
  expect(files.get(found.ref).path).toBe(own);
  expect(await readdir(dataDir)).toContain('own.jpg');
});
