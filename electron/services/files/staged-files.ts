/**
 * Files the user handed to Corelog (picked, dropped, or found in the watch folder), known to main
 * by an opaque reference. The renderer never holds the bytes and never names a path main will
 * read: in the desktop app the preload turns a real `File` into its path (page script cannot
 * forge one), and in browser mode the page streams the file to the local server, which keeps a
 * copy under `staging/`. Either way the renderer only gets a reference back.
 *
 * Each file is handed over on its own: one that vanished, cannot be read or is too large fails
 * with its own reason and never takes the rest of a pick with it, and a copy that did not arrive
 * completely is deleted at once.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_STAGED_FILE_BYTES, type StagedFileOutcome } from '../../../common/bridge/contract';
import { CorelogError, toBridgeError } from '../../../common/errors';
import { ensureDataFolder } from '../user-data-dir';

export { MAX_STAGED_FILE_BYTES };

export interface StagedFile {
  ref: string;
  name: string;
  bytes: number;
  path: string;
  /** A copy Corelog made (browser mode) and must delete when done; otherwise the user's own file. */
  ownCopy: boolean;
}

export interface StagePathEntry {
  path: string;
  name?: string;
}

const STALE_COPY_MS = 7 * 24 * 3600_000;
/**
 * How long nothing may be handed over or taken in before the copies still waiting are taken to
 * belong to a page that died mid-pick. Long enough for the slowest real intake between two files
 * (a 24 MP photo takes seconds), short enough that a killed window does not leave gigabytes of
 * copies for a week.
 */
export const FORGOTTEN_COPY_IDLE_MS = 3600_000;
const TOO_LARGE = (name: string) => new CorelogError('rejected', `“${name}” is larger than Corelog accepts (4 GB).`, { retryable: false });

export class StagedFiles {
  private readonly files = new Map<string, StagedFile>();
  private readonly stagingDir: string;
  /**
   * Whose copies are whose: each is named `<pid>-<start ms>.<uuid>`, since two service processes
   * may share one data folder (browser mode beside the app) and only the one that wrote a copy
   * holds its reference.
   */
  private readonly owner = `${process.pid}-${Date.now()}`;
  /** When a file was last handed over or asked for: a page at work does one or the other every few seconds. */
  private lastUse = Date.now();

  constructor(dataDir: string) {
    this.stagingDir = join(dataDir, 'staging');
  }

  /** Where browser mode keeps its copies (tests check that nothing is left there). */
  get stagingFolder(): string {
    return this.stagingDir;
  }

  /**
   * Registers one file already on disk (desktop app, watch folder). Throws a `CorelogError` that
   * says what is wrong with this file: gone, a folder, not readable, too large.
   */
  async registerPath(entry: StagePathEntry): Promise<StagedFile> {
    const name = entry.name || basename(entry.path) || 'file';
    if (!isAbsolute(entry.path)) throw new CorelogError('validation', `“${name}” is not a file on this computer.`, { retryable: false });
    const info = await stat(entry.path).catch((error: NodeJS.ErrnoException) => {
      throw fileProblem(name, error);
    });
    if (info.isDirectory()) throw new CorelogError('validation', `“${name}” is a folder, not a file. Choose the photos inside it instead.`, { retryable: false });
    if (!info.isFile()) throw new CorelogError('validation', `“${name}” is not a regular file Corelog can read.`, { retryable: false });
    if (info.size > MAX_STAGED_FILE_BYTES) throw TOO_LARGE(name);
    // Proves we may read it now, so an unreadable file is refused here, next to the others, not later in intake.
    try {
      await (await open(entry.path, 'r')).close();
    } catch (error) {
      throw fileProblem(name, error as NodeJS.ErrnoException);
    }
    return this.add({ path: entry.path, name, bytes: info.size, ownCopy: false });
  }

  /** Registers each file on its own: one outcome per entry, in order (one at a time, so a 2,000-file pick never runs out of file handles). */
  async registerEach(entries: readonly StagePathEntry[]): Promise<StagedFileOutcome[]> {
    const outcomes: StagedFileOutcome[] = [];
    for (const entry of entries) {
      try {
        const { ref, name, bytes } = await this.registerPath(entry);
        outcomes.push({ ok: true, ref, name, bytes });
      } catch (error) {
        outcomes.push({ ok: false, name: entry.name || basename(entry.path) || 'file', error: toBridgeError(error) });
      }
    }
    return outcomes;
  }

  /** Registers files that belong together, all or none (the watch folder's single finds): nothing stays registered after a failure. */
  async registerPaths(entries: readonly StagePathEntry[]): Promise<StagedFile[]> {
    const staged: StagedFile[] = [];
    try {
      for (const entry of entries) staged.push(await this.registerPath(entry));
    } catch (error) {
      for (const file of staged) await this.release(file.ref);
      throw error;
    }
    return staged;
  }

  /** Saves a streamed upload from the browser-mode page into staging/; a copy that did not arrive whole is deleted at once. */
  async saveStream(body: Readable, name: string, declaredBytes: number | null): Promise<StagedFile> {
    if (declaredBytes !== null && Number.isFinite(declaredBytes) && declaredBytes > MAX_STAGED_FILE_BYTES) throw TOO_LARGE(name);
    ensureDataFolder(this.stagingDir);
    const path = join(this.stagingDir, `${this.owner}.${randomUUID()}`);
    let bytes = 0;
    const sizeGuard = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > MAX_STAGED_FILE_BYTES) done(TOO_LARGE(name));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, sizeGuard, createWriteStream(path, { flags: 'wx' }));
    } catch (error) {
      await rm(path, { force: true });
      if (error instanceof CorelogError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new CorelogError('unavailable', `There is no room left on this computer’s disk for “${name}”.`, { retryable: false, cause: error });
      }
      throw new CorelogError('cancelled', `“${name}” did not arrive completely; add it again.`, { retryable: false, cause: error });
    }
    // A body shorter than it said it would be is a cut-off transfer, not a smaller file.
    if (declaredBytes !== null && Number.isFinite(declaredBytes) && bytes !== declaredBytes) {
      await rm(path, { force: true });
      throw new CorelogError('cancelled', `“${name}” did not arrive completely; add it again.`, { retryable: false });
    }
    return this.add({ path, name, bytes, ownCopy: true });
  }

  get(ref: string): StagedFile {
    this.lastUse = Date.now();
    const file = this.files.get(ref);
    if (!file) throw new CorelogError('not-found', 'That file is no longer available to Corelog; add it again.');
    return file;
  }

  /** Forgets a reference, deleting Corelog's own copy. Unknown references are ignored. */
  async release(ref: string): Promise<void> {
    const file = this.files.get(ref);
    this.files.delete(ref);
    if (file?.ownCopy) await rm(file.path, { force: true });
  }

  /**
   * Deletes copies left behind by a crash. References live only in the process that wrote a copy,
   * so one whose process is gone (a service killed mid-pick) can never be taken in or released: it
   * goes now. Any other copy nobody released (a page that died mid-pick) goes after a week, so a
   * running intake, here or in another process on this folder, is never hit.
   */
  async sweepStaleCopies(now = Date.now()): Promise<number> {
    const names = await readdir(this.stagingDir).catch(() => [] as string[]);
    const held = new Set([...this.files.values()].map((file) => file.path));
    let removed = 0;
    for (const name of names) {
      const path = join(this.stagingDir, name);
      if (held.has(path)) continue;
      const info = await stat(path).catch(() => null);
      if (info && (this.ownerGone(name) || now - info.mtimeMs > STALE_COPY_MS)) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Whether the process that wrote this copy has ended (false when the name does not say). */
  private ownerGone(name: string): boolean {
    const match = /^(\d+)-(\d+)\./.exec(name);
    if (!match || `${match[1]}-${match[2]}` === this.owner) return false;
    const pid = Number(match[1]);
    // Our own pid with another start time: an earlier process that had the same pid.
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      // EPERM: it runs, under another account.
      return (error as NodeJS.ErrnoException).code !== 'EPERM';
    }
  }

  /**
   * Deletes the copies handed over but never taken in, once nothing has been handed over or taken
   * in for `idleMs`: the page that held their references died mid-pick (a window killed while the
   * service ran on), and no other page can name them. Users' own files (the desktop app, the watch
   * folder's finds, which stay offered) are never touched. Answers how many copies went.
   */
  async releaseForgottenCopies(idleMs = FORGOTTEN_COPY_IDLE_MS, now = Date.now()): Promise<number> {
    if (now - this.lastUse < idleMs) return 0;
    const forgotten = [...this.files.values()].filter((file) => file.ownCopy);
    for (const file of forgotten) await this.release(file.ref);
    return forgotten.length;
  }

  private add(file: Omit<StagedFile, 'ref'>): StagedFile {
    this.lastUse = Date.now();
    const staged = { ...file, ref: randomUUID() };
    this.files.set(staged.ref, staged);
    return staged;
  }
}

/** Why a file on disk cannot be handed over, in plain words. */
function fileProblem(name: string, error: NodeJS.ErrnoException): CorelogError {
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CorelogError('not-found', `“${name}” is no longer there: it was moved or deleted after it was chosen.`, { retryable: false, cause: error });
    case 'EACCES':
    case 'EPERM':
      return new CorelogError('forbidden', `Corelog is not allowed to read “${name}” (check the file’s permissions).`, { retryable: false, cause: error });
    case 'EISDIR':
      return new CorelogError('validation', `“${name}” is a folder, not a file. Choose the photos inside it instead.`, { retryable: false, cause: error });
    default:
      return new CorelogError('validation', `Corelog could not read “${name}”${error.code ? ` (${error.code})` : ''}.`, { retryable: false, cause: error });
  }
}
