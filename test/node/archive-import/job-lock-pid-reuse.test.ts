/**
 * An archive job's lock, held by a real Corelog child process (a dry run waiting on an Imago that
 * never answers), and left behind by it when it is killed with SIGKILL.
 *
 * The lock named only the holder's process id. Once that process was gone and its id belonged to
 * another, unrelated live process (ids are reused), the job looked "already running in process N"
 * for ever: it could not be paused, capped, run or removed. The lock now also records who the
 * holder is (its start time and the boot, on Linux), and a lock whose id is alive but is another
 * process is stale. A lock whose holder is still the same live process is respected as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';

const CHILD = join(import.meta.dirname, 'lock-holder-child.ts');

let dir: string;
let blackHole: Server;
let blackHoleUrl: string;
const sockets = new Set<Socket>();
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'corelog-job-lock-'));
  mkdirSync(join(dir, 'archive'));
  writeFileSync(join(dir, 'archive', 'DH001_10.0_12.5_dry.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  // An Imago that takes the connection and never answers: the child's dry run waits, holding the lock.
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as { port: number }).port}/integrate/2`;
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** A Corelog process that starts a dry run and holds its job's lock until killed. */
async function corelogHoldingALock(): Promise<{ child: ChildProcess; jobId: string; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(dir, 'data'), blackHoleUrl, join(dir, 'archive')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error(`the lock holder exited early: ${stderr}`)));
  });
  const { jobId, pid, phase } = JSON.parse(line) as { jobId: string; pid: number; phase: string };
  expect(phase).toBe('scanning');
  return { child, jobId, pid };
}

/** An unrelated live process (not Corelog), standing for whatever got the dead holder's id. */
function unrelatedProcess(): ChildProcess {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

const window = () => new ArchiveJobs({ dataDir: join(dir, 'data'), imago: () => { throw new Error('these tests never reach Imago'); } });
const lockFile = (jobId: string) => join(dir, 'data', 'archive-import', jobId, 'lock');

describe('an archive job lock', () => {
  it('held by a live Corelog process: another process sees the job busy and may not steer or remove it', async () => {
    const holder = await corelogHoldingALock();
    const jobs = window();
    try {
      expect(await jobs.status(holder.jobId)).toMatchObject({ phase: 'scanning', message: 'Being checked by another Corelog process.' });
      const busy = { kind: 'conflict', message: expect.stringContaining(`already running in another Corelog process (process ${holder.pid})`) };
      await expect(jobs.pause(holder.jobId)).rejects.toMatchObject(busy);
      await expect(jobs.setRate(holder.jobId, 1024 * 1024)).rejects.toMatchObject(busy);
      await expect(jobs.remove(holder.jobId)).rejects.toMatchObject(busy);
      expect(Number.parseInt(readFileSync(lockFile(holder.jobId), 'utf8'), 10)).toBe(holder.pid);
    } finally {
      await jobs.dispose();
    }
  }, 30_000);

  it('left by a killed process whose id now belongs to an unrelated live process: stale, so the job can be steered and removed', async () => {
    const holder = await corelogHoldingALock();
    await killed(holder.child);
    // Process ids are reused: put the dead holder's lock under the id of a live process that is not it.
    const other = unrelatedProcess();
    const left = readFileSync(lockFile(holder.jobId), 'utf8');
    writeFileSync(lockFile(holder.jobId), left.replace(/^\d+/, String(other.pid)));
    expect(other.exitCode).toBeNull();

    const jobs = window();
    try {
      const status = await jobs.status(holder.jobId);
      expect(status.message).not.toBe('Being checked by another Corelog process.');
      await expect(jobs.pause(holder.jobId)).resolves.toMatchObject({ jobId: holder.jobId });
      // Taking the lock over for writing works, and leaves no lock behind.
      await expect(jobs.setRate(holder.jobId, 1024 * 1024)).resolves.toMatchObject({ jobId: holder.jobId });
      expect(() => readFileSync(lockFile(holder.jobId))).toThrow(/ENOENT/);
      expect(await jobs.remove(holder.jobId)).toEqual({ removed: true });
    } finally {
      await jobs.dispose();
    }
    expect(other.exitCode).toBeNull(); // the unrelated process was never touched
  }, 30_000);

  it('left by a killed process whose id is free: stale, as before', async () => {
    const holder = await corelogHoldingALock();
    await killed(holder.child);
    const jobs = window();
    try {
      expect(await jobs.remove(holder.jobId)).toEqual({ removed: true });
    } finally {
      await jobs.dispose();
    }
  }, 30_000);
});
