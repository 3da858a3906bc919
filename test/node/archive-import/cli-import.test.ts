/**
 * `corelog import` as an admin runs it: a child process on the shared fixture archive against a
 * real Imago emulator (through a plain HTTP relay that can hold a reply back). Exit codes, the
 * report file, and the promise that matters most: killing the process (SIGKILL, no chance to tidy
 * up) at any moment — even after Imago stored a photo and before its reply arrived — then resuming
 * ends with exactly the expected photos on Imago, each once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { createArchiveFixture, listArchivePhotosOnImago, photoKey, seedArchiveOnImago, smallTrayJpeg, type ArchiveFixture } from '../../support/archive-fixture';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { startImago } from '../imago/imago-fixture';
import { startUploadRelay, type UploadRelay } from './upload-relay';

const ENTRY = join(process.cwd(), 'electron/services/archive-import/cli-entry.ts');

let fixture: ArchiveFixture;
let emulator: ImagoEmulator;
let relay: UploadRelay;
let dataDir: string;

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'import', ...args], {
    env: { ...process.env, CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: relay.baseUrl, CORELOG_IMAGO_USERNAME: 'demo', CORELOG_IMAGO_PASSWORD: 'demo', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Waits (bounded) until the condition holds, checking the emulator's state every 20 ms. */
async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const imagesOnImago = () => emulator.world.images.filter((i) => !i.deleted).length;
const postsToImago = () => emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;
const targetArgs = () => [
  '--folder',
  fixture.folder,
  ...fixture.source.patterns.flatMap((p) => ['--pattern', p]),
  '--manifest',
  fixture.manifest,
  '--workspace',
  fixture.source.target.workspaceName,
  '--dataset',
  fixture.source.target.datasetName,
  '--imagery-type',
  fixture.source.target.imageryTypeName,
];

beforeAll(async () => {
  fixture = await createArchiveFixture();
  emulator = await startImago();
  await seedArchiveOnImago(fixture, { baseUrl: emulator.server.baseUrl });
  relay = await startUploadRelay(emulator.server.baseUrl);
  dataDir = mkdtempSync(join(tmpdir(), 'corelog-archive-cli-'));
}, 60_000);

afterAll(async () => {
  await relay?.close();
  await emulator?.close();
  await fixture?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('corelog import', () => {
  let jobId: string;

  it('refuses arguments it does not understand (2) and a missing sign-in (3), saying why', async () => {
    const bad = await cli(['--folder']).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage:');
    const noTarget = await cli(['--folder', fixture.folder, '--pattern', '{hole}_{from}_{to}_{imageType}']).done;
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('Missing --workspace, --dataset, --imagery-type');
    const badRate = await cli([...targetArgs(), '--max-rate', 'fast']).done;
    expect(badRate.code).toBe(2);
    const noLogin = await cli([...targetArgs(), '--dry-run'], { CORELOG_IMAGO_USERNAME: '', CORELOG_IMAGO_PASSWORD: '' }).done;
    expect(noLogin.code).toBe(3);
    expect(noLogin.stderr).toContain('No Imago sign-in is saved');
    const nothingToResume = await cli(['--resume']).done;
    expect(nothingToResume.code).toBe(3);
    expect(nothingToResume.stderr).toContain('no unfinished import job');
  }, 120_000);

  it('--dry-run checks the archive, writes the report and uploads nothing (0)', async () => {
    const posts = postsToImago();
    const report = join(dataDir, 'dry-run.csv');
    const ran = await cli([...targetArgs(), '--dry-run', '--report', report]).done;
    expect(ran.stderr).not.toContain('failed');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`Dry run: ${fixture.filesTotal} files: ready ${fixture.counts.ready}, unmatched ${fixture.counts.unmatched}`);
    jobId = /Job ([0-9a-f-]{36})\./.exec(ran.stdout)![1]!;
    const lines = readFileSync(report, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(fixture.filesTotal + 1);
    for (const [outcome, count] of Object.entries(fixture.counts)) expect(lines.filter((l) => l.split(',')[1] === outcome)).toHaveLength(count);
    expect(postsToImago()).toBe(posts);
  }, 120_000);

  it('killed at any moment (SIGKILL), resumed, it ends with exactly the expected photos on Imago, each once', async () => {
    const posts = postsToImago();
    const before = imagesOnImago();

    // 1. Killed at an arbitrary moment of the run.
    const first = cli(['--resume', jobId]);
    await until('30 uploads', () => imagesOnImago() - before >= 30);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    // 2. Killed after Imago stored a photo and before its reply came back: the journal says "started".
    const second = cli(['--resume', jobId]);
    await relay.holdUpload(25);
    const stored = imagesOnImago();
    second.child.kill('SIGKILL');
    expect((await second.done).signal).toBe('SIGKILL');
    const journal = readFileSync(join(dataDir, 'archive-import', jobId, 'journal.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { k: string; i?: number });
    const confirmed = new Set(journal.filter((r) => r.k === 'done').map((r) => r.i));
    const unconfirmed = journal.filter((r) => r.k === 'start' && !confirmed.has(r.i));
    expect(unconfirmed.length).toBeGreaterThanOrEqual(1);
    expect(stored - before).toBe(confirmed.size + 1);

    // 3. Resumed to the end, capped at 128 KB/s; meanwhile a second command on the same job is refused (5),
    //    and a window (another process's job list, here this one's) reads the job over and over as it runs
    //    and is refused a new cap, a pause, a run: a reader must never change the journal the running process writes.
    const report = join(dataDir, 'final.csv');
    const started = Date.now();
    const third = cli(['--resume', '--max-rate', '128K', '--report', report]);
    await until('the resumed run to send', () => imagesOnImago() > stored);
    const window = new ArchiveJobs({ dataDir, imago: () => { throw new Error('a window that only looks never calls Imago'); } });
    for (const steer of [() => window.setRate(jobId, 1024 * 1024), () => window.pause(jobId), () => window.run(jobId)]) {
      await expect(steer()).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('already running in another Corelog process') });
    }
    const busy = await cli(['--resume', jobId]).done;
    expect(busy.code).toBe(5);
    expect(busy.stderr).toContain('already running in another Corelog process');
    let looks = 0;
    let thirdEnded = false;
    const ending = third.done.finally(() => (thirdEnded = true));
    while (!thirdEnded) {
      const listed = (await window.list()).find((job) => job.jobId === jobId);
      expect(listed?.phase).toMatch(/^(running|done)$/);
      expect((await window.rows(jobId, 0, 5)).rows).toHaveLength(5);
      looks++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await window.dispose();
    expect(looks).toBeGreaterThan(5);
    const ran = await ending;
    const seconds = (Date.now() - started) / 1000;
    expect(ran.stderr).not.toMatch(/stopped|failed/i);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`uploaded ${fixture.toUpload.length}`);

    // Exactly the expected set, each once: nothing uploaded twice, nothing skipped.
    const listed = await listArchivePhotosOnImago(fixture, { baseUrl: emulator.server.baseUrl });
    expect(listed.filter((p) => !p.deleted).map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
    expect(listed.filter((p) => p.deleted)).toEqual([]);
    expect(imagesOnImago() - before).toBe(fixture.toUpload.length);
    // The held photo was looked up and found, not sent again.
    const held = unconfirmed.at(-1)!.i;
    const finalJournal = readFileSync(join(dataDir, 'archive-import', jobId, 'journal.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { k: string; i?: number; already?: boolean });
    expect(finalJournal.filter((r) => r.k === 'done' && r.i === held)).toEqual([expect.objectContaining({ already: true })]);
    // Requests: one per file, plus at most the one cut mid-stream by the first kill (it never reached Imago whole).
    expect(postsToImago() - posts).toBeLessThanOrEqual(fixture.toUpload.length + 1);

    // The cap held: what the last run sent took at least as long as 128 KB/s allows (less the first quarter-second burst).
    const sentLast = fixture.toUpload.length - (stored - before);
    const bytesLast = fixture.toUpload.slice(-sentLast).reduce((sum, f) => sum + f.bytes, 0);
    expect(seconds).toBeGreaterThanOrEqual(bytesLast / (128 * 1024) - 0.25);

    const lines = readFileSync(report, 'utf8').trimEnd().split('\r\n');
    const uploaded = lines.filter((l) => l.split(',')[1] === 'uploaded');
    expect(uploaded).toHaveLength(fixture.toUpload.length);
    for (const line of uploaded) expect(line).toMatch(/,[^,]+,[^,]+$/);
    // Nothing is left staged in the data folder once the job is done.
    expect(readdirSync(join(dataDir, 'archive-import', jobId)).sort()).toEqual(['journal.jsonl']);

    const list = await cli(['--list']).done;
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${jobId}\\s+done`));
  }, 300_000);

  it('ends with 1 and the reason in the report when a file cannot be sent (it changed after the dry run)', async () => {
    const folder = join(dataDir, 'small-archive');
    mkdirSync(folder);
    for (let i = 0; i < 3; i++) writeFileSync(join(folder, `ZZ-EXIT-01_${i}_${i + 1}_Wet.jpg`), await smallTrayJpeg(9000 + i));
    const args = ['--folder', folder, '--pattern', '{hole}_{from}_{to}_{imageType}', '--workspace', fixture.source.target.workspaceName, '--dataset', fixture.source.target.datasetName, '--imagery-type', fixture.source.target.imageryTypeName];
    const dry = await cli([...args, '--dry-run']).done;
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: 3 files: ready 3');
    const id = /Job ([0-9a-f-]{36})\./.exec(dry.stdout)![1]!;
    // Cut short after the dry run checked it.
    const damaged = join(folder, 'ZZ-EXIT-01_1_2_Wet.jpg');
    writeFileSync(damaged, readFileSync(damaged).subarray(0, 400));
    const report = join(dataDir, 'small.csv');
    const ran = await cli(['--resume', id, '--report', report]).done;
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`1 file(s) could not be uploaded: see ${report}`);
    const lines = readFileSync(report, 'utf8').trimEnd().split('\r\n');
    expect(lines.filter((l) => l.split(',')[1] === 'uploaded')).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('ZZ-EXIT-01_1_2_Wet.jpg,failed,'))).toBeTruthy();
  }, 120_000);
});
