/**
 * Where Corelog's data lives on this computer and how much space each part takes: the photo
 * store (originals waiting for or kept after upload), the cache of photos fetched from Imago,
 * the logs, files handed over and not yet taken in (staging), the sample systems' own folder
 * (shown only once the sample profile has been used) and everything else (settings, credentials,
 * the originals ledger). The browser's own database is measured by the renderer.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat, statfs } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { DataUsagePart } from '../../../common/bridge/settings-contract';

type PartId = DataUsagePart['id'];

/** The data folder's parts, by folder name. */
export const DATA_PARTS: readonly { id: Exclude<PartId, 'other'>; folder: string; label: string }[] = [
  { id: 'photos', folder: 'photos', label: 'Photo originals (queued and kept after upload)' },
  { id: 'image-cache', folder: 'image-cache', label: 'Photos fetched from Imago (cache)' },
  { id: 'logs', folder: 'logs', label: 'Logs' },
  { id: 'staging', folder: 'staging', label: 'Files handed over, not yet taken in' },
  // Only in the real profile's folder: the sample systems keep everything of theirs under it, apart.
  { id: 'sample-systems', folder: 'sample-systems', label: 'Sample systems (their own data, kept apart)' },
];

/** Files looked at per folder at most, so a huge or looping tree cannot stall the answer. */
const MAX_ENTRIES = 2_000_000;

export interface FolderSize {
  bytes: number;
  files: number;
}

/** Bytes and files under `dir` (not following symbolic links); a missing folder is empty. */
export async function folderSize(dir: string): Promise<FolderSize> {
  const size: FolderSize = { bytes: 0, files: 0 };
  const pending = [dir];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const current = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen += 1;
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const info = await stat(path).catch(() => null);
        if (info) {
          size.bytes += info.size;
          size.files += 1;
        }
      }
    }
  }
  return size;
}

export interface DataFolderUsage {
  parts: DataUsagePart[];
  totalBytes: number;
  freeBytes: number | null;
}

/**
 * Each part's size, "other" for the rest of the folder, and the disk's free space. `folders`
 * moves a part elsewhere (the log is the app's, kept at the top of the data folder while a
 * profile's data sits in a folder of its own).
 */
export async function dataFolderUsage(dataDir: string, folders: Partial<Record<DataUsagePart['id'], string>> = {}): Promise<DataFolderUsage> {
  const paths = DATA_PARTS.map((part) => folders[part.id] ?? join(dataDir, part.folder));
  const [total, ...sizes] = await Promise.all([folderSize(dataDir), ...paths.map((path) => folderSize(path))]);
  const all: DataUsagePart[] = DATA_PARTS.map((part, index) => ({ id: part.id, label: part.label, path: paths[index]!, ...sizes[index]! }));
  const parts = all.filter((part) => part.id !== 'sample-systems' || part.files > 0);
  const within = parts.filter((part) => isInside(part.path, dataDir));
  parts.push({
    id: 'other',
    label: 'Settings, credentials and records',
    path: dataDir,
    bytes: Math.max(0, total.bytes - within.reduce((sum, part) => sum + part.bytes, 0)),
    files: Math.max(0, total.files - within.reduce((sum, part) => sum + part.files, 0)),
  });
  const outside = parts.filter((part) => part.id !== 'other' && !isInside(part.path, dataDir));
  return { parts, totalBytes: total.bytes + outside.reduce((sum, part) => sum + part.bytes, 0), freeBytes: await freeSpace(dataDir) };
}

function isInside(path: string, dir: string): boolean {
  const relation = relative(dir, path);
  return relation !== '' && !relation.startsWith('..') && !isAbsolute(relation);
}

async function freeSpace(dir: string): Promise<number | null> {
  try {
    const info = await statfs(dir);
    return info.bavail * info.bsize;
  } catch {
    return null;
  }
}
