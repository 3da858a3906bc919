/**
 * The archive jobs this computer knows, in the service process: each one a folder
 * `<dataDir>/archive-import/<jobId>/` holding its journal (archive-journal.ts) and, while it runs, a
 * staging photo store of the files being sent. The bridge handlers (desktop and browser mode) and
 * the `corelog import` command drive the same class over the same folder, so a job started in the
 * window can be resumed on the command line and the other way round; a lock file keeps two
 * processes from running one job at once. Only the lock's holder writes to a job's journal (its
 * scan, its run, a new cap); every other process reads it and never changes the file.
 *
 * The run: for each `ready` row in order — check and convert with the intake pipeline (the next
 * file is prepared while the current one is sent), then upload with the photo upload executor at
 * background priority (the interactive queue goes first), through the bandwidth cap. `start` is
 * fsync'd before a file is sent and `done` after Imago confirms it; a file started and not
 * confirmed (a crash, a lost reply, a pause mid-file) is looked up on Imago before it is sent again.
 * When Imago cannot be reached the job waits (`waiting-for-imago`) and tries again by itself.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveJobPhase, ArchiveJobStatus, ArchiveOutcome, ArchiveRow, ArchiveSource } from '../../../common/bridge/archive-contract';
import { CorelogError, meansUnreachable, toBridgeError } from '../../../common/errors';
import { hashFile, PhotoPipeline, PhotoStore, type IntakeResult } from '../images';
import type { ImagoClient } from '../imago/imago-client';
import { PhotoUploadExecutor, type UploadPriorityGate } from '../photos/upload-executor';
import { ArchiveJournal, JOURNAL_FILE } from './archive-journal';
import { writeReport } from './archive-report';
import { needsCheckBeforeSending } from './plan/imago-holdings';
import { planArchive, type PlanDeps } from './plan/plan-archive';
import { checkRate, RateMeter, TokenBucket } from './rate-limiter';

export const ARCHIVE_FOLDER = 'archive-import';
const CHANGED_SINCE_DRY_RUN = 'The file changed since the dry run; run a new dry run to check it again.';
const LOCK_FILE = 'lock';
const STAGING_FOLDER = 'staging';

export interface ArchiveJobsOptions {
  dataDir: string;
  imago: () => ImagoClient;
  /** Every status change, throttled to `emitEveryMs` while a job scans or runs. */
  onChange?: (status: ArchiveJobStatus) => void;
  /** Jobs that were running when the process stopped start again by themselves (the app: yes; a command: no). */
  resumeInterrupted?: boolean;
  gate?: UploadPriorityGate;
  /** Waiting for Imago: first and longest pause between tries (default 2 s and 30 s). */
  retry?: { firstMs?: number; maxMs?: number };
  emitEveryMs?: number;
  /** Passed to the dry run (tests shorten or switch things). */
  plan?: Omit<PlanDeps, 'imago' | 'signal'>;
  log?: (level: 'info' | 'warn', message: string) => void;
}

interface Job {
  id: string;
  dir: string;
  journal: ArchiveJournal;
  phase: ArchiveJobPhase;
  message: string | null;
  filesSeen: number;
  scan: AbortController | null;
  run: { controller: AbortController; done: Promise<void>; executor: PhotoUploadExecutor | null; current: string | null } | null;
  bucket: TokenBucket;
  meter: RateMeter;
  /** Bytes of the file on its way now (counted into bytesSent until it is confirmed). */
  inFlightBytes: number;
  lastEmit: number;
  emitTimer: NodeJS.Timeout | null;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Whether a process with this id is alive on this computer. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What tells this process from a later one given the same id: the boot it runs in and its start
 * time (Linux: field 22 of /proc/<pid>/stat, in clock ticks since boot). Null where the system does
 * not say (macOS, Windows, a /proc hidden from us): the lock then goes by the id alone.
 */
async function processIdentity(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  try {
    const [stat, boot] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/sys/kernel/random/boot_id', 'utf8')]);
    // The name (field 2) is in parentheses and may hold spaces and ')': count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    return startTicks && /^\d+$/.test(startTicks) ? `${boot.trim()}/${startTicks}` : null;
  } catch {
    return null;
  }
}

/** The lock file's text: the holder's id on the first line (what older versions read), then who it is. */
async function lockText(): Promise<string> {
  const identity = await processIdentity(process.pid);
  return identity === null ? String(process.pid) : `${process.pid}\nstarted ${identity}\n`;
}

/**
 * The live process a lock file names, or null when the lock is stale: its process ended, or its id
 * now belongs to another process (ids are reused: after a crash and a reboot, or just a busy day,
 * the id may be a browser or a shell, and the job would look "already running" for ever).
 */
async function liveHolder(text: string | null): Promise<number | null> {
  if (text === null) return null;
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return null;
  const recorded = /^started (\S+)$/m.exec(text)?.[1];
  if (recorded === undefined) return pid; // written by an older version, or where the system does not say
  const now = await processIdentity(pid);
  return now === null || now === recorded ? pid : null;
}

const runningElsewhere = (pid: number) =>
  new CorelogError('conflict', `This job is already running in another Corelog process (process ${pid}): the app or a \`corelog import\` command. Stop it there first.`, {
    retryable: true,
  });

export class ArchiveJobs {
  private readonly root: string;
  private readonly jobs = new Map<string, Job>();
  private loaded: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly options: ArchiveJobsOptions) {
    this.root = join(options.dataDir, ARCHIVE_FOLDER);
  }

  /** Reads the jobs from the data folder and, for the app, resumes those that were running. */
  async start(): Promise<void> {
    await this.load();
    if (!this.options.resumeInterrupted) return;
    for (const job of this.jobs.values()) {
      const state = job.journal.status;
      if (state.intent === 'run' && !state.finished && state.planned && job.phase === 'paused') {
        this.options.log?.('info', `archive import ${job.id}: resuming the run the last session left unfinished`);
        await this.run(job.id).catch((error: unknown) => this.options.log?.('warn', `archive import ${job.id}: could not resume: ${toBridgeError(error).message}`));
      }
    }
  }

  // ---- the bridge's methods -------------------------------------------------------------------

  /** Starts a dry run; answers at once (phase `scanning`), the rest arrives as changes. */
  async dryRun(source: ArchiveSource): Promise<ArchiveJobStatus> {
    await this.load();
    const id = randomUUID();
    const dir = join(this.root, id);
    const journal = await ArchiveJournal.create(dir, id, source);
    const job = this.track(id, dir, journal);
    await this.lock(job);
    job.phase = 'scanning';
    job.scan = new AbortController();
    void this.scan(job, job.scan.signal);
    return this.statusOf(job);
  }

  async list(): Promise<ArchiveJobStatus[]> {
    await this.load();
    await this.refreshFromDisk();
    return [...this.jobs.values()].map((job) => this.statusOf(job)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async status(jobId: string): Promise<ArchiveJobStatus> {
    return this.statusOf(await this.job(jobId));
  }

  async rows(jobId: string, offset: number, limit: number, outcomes?: ArchiveOutcome[]): Promise<{ total: number; rows: ArchiveRow[] }> {
    const job = await this.job(jobId);
    return job.journal.rows(offset, limit, outcomes);
  }

  /** Uploads the job's `ready` files, from where it stopped; answers at once (phase `running`). */
  async run(jobId: string, maxBytesPerSecond?: number | null): Promise<ArchiveJobStatus> {
    const job = await this.job(jobId);
    const rate = maxBytesPerSecond === undefined ? undefined : checkRate(maxBytesPerSecond);
    if (job.run) return rate === undefined ? this.statusOf(job) : this.setRate(jobId, rate);
    if (job.phase === 'scanning') throw new CorelogError('validation', 'The dry run of this job has not ended yet; run it when it has.', { retryable: true });
    if (!job.journal.status.planned) {
      throw new CorelogError('validation', job.message ?? 'This job has no finished dry run to upload from; start a new dry run.', { retryable: false });
    }
    await this.lockForWriting(job);
    try {
      if (rate !== undefined) await this.writeRate(job, rate);
      await job.journal.append({ k: 'run', at: new Date().toISOString() });
    } catch (error) {
      await this.releaseLock(job);
      throw error;
    }
    const controller = new AbortController();
    job.phase = 'running';
    job.message = null;
    job.meter.reset();
    job.run = { controller, done: Promise.resolve(), executor: null, current: null };
    job.run.done = this.upload(job, controller.signal).finally(async () => {
      // Let go of the lock before the job looks stopped, so a new run cannot take it in between.
      await this.releaseLock(job);
      job.run = null;
      // Ended without a verdict (a pause is written by `pause` once this has settled).
      if (job.phase === 'running' || job.phase === 'waiting-for-imago') job.phase = 'paused';
      job.inFlightBytes = 0;
      this.changed(job, true);
    });
    this.changed(job, true);
    return this.statusOf(job);
  }

  /** Stops the run after (or in the middle of: it is looked up on resume) the file on its way. */
  async pause(jobId: string): Promise<ArchiveJobStatus> {
    const job = await this.job(jobId);
    if (job.scan) {
      job.scan.abort();
      return this.statusOf(job);
    }
    if (job.run) {
      // Not writable: the run is ending by itself and letting go of the lock; nothing to write.
      if (job.journal.writable) await job.journal.append({ k: 'pause', at: new Date().toISOString() });
      await this.stopRun(job);
      job.phase = job.journal.status.finished ? 'done' : 'paused';
      job.message = null;
      this.changed(job, true);
      return this.statusOf(job);
    }
    // Not running here: say so when another process runs it, rather than pretend it paused.
    const holder = await this.lockHolder(job);
    if (holder !== null && holder !== process.pid) throw runningElsewhere(holder);
    return this.statusOf(job);
  }

  async setRate(jobId: string, maxBytesPerSecond: number | null): Promise<ArchiveJobStatus> {
    const job = await this.job(jobId);
    const rate = checkRate(maxBytesPerSecond);
    if (job.run || job.scan) await this.writeRate(job, rate);
    else {
      // Not running here: write it under the lock (refused while another process runs the job).
      await this.lockForWriting(job);
      try {
        await this.writeRate(job, rate);
      } finally {
        await this.releaseLock(job);
      }
    }
    this.changed(job, true);
    return this.statusOf(job);
  }

  private async writeRate(job: Job, rate: number | null): Promise<void> {
    await job.journal.append({ k: 'rate', max: rate, at: new Date().toISOString() });
    job.bucket.setRate(rate);
  }

  async saveReport(jobId: string, path: string): Promise<{ path: string; rows: number }> {
    const job = await this.job(jobId);
    return { path, rows: await writeReport(job.journal, path) };
  }

  /** Forgets a job and deletes its folder (its photos on Imago stay). A running job is stopped first. */
  async remove(jobId: string): Promise<{ removed: boolean }> {
    await this.load();
    const job = this.jobs.get(jobId);
    if (!job) return { removed: false };
    const holder = await this.lockHolder(job);
    if (holder !== null && holder !== process.pid) {
      throw runningElsewhere(holder);
    }
    job.scan?.abort();
    await this.stopRun(job);
    this.jobs.delete(jobId);
    if (job.emitTimer) clearTimeout(job.emitTimer);
    await job.journal.close();
    await rm(job.dir, { recursive: true, force: true });
    return { removed: true };
  }

  /** Stops scans and runs without writing a pause: a run the app was doing resumes next time. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.loaded?.catch(() => undefined);
    for (const job of this.jobs.values()) {
      job.scan?.abort();
      await this.stopRun(job);
      if (job.emitTimer) clearTimeout(job.emitTimer);
      await job.journal.close();
    }
    this.jobs.clear();
  }

  /** Resolves when the job is neither scanning nor running (for the command line and tests). */
  async settled(jobId: string): Promise<ArchiveJobStatus> {
    const job = await this.job(jobId);
    while (job.scan || job.run) {
      if (job.run) await job.run.done;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.statusOf(job);
  }

  // ---- scanning -------------------------------------------------------------------------------

  private async scan(job: Job, signal: AbortSignal): Promise<void> {
    // The job shows its verdict only once the lock is let go, so nothing here can start a run first.
    let verdict: [ArchiveJobPhase, string | null] = ['failed', null];
    try {
      const { filesTotal } = await planArchive(
        job.journal.status.source,
        { ...this.options.plan, imago: this.options.imago, signal },
        {
          row: (row, detail) => job.journal.addRow(detail?.attributes ? { ...row, attributes: detail.attributes } : row),
          progress: (filesSeen) => {
            job.filesSeen = filesSeen;
            this.changed(job);
          },
        },
      );
      if (signal.aborted) throw new CorelogError('cancelled', 'The dry run was stopped.');
      job.filesSeen = filesTotal;
      await job.journal.flush(false);
      await job.journal.append({ k: 'planned', filesTotal, at: new Date().toISOString() });
      verdict = ['planned', null];
    } catch (error) {
      const bridgeError = toBridgeError(error);
      const message =
        signal.aborted || bridgeError.kind === 'cancelled'
          ? 'The dry run was stopped before it ended; start a new one.'
          : meansUnreachable(error)
            ? `Imago could not be reached during the dry run (${bridgeError.message}) Start the dry run again when it can.`
            : bridgeError.message;
      verdict = ['failed', message];
      if (!this.disposed) await job.journal.append({ k: 'scan-failed', message, at: new Date().toISOString() }).catch(() => undefined);
    } finally {
      await this.releaseLock(job);
      [job.phase, job.message] = verdict;
      job.scan = null;
      this.changed(job, true);
    }
  }

  // ---- running --------------------------------------------------------------------------------

  private async upload(job: Job, signal: AbortSignal): Promise<void> {
    const staging = await PhotoStore.open(join(job.dir, STAGING_FOLDER));
    // Two at a time: the next file is checked and converted while one is sent.
    const pipeline = new PhotoPipeline(staging, { concurrency: 2 });
    const executor = new PhotoUploadExecutor({
      client: this.options.imago,
      store: async () => staging,
      priority: 'background',
      ...(this.options.gate ? { gate: this.options.gate } : {}),
      pace: (bytes, paceSignal) => job.bucket.take(bytes, paceSignal),
      onProgress: (_id, sent) => {
        const delta = sent - job.inFlightBytes;
        job.inFlightBytes = sent;
        job.meter.add(delta);
        this.changed(job);
      },
    });
    job.run!.executor = executor;
    const { source } = job.journal.status;
    const prepare = async (index: number) => {
      const row = await job.journal.row(index);
      const path = join(source.folder, ...row.file.split('/'));
      // The file's own bytes against the dry run's: a file the run converts (turned upright,
      // re-encoded) has another hash once prepared, so only this says a different photo was put
      // under the same name since. A file gone or unreadable is left to the intake, which says so.
      if (row.sha256) {
        const now = await hashFile(path).catch(() => null);
        if (now !== null && now !== row.sha256) return { row, intake: null };
      }
      return { row, intake: await pipeline.intake(path, { originalName: row.file }) };
    };
    const retry = { first: this.options.retry?.firstMs ?? 2_000, max: this.options.retry?.maxMs ?? 30_000 };
    try {
      const first = job.journal.nextReady(0);
      let prepared = first >= 0 ? prepare(first) : null;
      while (prepared && !signal.aborted) {
        const { row, intake } = await prepared;
        const next = job.journal.nextReady(row.index + 1);
        // Started now, awaited on the next turn: conversion overlaps the upload below.
        prepared = next >= 0 ? prepare(next) : null;
        prepared?.catch(() => undefined);
        const outcome = await this.sendOne(job, row, intake, { executor, staging }, signal, retry);
        if (outcome === 'stop') return;
      }
      if (signal.aborted) return;
      if (job.journal.nextReady(0) < 0) {
        await job.journal.append({ k: 'finished', at: new Date().toISOString() });
        job.phase = 'done';
        job.message = job.journal.countsNow().failed > 0 ? `${job.journal.countsNow().failed} file(s) could not be uploaded: see the report.` : null;
        await rm(join(job.dir, STAGING_FOLDER), { recursive: true, force: true });
      }
    } catch (error) {
      if (signal.aborted) return;
      job.phase = 'failed';
      job.message = toBridgeError(error).message;
      this.options.log?.('warn', `archive import ${job.id}: run stopped: ${job.message}`);
    }
  }

  /** Sends one row; `stop` when the run must end (paused, or a problem no file can get past). */
  private async sendOne(
    job: Job,
    row: ArchiveRow,
    /** null: the file changed since the dry run (its bytes are not the ones checked). */
    intake: IntakeResult | null,
    { executor, staging }: { executor: PhotoUploadExecutor; staging: PhotoStore },
    signal: AbortSignal,
    retry: { first: number; max: number },
  ): Promise<'next' | 'stop'> {
    const at = () => new Date().toISOString();
    if (intake === null) {
      await job.journal.append({ k: 'fail', i: row.index, bytes: row.bytes, reason: CHANGED_SINCE_DRY_RUN, at: at() });
      this.changed(job);
      return 'next';
    }
    if (!intake.ok) {
      await job.journal.append({ k: 'fail', i: row.index, bytes: row.bytes, reason: `Not sent: ${intake.reason}`, at: at() });
      this.changed(job);
      return 'next';
    }
    const photo = intake.photo;
    if (photo.converted === null && row.sha256 && photo.sha256 !== row.sha256) {
      await job.journal.append({ k: 'fail', i: row.index, bytes: row.bytes, reason: CHANGED_SINCE_DRY_RUN, at: at() });
      this.changed(job);
      return 'next';
    }
    let wait = retry.first;
    for (let attempt = 0; !signal.aborted; attempt++) {
      // An earlier attempt (this process or one that was killed) may have reached Imago.
      const started = job.journal.wasStarted(row.index);
      if (!started) await job.journal.append({ k: 'start', i: row.index, at: at() });
      // The dry run could not read the hole's list on Imago whole: Imago is asked about this
      // interval first (`resend`), so a photo it already holds is not sent again.
      const resend = started || needsCheckBeforeSending(row.reason);
      job.inFlightBytes = 0;
      job.run!.current = `${job.id}:${row.index}`;
      try {
        const receipt = await executor.upload({
          jobId: job.run!.current,
          sha256: photo.sha256,
          target: {
            workspaceName: job.journal.status.source.target.workspaceName,
            datasetName: job.journal.status.source.target.datasetName,
            imageryTypeName: job.journal.status.source.target.imageryTypeName,
            collectionName: row.hole!,
            from: row.from!,
            to: row.to!,
          },
          imageTypeName: row.imageType!,
          attributes: row.attributes ?? {},
          resend,
        });
        job.inFlightBytes = 0;
        // Written, not fsync'd: the next `start` (or the end) fsyncs it. Lost to a power cut, the
        // file is only "started" again, and found on Imago instead of sent twice.
        await job.journal.append({ k: 'done', i: row.index, bytes: row.bytes, imageId: receipt.imageId, imageryId: receipt.imageryId, already: receipt.alreadyThere, at: at() }, false);
        // Sent: the staged copy is not needed any more (the archive keeps the original).
        await staging.remove(photo.sha256).catch(() => false);
        if (job.phase !== 'running') {
          job.phase = 'running';
          job.message = null;
        }
        this.changed(job);
        return 'next';
      } catch (error) {
        job.inFlightBytes = 0;
        if (signal.aborted) return 'stop';
        const problem = toBridgeError(error);
        if (problem.kind === 'cancelled') return 'stop';
        if (problem.kind === 'auth' || problem.kind === 'forbidden') {
          job.phase = 'failed';
          job.message = `Imago refused the import: ${problem.message} Fix the sign-in or the permissions, then resume.`;
          return 'stop';
        }
        if (problem.retryable) {
          job.phase = 'waiting-for-imago';
          job.message = meansUnreachable(error)
            ? `Waiting for Imago: ${problem.message} The import goes on by itself when Imago answers.`
            : `Imago did not take the file yet (${problem.message}); trying again in ${Math.round(wait / 1000)} s.`;
          this.changed(job, true);
          await sleep(wait, signal);
          wait = Math.min(retry.max, wait * 2);
          continue;
        }
        await job.journal.append({ k: 'fail', i: row.index, bytes: row.bytes, reason: problem.message, at: at() });
        if (job.phase !== 'running') {
          job.phase = 'running';
          job.message = null;
        }
        this.changed(job);
        return 'next';
      } finally {
        if (job.run) job.run.current = null;
      }
    }
    return 'stop';
  }

  private async stopRun(job: Job): Promise<void> {
    const run = job.run;
    if (!run) return;
    run.controller.abort();
    if (run.current) run.executor?.cancel(run.current);
    await run.done;
  }

  // ---- the lock -------------------------------------------------------------------------------

  private async lock(job: Job): Promise<void> {
    const path = join(job.dir, LOCK_FILE);
    for (let tries = 0; tries < 3; tries++) {
      try {
        const text = await lockText();
        const file = await open(path, 'wx');
        await file.write(text);
        await file.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await this.lockHolder(job);
      if (holder !== null && holder !== process.pid) {
        throw runningElsewhere(holder);
      }
      await this.takeOverStaleLock(job, path);
    }
    throw new CorelogError('conflict', 'This job’s lock could not be taken; try again.', { retryable: true });
  }

  /**
   * A lock left by a process that ended without letting it go (a crash, a kill) is taken over. It is
   * renamed aside first, so when two processes take over the same stale lock only one removes it,
   * and a lock a live process wrote in the meantime is put back.
   */
  private async takeOverStaleLock(job: Job, path: string): Promise<void> {
    const aside = `${path}.${process.pid}.${randomUUID().slice(0, 8)}`;
    try {
      await rename(path, aside);
    } catch {
      return; // gone already: someone else took it over or let it go
    }
    const pid = await liveHolder(await readFile(aside, 'utf8').catch(() => null));
    if (pid !== null && pid !== process.pid) {
      await link(aside, path).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      throw runningElsewhere(pid);
    }
    await unlink(aside).catch(() => undefined);
  }

  /** Takes the lock and reads the journal again, for writing: what another process wrote is in it. */
  private async lockForWriting(job: Job): Promise<void> {
    await this.lock(job);
    if (job.journal.writable) return;
    try {
      await job.journal.close();
      job.journal = await ArchiveJournal.open(job.dir, { write: true });
    } catch (error) {
      job.journal = await ArchiveJournal.open(job.dir).catch(() => job.journal);
      await this.unlock(job);
      throw error;
    }
  }

  /** Puts what was written on disk, stops writing, then lets the lock go. */
  private async releaseLock(job: Job): Promise<void> {
    await job.journal.endWrites();
    await this.unlock(job);
  }

  private async unlock(job: Job): Promise<void> {
    const path = join(job.dir, LOCK_FILE);
    if ((await this.lockHolder(job)) === process.pid) await unlink(path).catch(() => undefined);
  }

  /** The process holding the job's lock, if it is alive and still the one that took it. */
  private async lockHolder(job: Job): Promise<number | null> {
    return liveHolder(await readFile(join(job.dir, LOCK_FILE), 'utf8').catch(() => null));
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  private load(): Promise<void> {
    return (this.loaded ??= (async () => {
      await mkdir(this.root, { recursive: true });
      for (const entry of await readdir(this.root, { withFileTypes: true })) {
        if (!entry.isDirectory() || this.jobs.has(entry.name)) continue;
        await this.loadJob(entry.name);
      }
    })());
  }

  private async loadJob(id: string): Promise<Job | null> {
    const dir = join(this.root, id);
    let journal: ArchiveJournal;
    try {
      journal = await ArchiveJournal.open(dir);
    } catch (error) {
      this.options.log?.('warn', `archive import: the job folder ${dir} cannot be read (${(error as Error).message}); left as it is.`);
      return null;
    }
    const job = this.track(id, dir, journal);
    await this.phaseFromDisk(job);
    return job;
  }

  private derivePhase(job: Job): void {
    const state = job.journal.status;
    job.filesSeen = job.journal.rowCount;
    if (state.scanFailed !== null) [job.phase, job.message] = ['failed', state.scanFailed];
    else if (!state.planned) [job.phase, job.message] = ['failed', 'The dry run stopped before it ended (Corelog was closed); start a new one.'];
    else if (state.intent === null) [job.phase, job.message] = ['planned', null];
    else if (state.finished) [job.phase, job.message] = ['done', null];
    else if (state.intent === 'pause') [job.phase, job.message] = ['paused', null];
    else [job.phase, job.message] = ['paused', 'The run stopped before it ended; resume goes on where it stopped.'];
  }

  /** Jobs another process (the command line, the app) created or moved on since they were read. */
  private async refreshFromDisk(): Promise<void> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && !this.jobs.has(entry.name)) await this.loadJob(entry.name);
    }
    for (const job of this.jobs.values()) await this.reread(job);
  }

  private async reread(job: Job): Promise<void> {
    if (job.run || job.scan) return;
    const onDisk = await stat(join(job.dir, JOURNAL_FILE)).catch(() => null);
    if (!onDisk) return;
    if (onDisk.size === job.journal.fileBytes) return;
    // Read only: another process may be writing it at this moment.
    await job.journal.close();
    job.journal = await ArchiveJournal.open(job.dir);
    await this.phaseFromDisk(job);
  }

  /** The phase of a job this process is not scanning or running: from its journal, and its lock. */
  private async phaseFromDisk(job: Job): Promise<void> {
    this.derivePhase(job);
    const holder = await this.lockHolder(job);
    if (holder === null || holder === process.pid) return;
    [job.phase, job.message] = job.journal.status.planned ? ['running', 'Running in another Corelog process.'] : ['scanning', 'Being checked by another Corelog process.'];
  }

  private async job(jobId: string): Promise<Job> {
    await this.load();
    let job = this.jobs.get(jobId);
    if (!job && /^[A-Za-z0-9-]{1,100}$/.test(jobId)) {
      const onDisk = await stat(join(this.root, jobId, JOURNAL_FILE)).catch(() => null);
      if (onDisk) job = (await this.loadJob(jobId)) ?? undefined;
    }
    if (!job) throw new CorelogError('not-found', 'This import job is not known on this computer (it may have been removed).', { retryable: false });
    await this.reread(job);
    return job;
  }

  private track(id: string, dir: string, journal: ArchiveJournal): Job {
    const job: Job = {
      id,
      dir,
      journal,
      phase: 'planned',
      message: null,
      filesSeen: 0,
      scan: null,
      run: null,
      bucket: new TokenBucket(journal.status.maxBytesPerSecond),
      meter: new RateMeter(),
      inFlightBytes: 0,
      lastEmit: 0,
      emitTimer: null,
    };
    this.jobs.set(id, job);
    return job;
  }

  private statusOf(job: Job): ArchiveJobStatus {
    const state = job.journal.status;
    const bytes = job.journal.bytes();
    const running = job.run !== null;
    const bytesSent = bytes.sent + (running ? job.inFlightBytes : 0);
    const rate = running ? job.meter.bytesPerSecond() : null;
    const left = Math.max(0, bytes.toSend - bytes.failed - bytesSent);
    return {
      jobId: job.id,
      source: state.source,
      phase: job.phase,
      filesSeen: job.phase === 'scanning' ? job.filesSeen : job.journal.rowCount,
      filesTotal: state.filesTotal,
      counts: job.journal.countsNow(),
      bytesSent,
      bytesToSend: bytes.toSend,
      bytesPerSecond: rate,
      secondsLeft: rate && rate > 0 ? Math.round(left / rate) : left === 0 && state.planned ? 0 : null,
      maxBytesPerSecond: state.maxBytesPerSecond,
      message: job.message,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
    };
  }

  /** Tells the listeners, at most every `emitEveryMs` unless `now` (phase changes always go at once). */
  private changed(job: Job, now = false): void {
    const listener = this.options.onChange;
    if (!listener || this.disposed) return;
    const every = this.options.emitEveryMs ?? 250;
    const send = () => {
      job.emitTimer = null;
      job.lastEmit = Date.now();
      try {
        listener(this.statusOf(job));
      } catch {
        // A broken listener must not stop the job.
      }
    };
    if (now) {
      if (job.emitTimer) clearTimeout(job.emitTimer);
      send();
      return;
    }
    if (job.emitTimer) return;
    const wait = Math.max(0, job.lastEmit + every - Date.now());
    job.emitTimer = setTimeout(send, wait);
    job.emitTimer.unref?.();
  }
}
