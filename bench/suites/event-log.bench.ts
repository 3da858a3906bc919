/**
 * Event-log benchmarks (issue 4), in Debian Chromium against browser mode and the Dougal emulator:
 * - with 100,000 events in IndexedDB (written straight into the page's database, for speed):
 *   open the log to its first rows (< 300 ms, cold: right after a reload), a text filter
 *   (< 150 ms, until the count and rows are redrawn), and logging one event until its row is in
 *   the DOM (< 50 ms, from the form's submit). Timed inside the page, so Playwright's own round
 *   trips do not count.
 * The push of queued creates is its own suite (event-log-push.bench.ts), using the helpers here.
 */
import type { Page } from '@playwright/test';
import { openApp, startBrowserStack, stopBrowserStack, UNREACHABLE, type BrowserStack } from '../browser-stack';
import { startEmulators, type RunningEmulators } from '../../emulators/start-emulators';
import { below, round, type BenchContext, type BenchSuite } from '../bench-harness';

export const PROJECT = 'eq24301';

export interface Stack extends BrowserStack {
  emulators: RunningEmulators;
}

export async function startStack(): Promise<Stack> {
  const emulators = await startEmulators();
  return { emulators, ...(await startBrowserStack('eventlog', { imago: UNREACHABLE.imago, dougal: emulators.dougal.server.baseUrl })) };
}

export async function stopStack(stack: Stack): Promise<void> {
  await stopBrowserStack(stack);
  await stack.emulators.close();
}

/** A page for the app; tsx names functions with an `__name` helper, which callbacks sent to the page need too. */
export async function newAppPage(stack: Stack, viewport = { width: 1400, height: 900 }): Promise<Page> {
  const page = await stack.browser.newPage({ viewport });
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  // When the first event row appears, in ms since navigation (for the start-on-the-log row).
  await page.addInitScript(`globalThis.__benchFirstRowAt = new Promise((resolve) => {
    const seen = () => document.querySelector('[data-testid=event-row]') !== null;
    const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); resolve(performance.now()); } });
    document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { childList: true, subtree: true }));
  });`);
  return page;
}

/** Writes `count` events (and the project's reference data) straight into the app's IndexedDB. */
export async function seedEvents(page: Page, count: number, outbox: boolean): Promise<void> {
  await page.evaluate(
    async ({ count, project, outbox }) => {
      const words = ['Gun', 'string', 'autofire', 'dropout', 'streamer', 'depth', 'bird', 'feather', 'mammal', 'sighting', 'weather', 'swell', 'line', 'change', 'infill', 'FSP', 'LSP', 'QC', 'noise', 'tailbuoy'];
      const labels = ['Nav', 'Gun', 'Streamer', 'Weather', 'Mammal', 'Equipment', 'Prod', 'Comment'];
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const put = (store: string, rows: unknown[]) =>
        new Promise<void>((resolve, reject) => {
          const tx = db.transaction(store, 'readwrite');
          for (const row of rows) tx.objectStore(store).put(row);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      const start = Date.parse('2024-01-01T00:00:00Z');
      const now = new Date().toISOString();
      for (let from = 0; from < count; from += 10_000) {
        const rows = [];
        const items = [];
        for (let i = from; i < Math.min(count, from + 10_000); i++) {
          const tstamp = new Date(start + i * 37_000).toISOString();
          const remarks = `${words[i % 20]} ${words[(i * 7) % 20]} ${i % 13 === 0 ? 'gun 3 autofire' : words[(i * 3) % 20]} #${i}`;
          const fields = { tstamp, sequence: 1 + Math.floor(i / 400), point: 1000 + (i % 400), remarks, labels: i % 5 === 0 ? [labels[i % 8]] : [], meta: {} };
          const key = outbox ? `c:bench${String(i).padStart(24, '0')}` : `d:${100_000 + i}`;
          rows.push({ ...fields, key, project, id: outbox ? null : 100_000 + i, uid: outbox ? null : 100_000 + i, sortKey: tstamp, readonly: false, hasEdits: false, deleted: 0, sync: outbox ? 'pending' : 'synced', server: null, loggedAt: outbox ? now : null });
          if (outbox) items.push({ project, eventKey: key, kind: 'create', fields, label: `Log “${remarks}”`, state: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: now });
        }
        await put('events', rows);
        if (outbox) await put('outbox', items);
      }
      await put('syncState', [{ project, cursor: now, loadedOffset: 0, loadStartedAt: null, lastPullAt: now, lastPushAt: null }]);
      await put('projects', [{ pid: project, name: 'North Sea 3D 2024' }]);
      await put('reference', [{ project, labels: labels.map((name) => ({ name, colour: '#90caf9', description: null, user: true, multiple: true })), sequences: [], plan: [], lines: [], fetchedAt: now }]);
      db.close();
      localStorage.setItem('corelog.eventLog.project', project);
    },
    { count, project: PROJECT, outbox },
  );
}

/** Runs `action` in the page and resolves with the ms until `done()` holds after a DOM change. */
async function timeInPage(page: Page, action: string, done: string): Promise<number> {
  return page.evaluate(
    ({ action, done }) =>
      new Promise<number>((resolve, reject) => {
        const isDone = new Function(`return (${done})`) as () => boolean;
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          if (isDone()) {
            observer.disconnect();
            resolve(performance.now() - t0);
          }
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        setTimeout(() => {
          observer.disconnect();
          reject(new Error(`not done after 30 s: ${done}`));
        }, 30_000);
        (new Function(action) as () => void)();
      }),
    { action, done },
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const SET_INPUT = (selector: string, value: string) => `
  const input = document.querySelector(${JSON.stringify(selector)});
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, ${JSON.stringify(value)});
  input.dispatchEvent(new Event('input', { bubbles: true }));`;

async function benchLocalLog(stack: Stack, context: BenchContext, size: number): Promise<void> {
  const page = await newAppPage(stack);
  await openApp(page, stack.server.url);
  const seedStart = Date.now();
  await seedEvents(page, size, false);
  context.log(`seeded ${size.toLocaleString()} events into IndexedDB in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const label = `${size.toLocaleString()} events`;
  const openLog = `[...document.querySelectorAll('nav[aria-label=Screens] button')].find((b) => b.textContent === 'Event log').click()`;

  const countText = () => page.getByTestId('event-count').textContent();
  const fullCount = `${size.toLocaleString('en-US')} of ${size.toLocaleString('en-US')} events`;
  const whole = async () => {
    const t0 = Date.now();
    while ((await countText()) !== fullCount) {
      if (Date.now() - t0 > 60_000) throw new Error(`the whole log did not load: ${await countText()}`);
      await page.waitForTimeout(50);
    }
    return Date.now() - t0;
  };
  // The app remembers its last screen, so "cold, from another screen" starts from Home on purpose.
  const rememberHome = () => page.evaluate(() => localStorage.setItem('corelog.lastScreen', 'home'));
  const opens: number[] = [];
  for (let i = 0; i < (context.smoke ? 1 : 3); i++) {
    await rememberHome();
    await openApp(page, stack.server.url);
    opens.push(await timeInPage(page, openLog, `document.querySelector('[data-testid=event-row]') !== null`));
    // Before the next reload: the database would still be busy serving this page's full read.
    const rest = await whole();
    context.log(`open ${i + 1}: first rows after ${round(opens.at(-1)!)} ms, all ${size.toLocaleString('en-US')} in memory ~${rest} ms later`);
  }
  context.record(below(`event log: open to first rows (${label})`, median(opens), 'ms', 300));

  // A restart on the event log (the vessel workstation's usual start): from the page's navigation
  // to its first rows, boot included, with the sync engines starting alongside.
  const starts: number[] = [];
  for (let i = 0; i < (context.smoke ? 1 : 3); i++) {
    await page.evaluate(() => localStorage.setItem('corelog.lastScreen', 'event-log'));
    await openApp(page, stack.server.url);
    starts.push(await page.evaluate(() => (window as unknown as { __benchFirstRowAt: Promise<number> }).__benchFirstRowAt));
    const rest = await whole();
    context.log(`start on the log ${i + 1}: first rows ${round(starts.at(-1)!)} ms after navigation, all ${size.toLocaleString('en-US')} in memory ~${rest} ms later`);
  }
  context.record(below(`event log: start on the log to first rows, boot included (${label})`, median(starts), 'ms', 1000));

  const filters: number[] = [];
  for (const term of ['autofire', 'tailbuoy', 'gun', 'swell #1', 'zzz-no-match']) {
    const before = await countText();
    filters.push(
      await timeInPage(
        page,
        SET_INPUT('input[aria-label="Search remarks"]', term),
        `document.querySelector('[data-testid=event-count]').textContent !== ${JSON.stringify(before)}`,
      ),
    );
    context.log(`filter “${term}”: ${await countText()}`);
    await timeInPage(page, SET_INPUT('input[aria-label="Search remarks"]', ''), `document.querySelector('[data-testid=event-count]').textContent === ${JSON.stringify(fullCount)}`);
  }
  context.record(below(`event log: text filter (${label})`, median(filters), 'ms', 150));

  const logs: number[] = [];
  for (let i = 0; i < (context.smoke ? 2 : 10); i++) {
    const remarks = `Bench entry ${i} ${Date.now()}`;
    await page.evaluate(SET_INPUT('input[aria-label="Remarks"]', remarks));
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Remarks"]') as HTMLInputElement).value !== '');
    logs.push(
      await timeInPage(
        page,
        `document.querySelector('[data-testid=entry-line]').requestSubmit()`,
        `[...document.querySelectorAll('[data-testid=event-remarks]')].some((c) => c.textContent === ${JSON.stringify(remarks)})`,
      ),
    );
  }
  context.record(below(`event log: log one event until its row shows (${label})`, median(logs), 'ms', 50));
  await page.close();
}

const suite: BenchSuite = {
  name: 'event-log',
  async run(context) {
    const stack = await startStack();
    try {
      await benchLocalLog(stack, context, context.smoke ? 2_000 : 100_000);
    } finally {
      await stopStack(stack);
    }
  },
};

export default suite;
