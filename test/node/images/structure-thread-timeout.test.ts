/**
 * A structure-check thread that does not answer (here: its walk waits on a named pipe nobody
 * writes, as a file on a drive that stopped answering would) is stopped and replaced within its
 * bound; only its photo is refused, and walks after it go on as before.
 */
import { execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPngHeader } from '../../../electron/services/images/png-structure';
import { checkStructureBody, configureStructureThreads, StructureWalkTimeout, walkTimeoutMs } from '../../../electron/services/images/structure-threads';
import { makeTempDir } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let good: string;
let pipe: string;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-stuck-'));
  good = join(dir, 'good.png');
  await writeFile(good, await sharp({ create: { width: 300, height: 200, channels: 3, background: '#6b5a44' } }).png().toBuffer());
  pipe = join(dir, 'stuck.png');
  execFileSync('mkfifo', [pipe]);
});
afterAll(async () => {
  // Lets the thread pool's blocked open() of the pipe return (O_RDWR does not wait for a reader).
  await (await open(pipe, 'r+')).close();
  await cleanup();
});
afterEach(() => configureStructureThreads({}));

describe('structure-check threads that do not answer', () => {
  it('bound a walk by the file size, with a base for a busy machine', () => {
    expect(walkTimeoutMs(0)).toBeGreaterThanOrEqual(10_000);
    expect(walkTimeoutMs(500 * 1024 * 1024)).toBeGreaterThan(walkTimeoutMs(10 * 1024 * 1024));
  });

  it('refuse the stuck photo within the bound, and the next photos still pass', async () => {
    const header = await readPngHeader(good);
    // Both threads started, as after a few photos in the app (starting one under tsx takes ~0.5 s).
    await Promise.all([1, 2].map(() => checkStructureBody({ kind: 'png', header }, good)));
    configureStructureThreads({ timeout: { baseMs: 1_500, msPerMegabyte: 0 } });
    const started = Date.now();
    const stuck = checkStructureBody({ kind: 'png', header }, pipe);
    // Walks side by side with the stuck one, and after it, on the same small pool.
    const beside = [1, 2, 3].map(() => checkStructureBody({ kind: 'png', header }, good));
    await expect(stuck).rejects.toBeInstanceOf(StructureWalkTimeout);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(Promise.all(beside)).resolves.toHaveLength(3);
    configureStructureThreads({});
    const after = await Promise.all([1, 2, 3, 4].map(() => checkStructureBody({ kind: 'png', header }, good)));
    expect(after).toHaveLength(4);
  }, 20_000);
});
