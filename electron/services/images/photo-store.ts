/**
 * Content-addressed photo files: `<root>/ab/abcdef….jpg`, named by the SHA-256 of their bytes, so
 * the same photo is stored once and a name always means the same content. Files appear under their
 * final name only by rename from `<root>/.tmp/`, after an fsync, so a crash leaves at worst a temp
 * file (swept on open), never a half-written photo.
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CorelogError } from '../../../common/errors';
import { ensureDataFolder } from '../user-data-dir';
import type { FileDigest } from './byte-source';

const CHUNK_BYTES = 1024 * 1024;
/** How long a damaged copy of a photo Imago holds is kept before `sweepDamaged` deletes it. */
export const DAMAGED_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
import type { UploadMimeType } from './upload-rules';

export interface StoredPhoto {
  sha256: string;
  path: string;
  mimeType: UploadMimeType;
  bytes: number;
}

export interface PutResult extends StoredPhoto {
  /** False when identical content was already stored. */
  added: boolean;
}

const EXTENSIONS: Record<UploadMimeType, string> = { 'image/jpeg': '.jpg', 'image/png': '.png' };
const MIME_TYPES = new Map<string, UploadMimeType>(Object.entries(EXTENSIONS).map(([mime, ext]) => [ext, mime as UploadMimeType]));
const SHA256 = /^[0-9a-f]{64}$/;
const TEMP_DIR = '.tmp';
const HOUR_MS = 60 * 60 * 1000;
/** `<sha256><ext>.damaged-<epoch ms>`: a stored copy set aside because its bytes no longer match its name. */
const DAMAGED = /^([0-9a-f]{64})(\.[a-z]+)\.damaged(?:-(\d{1,15}))?$/;

export interface DamagedCopy {
  sha256: string;
  path: string;
  bytes: number;
  /** When it was set aside (epoch ms). */
  setAsideAt: number;
}

export class PhotoStore {
  private constructor(readonly root: string) {}

  /**
   * Opens (creating) a store, e.g. at `<dataDir>/photos`, deletes temp files older than an hour
   * and damaged copies whose photo has been taken in again (see `sweepDamaged`).
   */
  static async open(root: string): Promise<PhotoStore> {
    const store = new PhotoStore(root);
    ensureDataFolder(root);
    ensureDataFolder(store.tempDir);
    await store.removeStaleTemp(HOUR_MS);
    await store.sweepDamaged().catch(() => undefined);
    return store;
  }

  /**
   * Sets a stored copy aside whose bytes no longer match the SHA-256 it is named by (bit rot, a bad
   * sector, an edit in the store): never sent, and out of the way so that taking the photo in again
   * stores a sound copy under the name. The time it was set aside is in its name (a rename keeps
   * the file's own times).
   */
  async setAsideDamaged(stored: Pick<StoredPhoto, 'path'>, now = Date.now()): Promise<string> {
    const aside = `${stored.path}.damaged-${now}`;
    await rename(stored.path, aside);
    return aside;
  }

  /** Damaged copies set aside in this store (`setAsideDamaged`), oldest first. */
  async damagedCopies(): Promise<DamagedCopy[]> {
    const found: DamagedCopy[] = [];
    for (const shard of await readdir(this.root).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.root, shard)).catch(() => [] as string[])) {
        const match = DAMAGED.exec(name);
        if (!match || !MIME_TYPES.has(match[2]!)) continue;
        const path = join(this.root, shard, name);
        const info = await stat(path).catch(() => null);
        if (!info?.isFile()) continue;
        // A copy set aside before its name carried the time: its clock starts at the first look.
        const setAsideAt = match[3] !== undefined ? Number(match[3]) : Math.max(info.ctimeMs, info.mtimeMs);
        found.push({ sha256: match[1]!, path, bytes: info.size, setAsideAt });
      }
    }
    return found.sort((a, b) => a.setAsideAt - b.setAsideAt);
  }

  /**
   * The bounded life of damaged copies. One is deleted when a sound copy of the same bytes is
   * stored again (the photo was taken in again: the damaged one is of no more use), or when it is
   * older than `keepMs` AND `onImago` says Imago holds those bytes. Otherwise it is kept: it may be
   * the only copy left of a photo not yet on Imago, and most of a photo can often be recovered from
   * a copy with a few bad bytes. Answers what was deleted.
   */
  async sweepDamaged(options: { keepMs?: number; onImago?: (sha256: string) => boolean; now?: number } = {}): Promise<{ removed: number; freedBytes: number }> {
    const keepMs = options.keepMs ?? DAMAGED_KEEP_MS;
    const now = options.now ?? Date.now();
    let removed = 0;
    let freedBytes = 0;
    for (const copy of await this.damagedCopies()) {
      const replaced = await this.has(copy.sha256);
      const expired = now - copy.setAsideAt >= keepMs && options.onImago?.(copy.sha256) === true;
      if (!replaced && !expired) continue;
      await rm(copy.path, { force: true });
      removed += 1;
      freedBytes += copy.bytes;
    }
    return { removed, freedBytes };
  }

  /** Where content with this hash and type lives (whether or not it is stored yet). */
  pathFor(sha256: string, mimeType: UploadMimeType): string {
    if (!SHA256.test(sha256)) throw new Error(`not a lowercase SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256 + EXTENSIONS[mimeType]);
  }

  async find(sha256: string): Promise<StoredPhoto | null> {
    for (const mimeType of MIME_TYPES.values()) {
      const path = this.pathFor(sha256, mimeType);
      const bytes = await fileSize(path);
      if (bytes !== null) return { sha256, path, mimeType, bytes };
    }
    return null;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.find(sha256)) !== null;
  }

  /** Stores a copy of a file as is, hashing it while it is copied. */
  async putFile(sourcePath: string, mimeType: UploadMimeType): Promise<PutResult> {
    return this.commitWritten(EXTENSIONS[mimeType], async (tempPath) => {
      const hash = createHash('sha256');
      // One 1 MiB buffer for the whole copy: a stream's fresh buffer per chunk left ~10 MB of
      // garbage per photo, and collecting it cost the intake more CPU than hashing.
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const source = await open(sourcePath, 'r');
      try {
        const target = await open(tempPath, 'wx');
        try {
          for (;;) {
            const { bytesRead } = await source.read(chunk, 0, CHUNK_BYTES, null);
            if (bytesRead === 0) break;
            const piece = chunk.subarray(0, bytesRead);
            hash.update(piece);
            for (let written = 0; written < bytesRead; ) written += (await target.write(piece, written, bytesRead - written, null)).bytesWritten;
          }
          // Synced here, while the file is open, rather than reopened for it.
          await target.sync();
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
      return { mimeType, sha256: hash.digest('hex'), synced: true };
    });
  }

  /**
   * Stores a copy of a file as is, under the hash `content` resolves to, which whoever read the
   * file anyway has computed (the structure walk). The operating system makes the copy (no pass
   * through this process); it must be as long as what was hashed, or the file changed meanwhile
   * and nothing is stored.
   */
  async putCopy(sourcePath: string, mimeType: UploadMimeType, content: Promise<FileDigest>): Promise<PutResult> {
    return this.commitWritten(EXTENSIONS[mimeType], async (tempPath) => {
      await copyFile(sourcePath, tempPath, constants.COPYFILE_EXCL);
      await syncFile(tempPath);
      const digest = await content;
      if ((await fileSize(tempPath)) !== digest.bytes) {
        throw new CorelogError('rejected', 'the file changed while it was being taken in; take it in again once it is saved', { retryable: true });
      }
      return { mimeType, sha256: digest.sha256, synced: true };
    });
  }

  /** Stores bytes already in memory, hashing them on the way. */
  async putBytes(bytes: Buffer, mimeType: UploadMimeType): Promise<PutResult> {
    return this.putWritten(mimeType, async (tempPath) => {
      await writeFile(tempPath, bytes, { flag: 'wx' });
      return createHash('sha256').update(bytes).digest('hex');
    });
  }

  /**
   * Stores what `write` writes to the temp path it is given (e.g. sharp's `toFile`). `write` may
   * return the content's hash if it computed one on the way; otherwise the temp file is hashed.
   */
  async putWritten(mimeType: UploadMimeType, write: (tempPath: string) => Promise<string | void>): Promise<PutResult> {
    return this.commitWritten(EXTENSIONS[mimeType], async (tempPath) => ({ mimeType, sha256: (await write(tempPath)) ?? undefined }));
  }

  /** Like `putWritten`, for a writer that decides the type as it writes (the decode worker's conversion). */
  async putConverted(write: (tempPath: string) => Promise<UploadMimeType>): Promise<PutResult> {
    return this.commitWritten('.tmp', async (tempPath) => ({ mimeType: await write(tempPath) }));
  }

  private async commitWritten(
    extension: string,
    write: (tempPath: string) => Promise<{ mimeType: UploadMimeType; sha256?: string | undefined; synced?: boolean }>,
  ): Promise<PutResult> {
    const tempPath = join(this.tempDir, `${randomUUID()}${extension}`);
    try {
      const written = await write(tempPath);
      const { mimeType } = written;
      const sha256 = written.sha256 ?? (await hashFile(tempPath));
      if (written.synced !== true) await syncFile(tempPath);
      const bytes = (await fileSize(tempPath)) ?? 0;
      const path = this.pathFor(sha256, mimeType);
      const added = await commit(tempPath, path);
      // The photo taken in again: a damaged copy of it set aside earlier is of no more use.
      if (added) await this.removeDamagedOf(sha256).catch(() => undefined);
      return { sha256, path, mimeType, bytes, added };
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  /** Deletes a stored photo; false when it was not there. */
  async remove(sha256: string): Promise<boolean> {
    const found = await this.find(sha256);
    if (found === null) return false;
    await rm(found.path, { force: true });
    return true;
  }

  /** Every stored photo, in no particular order. */
  async *list(): AsyncGenerator<StoredPhoto & { modifiedMs: number }> {
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.root, shard))) {
        const sha256 = name.slice(0, 64);
        const mimeType = MIME_TYPES.get(name.slice(64));
        if (!SHA256.test(sha256) || mimeType === undefined || !sha256.startsWith(shard)) continue;
        const path = join(this.root, shard, name);
        const info = await stat(path).catch(() => null);
        if (info?.isFile()) yield { sha256, path, mimeType, bytes: info.size, modifiedMs: info.mtimeMs };
      }
    }
  }

  /**
   * Deletes stored photos nothing refers to any more. Files younger than `minAgeMs` (default an hour)
   * are kept: an intake may have stored one a moment before its record is written.
   */
  async sweep(
    isReferenced: (sha256: string) => boolean | Promise<boolean>,
    options: { minAgeMs?: number } = {},
  ): Promise<{ removed: StoredPhoto[]; freedBytes: number }> {
    const cutoff = Date.now() - (options.minAgeMs ?? HOUR_MS);
    const removed: StoredPhoto[] = [];
    for await (const { modifiedMs, ...photo } of this.list()) {
      if (modifiedMs > cutoff || (await isReferenced(photo.sha256))) continue;
      await rm(photo.path, { force: true });
      removed.push(photo);
    }
    return { removed, freedBytes: removed.reduce((sum, photo) => sum + photo.bytes, 0) };
  }

  /** Deletes temp files left by a crash; returns how many. */
  async removeStaleTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let count = 0;
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => null);
      if (info !== null && info.mtimeMs <= cutoff) {
        await rm(path, { force: true, recursive: true });
        count += 1;
      }
    }
    return count;
  }

  private async removeDamagedOf(sha256: string): Promise<void> {
    const shard = join(this.root, sha256.slice(0, 2));
    for (const name of await readdir(shard).catch(() => [] as string[])) {
      if (DAMAGED.exec(name)?.[1] === sha256) await rm(join(shard, name), { force: true });
    }
  }

  private get tempDir(): string {
    return join(this.root, TEMP_DIR);
  }
}

/** SHA-256 of a file, streamed so memory stays flat whatever its size. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Moves the temp file to its final name; false when identical content was already there. */
async function commit(tempPath: string, finalPath: string): Promise<boolean> {
  if ((await fileSize(finalPath)) !== null) return false;
  const shard = dirname(finalPath);
  const newShard = (await mkdir(shard, { recursive: true })) !== undefined;
  try {
    await rename(tempPath, finalPath);
    // The photo's name must be on disk before the intake is acknowledged: the file's bytes were
    // flushed, but after a power cut a rename not yet flushed with its folder is as if never made.
    await syncFolder(shard);
    if (newShard) await syncFolder(dirname(shard));
    return true;
  } catch (error) {
    // Windows refuses to rename over a file another job has just committed with the same content.
    if ((await fileSize(finalPath)) !== null) return false;
    throw error;
  }
}

/** Flushes a folder's entries (Windows cannot open a folder for this; NTFS journals them itself). */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // A file system that refuses to sync a folder (some network shares): the rename still happened.
  } finally {
    await handle.close();
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

