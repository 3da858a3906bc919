/**
 * Runs of 0xFF fill bytes (legal padding before a marker) and of stuffed 0xFF00 pairs are skipped at
 * the speed of a memory compare, not one await per byte: 60 MB of them held the service process's
 * main thread for seconds.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJpegBody, readJpegHeader } from '../../../electron/services/images/jpeg-structure';
import { beforeJpegEnd, grainyJpeg, makeTempDir } from './photo-fixtures';

const MB = 1024 * 1024;
let dir: string;
let cleanup: () => Promise<void>;
let baseline: Buffer;
let progressive: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-padding-'));
  baseline = await grainyJpeg(320, 240);
  progressive = await sharp(baseline).jpeg({ progressive: true }).toBuffer();
});
afterAll(() => cleanup());

/** 0xFF fill bytes right after SOI, before the first marker. */
function fillAfterStart(jpeg: Buffer, count: number): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.alloc(count, 0xff), jpeg.subarray(2)]);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

describe('padding in a JPEG', () => {
  it('40 MB of fill bytes before the end marker: accepted in well under a second, from memory and from the file', async () => {
    const padded = beforeJpegEnd(baseline, Buffer.alloc(40 * MB, 0xff));
    const path = join(dir, 'fill.jpg');
    await writeFile(path, padded);
    for (const source of [padded, path]) {
      const header = await readJpegHeader(source);
      const { ms, value } = await timed(() => checkJpegBody(source, header));
      expect(value.scans).toBe(1);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it('40 MB of fill bytes after the start marker: the header walk takes well under a second', async () => {
    const padded = fillAfterStart(progressive, 40 * MB);
    const { ms, value } = await timed(() => readJpegHeader(padded));
    expect(value.frame.process).toBe('progressive');
    expect(ms).toBeLessThan(1_000);
  });

  it('40 MB of stuffed 0xFF00 pairs in a progressive JPEG: walked in well under a second', async () => {
    const padded = beforeJpegEnd(progressive, Buffer.from('ff00'.repeat(20 * MB), 'hex'));
    const header = await readJpegHeader(padded);
    const { ms, value } = await timed(() => checkJpegBody(padded, header));
    expect(value.scans).toBeGreaterThan(1);
    expect(ms).toBeLessThan(1_000);
  });

  it('counts stuffed pairs and odd bytes exactly after a baseline scan, fill bytes not', async () => {
    // 0xFF00 pairs split over the 1 MB window's edge, then fill bytes: all of it before EOI.
    const extra = Buffer.concat([Buffer.from('ff00'.repeat(MB / 2 + 3), 'hex'), Buffer.from([0x11]), Buffer.alloc(5000, 0xff)]);
    const path = join(dir, 'stuffed.jpg');
    await writeFile(path, beforeJpegEnd(baseline, extra));
    const header = await readJpegHeader(path);
    // The walk counts un-stuffed coded bytes, as libjpeg does: one per pair, and the odd byte.
    await expect(checkJpegBody(path, header)).rejects.toThrow(/^its image data is corrupt \(524,292 extraneous bytes before marker 0xd9\)$/);
  });
});
