/**
 * Files the user handed to Corelog (picked, dropped, or found in the watch folder), known to main
 * by an opaque reference. The renderer never holds the bytes and never names a path main will
 * read: in the desktop app the preload turns a real `File` into its path (page script cannot
 * forge one), and in browser mode the page streams the file to the local server, which keeps a
 * copy under `staging/`. Either way the renderer only gets a reference back.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorelogError } from '../../../common/errors';

export interface StagedFile {
  ref: string;
  name: string;
  bytes: number;
  path: string;
  /** A copy Corelog made (browser mode) and must delete when done; otherwise the user's own file. */
  ownCopy: boolean;
}

/** Largest single file accepted (a 65,500 px square 16-bit TIFF is ~25 GB; real tray photos are < 200 MB). */
export const MAX_STAGED_FILE_BYTES = 4 * 1024 ** 3;
const STALE_COPY_MS = 7 * 24 * 3600_000;

export class StagedFiles {
  private readonly files = new Map<string, StagedFile>();
  private readonly stagingDir: string;

  constructor(dataDir: string) {
    this.stagingDir = join(dataDir, 'staging');
  }

  /** Registers files already on disk (desktop app, watch folder). Each must be a regular, readable file. */
  async registerPaths(entries: { path: string; name?: string }[]): Promise<StagedFile[]> {
    const staged: StagedFile[] = [];
    for (const entry of entries) {
      const info = await stat(entry.path).catch(() => null);
      if (!info?.isFile()) throw new CorelogError('validation', `“${entry.name ?? basename(entry.path)}” is not a file Corelog can read.`);
      staged.push(this.add({ path: entry.path, name: entry.name ?? basename(entry.path), bytes: info.size, ownCopy: false }));
    }
    return staged;
  }

  /** Saves a streamed upload from the browser-mode page into staging/. */
  async saveStream(body: Readable, name: string, declaredBytes: number | null): Promise<StagedFile> {
    if (declaredBytes !== null && declaredBytes > MAX_STAGED_FILE_BYTES) throw new CorelogError('rejected', `“${name}” is larger than Corelog accepts (4 GB).`);
    await mkdir(this.stagingDir, { recursive: true });
    const path = join(this.stagingDir, randomUUID());
    let bytes = 0;
    const sizeGuard = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > MAX_STAGED_FILE_BYTES) done(new CorelogError('rejected', `“${name}” is larger than Corelog accepts (4 GB).`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, sizeGuard, createWriteStream(path, { flags: 'wx' }));
    } catch (error) {
      await rm(path, { force: true });
      throw error instanceof CorelogError ? error : new CorelogError('cancelled', `“${name}” did not arrive completely; add it again.`, { cause: error });
    }
    return this.add({ path, name, bytes, ownCopy: true });
  }

  get(ref: string): StagedFile {
    const file = this.files.get(ref);
    if (!file) throw new CorelogError('not-found', 'That file is no longer available to Corelog; add it again.');
    return file;
  }

  /** Forgets a reference, deleting Corelog's own copy. */
  async release(ref: string): Promise<void> {
    const file = this.files.get(ref);
    this.files.delete(ref);
    if (file?.ownCopy) await rm(file.path, { force: true });
  }

  /** Deletes copies left behind by a crash (older than a week, so a running intake is never hit). */
  async sweepStaleCopies(now = Date.now()): Promise<number> {
    const names = await readdir(this.stagingDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(this.stagingDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_COPY_MS) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private add(file: Omit<StagedFile, 'ref'>): StagedFile {
    const staged = { ...file, ref: randomUUID() };
    this.files.set(staged.ref, staged);
    return staged;
  }
}
