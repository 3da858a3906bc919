import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImagoImageCache } from '../../../electron/services/photos/image-cache';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-image-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const png = (width: number) => sharp({ create: { width, height: Math.round(width / 2), channels: 4, background: '#33669980' } }).png().toBuffer();

describe('ImagoImageCache', () => {
  it('fetches once, then answers from disk (offline) as a JPEG data URL no wider than asked', async () => {
    const cache = new ImagoImageCache(dir);
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      return png(3000);
    };
    const first = await cache.dataUrl('img-1', 1024, fetch);
    const second = await cache.dataUrl('img-1', 1024, async () => {
      throw new Error('offline');
    });
    expect(fetches).toBe(1);
    expect(first.fromCache).toBe(false);
    expect(second).toEqual({ dataUrl: first.dataUrl, fromCache: true });
    expect(first.dataUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(first.dataUrl.split(',')[1]!, 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1024, height: 512 });
  });

  it('drops the least recently used files beyond its budget', async () => {
    const cache = new ImagoImageCache(dir, 1);
    await cache.dataUrl('old', 256, () => png(256));
    await cache.dataUrl('new', 256, () => png(256));
    expect(await readdir(dir)).toEqual([]);
    const roomy = new ImagoImageCache(dir, 10_000_000);
    await roomy.dataUrl('a', 256, () => png(256));
    expect(await readdir(dir)).toEqual(['a-256.jpg']);
  });
});
