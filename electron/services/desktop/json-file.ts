/**
 * The one way Corelog writes its settings and credential files. A write goes to a temporary file
 * with a name no other process can pick (pid + random), is flushed to disk, then renamed over the
 * real file, and the folder itself is flushed: after a crash or power cut the file is the old
 * document or the new one, never empty or half-written; and two Corelog processes on one data
 * folder (a second copy in browser mode, the app and a test, a soak restart) never write into
 * each other's temporary file. The last rename wins: an atomic write cannot merge two processes'
 * changes, it only guarantees that what is read is one whole document.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The parsed file, or undefined when it is missing or damaged (callers fall back to defaults). */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
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

/** Writes `text` to `file` through a flushed, uniquely named temporary file and a rename. */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
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
  syncFolder(dir);
  sweepStaleTemps(file);
}

/** Flushes the folder so the rename itself survives a power cut; Windows cannot open a folder for this. */
function syncFolder(dir: string): void {
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
