/**
 * Wide PNGs: libpng has no shrink-on-load, and libvips holds ~1,000 decoded rows while it shrinks
 * one to a thumbnail or preview, so a 0.7 MB file of 65,000 px rows took the service process to
 * 283 MB alone and 650 MB three at once (RGBA 16-bit: 615 MB alone, 1.6 GB three at once). Their
 * estimate, from the header sharp reads, must send them to the decode worker.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_PROCESS_JOB_LIMIT, placeDecode } from '../../../electron/services/images/decode-placement';
import { checkPhotoHeader, decodeCost } from '../../../electron/services/images/photo-check';
import { makeTempDir, pngChunk } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('corelog-png-memory-')));
afterAll(() => cleanup());

/** A PNG header of the given shape with one row of image data (the header is all the estimate reads). */
async function pngShape(width: number, height: number, bitDepth: 8 | 16, colourType: 2 | 6): Promise<string> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  const channels = colourType === 6 ? 4 : 3;
  const row = deflateSync(Buffer.alloc(1 + (width * channels * bitDepth) / 8));
  const path = join(dir, `${width}x${height}-${bitDepth}-${colourType}.png`);
  const signature = Buffer.from('89504e470d0a1a0a', 'hex');
  await writeFile(path, Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', row), pngChunk('IEND', Buffer.alloc(0))]));
  return path;
}

async function estimate(path: string): Promise<number> {
  return decodeCost(await checkPhotoHeader(path), true);
}

describe('the decode estimate of a wide PNG', () => {
  it.each([
    ['65,000 × 4,000 RGB 8-bit', 65_000, 4_000, 8, 2, 195],
    ['65,000 × 15,000 RGBA 16-bit', 65_000, 15_000, 16, 6, 520],
    ['40,000 × 10,000 RGBA 16-bit', 40_000, 10_000, 16, 6, 320],
  ] as const)('counts the rows libvips holds for %s and sends it to the worker', async (_name, width, height, depth, colour, measuredMb) => {
    const cost = await estimate(await pngShape(width, height, depth, colour));
    // At least what was measured (65,000 px wide: +197 MB, +528 MB; 40,000 RGBA16 by row width).
    expect(cost).toBeGreaterThan(measuredMb * 1024 * 1024);
    expect(cost).toBeGreaterThan(IN_PROCESS_JOB_LIMIT);
    expect(placeDecode(cost)).toBe('worker');
  });

  it('keeps an ordinary 24 MP PNG in the service process', async () => {
    const cost = await estimate(await pngShape(6_000, 4_000, 8, 2));
    expect(cost).toBeLessThan(60 * 1024 * 1024);
    expect(placeDecode(cost)).toBe('service');
  });
});
