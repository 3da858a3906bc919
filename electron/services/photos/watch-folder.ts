/**
 * The watch folder of a tethered camera: every finished image file that appears in the chosen
 * folder is handed over by reference (like a picked file) and offered to the renderer for review.
 * chokidar's `awaitWriteFinish` waits until the size stops changing, so a photo the camera is
 * still writing is never taken in half-written. The folder, the filename pattern and which files
 * were already dealt with are kept in `<dataDir>/watch-folder.json`, so a restart offers again
 * only what nobody has reviewed yet.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { WatchedFile, WatchFolderStatus } from '../../../common/bridge/photo-contract';
import { CorelogError } from '../../../common/errors';
import { DEFAULT_FILENAME_PATTERN } from '../../../common/photos/filename-pattern';
import { readJsonFile, writeJsonFile } from '../desktop/json-file';
import type { StagedFiles } from '../files/staged-files';

/** Camera software also writes sidecars (.xmp), raw files and temp files; only images are offered. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.heic', '.heif', '.avif']);
const MAX_REMEMBERED = 20_000;

interface WatchSettings {
  folder: string | null;
  pattern: string;
  /** `name|size|mtime` of files taken in or discarded. */
  done: string[];
}

export interface WatchFolderOptions {
  settingsFile: string;
  stagedFiles: StagedFiles;
  onFile: (file: WatchedFile) => void;
  onStatus: (status: WatchFolderStatus) => void;
  /** How long a file's size must stay unchanged before it counts as written (default 1 s). */
  stabilityMs?: number;
  /** Poll instead of native events (network shares); default false. */
  usePolling?: boolean;
}

export class WatchFolder {
  private settings: WatchSettings;
  private watcher: FSWatcher | null = null;
  private error: string | null = null;
  private readonly pending = new Map<string, WatchedFile & { key: string }>();
  private readonly pendingKeys = new Set<string>();
  private readonly done: Set<string>;

  constructor(private readonly options: WatchFolderOptions) {
    const saved = readJsonFile(options.settingsFile) as Partial<WatchSettings> | undefined;
    this.settings = {
      folder: typeof saved?.folder === 'string' ? saved.folder : null,
      pattern: typeof saved?.pattern === 'string' ? saved.pattern : DEFAULT_FILENAME_PATTERN,
      done: Array.isArray(saved?.done) ? saved.done.filter((k): k is string => typeof k === 'string') : [],
    };
    this.done = new Set(this.settings.done);
  }

  /** Resumes watching the saved folder (a folder that has gone away is reported, not thrown). */
  async start(): Promise<void> {
    if (this.settings.folder) await this.watch(this.settings.folder).catch((error: unknown) => this.setError(error));
  }

  status(): WatchFolderStatus {
    return {
      folder: this.settings.folder,
      pattern: this.settings.pattern,
      watching: this.watcher !== null,
      pending: [...this.pending.values()].map(({ key: _key, ...file }) => file),
      error: this.error,
    };
  }

  /** Changes the folder (null stops watching) and the pattern; the folder must be a readable directory. */
  async configure(folder: string | null, pattern: string): Promise<WatchFolderStatus> {
    if (folder !== null) await assertReadableFolder(folder);
    const folderChanged = folder !== this.settings.folder;
    this.settings = { ...this.settings, folder, pattern };
    this.save();
    if (folderChanged) {
      await this.stop();
      this.error = null;
      if (folder !== null) await this.watch(folder);
    }
    this.emitStatus();
    return this.status();
  }

  /** Whether the file is a find still waiting for the renderer to settle it. */
  offers(ref: string): boolean {
    return this.pending.has(ref);
  }

  /**
   * Marks a found file as dealt with, once the renderer has written what it made of it (a draft, a
   * refusal) or discarded it; false when it was not one of ours.
   */
  settle(ref: string): boolean {
    const file = this.pending.get(ref);
    if (!file) return false;
    this.pending.delete(ref);
    this.pendingKeys.delete(file.key);
    this.done.add(file.key);
    this.save();
    this.emitStatus();
    return true;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  private async watch(folder: string): Promise<void> {
    const stabilityMs = this.options.stabilityMs ?? 1000;
    const watcher = watch(folder, {
      depth: 0,
      ignoreInitial: false,
      usePolling: this.options.usePolling ?? false,
      awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: Math.max(50, Math.round(stabilityMs / 5)) },
      ignored: (path, stats) => basename(path).startsWith('.') || (stats?.isFile() === true && !IMAGE_EXTENSIONS.has(extname(path).toLowerCase())),
    });
    watcher.on('add', (path, stats) => void this.found(path, stats?.size, stats?.mtimeMs));
    watcher.on('change', (path, stats) => void this.found(path, stats?.size, stats?.mtimeMs));
    watcher.on('error', (error) => this.setError(error));
    this.watcher = watcher;
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private async found(path: string, size: number | undefined, mtimeMs: number | undefined): Promise<void> {
    const info = size === undefined || mtimeMs === undefined ? await stat(path).catch(() => null) : { size, mtimeMs };
    if (!info || info.size === 0) return;
    const key = `${basename(path)}|${info.size}|${Math.round(info.mtimeMs)}`;
    if (this.done.has(key) || this.pendingKeys.has(key)) return;
    this.pendingKeys.add(key);
    try {
      const [staged] = await this.options.stagedFiles.registerPaths([{ path }]);
      if (!staged) return;
      const file = { ref: staged.ref, name: staged.name, bytes: staged.bytes, foundAt: new Date().toISOString() };
      this.pending.set(staged.ref, { ...file, key });
      this.options.onFile(file);
      this.emitStatus();
    } catch {
      // Gone again before we looked (camera software renaming its temp file): nothing to offer.
      this.pendingKeys.delete(key);
    }
  }

  private async stop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    for (const ref of this.pending.keys()) void this.options.stagedFiles.release(ref);
    this.pending.clear();
    this.pendingKeys.clear();
    await watcher?.close();
  }

  private setError(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.emitStatus();
  }

  private emitStatus(): void {
    this.options.onStatus(this.status());
  }

  private save(): void {
    const done = [...this.done].slice(-MAX_REMEMBERED);
    writeJsonFile(this.options.settingsFile, { folder: this.settings.folder, pattern: this.settings.pattern, done });
  }
}

async function assertReadableFolder(folder: string): Promise<void> {
  const problem = `“${folder}” is not a folder Corelog can read`;
  if (!isAbsolute(folder)) throw new CorelogError('validation', `${problem}: give the full path, e.g. /home/me/Pictures/tethered.`, { issues: [{ path: 'folder', message: 'give the full path' }] });
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new CorelogError('validation', `${problem}: there is no such folder.`, { issues: [{ path: 'folder', message: 'no such folder' }] });
  try {
    await access(folder, constants.R_OK | constants.X_OK);
  } catch {
    throw new CorelogError('validation', `${problem}: your account may not read it.`, { issues: [{ path: 'folder', message: 'not readable' }] });
  }
}
