/**
 * Uploads Imago answered with a 2xx without naming the image, and whose image no listing has shown
 * since. A 2xx is Imago saying it took the photo: sending the same bytes to the same interval and
 * image type again would cost a satellite link the whole file once more (Imago replaces the image,
 * so nothing is gained). The record is what lets a re-send after a lost receipt — the service
 * killed, the window reloaded, the archive import resumed — answer "already taken" instead.
 *
 * One JSON line per acceptance in `<photo store>/accepted-uploads.jsonl`, appended and fsynced
 * before the upload is reported done. Lines older than `KEEP_MS` are dropped when the file is
 * read: a re-send comes minutes or hours after the upload, never months.
 */
import { open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';

const FILE = 'accepted-uploads.jsonl';
const KEEP_MS = 90 * 24 * 60 * 60 * 1000;
/** A line is a few hundred bytes; a file far larger is not ours, and is read no further. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface AcceptedSlot {
  sha256: string;
  target: IntervalTarget;
  imageTypeName: string;
}

interface AcceptedLine {
  key: string;
  at: number;
}

/** The same bytes on the same interval (by its depths, as the user bound them) and image type. */
export function slotKey(slot: AcceptedSlot): string {
  const t = slot.target;
  return JSON.stringify([slot.sha256, t.workspaceName, t.datasetName, t.collectionName, t.imageryTypeName, t.from, t.to, slot.imageTypeName]);
}

export class AcceptedUploads {
  private loaded: Promise<Map<string, number>> | null = null;
  /** The file as it was when read (size and change time): another process sharing the data folder may append. */
  private readAs = '';

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** When Imago accepted these bytes for this slot without naming the image; null if never (or long ago). */
  async acceptedAt(slot: AcceptedSlot): Promise<number | null> {
    // Read again when the file changed since (another Corelog process on the same data folder).
    if (this.loaded && (await this.fileState()) !== this.readAs) this.loaded = null;
    return (await this.entries()).get(slotKey(slot)) ?? null;
  }

  /** Records an acceptance, on disk before this resolves (a kill -9 right after must not lose it). */
  async record(slot: AcceptedSlot): Promise<void> {
    const line: AcceptedLine = { key: slotKey(slot), at: this.now() };
    const entries = await this.entries();
    const handle = await open(this.file, 'a');
    try {
      await handle.appendFile(`${JSON.stringify(line)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    entries.set(line.key, line.at);
    this.readAs = await this.fileState();
  }

  /** The image was found (a listing shows it): the record is not needed any more. */
  async forget(slot: AcceptedSlot): Promise<void> {
    const entries = await this.entries();
    if (!entries.delete(slotKey(slot))) return;
    await this.rewrite(entries);
  }

  private get file(): string {
    return join(this.dir, FILE);
  }

  private entries(): Promise<Map<string, number>> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async fileState(): Promise<string> {
    const info = await stat(this.file).catch(() => null);
    return info ? `${info.size}:${info.mtimeMs}:${info.ino}` : 'none';
  }

  private async load(): Promise<Map<string, number>> {
    const entries = new Map<string, number>();
    this.readAs = await this.fileState();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return entries;
    }
    if (text.length > MAX_FILE_BYTES) text = text.slice(-MAX_FILE_BYTES);
    const oldest = this.now() - KEEP_MS;
    let dropped = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      // A line cut short by a crash mid-append (or not ours) is skipped, never fatal.
      let line: Partial<AcceptedLine>;
      try {
        line = JSON.parse(raw) as Partial<AcceptedLine>;
      } catch {
        dropped++;
        continue;
      }
      if (typeof line.key !== 'string' || typeof line.at !== 'number' || line.at < oldest) {
        dropped++;
        continue;
      }
      entries.set(line.key, line.at);
    }
    if (dropped > 0) await this.rewrite(entries).catch(() => undefined);
    return entries;
  }

  /** Replaces the file with what is still needed (written aside, then renamed over it). */
  private async rewrite(entries: Map<string, number>): Promise<void> {
    const aside = `${this.file}.${process.pid}.tmp`;
    const text = [...entries].map(([key, at]) => `${JSON.stringify({ key, at })}\n`).join('');
    const handle = await open(aside, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(aside, this.file);
    this.readAs = await this.fileState();
  }
}
