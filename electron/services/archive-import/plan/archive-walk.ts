/**
 * Walks an archive folder, subfolders included, in a stable order: depth first, each folder's
 * entries sorted by name in code-unit order (the same on every computer and locale, so a job's
 * row numbers mean the same after a restart). Streaming: only the entry lists of the folders on
 * the current path are in memory, never the whole tree.
 *
 * Every entry the folder holds is accounted for: a file, a folder walked into, or an entry left
 * out with the reason (`skipped`), so the dry run shows it instead of dropping it unseen.
 */
import type { Dirent } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

export interface ArchiveFile {
  /** Relative to the archive folder, `/`-separated. */
  relativePath: string;
  absolutePath: string;
  /**
   * Set when this is a subfolder that cannot be listed (permissions, a share gone away): it is
   * reported as one row instead of failing the whole scan; its files stay unknown.
   */
  unreadableFolder?: string;
  /** Set when this entry is not read at all, with why (a link leading outside, a broken name…). */
  skipped?: string;
}

/** Files every archive on a shared drive collects and nobody means as photos. */
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini', 'ehthumbs.db']);

/** Hidden (dot) files and folders and operating-system clutter are not part of the archive. */
export function isArchiveClutter(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase());
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function sortedEntries(dir: string): Promise<Dirent[]> {
  const entries: Dirent[] = [];
  // opendir reads the folder in batches; only names are kept, not stats.
  for await (const entry of await opendir(dir, { bufferSize: 256 })) entries.push(entry);
  return entries.sort((a, b) => byName(a.name, b.name));
}

export const SKIP_REASONS = {
  badName: 'Its name is not valid text (UTF-8) on this computer, so it cannot be opened by that name: rename it, then run a new dry run.',
  linkToFolder: 'A link to a folder: not followed (links can lead in circles or out of the archive). Copy the folder in, or import it as an archive of its own.',
  linkOutside: (target: string) => `A link to ${target}, outside the archive folder: not imported (only files inside the archive folder are).`,
  linkBroken: (code: string) => `A link that leads to no file (${code === 'ELOOP' ? 'a loop of links' : code === 'ENOENT' ? 'its target is gone' : code}): nothing to import.`,
  notAFile: 'Not a file (a pipe, socket or device): nothing to import.',
} as const;

/**
 * Whether the entry's name, as Node decoded it, names the entry on disk. A name that is not valid
 * UTF-8 comes back with U+FFFD in place of its bad bytes, and that spelling names nothing (or
 * another file): such a name is reported, never opened.
 */
async function nameReachable(path: string, name: string): Promise<boolean> {
  if (!name.includes('\uFFFD')) return true;
  return (await lstat(path).catch(() => null)) !== null;
}

/** Whether the real path `real` lies inside the real folder `root`. */
const inside = (real: string, root: string) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Yields the archive's files. `skip` (absolute paths) leaves files out, e.g. the manifest when it
 * lies inside the folder. Symbolic links to files inside the archive folder are followed; links
 * to folders are not (a loop on a shared drive would never end), nor links leading outside the
 * archive folder (a link must not bring in a file the user never put in the archive): both are
 * yielded as `skipped`, with broken links and names that cannot be opened.
 */
export async function* walkArchive(folder: string, options: { skip?: ReadonlySet<string>; signal?: AbortSignal | undefined } = {}): AsyncGenerator<ArchiveFile> {
  const realFolder = await realpath(folder);
  const stack: { dir: string; prefix: string; entries: Dirent[]; next: number }[] = [{ dir: folder, prefix: '', entries: await sortedEntries(folder), next: 0 }];
  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const top = stack[stack.length - 1]!;
    if (top.next >= top.entries.length) {
      stack.pop();
      continue;
    }
    const entry = top.entries[top.next++]!;
    if (isArchiveClutter(entry.name)) continue;
    const absolutePath = join(top.dir, entry.name);
    const relativePath = top.prefix + entry.name;
    if (options.skip?.has(absolutePath)) continue;
    if (!(await nameReachable(absolutePath, entry.name))) {
      yield { relativePath: entry.isDirectory() ? `${relativePath}/` : relativePath, absolutePath, skipped: SKIP_REASONS.badName };
      continue;
    }
    if (entry.isDirectory()) {
      let entries: Dirent[];
      try {
        entries = await sortedEntries(absolutePath);
      } catch (error) {
        yield { relativePath: `${relativePath}/`, absolutePath, unreadableFolder: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
        continue;
      }
      stack.push({ dir: absolutePath, prefix: `${relativePath}/`, entries, next: 0 });
    } else if (entry.isSymbolicLink()) {
      const skipped = await linkProblem(absolutePath, realFolder);
      yield skipped === null ? { relativePath, absolutePath } : { relativePath, absolutePath, skipped };
    } else if (entry.isFile()) {
      yield { relativePath, absolutePath };
    } else {
      yield { relativePath, absolutePath, skipped: SKIP_REASONS.notAFile };
    }
  }
}

/** Why a symbolic link is not followed, or null when it leads to a file inside the archive. */
async function linkProblem(path: string, realFolder: string): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    return SKIP_REASONS.linkBroken((error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  const info = await stat(real).catch(() => null);
  if (info?.isDirectory()) return SKIP_REASONS.linkToFolder;
  if (!inside(real, realFolder)) return SKIP_REASONS.linkOutside(real);
  if (!info?.isFile()) return SKIP_REASONS.notAFile;
  return null;
}
