/**
 * Sequential arithmetic-coded JPEGs (SOF9): libvips never calls jpeg_finish_decompress, so damage at
 * the end of their coded data decoded "cleanly". Corelog walks their one scan itself
 * (arithmetic-walker.ts). The inputs are made at test time with jpegtran, which re-codes a JPEG's
 * Huffman data with arithmetic coding losslessly; without it the tests are skipped.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import { beforeJpegEnd, grainyJpeg, makeTempDir } from './photo-fixtures';

const hasJpegtran = (() => {
  try {
    execFileSync('jpegtran', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
let cleanup: () => Promise<void>;
let arithmetic: Buffer;
let withRestarts: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-arith-'));
  if (!hasJpegtran) return;
  const huffman = await grainyJpeg(480, 360);
  arithmetic = execFileSync('jpegtran', ['-arithmetic'], { input: huffman });
  withRestarts = execFileSync('jpegtran', ['-arithmetic', '-restart', '1'], { input: huffman });
});
afterAll(() => cleanup());

async function outcome(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  try {
    const inspected = await inspectPhoto(path);
    return `accepted ${inspected.width}x${inspected.height}`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The arithmetic JPEG with `count` coded bytes before its end marker removed. */
function cutBeforeEnd(jpeg: Buffer, count: number): Buffer {
  const end = jpeg.lastIndexOf(Buffer.from([0xff, 0xd9]));
  return Buffer.concat([jpeg.subarray(0, end - count), jpeg.subarray(end)]);
}

describe.skipIf(!hasJpegtran)('arithmetic-coded JPEGs (skipped where jpegtran, which makes the inputs, is not installed: .ci/run installs it)', () => {
  it('accepts whole ones, with and without restart markers', async () => {
    expect(arithmetic[arithmetic.indexOf(Buffer.from([0xff, 0xc9])) + 1]).toBe(0xc9);
    expect(await outcome('whole.jpg', arithmetic)).toBe('accepted 480x360');
    expect(await outcome('restarts.jpg', withRestarts)).toBe('accepted 480x360');
  });

  it('refuses bytes left over before the end marker, counted as libjpeg counts them', async () => {
    // The decoder has read a byte or two of them ahead, as libjpeg's has (djpeg says the same number).
    expect(await outcome('extraneous.jpg', beforeJpegEnd(arithmetic, Buffer.alloc(100, 0x11)))).toMatch(
      /^the JPEG is damaged: its image data is corrupt \(9[89] extraneous bytes before marker 0xd9\)$/,
    );
  });

  it('refuses coded data cut short before the end marker', async () => {
    expect(await outcome('cut.jpg', cutBeforeEnd(arithmetic, 2_000))).toBe('the JPEG is damaged: its image data is corrupt (premature end of data segment)');
  });

  it('refuses a file cut short', async () => {
    expect(await outcome('truncated.jpg', arithmetic.subarray(0, Math.floor(arithmetic.length * 0.8)))).toMatch(/^the JPEG is damaged: the file ends before the image does/);
  });
});
