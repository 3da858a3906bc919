/**
 * Runs a heavy decode in a child process of its own (decode-worker.ts) that can be stopped: the
 * worker has a memory cap, checks itself every 10 ms and stops itself when it goes over (on Linux
 * the service process watches it too), so a photo that needs gigabytes to decode costs the service
 * process nothing and ends as a refusal that says so. One worker at a time, one photo per worker:
 * its memory goes back to the system when it exits.
 *
 * Plain Node (browser mode, tests) forks `node`. Inside Electron `fork()` cannot start Node (the
 * RunAsNode fuse is off), so electron/main must hand over a launcher built on `utilityProcess`
 * with `configureDecodeWorker({ launch })`; without one, photos too heavy for the service process
 * are refused as not checkable here.
 */
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CorelogError } from '../../../common/errors';
import { tooLargeToCheckReason, WORKER_CAP_ENV, type WorkerMessage, type WorkerRequest } from './decode-worker-protocol';
import { TaskQueue } from './task-queue';

/** A started worker process, as electron/main's `utilityProcess` or Node's `fork` provides it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  post(message: WorkerRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has ended, however it ended. */
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  kill(): void;
}

export interface WorkerLaunchSpec {
  /** The worker's entry module. */
  modulePath: string;
  /** Node options the entry needs (`--import tsx` when running from sources). */
  execArgv: string[];
  /** To add to the environment. */
  env: Record<string, string>;
}

export type WorkerLauncher = (spec: WorkerLaunchSpec) => WorkerHandle;

export interface DecodeWorkerSettings {
  /** null: no worker can be started in this process. */
  launch: WorkerLauncher | null;
  /** The most memory (RSS) one worker may use. */
  memoryCapBytes: number;
  /** A worker still busy after this long is stopped. */
  timeoutMs: number;
}

/** A quarter of the computer's memory, at least 1 GB and at most 3 GB. */
export function defaultWorkerCap(): number {
  const gib = 1024 ** 3;
  return Math.min(3 * gib, Math.max(1 * gib, Math.floor(totalmem() / 4)));
}

let settings: DecodeWorkerSettings = { launch: process.versions.electron === undefined ? forkDecodeWorker : null, memoryCapBytes: defaultWorkerCap(), timeoutMs: 12 * 60_000 };

/** Replaces some settings (electron/main: the launcher; tests: a small cap). Returns the previous ones. */
export function configureDecodeWorker(changes: Partial<DecodeWorkerSettings>): DecodeWorkerSettings {
  const previous = settings;
  settings = { ...settings, ...changes };
  return previous;
}

export function decodeWorkerSettings(): Readonly<DecodeWorkerSettings> {
  return settings;
}

/** Where the worker's entry is: next to this module's bundle, or next to this source under tsx. */
export function decodeWorkerEntry(): { modulePath: string; execArgv: string[] } {
  // In the CommonJS bundle (Electron main) `__filename` is the bundle; everywhere else this is ESM.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { modulePath: join(dirname(here), 'decode-worker.ts'), execArgv: ['--import', 'tsx'] };
  return { modulePath: join(dirname(here), 'decode-worker.cjs'), execArgv: [] };
}

export type WorkerResult<M extends WorkerMessage['type']> = Extract<WorkerMessage, { type: M }>;

/** What the last worker reported of its peak memory (for the log and the memory tests). */
export interface DecodeWorkerStats {
  runs: number;
  /** Peak RSS of the last worker, as it reported it (its reading when it stopped itself). */
  lastPeakRssBytes: number | null;
}
const stats: DecodeWorkerStats = { runs: 0, lastPeakRssBytes: null };

export function decodeWorkerStats(): Readonly<DecodeWorkerStats> {
  return { ...stats };
}

/** One worker at a time: the cap is per worker, and the machine's memory is finite too. */
const workers = new TaskQueue(1);

/** Runs one request in a fresh worker; resolves with its reply, or throws the refusal. */
export function runInDecodeWorker(request: WorkerRequest & { op: 'prepare' }): Promise<WorkerResult<'prepared'>>;
export function runInDecodeWorker(request: WorkerRequest & { op: 'preview' }): Promise<WorkerResult<'preview'>>;
export function runInDecodeWorker(request: WorkerRequest): Promise<WorkerResult<'prepared' | 'preview'>> {
  return workers.run(() => runOnce(request, settings));
}

function runOnce(request: WorkerRequest, { launch, memoryCapBytes, timeoutMs }: DecodeWorkerSettings): Promise<WorkerResult<'prepared' | 'preview'>> {
  if (launch === null) {
    return Promise.reject(
      new CorelogError('unavailable', 'the photo needs more memory to check than Corelog may use in its main process, and the separate photo checker cannot be started here', {
        retryable: false,
      }),
    );
  }
  const entry = decodeWorkerEntry();
  return new Promise((resolve, reject) => {
    let handle: WorkerHandle;
    try {
      handle = launch({ ...entry, env: { [WORKER_CAP_ENV]: String(memoryCapBytes) } });
    } catch (error) {
      reject(new CorelogError('internal', 'the photo checker could not be started', { retryable: false, cause: error }));
      return;
    }
    let settled = false;
    let overMemory = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (watch !== null) clearInterval(watch);
      outcome();
      handle.kill();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new CorelogError('rejected', `the photo took too long to check (over ${duration(timeoutMs)}); it is damaged or far larger than a photo`, { retryable: false })));
    }, timeoutMs);
    // Linux: watch from outside as well, in case the worker's own timer cannot run.
    const watch = process.platform === 'linux' ? setInterval(() => void watchFromOutside(), 50) : null;
    const watchFromOutside = async (): Promise<void> => {
      const rss = handle.pid === undefined ? null : await residentBytes(handle.pid);
      if (rss !== null && rss > memoryCapBytes * 1.1 && !settled) {
        overMemory = true;
        handle.kill();
      }
    };
    stats.runs += 1;
    stats.lastPeakRssBytes = null;
    handle.onMessage((raw) => {
      const message = raw as WorkerMessage;
      stats.lastPeakRssBytes = message.type === 'over-memory' ? message.rssBytes : message.peakRssBytes;
      if (message.type === 'over-memory') overMemory = true;
      else if (message.type === 'failed') finish(() => reject(new CorelogError(message.error.kind, message.error.message, { retryable: message.error.retryable })));
      else finish(() => resolve(message));
    });
    handle.onExit(({ code, signal }) => {
      // SIGKILL: the worker stopping itself at its cap, or the system's out-of-memory killer.
      if (overMemory || signal === 'SIGKILL') finish(() => reject(new CorelogError('rejected', tooLargeToCheckReason(memoryCapBytes, null), { retryable: false })));
      else finish(() => reject(new CorelogError('internal', `the photo checker stopped unexpectedly (${signal ?? `exit code ${code}`})`, { retryable: false })));
    });
    handle.post(request);
  });
}

function duration(ms: number): string {
  const [count, unit] = ms >= 120_000 ? [Math.round(ms / 60_000), 'minute'] : [Math.max(1, Math.round(ms / 1000)), 'second'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** VmRSS of another process from /proc (Linux), or null. */
async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The launcher for plain Node: Node's `fork` (not usable inside Electron, see the module comment). */
export function forkDecodeWorker({ modulePath, execArgv, env }: WorkerLaunchSpec): WorkerHandle {
  const child = fork(modulePath, [], {
    execArgv,
    env: { ...process.env, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  return {
    get pid() {
      return child.pid;
    },
    post: (message) => child.send(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener({ code, signal }));
      child.once('error', () => listener({ code: null, signal: null }));
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
