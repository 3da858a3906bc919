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
 */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { sweepReportSchema, type SweepReport } from '../../../common/bridge/settings-contract';
import { readJsonFile, writeJsonFile } from '../desktop/json-file';

export const DAY_MS = 24 * 60 * 60 * 1000;
const SNAPSHOT_FILE = 'originals.json';
const JOURNAL_FILE = 'originals.journal';

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
  private sweepReport: SweepReport | null = null;
  private readonly snapshotFile: string;
  private readonly journalFile: string;

  constructor(dir: string) {
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

  /** Folds the journal into the snapshot (atomic write), then empties the journal. */
  compact(): void {
    writeJsonFile(this.snapshotFile, { originals: Object.fromEntries(this.records), lastSweep: this.sweepReport });
    writeFileSync(this.journalFile, '');
  }

  get size(): number {
    return this.records.size;
  }

  private write(event: LedgerEvent): void {
    this.apply(event);
    // Appended and flushed before the caller goes on: a confirmation lost in a crash only means a
    // photo is kept longer; a lost intake would weaken the guard, so both are made durable.
    const fd = openSync(this.journalFile, 'a');
    try {
      writeSync(fd, `${JSON.stringify(event)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private apply(event: LedgerEvent): void {
    if (event.event === 'swept') {
      this.sweepReport = event.report;
      return;
    }
    const record = this.records.get(event.sha256) ?? { confirmedAt: null, imageId: null, takenInAt: null };
    if (event.event === 'confirmed') {
      record.confirmedAt = event.at;
      record.imageId = event.imageId;
    } else if (record.takenInAt === null || Date.parse(event.at) > Date.parse(record.takenInAt)) {
      record.takenInAt = event.at;
    }
    this.records.set(event.sha256, record);
  }

  private load(): void {
    const snapshot = snapshotSchema.safeParse(readJsonFile(this.snapshotFile));
    if (snapshot.success) {
      for (const [sha, value] of Object.entries(snapshot.data.originals)) {
        const record = recordSchema.safeParse(value);
        if (record.success) this.records.set(sha, record.data);
      }
      const last = sweepReportSchema.safeParse(snapshot.data.lastSweep);
      if (last.success) this.sweepReport = last.data;
    }
    let journal: string;
    try {
      journal = readFileSync(this.journalFile, 'utf8');
    } catch {
      return;
    }
    // A crash mid-append can leave a last line without its newline: end it, so the next event starts a line of its own.
    if (journal && !journal.endsWith('\n')) appendFileSync(this.journalFile, '\n');
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
