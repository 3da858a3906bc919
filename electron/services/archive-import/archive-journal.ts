/**
 * One archive job's journal: an append-only file of JSON lines in the service data folder
 * (`<dataDir>/archive-import/<jobId>/journal.jsonl`; format in ARCHIVE-IMPORT.md). Everything
 * the job knows is a line in it, so the window, the app or the power can go at any moment and the
 * job reads back exactly what was decided and done:
 * - the header (`job`), then one `row` per file of the dry run in scan order, then `planned`;
 * - during a run: `start` (fsync'd BEFORE the file is sent: an item started and not confirmed is
 *   looked up on Imago before it is sent again), then `done` or `fail` (fsync'd);
 * - the user's intentions (`run`, `pause`, `rate`) and `finished`.
 *
 * Memory stays bounded whatever the archive size: rows stay on disk; what is kept per row is where
 * its lines are and its outcome (25 bytes: 2.5 MB for 100,000 files). A page of rows is read back
 * from the file when asked for.
 *
 * A last line cut short by a crash (no newline) is not read. Only a writer — a process holding the
 * job's lock (archive-jobs.ts) — cuts it off the file: every line acted on was fsync'd before
 * acting, so what is dropped never happened as far as Imago is concerned. A reader (the window
 * listing jobs while `corelog import` runs one) must never cut: what looks torn to it may be a
 * line the running process is writing at that moment.
 *
 * A damaged line between whole ones (not JSON, or not a record: a bad block on a damaged disk) is
 * skipped on its own: the lines after it were written and acted on (a `start` or `done` dropped
 * with it would send a photo again without looking it up first). A lost `row` line is the one
 * damage that cannot be stepped over (the rows after it would take the wrong places): reading
 * stops there, and before a writer cuts anything more than a torn last line off the file, the
 * whole file is kept beside it as `journal.jsonl.corrupt-<time>`.
 */
import { copyFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  archiveOutcomeSchema,
  type ArchiveCounts,
  type ArchiveOutcome,
  type ArchiveRow,
  type ArchiveSource,
} from '../../../common/bridge/archive-contract';

export const JOURNAL_FILE = 'journal.jsonl';
export const JOURNAL_VERSION = 1;

export type JournalRecord =
  | { k: 'job'; v: number; jobId: string; source: ArchiveSource; createdAt: string }
  | { k: 'row'; row: ArchiveRow }
  | { k: 'planned'; filesTotal: number; at: string }
  | { k: 'scan-failed'; message: string; at: string }
  | { k: 'rate'; max: number | null; at: string }
  | { k: 'run'; at: string }
  | { k: 'pause'; at: string }
  | { k: 'finished'; at: string }
  | { k: 'start'; i: number; at: string }
  | { k: 'done'; i: number; bytes: number; imageId: string; imageryId: string; already: boolean; at: string }
  | { k: 'fail'; i: number; bytes: number; reason: string; at: string };

type ResultRecord = Extract<JournalRecord, { k: 'done' | 'fail' }>;

const OUTCOMES = archiveOutcomeSchema.options;
const OUTCOME_CODE = new Map<ArchiveOutcome, number>(OUTCOMES.map((o, i) => [o, i]));

/** What the journal says about the job as a whole (the rows are read separately). */
export interface JournalState {
  jobId: string;
  source: ArchiveSource;
  createdAt: string;
  updatedAt: string;
  /** `planned` was written: the dry run ended. */
  planned: boolean;
  filesTotal: number | null;
  scanFailed: string | null;
  maxBytesPerSecond: number | null;
  /** The last intention written: run (not yet finished), pause, or none. */
  intent: 'run' | 'pause' | null;
  finished: boolean;
}

export const emptyCounts = (): ArchiveCounts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as ArchiveCounts;

/** A growable array of numbers in a typed array (no per-row objects). */
class Column<T extends Float64Array | Uint32Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
    private readonly fill = 0,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      if (this.fill !== 0) bigger.fill(this.fill, this.data.length);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  get(i: number): number {
    return this.data[i]!;
  }
  set(i: number, value: number): void {
    this.data[i] = value;
  }
}

const INITIAL_ROWS = 1024;

export class ArchiveJournal {
  readonly dir: string;
  private state: JournalState;
  private size: number;
  private readonly rowAt = new Column(new Float64Array(INITIAL_ROWS), (n) => new Float64Array(n));
  private readonly rowLength = new Column(new Uint32Array(INITIAL_ROWS), (n) => new Uint32Array(n));
  /** Offset of the row's `done`/`fail` line, -1 for none. */
  private readonly resultAt = new Column(new Float64Array(INITIAL_ROWS).fill(-1), (n) => new Float64Array(n).fill(-1), -1);
  private readonly resultLength = new Column(new Uint32Array(INITIAL_ROWS), (n) => new Uint32Array(n));
  private readonly outcomeCode = new Column(new Uint8Array(INITIAL_ROWS), (n) => new Uint8Array(n));
  /** 1 when a `start` was written and no `done`/`fail` after it. */
  private readonly inFlight = new Column(new Uint8Array(INITIAL_ROWS), (n) => new Uint8Array(n));
  private readonly counts = emptyCounts();
  /** Bytes of the rows that were `ready` when planned / that are now uploaded. */
  private bytesPlanned = 0;
  private bytesUploaded = 0;
  private bytesFailed = 0;
  private pending: string[] = [];
  private pendingAt: number;
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  /** Damaged lines met when it was read (skipped, or cut off after a copy was kept): 0 for a sound journal. */
  damagedLines = 0;

  private constructor(
    dir: string,
    private writer: FileHandle | null,
    private readonly reader: FileHandle,
    header: Extract<JournalRecord, { k: 'job' }>,
    size: number,
  ) {
    this.dir = dir;
    this.size = size;
    this.pendingAt = size;
    this.state = {
      jobId: header.jobId,
      source: header.source,
      createdAt: header.createdAt,
      updatedAt: header.createdAt,
      planned: false,
      filesTotal: null,
      scanFailed: null,
      maxBytesPerSecond: null,
      intent: null,
      finished: false,
    };
  }

  /** Starts a new journal in `dir` (which must not hold one) with its header, fsync'd; open for writing. */
  static async create(dir: string, jobId: string, source: ArchiveSource, createdAt = new Date().toISOString()): Promise<ArchiveJournal> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, JOURNAL_FILE);
    const header: JournalRecord = { k: 'job', v: JOURNAL_VERSION, jobId, source, createdAt };
    const writer = await open(path, 'wx');
    try {
      await writer.write(JSON.stringify(header) + '\n');
      await writer.sync();
      await syncFolder(dir);
    } catch (error) {
      await writer.close();
      throw error;
    }
    await writer.close();
    return ArchiveJournal.open(dir, { write: true });
  }

  /**
   * Reads a journal back. With `write` (only under the job's lock) a torn tail is cut off the file
   * and the journal is ready to append; without, the file is left exactly as it is and appends are
   * refused.
   */
  static async open(dir: string, { write = false }: { write?: boolean } = {}): Promise<ArchiveJournal> {
    const path = join(dir, JOURNAL_FILE);
    const reader = await open(path, 'r');
    let journal: ArchiveJournal | null = null;
    try {
      let validEnd = 0;
      for await (const line of readLines(reader)) {
        const record = parseRecord(line.text);
        if (!journal) {
          if (record?.k !== 'job') throw new Error(`${path} does not start with a job header`);
          journal = new ArchiveJournal(dir, null, reader, record, 0);
        } else if (record === null) {
          journal.damagedLines += 1; // skipped on its own (see the top of this file)
        } else if (record.k === 'row' && record.row.index !== journal.rowCount) {
          break; // a row line was lost: nothing from here on can be placed
        } else {
          journal.apply(record, line.at, line.length);
        }
        validEnd = line.at + line.length;
      }
      if (!journal) throw new Error(`${path} holds no job header`);
      journal.size = validEnd;
      journal.pendingAt = validEnd;
      if (!write) return journal;
      const { size } = await reader.stat();
      if (size > validEnd) {
        // More than a torn last line goes: the whole file is kept beside before anything is cut.
        if (await holdsWholeLine(reader, validEnd, size)) {
          await copyFile(path, `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
          journal.damagedLines += 1;
        }
        const cutter = await open(path, 'r+');
        try {
          await cutter.truncate(validEnd);
          await cutter.sync();
        } finally {
          await cutter.close();
        }
      }
      // Append mode: every write lands at the end, whatever a position says.
      journal.writer = await open(path, 'a');
      return journal;
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  get status(): Readonly<JournalState> {
    return this.state;
  }

  /** Opened for writing (by the process holding the job's lock). */
  get writable(): boolean {
    return this.writer !== null && !this.closed;
  }

  get rowCount(): number {
    return this.rowAt.length;
  }

  countsNow(): ArchiveCounts {
    return { ...this.counts };
  }

  /** Bytes of the planned `ready` files, of those uploaded so far, and of those that failed. */
  bytes(): { toSend: number; sent: number; failed: number } {
    return { toSend: this.bytesPlanned, sent: this.bytesUploaded, failed: this.bytesFailed };
  }

  /** Bytes in the file (what a reader in another process compares to see whether it moved on). */
  get fileBytes(): number {
    return this.size;
  }

  outcomeOf(index: number): ArchiveOutcome {
    return OUTCOMES[this.outcomeCode.get(index)]!;
  }

  /** A `start` was written for the row and nothing after it: it may have reached Imago. */
  wasStarted(index: number): boolean {
    return this.inFlight.get(index) === 1;
  }

  /** The next row still `ready` at or after `from`, or -1. */
  nextReady(from: number): number {
    const code = OUTCOME_CODE.get('ready')!;
    for (let i = from; i < this.rowAt.length; i++) if (this.outcomeCode.get(i) === code) return i;
    return -1;
  }

  // ---- writing --------------------------------------------------------------------------------

  /**
   * A dry-run row (index must be the next one). Buffered; every 256 rows they are written, and the
   * answer is that write: a producer that awaits it cannot run ahead of the disk (bounded memory).
   */
  addRow(row: ArchiveRow): Promise<void> | undefined {
    this.mustWrite();
    if (row.index !== this.rowAt.length) throw new Error(`row ${row.index} out of order (expected ${this.rowAt.length})`);
    this.queue({ k: 'row', row });
    return this.pending.length >= 256 ? this.flush(false) : undefined;
  }

  /** Appends one record; with `sync`, resolves once it (and all before it) is on disk. */
  async append(record: Exclude<JournalRecord, { k: 'job' | 'row' }>, sync = true): Promise<void> {
    this.mustWrite();
    this.queue(record);
    await this.flush(sync);
  }

  /** Writes what is buffered; with `sync`, fsyncs it. */
  flush(sync: boolean): Promise<void> {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingAt = this.size;
    const run = this.tail.then(async () => {
      if (!text && !sync) return; // nothing to write (a reader waiting for its own reads)
      if (this.closed || !this.writer) throw new Error('the journal is closed');
      if (text) await this.writer.write(text, null, 'utf8');
      if (sync) await this.writer.datasync();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Writes and fsyncs what is buffered, then stops writing (the lock is about to be let go). */
  async endWrites(): Promise<void> {
    if (!this.writable) return;
    await this.flush(true).catch(() => undefined);
    await this.tail;
    const writer = this.writer;
    this.writer = null;
    await writer?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.writer) await this.flush(true).catch(() => undefined);
    this.closed = true;
    await this.tail;
    await Promise.allSettled([this.writer?.close(), this.reader.close()]);
  }

  private mustWrite(): void {
    // Offsets kept in memory are only right while this process alone appends (it holds the lock).
    if (!this.writable) throw new Error('this journal was opened for reading: only the process running the job writes to it');
  }

  private queue(record: JournalRecord): void {
    const line = JSON.stringify(record) + '\n';
    const length = Buffer.byteLength(line);
    const at = this.size;
    this.size += length;
    this.pending.push(line);
    this.apply(record, at, length);
  }

  /** Folds one record into what is kept in memory (replay and live writes alike). */
  private apply(record: JournalRecord, at: number, length: number): void {
    if ('at' in record) this.state.updatedAt = record.at;
    switch (record.k) {
      case 'job':
        return;
      case 'row': {
        const outcome = record.row.outcome;
        this.rowAt.push(at);
        this.rowLength.push(length);
        this.resultAt.push(-1);
        this.resultLength.push(0);
        this.outcomeCode.push(OUTCOME_CODE.get(outcome) ?? 0);
        this.inFlight.push(0);
        this.counts[outcome] += 1;
        if (outcome === 'ready') this.bytesPlanned += record.row.bytes;
        return;
      }
      case 'planned':
        this.state.planned = true;
        this.state.filesTotal = record.filesTotal;
        return;
      case 'scan-failed':
        this.state.scanFailed = record.message;
        return;
      case 'rate':
        this.state.maxBytesPerSecond = record.max;
        return;
      case 'run':
        this.state.intent = 'run';
        this.state.finished = false;
        return;
      case 'pause':
        this.state.intent = 'pause';
        return;
      case 'finished':
        this.state.finished = true;
        return;
      case 'start':
        if (record.i < this.rowAt.length) this.inFlight.set(record.i, 1);
        return;
      case 'done':
      case 'fail': {
        const i = record.i;
        if (i >= this.rowAt.length) return;
        const before = this.outcomeOf(i);
        const after: ArchiveOutcome = record.k === 'done' ? 'uploaded' : 'failed';
        this.counts[before] -= 1;
        this.counts[after] += 1;
        this.outcomeCode.set(i, OUTCOME_CODE.get(after)!);
        this.inFlight.set(i, 0);
        this.resultAt.set(i, at);
        this.resultLength.set(i, length);
        if (record.k === 'done') this.bytesUploaded += record.bytes;
        else this.bytesFailed += record.bytes;
        return;
      }
    }
  }

  // ---- reading --------------------------------------------------------------------------------

  /** One row as it stands now (its dry-run line, with the run's result when there is one). */
  async row(index: number): Promise<ArchiveRow> {
    if (index < 0 || index >= this.rowAt.length) throw new RangeError(`no row ${index}`);
    await this.readable(index);
    const planned = (JSON.parse(await this.readText(this.rowAt.get(index), this.rowLength.get(index))) as Extract<JournalRecord, { k: 'row' }>).row;
    const resultAt = this.resultAt.get(index);
    if (resultAt < 0) return planned;
    const result = JSON.parse(await this.readText(resultAt, this.resultLength.get(index))) as ResultRecord;
    return result.k === 'done'
      ? { ...planned, outcome: 'uploaded', imageId: result.imageId || null, imageryId: result.imageryId, reason: doneReason(result, planned.reason) }
      : { ...planned, outcome: 'failed', reason: result.reason };
  }

  /** A page of rows, optionally only those with some outcomes; `total` counts the matching rows. */
  async rows(offset: number, limit: number, outcomes?: readonly ArchiveOutcome[]): Promise<{ total: number; rows: ArchiveRow[] }> {
    const wanted = outcomes && outcomes.length > 0 ? new Set(outcomes.map((o) => OUTCOME_CODE.get(o)!)) : null;
    const picked: number[] = [];
    let total = 0;
    for (let i = 0; i < this.rowAt.length; i++) {
      if (wanted && !wanted.has(this.outcomeCode.get(i))) continue;
      if (total >= offset && picked.length < limit) picked.push(i);
      total++;
    }
    const rows: ArchiveRow[] = [];
    for (const i of picked) rows.push(await this.row(i));
    return { total, rows };
  }

  /** Every row in order, a page at a time (for reports). */
  async *allRows(pageSize = 500): AsyncGenerator<ArchiveRow> {
    for (let at = 0; at < this.rowAt.length; at += pageSize) {
      const end = Math.min(this.rowAt.length, at + pageSize);
      for (let i = at; i < end; i++) yield await this.row(i);
    }
  }

  /** Waits until a line written at or before this row's result is in the file. */
  private async readable(index: number): Promise<void> {
    const end = Math.max(this.rowAt.get(index) + this.rowLength.get(index), this.resultAt.get(index) + this.resultLength.get(index));
    if (end > this.pendingAt) await this.flush(false);
    await this.tail;
  }

  private async readText(at: number, length: number): Promise<string> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.reader.read(buffer, 0, length, at);
    return buffer.toString('utf8', 0, bytesRead);
  }
}

const KINDS = new Set(['job', 'row', 'planned', 'scan-failed', 'rate', 'run', 'pause', 'finished', 'start', 'done', 'fail']);
const OUTCOME_NAMES: ReadonlySet<string> = new Set(OUTCOMES);

/** One line as a record, or null when it is not one (not JSON, an unknown kind, fields a record of its kind must have are missing). */
function parseRecord(text: string): JournalRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || !KINDS.has((value as { k?: unknown }).k as string)) return null;
  const record = value as Record<string, unknown>;
  const count = (field: unknown) => typeof field === 'number' && Number.isInteger(field) && field >= 0;
  switch (record.k) {
    case 'job':
      return typeof record.jobId === 'string' && record.source !== null && typeof record.source === 'object' ? (value as JournalRecord) : null;
    case 'row': {
      const row = record.row as Record<string, unknown> | null;
      return row !== null && typeof row === 'object' && count(row.index) && count(row.bytes) && OUTCOME_NAMES.has(row.outcome as string) ? (value as JournalRecord) : null;
    }
    case 'start':
      return count(record.i) ? (value as JournalRecord) : null;
    case 'done':
    case 'fail':
      return count(record.i) && count(record.bytes) ? (value as JournalRecord) : null;
    default:
      return value as JournalRecord;
  }
}

/** Whether the bytes from `from` to `to` hold a newline: a whole line, not only a torn last one. */
async function holdsWholeLine(file: FileHandle, from: number, to: number): Promise<boolean> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let at = from; at < to; ) {
    const { bytesRead } = await file.read(chunk, 0, Math.min(chunk.length, to - at), at);
    if (bytesRead === 0) return false;
    if (chunk.subarray(0, bytesRead).includes(10)) return true;
    at += bytesRead;
  }
  return false;
}

/** No record comes near this (a row is under 2 KB): a longer line is damage, skipped without being held in memory. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Lines of a file with their byte offsets; a last line without its newline is not yielded. A line
 * longer than MAX_LINE_BYTES is yielded as empty text (damage) once its newline is found.
 */
async function* readLines(file: FileHandle): AsyncGenerator<{ text: string; at: number; length: number }> {
  const chunk = Buffer.alloc(1024 * 1024);
  let carry = Buffer.alloc(0);
  /** File offset of the line not yet ended (its first bytes are `carry`, unless skipping it). */
  let carryAt = 0;
  let skipping = false;
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return;
    const chunkAt = position;
    position += bytesRead;
    const data: Buffer = !skipping && carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    const dataAt = skipping ? chunkAt : carryAt;
    let start = 0;
    if (skipping) {
      const newline = data.indexOf(10);
      if (newline < 0) continue;
      yield { text: '', at: carryAt, length: dataAt + newline + 1 - carryAt };
      start = newline + 1; // the long line ends here (skipping is set again below)
    }
    for (;;) {
      const newline = data.indexOf(10, start);
      if (newline < 0) break;
      yield { text: data.toString('utf8', start, newline), at: dataAt + start, length: newline - start + 1 };
      start = newline + 1;
    }
    carryAt = dataAt + start;
    skipping = data.length - start > MAX_LINE_BYTES;
    carry = skipping ? Buffer.alloc(0) : Buffer.from(data.subarray(start));
  }
}

/** Makes a new file's name durable (its folder entry), where the platform allows it. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a folder for fsync; NTFS journals the entry itself.
  }
}

/** Why an uploaded row reads as it does; an empty image id is Imago taking the photo without naming it. */
function doneReason(result: Extract<ResultRecord, { k: 'done' }>, planned: string | null): string | null {
  const already = result.already ? 'Imago already held it (an earlier attempt had reached it).' : null;
  const noId = result.imageId === '' ? 'Imago took it without naming the image; its id is not known yet (no listing shows it so far).' : null;
  return [already, noId].filter(Boolean).join(' ') || planned;
}
