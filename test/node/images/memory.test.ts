import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('corelog-memory-')));
afterAll(() => cleanup());

const probe = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));

describe('memory', () => {
  it('prepares a 24 MP JPEG turned by EXIF within a bounded amount of memory', async () => {
    const photo = join(dir, 'tray-24mp.jpg');
    // Noise keeps the JPEG as hard to decode and as large (≈15 MB) as a detailed tray photo.
    await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toFile(photo);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe, photo, join(dir, 'photos')], {
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { growthMb: number; width: number; height: number; converted: string };
    console.log(`24 MP JPEG with EXIF rotation: ${stdout.trim()}`);
    expect([result.width, result.height]).toEqual([4000, 6000]);
    expect(result.converted).toBe('EXIF orientation 6 applied to the pixels');
    expect(result.growthMb).toBeLessThan(400);
  });
});
