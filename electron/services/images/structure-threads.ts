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
 * If a thread cannot be started or dies, the walk runs on the main thread.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImageDamage } from './image-damage';
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
  | { id: number; ok: false; error: string };

/**
 * Two threads (one on a single-core computer): with one, the walks of three photos taken in side by
 * side queued behind each other while a core sat idle once their libvips decodes were done.
 */
const POOL_SIZE = Math.min(2, availableParallelism());

interface PooledThread {
  worker: Worker;
  pending: Map<number, { resolve: (result: WalkResult) => void; reject: (error: Error) => void }>;
}

let pool: PooledThread[] = [];
let broken = false;
let nextId = 1;

/** Off (the decode worker, which checks one photo at a time): every walk runs on the calling thread. */
export function useStructureThreads(enabled: boolean): void {
  broken = !enabled;
}

/**
 * Walks the rest of a JPEG or PNG after its header (see `checkJpegBody`, `checkPngBody`), reading
 * the file at `filePath`, on a thread when it can. Throws `ImageDamage`. With `dcImage`, a
 * baseline JPEG's walk also returns its 1/8-scale image made from the DC values it decodes (null
 * when `dcImageRefusal` says that image would not be libjpeg's); with `hash`, a JPEG's walk also
 * returns the SHA-256 of every byte of the file.
 */
export async function checkStructureBody(structure: WalkedStructure, filePath: string, options: WalkOptions = {}): Promise<WalkResult> {
  const walkOptions = { dcImage: options.dcImage === true, hash: options.hash === true };
  const thread = pickThread();
  if (thread === null) return walkHere(structure, filePath, walkOptions);
  const id = nextId++;
  try {
    return await new Promise<WalkResult>((resolve, reject) => {
      // Busy threads keep the process alive (the walk is all a caller may be waiting for); idle ones do not.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, structure, filePath, ...walkOptions } satisfies StructureRequest);
    });
  } catch (error) {
    if (error instanceof ImageDamage) throw error;
    // The thread died or failed on its own account: the walk still has to happen.
    return walkHere(structure, filePath, walkOptions);
  }
}


/** An idle thread, a new one while the pool is not full, else the one with the fewest walks waiting. */
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
  return pool.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
}

function startThread(): PooledThread {
  const { file, eval: isEval } = threadEntry();
  const worker = new Worker(file, { eval: isEval, name: 'corelog-structure-check' });
  const thread: PooledThread = { worker, pending: new Map() };
  worker.on('message', (reply: StructureReply) => {
    const waiting = thread.pending.get(reply.id);
    if (waiting === undefined) return;
    thread.pending.delete(reply.id);
    if (thread.pending.size === 0) worker.unref();
    if (reply.ok) waiting.resolve(reply.result);
    else if ('damage' in reply) waiting.reject(new ImageDamage(reply.damage));
    else waiting.reject(new Error(reply.error));
  });
  const fail = (error: Error) => {
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
