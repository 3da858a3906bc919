/**
 * Runs Corelog's structure walks (the coded data of a baseline JPEG, every chunk of a PNG) on a
 * small pool of worker threads instead of the service process's main thread. The walk costs about
 * as much CPU as libjpeg's own decode (~0.1 s for a 24 MP photo); on the main thread it held the
 * bridge up for 100 ms and more while three photos were taken in, and walks could not use a spare
 * core.
 *
 * A thread reads the file itself, through its 1 MB window: handing it the bytes already in memory
 * (a SharedArrayBuffer) kept every photo's bytes alive until the thread's own garbage collection,
 * which rarely runs there — 520 MB instead of ~400 MB with fifteen big photos taken in at once.
 * If a thread cannot be started or dies, the walk runs on the main thread. A thread that does not
 * answer within a bound (`walkTimeoutMs`) is stopped and replaced, and only its photo is refused.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FileChanged, formatCount, ImageDamage } from './image-damage';
import { singleArithmeticScan } from './jpeg-structure';
import { walkHere, type WalkedStructure, type WalkOptions, type WalkResult } from './structure-walk';

export type { WalkedStructure, WalkResult } from './structure-walk';

export interface StructureRequest {
  id: number;
  structure: WalkedStructure;
  filePath: string;
  /** Also make the 1/8-scale image from a baseline JPEG's DC values (see `dcImageRefusal`). */
  dcImage?: boolean;
  /** Also hash the whole file (a JPEG's walk reads all of it anyway). */
  hash?: boolean;
}

export type StructureReply =
  | { id: number; ok: true; result: WalkResult }
  | { id: number; ok: false; damage: string }
  | { id: number; ok: false; changed: true }
  | { id: number; ok: false; error: string };

/**
 * Two threads (one on a single-core computer): with one, the walks of three photos taken in side by
 * side queued behind each other while a core sat idle once their libvips decodes were done.
 */
const POOL_SIZE = Math.min(2, availableParallelism());

/**
 * How long a walk may take before its thread is taken for stuck: a base for starting and a busy
 * machine, plus a second per 10 MB (the walk reads ~100 MB/s on one core, 10 times that). A file
 * on a drive that stopped answering, or a loop that never ends, must not hold a photo — nor the
 * photos queued behind it on the same thread — for ever.
 */
const DEFAULT_TIMEOUT = { baseMs: 15_000, msPerMegabyte: 100 };
let timeout = DEFAULT_TIMEOUT;

/** Tests: a shorter bound for a walk (see `walkTimeoutMs`). */
export function configureStructureThreads(options: { timeout?: { baseMs: number; msPerMegabyte: number } }): void {
  timeout = options.timeout ?? DEFAULT_TIMEOUT;
}

/** The arithmetic-coded walk decodes every decision in JavaScript: ~1–2 MB/s rather than ~100. */
const ARITHMETIC_SLOWER = 30;

/** The bound for walking a file of `fileBytes` (`arithmetic`: a sequential arithmetic-coded JPEG). */
export function walkTimeoutMs(fileBytes: number, arithmetic = false): number {
  return timeout.baseMs + Math.ceil((fileBytes / (1024 * 1024)) * timeout.msPerMegabyte * (arithmetic ? ARITHMETIC_SLOWER : 1));
}

/** A walk that did not answer within its bound; its thread was stopped and replaced. */
export class StructureWalkTimeout extends Error {
  constructor(readonly seconds: number) {
    super(`the check of the file's structure did not finish within ${formatCount(seconds)} seconds`);
    this.name = 'StructureWalkTimeout';
  }
}

/**
 * The walk itself threw something other than damage (a bug, say) on its thread. Not walked again on
 * the main thread: the same walk would fail the same way, after holding the bridge up for it.
 */
export class StructureWalkFailed extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'StructureWalkFailed';
  }
}

/** The thread a walk was on was stopped because another walk there got stuck: walk again elsewhere. */
class ThreadReplaced extends Error {}

interface PendingWalk {
  resolve: (result: WalkResult) => void;
  reject: (error: Error) => void;
}

interface PooledThread {
  worker: Worker;
  pending: Map<number, PendingWalk>;
  /** Stopped on purpose (stuck): its exit is not a failure of the pool. */
  retired: boolean;
}

let pool: PooledThread[] = [];
let broken = false;
let nextId = 1;
/** Which thread a tie goes to, in turn: not always the first, which may be the slow one. */
let turn = 0;

/** Off (the decode worker, which checks one photo at a time): every walk runs on the calling thread. */
export function useStructureThreads(enabled: boolean): void {
  broken = !enabled;
}

/**
 * Walks the rest of a JPEG or PNG after its header (see `checkJpegBody`, `checkPngBody`), reading
 * the file at `filePath`, on a thread when it can. Throws `ImageDamage`, `FileChanged`, or
 * `StructureWalkTimeout` when the thread did not answer in time (it is then replaced, and the other
 * walks it had are walked again on another thread). With `dcImage`, a baseline JPEG's walk also
 * returns its 1/8-scale image made from the DC values it decodes (null when `dcImageRefusal` says
 * that image would not be libjpeg's); with `hash`, a JPEG's walk also returns the SHA-256 of every
 * byte of the file.
 */
export async function checkStructureBody(structure: WalkedStructure, filePath: string, options: WalkOptions = {}): Promise<WalkResult> {
  const walkOptions = { dcImage: options.dcImage === true, hash: options.hash === true };
  const arithmetic = structure.kind === 'jpeg' && singleArithmeticScan(structure.header);
  const limitMs = walkTimeoutMs(await fileSize(filePath), arithmetic);
  for (;;) {
    const thread = pickThread();
    if (thread === null) return walkHere(structure, filePath, walkOptions);
    try {
      return await walkOnThread(thread, { structure, filePath, ...walkOptions }, limitMs);
    } catch (error) {
      if (error instanceof ImageDamage || error instanceof FileChanged || error instanceof StructureWalkTimeout || error instanceof StructureWalkFailed) throw error;
      if (error instanceof ThreadReplaced) continue;
      // The thread died (or could not load): the walk still has to happen.
      return walkHere(structure, filePath, walkOptions);
    }
  }
}

function walkOnThread(thread: PooledThread, request: Omit<StructureRequest, 'id'>, limitMs: number): Promise<WalkResult> {
  const id = nextId++;
  return new Promise<WalkResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      thread.pending.delete(id);
      retire(thread);
      reject(new StructureWalkTimeout(Math.max(1, Math.round(limitMs / 1000))));
    }, limitMs);
    // The timer alone must not keep a process alive; a busy thread does (below).
    timer.unref();
    const settle = <T>(finish: (value: T) => void) => (value: T) => {
      clearTimeout(timer);
      finish(value);
    };
    // Busy threads keep the process alive (the walk is all a caller may be waiting for); idle ones do not.
    if (thread.pending.size === 0) thread.worker.ref();
    thread.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
    thread.worker.postMessage({ id, ...request } satisfies StructureRequest);
  });
}

/** Stops a stuck thread and takes it out of the pool; its other walks are walked again elsewhere. */
function retire(thread: PooledThread): void {
  thread.retired = true;
  pool = pool.filter((candidate) => candidate !== thread);
  const others = [...thread.pending.values()];
  thread.pending.clear();
  void thread.worker.terminate();
  for (const waiting of others) waiting.reject(new ThreadReplaced());
}

async function fileSize(filePath: string): Promise<number> {
  try {
    return (await stat(filePath)).size;
  } catch {
    return 0; // the walk itself says what is wrong with the file
  }
}

/** An idle thread, a new one while the pool is not full, else one with the fewest walks waiting. */
function pickThread(): PooledThread | null {
  if (broken) return null;
  const idle = pool.find((thread) => thread.pending.size === 0);
  if (idle !== undefined) return idle;
  if (pool.length < POOL_SIZE) {
    try {
      const started = startThread();
      pool.push(started);
      return started;
    } catch {
      broken = true;
      return null;
    }
  }
  const fewest = Math.min(...pool.map((thread) => thread.pending.size));
  const candidates = pool.filter((thread) => thread.pending.size === fewest);
  return candidates[turn++ % candidates.length]!;
}

function startThread(): PooledThread {
  const { file, eval: isEval } = threadEntry();
  const worker = new Worker(file, { eval: isEval, name: 'corelog-structure-check' });
  const thread: PooledThread = { worker, pending: new Map(), retired: false };
  worker.on('message', (reply: StructureReply) => {
    const waiting = thread.pending.get(reply.id);
    if (waiting === undefined) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) worker.unref();
    if (reply.ok) waiting.resolve(reply.result);
    else if ('damage' in reply) waiting.reject(new ImageDamage(reply.damage));
    else if ('changed' in reply) waiting.reject(new FileChanged());
    else waiting.reject(new StructureWalkFailed(reply.error));
  });
  const fail = (error: Error) => {
    if (thread.retired) return;
    // A thread that failed to load or crashed: walks go back to the main thread for good.
    broken = true;
    pool = [];
    for (const waiting of thread.pending.values()) waiting.reject(error);
    thread.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`structure-check thread exited with code ${code}`)));
  // Idle threads must not keep the process alive (tests, browser mode's shutdown). After the
  // listeners: adding a 'message' listener refs the thread's port again.
  worker.unref();
  return thread;
}

/** The thread's entry: bundled next to this module, or this source's sibling loaded through tsx. */
function threadEntry(): { file: string; eval: boolean } {
  // In the CommonJS bundle (Electron main) `__filename` is the bundle; everywhere else this is ESM.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { file: join(dirname(here), 'structure-thread.cjs'), eval: false };
  // From sources (tests, benchmarks): tsx's require hook. Its ESM loader (`tsx/esm/api`) left a
  // message port open in the main thread that kept the process from exiting.
  const entry = JSON.stringify(join(dirname(here), 'structure-thread.ts'));
  return { file: `require('tsx/cjs/api').require(${entry}, ${entry});`, eval: true };
}
