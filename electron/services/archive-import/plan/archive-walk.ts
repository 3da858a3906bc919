/**
 * Walks an archive folder, subfolders included, in a stable order: depth first, each folder's
 * entries sorted by name in code-unit order (the same on every computer and locale, so a job's
 * row numbers mean the same after a restart). Streaming: only the entry lists of the folders on
 * the current path are in memory, never the whole tree.
 */
import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ArchiveFile {
  /** Relative to the archive folder, `/`-separated. */
  relativePath: string;
  absolutePath: string;
  /**
   * Set when this is a subfolder that cannot be listed (permissions, a share gone away): it is
   * reported as one row instead of failing the whole scan; its files stay unknown.
   */
  unreadableFolder?: string;
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

/**
 * Yields the archive's files. `skip` (absolute paths) leaves files out, e.g. the manifest when it
 * lies inside the folder. Symbolic links to files are followed; links to folders are not (a loop
 * on a shared drive would never end).
 */
export async function* walkArchive(folder: string, options: { skip?: ReadonlySet<string>; signal?: AbortSignal | undefined } = {}): AsyncGenerator<ArchiveFile> {
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
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) isFile = (await stat(absolutePath).catch(() => null))?.isFile() ?? false;
    if (entry.isDirectory()) {
      let entries: Dirent[];
      try {
        entries = await sortedEntries(absolutePath);
      } catch (error) {
        yield { relativePath: `${relativePath}/`, absolutePath, unreadableFolder: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
        continue;
      }
      stack.push({ dir: absolutePath, prefix: `${relativePath}/`, entries, next: 0 });
    } else if (isFile && !options.skip?.has(absolutePath)) {
      yield { relativePath, absolutePath };
    }
  }
}
