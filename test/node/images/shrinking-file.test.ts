/**
 * A file that gets shorter while Corelog reads it (still being saved, or cut by another program):
 * every read loop of the structure walks must stop and say so, never wait for bytes for ever.
 * The walks run in a child process, so a loop that spins (it never yields to a timer) fails the
 * test instead of freezing it.
 */
import { execFile } from 'node:child_process';
import { truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteSource } from '../../../electron/services/images/byte-source';
import { FileChanged } from '../../../electron/services/images/image-damage';
import { makeTempDir, noiseBytes, pngChunk } from './photo-fixtures';

const run = promisify(execFile);
const SOURCES = resolve(__dirname, '../../../electron/services/images');

let dir: string;
let cleanup: () => Promise<void>;
/** A PNG whose 24 MB of image data take the walk long enough to be cut in the middle of it. */
let bigPng: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-shrink-'));
  const ihdr = Buffer.from([0, 0, 0x10, 0, 0, 0, 0x10, 0, 8, 2, 0, 0, 0]);
  bigPng = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), pngChunk('IDAT', noiseBytes(24 * 1024 * 1024, 7)), pngChunk('IEND', Buffer.alloc(0))]);
});
afterAll(() => cleanup());

describe('ByteSource on a file cut after it was opened', () => {
  it('throws FileChanged instead of reporting the end of the file', async () => {
    const path = join(dir, 'cut-after-open.bin');
    await writeFile(path, noiseBytes(3 * 1024 * 1024, 1));
    const src = await ByteSource.open(path);
    try {
      await truncate(path, 1024 * 1024 + 10);
      src.pos = src.bytes.length;
      await src.ensure(1); // the 10 bytes still there
      src.pos = src.bytes.length;
      await expect(src.ensure(1)).rejects.toBeInstanceOf(FileChanged);
    } finally {
      await src.close();
    }
  });

  it('throws FileChanged when a skip lands past the new end, hashing or not', async () => {
    for (const hash of [false, true]) {
      const path = join(dir, `cut-skip-${hash}.bin`);
      await writeFile(path, noiseBytes(3 * 1024 * 1024, 2));
      const src = await ByteSource.open(path, { hash });
      try {
        await truncate(path, 1024 * 1024 + 100);
        await expect(src.skip(2 * 1024 * 1024)).rejects.toBeInstanceOf(FileChanged);
      } finally {
        await src.close();
      }
    }
  });
});

/** Runs `script` (TypeScript, through tsx) in a child process; a walk that never ends is killed after `ms`. */
async function inChild(script: string, ms: number): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: ms, cwd: resolve(__dirname, '../../..') });
  return stdout.trim();
}

describe('walks of a PNG cut while they read it', () => {
  // Cut at several moments: before the walk opens the file, in its first window, in the middle.
  it.each([0, 1, 4])('the body walk answers when the file is cut %i ms after it started', async (delayMs) => {
    const path = join(dir, `body-${delayMs}.png`);
    await writeFile(path, bigPng);
    const script = `
      import { readPngHeader, checkPngBody } from ${JSON.stringify(join(SOURCES, 'png-structure.ts'))};
      import { truncateSync } from 'node:fs';
      const header = await readPngHeader(${JSON.stringify(path)});
      const walk = checkPngBody(${JSON.stringify(path)}, header);
      setTimeout(() => truncateSync(${JSON.stringify(path)}, 5 * 1024 * 1024), ${delayMs});
      try { await walk; console.log('accepted'); } catch (error) { console.log(error.name + ': ' + error.message); }
    `;
    const answer = await inChild(script, 15_000);
    expect(answer).toMatch(/^(FileChanged: the file changed while it was being taken in|ImageDamage: the file ends before the image does)/);
  });

  it('the header walk answers when the file is cut under its metadata', async () => {
    const path = join(dir, 'header.png');
    const ihdr = Buffer.from([0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0]);
    // 12 MB of text before the image data, under the 16 MB metadata limit.
    const text = pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(12 * 1024 * 1024, 0x61)]));
    await writeFile(path, Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), text, pngChunk('IEND', Buffer.alloc(0))]));
    // Cut after the header walk has opened it and read its first window: deterministic.
    const script = `
      import { readPngHeader } from ${JSON.stringify(join(SOURCES, 'png-structure.ts'))};
      import { ByteSource } from ${JSON.stringify(join(SOURCES, 'byte-source.ts'))};
      import { truncateSync } from 'node:fs';
      const realOpen = ByteSource.open;
      ByteSource.open = async (...args) => { const src = await realOpen.apply(ByteSource, args); truncateSync(${JSON.stringify(path)}, 1024 * 1024 + 4096); return src; };
      try { await readPngHeader(${JSON.stringify(path)}); console.log('accepted'); } catch (error) { console.log(error.name + ': ' + error.message); }
    `;
    expect(await inChild(script, 15_000)).toMatch(/^FileChanged: the file changed while it was being taken in/);
  });
});
