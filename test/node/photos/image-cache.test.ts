import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWorkerStats } from '../../../electron/services/images/decode-worker-client';
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

  it('a server that ignores `width` and sends a 48 MP progressive JPEG: decoded in the capped checker process, not in the service', async () => {
    const cache = new ImagoImageCache(dir);
    // 4:4:4 keeps every chroma coefficient: ~290 MB of coefficient buffer, more than one in-process decode may use.
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#806040' } }).jpeg({ progressive: true, chromaSubsampling: '4:4:4' }).toBuffer();
    const runsBefore = decodeWorkerStats().runs;
    const { dataUrl } = await cache.dataUrl('img-huge', 1024, async () => huge);
    expect(await sharp(Buffer.from(dataUrl.split(',')[1]!, 'base64')).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 768 });
    expect(decodeWorkerStats().runs).toBe(runsBefore + 1);
    expect((await readdir(dir)).sort()).toEqual(['img-huge-1024.jpg']);
  }, 60_000);

  it('a reply that is not an image is a retryable path problem and nothing is cached', async () => {
    const cache = new ImagoImageCache(dir);
    await expect(cache.dataUrl('img-html', 512, async () => Buffer.from('<html><body>Hotel Wi-Fi login</body></html>'))).rejects.toMatchObject({ kind: 'malformed-response', retryable: true });
    expect(await readdir(dir)).toEqual([]);
  });

  it('the same image asked for twice at once: both get it, one file is cached, no temporary file is left', async () => {
    const cache = new ImagoImageCache(dir);
    const answers = await Promise.all([cache.dataUrl('img-2', 512, () => png(2000)), cache.dataUrl('img-2', 512, () => png(2000))]);
    expect(answers.map((a) => a.fromCache)).toEqual([false, false]);
    expect(answers[0]!.dataUrl).toBe(answers[1]!.dataUrl);
    expect(await readdir(dir)).toEqual(['img-2-512.jpg']);
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
