/**
 * The one way Corelog reads and writes its settings and credential files.
 *
 * A write goes to a temporary file with a name no other process can pick (pid + random), is
 * flushed to disk, then renamed over the real file, and the folder itself is flushed: after a crash
 * or power cut the file is the old document or the new one, never empty or half-written; and two
 * Corelog processes on one data folder (a second copy in browser mode, the app and a test, a soak
 * restart) never write into each other's temporary file. The last rename wins: an atomic write
 * cannot merge two processes' changes, it only guarantees that what is read is one whole document
 * (stores that must keep both read the file again just before they change it).
 *
 * A read that finds something other than a document of the file's kind — bytes that are not JSON,
 * an empty or zero-filled file, JSON of the wrong shape, a folder, a file far too large or one this
 * account may not read — sets it aside as `<file>.corrupt-<time>` (renamed, never deleted or
 * copied) and says so, so the caller starts from its defaults and its next write cannot overwrite
 * what a person may still want to recover.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CorelogError } from '../../../common/errors';

/** Settings files are a few kilobytes: anything this large is not one of ours. */
export const DEFAULT_MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface ReadJsonOptions {
  /** Whether the parsed value is a document of this file's kind; one that is not is set aside too. */
  accept?: (value: unknown) => boolean;
  /** A larger file is set aside unread (default 16 MB). */
  maxBytes?: number;
}

export interface JsonFileRead {
  /** The parsed document; undefined when there is none (missing, or set aside). */
  value: unknown;
  /** What was wrong with the file, in plain words; null when it was fine or simply missing. */
  problem: string | null;
  /** Where the unusable file now is; null when nothing was moved. */
  setAsideAs: string | null;
}

type Sighting = { kind: 'missing' } | { kind: 'document'; value: unknown } | { kind: 'unusable'; why: string; identity: string | null };

/** Reads the document, setting aside a file that holds none (see the top of this file). */
export function readJsonFileChecked(file: string, options: ReadJsonOptions = {}): JsonFileRead {
  // Twice at most: when the file changed between reading it and moving it (another process wrote
  // a whole new document meanwhile), that new document is read instead of being set aside.
  for (let attempt = 0; ; attempt++) {
    const seen = lookAt(file, options);
    if (seen.kind === 'missing') return { value: undefined, problem: null, setAsideAs: null };
    if (seen.kind === 'document') return { value: seen.value, problem: null, setAsideAs: null };
    const moved = setAside(file, seen.identity);
    if (moved === 'changed' && attempt === 0) continue;
    const name = basename(file);
    const problem =
      moved === 'changed' || moved === null
        ? `${name} ${seen.why}; it could not be set aside, so Corelog uses its defaults and will write a new ${name} over it`
        : `${name} ${seen.why}; it was set aside as ${basename(moved)} and Corelog started from its defaults`;
    const read: JsonFileRead = { value: undefined, problem, setAsideAs: moved === 'changed' ? null : moved };
    announceSetAside(problem);
    return read;
  }
}

/** The parsed file, or undefined when it is missing or unusable (set aside; callers fall back to defaults). */
export function readJsonFile(file: string, options: ReadJsonOptions = {}): unknown {
  return readJsonFileChecked(file, options).value;
}

/** Reads without ever moving anything (for a report about the folder, e.g. diagnostics): undefined when unusable. */
export function peekJsonFile(file: string, options: ReadJsonOptions = {}): unknown {
  const seen = lookAt(file, options);
  return seen.kind === 'document' ? seen.value : undefined;
}

function lookAt(file: string, { accept, maxBytes = DEFAULT_MAX_JSON_BYTES }: ReadJsonOptions): Sighting {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'unusable', why: 'is a folder, not a file', identity: identityOf(file) };
    return { kind: 'unusable', why: `cannot be read (${code ?? (error as Error).message})`, identity: identityOf(file) };
  }
  try {
    const info = fstatSync(fd);
    const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    if (info.isDirectory()) return { kind: 'unusable', why: 'is a folder, not a file', identity };
    if (info.size > maxBytes) return { kind: 'unusable', why: `is far too large to be Corelog's (${(info.size / 1024 / 1024).toFixed(0)} MB)`, identity };
    let text: string;
    try {
      text = readFileSync(fd, 'utf8');
    } catch (error) {
      return { kind: 'unusable', why: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, identity };
    }
    if (text.trim() === '') return { kind: 'unusable', why: 'is empty', identity };
    if (/^\0+$/.test(text)) return { kind: 'unusable', why: 'holds only zero bytes (damaged on disk)', identity };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'unusable', why: 'is damaged (not readable JSON)', identity };
    }
    if (accept && !accept(value)) return { kind: 'unusable', why: 'does not hold what Corelog keeps there', identity };
    return { kind: 'document', value };
  } finally {
    closeSync(fd);
  }
}

function identityOf(file: string): string | null {
  try {
    const info = lstatSync(file);
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}

/** Renames the unusable file beside itself; 'changed' when it is no longer the one looked at, null when it cannot be moved. */
function setAside(file: string, identity: string | null): string | 'changed' | null {
  if (identity !== null && identityOf(file) !== identity) return 'changed';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}-${randomBytes(3).toString('hex')}`;
  try {
    renameSync(file, aside);
    syncFolder(dirname(file));
    return aside;
  } catch {
    return null; // a read-only folder: nothing can be written there either, so nothing is lost
  }
}

// ---- who is told -------------------------------------------------------------------------------

/** Files set aside before anyone listened (the stores open before the log is wired): kept for the first listener. */
const earlyNotices: string[] = [];
const EARLY_NOTICES_KEPT = 50;
const listeners = new Set<(notice: string) => void>();

/** Tells whoever listens (the log) that something in the data folder was set aside, in plain words. */
export function announceSetAside(notice: string): void {
  if (listeners.size === 0) {
    earlyNotices.push(notice);
    earlyNotices.splice(0, earlyNotices.length - EARLY_NOTICES_KEPT);
  }
  for (const listener of [...listeners]) listener(notice);
}

/**
 * Calls `listener` for every file set aside from now on, and at once for those set aside before
 * anyone listened. Returns the unsubscribe function.
 */
export function onJsonFileSetAside(listener: (notice: string) => void): () => void {
  listeners.add(listener);
  for (const notice of earlyNotices.splice(0)) listener(notice);
  return () => listeners.delete(listener);
}

export interface AtomicWriteOptions {
  /** Permissions of a newly written file, e.g. 0o600 for credentials (umask still applies). */
  mode?: number;
}

export interface JsonWriteOptions extends AtomicWriteOptions {
  /** Passed to JSON.stringify, e.g. to leave out fields that belong to this run only. */
  replacer?: (key: string, value: unknown) => unknown;
}

/** Writes `value` as indented JSON, atomically (see the top of this file). */
export function writeJsonFile(file: string, value: unknown, options: JsonWriteOptions = {}): void {
  writeFileAtomic(file, `${JSON.stringify(value, options.replacer, 2)}\n`, options);
}

/** A temporary file left by a writer that crashed mid-write is swept once it is this old. */
const STALE_TEMP_MS = 10 * 60 * 1000;
const TEMP_SUFFIX = '.tmp';

/** The temporary name for one write: beside the file (rename stays on one file system), unique per process and write. */
function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
}

/** Writes `text` to `file` through a flushed, uniquely named temporary file and a rename; a failure says why in plain words. */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
  try {
    writeThroughTemp(file, text, options);
  } catch (error) {
    throw writeProblem(file, error);
  }
  syncFolder(dirname(file));
  sweepStaleTemps(file);
}

/** A failed save as a message a person can act on (the disk is full, the folder is read-only, …). */
function writeProblem(file: string, error: unknown): CorelogError {
  const code = (error as NodeJS.ErrnoException).code;
  const name = basename(file);
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `it may not write in ${dirname(file)} (read-only or no permission)`
        : code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST'
          ? `a folder is in the way of the file`
          : `${code ?? (error as Error).message}`;
  return new CorelogError('unavailable', `Corelog could not save ${name}: ${why}. Nothing was changed.`, { retryable: false, cause: error });
}

function writeThroughTemp(file: string, text: string, options: AtomicWriteOptions): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = tempNameFor(file);
  // 'wx': never open a file that already exists, so this write can only ever touch its own temp file.
  const fd = openSync(tmp, 'wx', options.mode ?? 0o666);
  try {
    try {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      // The data must be on disk before the rename makes it the file: otherwise a power cut can
      // leave the new name pointing at an empty file (ext4 and others reorder metadata and data).
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Flushes the folder so the rename itself survives a power cut; Windows cannot open a folder for this. */
export function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems (network shares, a few FUSE mounts) refuse to sync a folder: the rename is
    // still atomic there, only its durability across a power cut is up to the file system.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes this file's temporary files left by writers that crashed (old enough that no write is still using them). */
function sweepStaleTemps(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
      const path = join(dir, name);
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_TEMP_MS) rmSync(path, { force: true });
      } catch {
        // Gone already (another process swept it).
      }
    }
  } catch {
    // Best effort: a leftover temporary file is litter, not damage.
  }
}
