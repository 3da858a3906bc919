/**
 * The harness's handle on the service process (service-process.ts): start it, SIGKILL it, start it
 * again on the same port, data folder and page key. Its output goes to a log file per round, so a
 * failed round can be read afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const READY_LINE = 'CORELOG_SOAK_READY';
const START_TIMEOUT_MS = 60_000;

export interface SoakServiceOptions {
  dataDir: string;
  rendererDir: string;
  imagoUrl: string;
  dougalUrl: string;
  logFile: string;
  /** The repository root (tsx and the sources are found from here). */
  cwd: string;
}

/** A free loopback port, picked once so every restart reuses it (the page's origin must not change). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class SoakService {
  readonly token = randomBytes(24).toString('base64url');
  private child: ChildProcess | null = null;
  private log: WriteStream;
  private port = 0;
  url = '';
  starts = 0;

  constructor(private readonly options: SoakServiceOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the process and waits until it listens (the first start picks the port). */
  async start(): Promise<void> {
    if (this.child) throw new Error('the service process is already running');
    this.port ||= await freePort();
    const script = join(this.options.cwd, 'test', 'soak', 'service-process.ts');
    const child = spawn(
      process.execPath,
      // `--token=…` in one piece: a base64url token may start with '-', which parseArgs would take for an option.
      ['--import', 'tsx', script, '--port', String(this.port), '--data', this.options.dataDir, `--token=${this.token}`, '--renderer', this.options.rendererDir],
      {
        cwd: this.options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CORELOG_IMAGO_URL: this.options.imagoUrl,
          CORELOG_DOUGAL_URL: this.options.dougalUrl,
          CORELOG_DEMO_LOGINS: '1',
        },
      },
    );
    this.child = child;
    this.starts += 1;
    this.log.write(`\n--- start ${this.starts} (pid ${child.pid}) at ${new Date().toISOString()}\n`);
    child.stderr!.pipe(this.log, { end: false });
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service process did not start within ${START_TIMEOUT_MS / 1000} s (log: ${this.options.logFile})`)), START_TIMEOUT_MS);
      let found = false;
      child.stdout!.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        if (found) return;
        seen += chunk.toString();
        const match = seen.match(new RegExp(`${READY_LINE} (\\S+)`));
        if (match) {
          found = true;
          clearTimeout(timer);
          this.url = match[1]!;
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the service process stopped while starting (${signal ?? `exit ${code}`}); log: ${this.options.logFile}`));
      });
    });
    try {
      await ready;
    } catch (error) {
      await this.kill();
      throw error;
    }
    child.on('exit', (code, signal) => {
      this.log.write(`--- exited (${signal ?? `code ${code}`}) at ${new Date().toISOString()}\n`);
      if (this.child === child) this.child = null;
    });
  }

  /** kill -9: no handler runs, nothing is flushed, open sockets drop. Resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await gone;
    this.child = null;
  }

  /** The end of a round: a polite stop, then SIGKILL if it does not go. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) {
      this.log.end();
      return;
    }
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
    this.child = null;
    this.log.end();
  }
}
