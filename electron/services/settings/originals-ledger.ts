/**
 * What main itself knows about each original in the photo store: when Imago confirmed it (an
 * upload receipt naming the image Imago holds for exactly these bytes) and when it was last taken
 * in. The sweep deletes only originals confirmed more than N days ago and not taken in again since,
 * so a renderer that is wrong, or another window's queue main cannot see, can never make it delete
 * a photo the server has not confirmed.
 *
 * Kept as a snapshot (`originals.json`, written atomically) plus an append-only journal
 * (`originals.journal`, one JSON line per event, fsynced) folded into the snapshot by `compact`.
 * Appending keeps each upload's write small however many originals are recorded; replaying the
 * journal over the snapshot is harmless if a crash came between writing one and emptying the other
 * (each event sets a field to a value; applying it twice changes nothing).
 *
 * Two Corelog processes may share the data folder (browser mode beside the app): each appends to
 * the same journal, so `compact` folds what is on disk — the snapshot, the journal and anything a
 * compaction cut short left behind — into what it knows, and moves the journal aside by rename
 * before folding it, so an event the other process appends meanwhile lands in a new journal
 * instead of being emptied away.
 */
import { appendFileSync, closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sweepReportSchema, type SweepReport } from '../../../common/bridge/settings-contract';
import { CorelogError } from '../../../common/errors';
import { readJsonFile, syncFolder, writeJsonFile } from '../desktop/json-file';

export const DAY_MS = 24 * 60 * 60 * 1000;
const SNAPSHOT_FILE = 'originals.json';
const JOURNAL_FILE = 'originals.journal';
/** A journal taken aside by a compaction: `originals.journal.folding-<pid>-<time>`. */
const FOLDING = /^originals\.journal\.folding-/;
/** A snapshot of 100,000 originals is about 20 MB; one far beyond this is not ours. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

export interface OriginalRecord {
  /** When main got Imago's receipt for these bytes; null: never confirmed. */
  confirmedAt: string | null;
  /** The image Imago answered with. */
  imageId: string | null;
  /** The last intake of these bytes (a photo taken in again is needed again). */
  takenInAt: string | null;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const iso = z.string().max(40).refine((value) => !Number.isNaN(Date.parse(value)));
const recordSchema = z.object({ confirmedAt: iso.nullable(), imageId: z.string().max(400).nullable(), takenInAt: iso.nullable() });
const snapshotSchema = z.object({ originals: z.record(sha256, z.unknown()), lastSweep: z.unknown().optional() });
const eventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('confirmed'), sha256, at: iso, imageId: z.string().max(400) }),
  z.object({ event: z.literal('taken-in'), sha256, at: iso }),
  z.object({ event: z.literal('swept'), report: sweepReportSchema }),
]);
type LedgerEvent = z.infer<typeof eventSchema>;

export class OriginalsLedger {
  private readonly records = new Map<string, OriginalRecord>();
  /** Forgotten since the last compaction: not brought back from disk by it. */
  private readonly forgotten = new Set<string>();
  private sweepReport: SweepReport | null = null;
  private readonly snapshotFile: string;
  private readonly journalFile: string;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.snapshotFile = join(dir, SNAPSHOT_FILE);
    this.journalFile = join(dir, JOURNAL_FILE);
    this.load();
  }

  /** Imago confirmed these bytes (an upload receipt). */
  confirmed(sha: string, imageId: string, at = new Date()): void {
    this.write({ event: 'confirmed', sha256: sha, at: at.toISOString(), imageId });
  }

  /** These bytes were taken in (again): they are needed until confirmed anew. */
  takenIn(sha: string, at = new Date()): void {
    this.write({ event: 'taken-in', sha256: sha, at: at.toISOString() });
  }

  /**
   * The original is gone from the store: nothing left to know about it. Kept in memory until the
   * next `compact()` (a sweep ends with one); forgetting too little after a crash is harmless.
   */
  forget(sha: string): void {
    this.records.delete(sha);
    this.forgotten.add(sha);
  }

  /** Every original recorded, confirmed or not. */
  hashes(): string[] {
    return [...this.records.keys()];
  }

  recordSwept(report: SweepReport): void {
    this.write({ event: 'swept', report });
  }

  get(sha: string): OriginalRecord | undefined {
    const record = this.records.get(sha);
    return record ? { ...record } : undefined;
  }

  get lastSweep(): SweepReport | null {
    return this.sweepReport;
  }

  /** Originals with a confirmation, whatever its age. */
  confirmedHashes(): string[] {
    return [...this.records].filter(([, r]) => r.confirmedAt !== null).map(([sha]) => sha);
  }

  /**
   * True when main's own record allows deleting this original now: confirmed by Imago at least
   * `keepDays` days ago, and not taken in again after that confirmation.
   */
  maySweep(sha: string, keepDays: number | null, now = Date.now()): boolean {
    if (keepDays === null) return false;
    const record = this.records.get(sha);
    if (!record?.confirmedAt) return false;
    const confirmed = Date.parse(record.confirmedAt);
    if (confirmed > now - keepDays * DAY_MS) return false;
    return record.takenInAt === null || Date.parse(record.takenInAt) <= confirmed;
  }

  /**
   * Folds the journal into the snapshot (atomic write), then removes the journal it folded. What
   * another process wrote to the folder since this one read it is folded in too (see the top).
   */
  compact(): void {
    this.takeJournalAside();
    const leftovers = this.foldingFiles();
    // Everything on disk, applied over what this process knows: each event sets a value, so what
    // this process applied already changes nothing when applied again.
    this.applySnapshot();
    const read = new Map<string, number>();
    for (const file of leftovers) read.set(file, this.replay(file));
    for (const sha of this.forgotten) this.records.delete(sha);
    writeJsonFile(this.snapshotFile, { originals: Object.fromEntries(this.records), lastSweep: this.sweepReport });
    this.forgotten.clear();
    for (const file of leftovers) {
      // A process that opened the journal just before it was taken aside may have appended to it
      // since it was read: carried over to the live journal rather than removed with it.
      const late = readTextFrom(file, read.get(file) ?? 0);
      if (late.trim()) this.appendLines(late.endsWith('\n') ? late : `${late}\n`);
      try {
        rmSync(file, { force: true });
      } catch {
        // Not a file (something else took the journal's name): left where it is.
      }
    }
  }

  /** Renames the live journal aside for folding (nothing to do when there is none). */
  private takeJournalAside(): void {
    try {
      renameSync(this.journalFile, join(this.dir, `${JOURNAL_FILE}.folding-${Date.now()}-${process.pid}`));
    } catch {
      // No journal yet, or another process's compaction took it a moment ago (its folding file is read below).
    }
  }

  /** Journals taken aside and not yet removed: this compaction's, and any a crash cut short. */
  private foldingFiles(): string[] {
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && FOLDING.test(entry.name))
      .map((entry) => entry.name)
      .sort()
      .map((name) => join(this.dir, name));
  }

  get size(): number {
    return this.records.size;
  }

  private write(event: LedgerEvent): void {
    this.apply(event);
    // Appended and flushed before the caller goes on: a confirmation lost in a crash only means a
    // photo is kept longer; a lost intake would weaken the guard, so both are made durable.
    try {
      this.appendLines(`${JSON.stringify(event)}\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CorelogError('unavailable', `Corelog could not record this photo in its originals ledger (${code === 'ENOSPC' ? 'the disk is full' : (code ?? (error as Error).message)}).`, {
        retryable: true,
        cause: error,
      });
    }
  }

  private appendLines(text: string): void {
    const fd = openSync(this.journalFile, 'a');
    let isNew: boolean;
    try {
      isNew = fstatSync(fd).size === 0;
      const bytes = Buffer.from(text, 'utf8');
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // A journal made by this append (after a compaction took the last one aside) exists after a
    // power cut only once its folder is flushed too.
    if (isNew) syncFolder(this.dir);
  }

  private apply(event: LedgerEvent): void {
    // The later date wins whatever the order events are applied in (another process's journal, folded late).
    if (event.event === 'swept') {
      if (!this.sweepReport || Date.parse(event.report.at) >= Date.parse(this.sweepReport.at)) this.sweepReport = event.report;
      return;
    }
    const record = this.records.get(event.sha256) ?? { confirmedAt: null, imageId: null, takenInAt: null };
    if (event.event === 'confirmed') {
      if (record.confirmedAt === null || Date.parse(event.at) >= Date.parse(record.confirmedAt)) {
        record.confirmedAt = event.at;
        record.imageId = event.imageId;
      }
    } else if (record.takenInAt === null || Date.parse(event.at) > Date.parse(record.takenInAt)) {
      record.takenInAt = event.at;
    }
    this.records.set(event.sha256, record);
  }

  private load(): void {
    this.applySnapshot();
    // A compaction cut short leaves its journal aside: its events count as much as the live ones.
    for (const file of this.foldingFiles()) this.replay(file);
    let journal: string;
    try {
      journal = readFileSync(this.journalFile, 'utf8');
    } catch {
      return;
    }
    // A crash mid-append can leave a last line without its newline: end it, so the next event starts a line of its own.
    if (journal && !journal.endsWith('\n')) appendFileSync(this.journalFile, '\n');
    this.applyLines(journal);
  }

  /** Applies the snapshot on disk (a damaged one is set aside by json-file.ts; the journal still counts). */
  private applySnapshot(): void {
    const snapshot = snapshotSchema.safeParse(readJsonFile(this.snapshotFile, { maxBytes: MAX_SNAPSHOT_BYTES, accept: (value) => snapshotSchema.safeParse(value).success }));
    if (!snapshot.success) return;
    for (const [sha, value] of Object.entries(snapshot.data.originals)) {
      const record = recordSchema.safeParse(value);
      if (!record.success) continue;
      const known = this.records.get(sha);
      if (!known) this.records.set(sha, record.data);
      else {
        // Folded again at a compaction: the later of each date wins, as replaying the events would give.
        if (record.data.confirmedAt && (!known.confirmedAt || Date.parse(record.data.confirmedAt) > Date.parse(known.confirmedAt))) {
          known.confirmedAt = record.data.confirmedAt;
          known.imageId = record.data.imageId;
        }
        if (record.data.takenInAt && (!known.takenInAt || Date.parse(record.data.takenInAt) > Date.parse(known.takenInAt))) known.takenInAt = record.data.takenInAt;
      }
    }
    const last = sweepReportSchema.safeParse(snapshot.data.lastSweep);
    if (last.success && (!this.sweepReport || Date.parse(last.data.at) > Date.parse(this.sweepReport.at))) this.sweepReport = last.data;
  }

  /** Applies a journal file's events; returns how many bytes were read. */
  private replay(file: string): number {
    const text = readTextFrom(file, 0);
    this.applyLines(text);
    return Buffer.byteLength(text);
  }

  private applyLines(journal: string): void {
    // A line cut short by a crash (the last one) or damaged is skipped; the others still count.
    for (const line of journal.split('\n')) {
      if (!line.trim()) continue;
      try {
        const event = eventSchema.safeParse(JSON.parse(line));
        if (event.success) this.apply(event.data);
      } catch {
        // not JSON: skipped
      }
    }
  }
}


/** A file's text from a byte offset (empty when it is gone). */
function readTextFrom(file: string, offset: number): string {
  try {
    const bytes = readFileSync(file);
    return bytes.subarray(Math.min(offset, bytes.length)).toString('utf8');
  } catch {
    return '';
  }
}
