/**
 * A watch report of tens of thousands of events, in real Chromium: it shows its first rows at
 * once and draws the rest a step at a time (the window never freezes for the whole of it, and
 * says how far it has got), Save as PDF waits for the last row, and every row arrives. Its remarks
 * carry markup and CSS, shown as text: nothing of it runs or styles the page.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { openEventLog, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

const EVENTS = 30_000;
const HOSTILE = `<img src=x onerror="document.title='ran'"><style>body{display:none}</style><script>document.title='ran'</script>`;

/** Puts `count` events of the last hour straight into the log's IndexedDB (as a long first load would). */
async function seedEvents(app: Page, count: number): Promise<void> {
  await app.evaluate(
    async ({ count, project, hostile }) => {
      const name = (await indexedDB.databases()).map((d) => d.name!).find((n) => n.startsWith('corelog-eventlog'))!;
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const start = Date.now() - count * 100 - 60_000;
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('events', 'readwrite');
        for (let i = 0; i < count; i++) {
          const time = new Date(start + i * 100).toISOString();
          const id = 900_000 + i;
          tx.objectStore('events').put({ key: `d:${id}`, project, id, uid: id, tstamp: time, sortKey: time, sequence: 700 + (i % 40), point: i, remarks: `${hostile} seeded ${i}`, labels: ['Gun'], meta: {}, readonly: false, hasEdits: false, deleted: 0, sync: 'synced', server: null, loggedAt: null });
        }
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count, project: PROJECT, hostile: HOSTILE },
  );
}

test('a watch of 30,000 events: first rows at once, the rest drawn in steps with progress, PDF only once all are drawn, markup shown as text', async ({ app, corelog }) => {
  test.setTimeout(300_000);
  await signInDougal(corelog);
  await openEventLog(app, 100);
  await seedEvents(app, EVENTS);
  const titleBefore = await app.title();

  // Measured in the page (Playwright's role queries over 30,000 rows would measure themselves).
  const seen = await app.evaluate(async () => {
    const longTasks: number[] = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
    const started = performance.now();
    [...document.querySelectorAll('button')].find((b) => b.textContent === 'Reports')!.click();
    const rows = () => document.querySelectorAll('[data-testid=log-report-event]').length;
    const wait = (done: () => boolean) => new Promise<void>((resolve) => {
      const check = () => (done() ? resolve() : setTimeout(check, 10));
      check();
    });
    await wait(() => rows() > 0);
    const first = { rows: rows(), status: document.querySelector('[data-testid=log-report-drawing]')?.textContent ?? null, saveDisabled: (document.querySelector('[data-testid=save-log-report]') as HTMLButtonElement).disabled };
    await wait(() => document.querySelector('[data-testid=log-report]')?.getAttribute('data-state') === 'ready');
    const total = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { first, total, longest: Math.max(0, ...longTasks), rows: rows() };
  });

  expect(seen.first.rows).toBeGreaterThan(0);
  expect(seen.first.rows).toBeLessThan(EVENTS);
  expect(seen.first.status).toMatch(new RegExp(`^Drawing the events: [\\d,]+ of ${EVENTS.toLocaleString('en-US')}…`));
  expect(seen.first.saveDisabled).toBe(true);
  expect(seen.rows).toBe(EVENTS);
  // No single task draws the whole report: the window answers between steps.
  expect(seen.longest).toBeLessThan(seen.total / 3);

  const dialog = app.getByRole('dialog', { name: 'Event log report' });
  await expect(dialog.getByTestId('log-report-drawing')).toHaveCount(0);
  await expect(dialog.getByTestId('save-log-report')).toBeEnabled();
  // The remarks' markup is text on the page: no element of it, nothing ran, nothing restyled.
  const report = dialog.getByTestId('log-report');
  expect(await report.locator('img, style, script').count()).toBe(0);
  const cellsAsText = await app.evaluate(
    (hostile) => [...document.querySelectorAll('[data-testid=log-report-event] td')].filter((td) => td.textContent === `${hostile} seeded 0` || td.textContent === `${hostile} seeded 29999`).length,
    HOSTILE,
  );
  expect(cellsAsText).toBe(2);
  expect(await app.title()).toBe(titleBefore);
  expect(await app.evaluate(() => getComputedStyle(document.body).display)).not.toBe('none');
});
