/**
 * The viewer's photo cache on a damaged disk: a cached file cut short, emptied or overwritten with
 * garbage is fetched again instead of being shown broken for ever; something in the way of the
 * cache file (a folder in its place, as a full or damaged disk can leave) still shows the photo;
 * temporary files a killed process left are swept.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImagoImageCache } from '../../../electron/services/photos/image-cache';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-cache-damage-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const photo = () => sharp({ create: { width: 800, height: 400, channels: 3, background: '#336699' } }).jpeg().toBuffer();
const decodes = async (dataUrl: string) => (await sharp(Buffer.from(dataUrl.split(',')[1]!, 'base64')).metadata()).format;

describe('the photo cache on a damaged disk', () => {
  for (const [label, damage] of [
    ['cut to half', async (file: string) => truncate(file, Math.floor((await readFile(file)).length / 2))],
    ['emptied', async (file: string) => truncate(file, 0)],
    ['zero-filled', async (file: string) => writeFile(file, Buffer.alloc((await readFile(file)).length))],
  ] as const) {
    it(`a cached photo ${label} is fetched again and cached whole`, async () => {
      const cache = new ImagoImageCache(dir);
      let fetches = 0;
      const fetch = async () => {
        fetches++;
        return photo();
      };
      await cache.dataUrl('img-1', 400, fetch);
      await damage(join(dir, 'img-1-400.jpg'));
      const again = await cache.dataUrl('img-1', 400, fetch);
      expect(again.fromCache).toBe(false);
      expect(fetches).toBe(2);
      expect(await decodes(again.dataUrl)).toBe('jpeg');
      expect(await cache.dataUrl('img-1', 400, fetch)).toEqual({ dataUrl: again.dataUrl, fromCache: true });
    });
  }

  it('a folder in the cache file’s place: the photo is still shown, only not kept', async () => {
    await mkdir(join(dir, 'img-2-400.jpg', 'inside'), { recursive: true });
    const shown = await new ImagoImageCache(dir).dataUrl('img-2', 400, photo);
    expect(await decodes(shown.dataUrl)).toBe('jpeg');
    expect((await readdir(dir)).sort()).toEqual(['img-2-400.jpg']);
  });

  it('temporary files a killed process left an hour ago are swept; a fresh one (a write under way) is not', async () => {
    const old = join(dir, 'img-9-400.jpg.123.abcd.download');
    const fresh = join(dir, 'img-8-400.jpg.124.abce.tmp');
    await mkdir(dir, { recursive: true });
    await writeFile(old, 'partial');
    await writeFile(fresh, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    await new ImagoImageCache(dir).dataUrl('img-3', 400, photo);
    expect((await readdir(dir)).sort()).toEqual(['img-3-400.jpg', 'img-8-400.jpg.124.abce.tmp']);
  });
});
