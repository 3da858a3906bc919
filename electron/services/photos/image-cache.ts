/**
 * Photos fetched from Imago for the viewer, kept on disk so a hole browsed once can be browsed
 * again offline. Each image is fetched scaled (`GET /image?width=`), stored as a JPEG under
 * `<dataDir>/image-cache/<imageId>-<width>.jpg` (an image id names fixed bytes: a replaced photo
 * gets a new id), and the cache drops its least recently used files beyond a size budget.
 *
 * A cache is never worth an error: a cached file that is not a whole JPEG (cut by a power loss,
 * damaged on disk) is fetched again, and a photo fetched while the disk is full is still shown,
 * only not kept. Temporary files a killed process left behind are swept with the budget.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorelogError } from '../../../common/errors';
import { renderStoredPreview } from '../images';
import { ensureDataFolder } from '../user-data-dir';

export const DEFAULT_IMAGE_CACHE_BYTES = 1024 ** 3;

export class ImagoImageCache {
  constructor(
    private readonly dir: string,
    private readonly budgetBytes = DEFAULT_IMAGE_CACHE_BYTES,
  ) {}

  /** The cached JPEG as a data URL, fetching (and caching) it first when missing. */
  async dataUrl(imageId: string, width: number, fetch: () => Promise<Buffer>): Promise<{ dataUrl: string; fromCache: boolean }> {
    const path = join(this.dir, `${imageId.replace(/[^A-Za-z0-9-]/g, '_')}-${width}.jpg`);
    const cached = await readFile(path).catch(() => null);
    if (cached && isWholeJpeg(cached)) {
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return { dataUrl: toDataUrl(cached), fromCache: true };
    }
    const fetched = await fetch();
    ensureDataFolder(this.dir);
    // Unique per call: the viewer may ask for the same image twice at once (two panes, a quick re-render).
    const unique = `${process.pid}.${randomUUID().slice(0, 8)}`;
    const download = `${path}.${unique}.download`;
    let jpeg: Buffer;
    try {
      await writeFile(download, fetched);
    } catch (error) {
      await rm(download, { force: true });
      const code = (error as NodeJS.ErrnoException).code ?? 'write failed';
      throw new CorelogError('internal', `The photo from Imago could not be kept on this computer (${code === 'ENOSPC' ? 'the disk is full' : code}).`, { retryable: true, cause: error });
    }
    try {
      // Re-encoded as JPEG so a large PNG never makes a bridge message of several megabytes. A
      // server that ignores `width` may send the full photo (a progressive one needs hundreds of MB
      // to decode): the images module decides where that decode may run, as for stored photos.
      jpeg = await renderStoredPreview(download, width);
    } catch (error) {
      // A reply that is not an image (a page from a proxy, a cut-off file) is a problem of the path, not the photo: nothing is cached.
      throw new CorelogError('malformed-response', `Imago sent something that is not a readable image (${fetched.length.toLocaleString('en-US')} bytes); try again later.`, {
        system: 'imago',
        cause: error,
      });
    } finally {
      await rm(download, { force: true });
    }
    const temp = `${path}.${unique}.tmp`;
    try {
      await writeFile(temp, jpeg);
      await rename(temp, path);
    } catch {
      // A full disk (or a damaged entry in the way): the photo is shown all the same, only not kept.
      await rm(temp, { force: true }).catch(() => undefined);
      return { dataUrl: toDataUrl(jpeg), fromCache: false };
    }
    await this.trim();
    return { dataUrl: toDataUrl(jpeg), fromCache: false };
  }

  /** Deletes the least recently used files until the cache fits its budget. */
  async trim(): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const all = (await Promise.all(names.map(async (name) => ({ path: join(this.dir, name), info: await stat(join(this.dir, name)).catch(() => null) })))).filter((f) => f.info?.isFile());
    // A temporary file an hour old belongs to a process that was killed mid-write.
    const stale = all.filter((f) => LEFTOVER.test(f.path) && Date.now() - f.info!.mtimeMs > HOUR_MS);
    for (const file of stale) await rm(file.path, { force: true });
    const files = all.filter((f) => !stale.includes(f)).sort((a, b) => a.info!.mtimeMs - b.info!.mtimeMs);
    let total = files.reduce((sum, f) => sum + f.info!.size, 0);
    let removed = 0;
    for (const file of files) {
      if (total <= this.budgetBytes) break;
      await rm(file.path, { force: true });
      total -= file.info!.size;
      removed++;
    }
    return removed;
  }
}

const LEFTOVER = /\.(download|tmp)$/;
const HOUR_MS = 60 * 60 * 1000;

/** Starts with a JPEG's start marker and ends with its end marker (what the cache writes, whole). */
function isWholeJpeg(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

export function toDataUrl(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
