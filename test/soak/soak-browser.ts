/**
 * The harness's own Chromium: started by us (so we hold its pid and can SIGKILL its whole process
 * group), with a persistent profile (so IndexedDB, which holds the outboxes, outlives a kill), and
 * driven through Playwright over the DevTools protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';

const START_TIMEOUT_MS = 30_000;

/** The flags playwright.config.ts gives the browser tests, plus no throttling of a page nobody looks at. */
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-quic',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-session-crashed-bubble',
  '--remote-debugging-port=0',
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export class SoakBrowser {
  private child: ChildProcess | null = null;
  private browser: Browser | null = null;
  private log: WriteStream;
  private trace: WriteStream;
  private sockets = 0;
  page: Page | null = null;
  starts = 0;

  constructor(private readonly options: { profileDir: string; logFile: string; bridgeTraceFile: string }) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.trace = createWriteStream(options.bridgeTraceFile, { flags: 'a' });
  }

  /** Starts Chromium on the profile and opens `url` in its one tab. */
  async start(url: string): Promise<Page> {
    if (this.child) throw new Error('the browser is already running');
    // Its own process group, so a kill takes the renderer and helper processes with it, as a crash would.
    const child = spawn(chromiumPath(), [...CHROMIUM_FLAGS, `--user-data-dir=${this.options.profileDir}`, 'about:blank'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.starts += 1;
    this.log.write(`\n--- start ${this.starts} (pid ${child.pid}) at ${new Date().toISOString()}\n`);
    child.on('exit', (code, signal) => {
      this.log.write(`--- exited (${signal ?? `code ${code}`}) at ${new Date().toISOString()}\n`);
    });
    try {
      const endpoint = await this.devToolsAddress(child);
      this.page = await this.open(endpoint, url);
      return this.page;
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  /** Chromium prints its DevTools address on stderr once it listens. */
  private devToolsAddress(child: ChildProcess): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address within ${START_TIMEOUT_MS / 1000} s (log: ${this.options.logFile})`)), START_TIMEOUT_MS);
      let found = false;
      child.stderr!.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        if (found) return;
        seen += chunk.toString();
        const match = seen.match(/DevTools listening on (ws:\/\/\S+)/);
        if (match) {
          found = true;
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Chromium stopped while starting (${signal ?? `exit ${code}`}); log: ${this.options.logFile}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  private async open(endpoint: string, url: string): Promise<Page> {
    this.browser = await chromium.connectOverCDP(endpoint);
    const context = this.browser.contexts()[0];
    if (!context) throw new Error('Chromium came up without its default context');
    const pages = context.pages();
    const page = pages[0] ?? (await context.newPage());
    // A profile that was killed may bring back other tabs; one window runs the engines, keep just ours.
    for (const other of pages.slice(1)) await other.close().catch(() => undefined);
    this.traceBridge(page);
    await page.goto(url);
    return page;
  }

  /**
   * Writes every bridge message the page sends and every answer it gets (method, call id, and for
   * event creates the client key) to the trace file: evidence when a round finds a duplicate.
   */
  private traceBridge(page: Page): void {
    const start = this.starts;
    page.on('websocket', (ws) => {
      const socket = `browser ${start} socket ${++this.sockets}`;
      const line = (text: string) => this.trace.write(`${new Date().toISOString()} ${socket} ${text}\n`);
      line('open');
      ws.on('framesent', ({ payload }) => line(`→ ${summarise(String(payload))}`));
      ws.on('framereceived', ({ payload }) => {
        const text = summarise(String(payload));
        if (!text.startsWith('event ')) line(`← ${text}`);
      });
      ws.on('close', () => line('close'));
      ws.on('socketerror', (error) => line(`error ${error}`));
    });
  }

  /** kill -9 of the browser's whole process group. Resolves once every process of it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is already gone
    }
    await gone;
    await waitForGroupGone(child.pid!);
    this.child = null;
    this.page = null;
    // The DevTools connection died with the browser; let Playwright notice and drop it.
    await this.browser?.close().catch(() => undefined);
    this.browser = null;
  }

  /** The end of a round: the same kill, then the log is closed. */
  async stop(): Promise<void> {
    await this.kill();
    this.log.end();
    this.trace.end();
  }
}

/** One bridge message in a line: call id and method (with an event create's key), or a result's outcome. */
function summarise(payload: string): string {
  try {
    const message = JSON.parse(payload) as { type?: string; id?: number; method?: string; input?: Record<string, unknown>; result?: { ok?: boolean; error?: { kind?: string } }; event?: string };
    if (message.type === 'call') {
      const input = message.input ?? {};
      const detail = message.method === 'eventLogCreate' ? ` key ${String(input.clientKey)} lookupFirst ${String(input.lookupFirst)}` : message.method === 'uploadPhoto' ? ` job ${String(input.jobId)} resend ${String(input.resend)}` : '';
      return `call ${message.id} ${message.method}${detail}`;
    }
    if (message.type === 'result') return `result ${message.id} ${message.result?.ok ? 'ok' : `failed ${message.result?.error?.kind}`}`;
    if (message.type === 'event') return `event ${message.event}`;
  } catch {
    // not JSON: say how long it was
  }
  return `${payload.length} characters`;
}

/** Helpers of a killed browser go within moments; wait until none is left of its process group. */
async function waitForGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`processes of Chromium's group ${pgid} are still running 5 s after the kill`);
}
