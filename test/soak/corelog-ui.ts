/**
 * What the soak does in Corelog's UI, as a user would: log events from the entry line, take photos
 * in and queue them, and read the sync strip. Plain Playwright `Page` calls, so it runs both
 * inside the Playwright runner and from `npm run soak`.
 */
import type { Page } from '@playwright/test';

export const PROJECT = 'eq24301';
export const WORKSPACE = 'Firefly Resource Development';
export const DATASET = 'Diamond Drilling';
export const IMAGERY_TYPE = 'Core Trays';

export class SoakTimeout extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `ok` holds; a bounded wait that says what it waited for. */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean, options: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new SoakTimeout(`${what}: not reached within ${Math.round(options.timeoutMs / 1000)} s (last seen: ${JSON.stringify(last)})`);
    await sleep(options.intervalMs ?? 100);
  }
}

/** The app is loaded and its bridge is up. */
export async function appReady(page: Page): Promise<void> {
  try {
    await page.getByTestId('app-version').waitFor({ state: 'visible', timeout: 30_000 });
  } catch (error) {
    throw new Error(`the app did not come up in the browser within 30 s (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}

async function goTo(page: Page, screen: 'Event log' | 'Photos'): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();
}

async function eventCount(page: Page): Promise<number> {
  const text = await page.getByTestId('event-count').textContent({ timeout: 5_000 }).catch(() => null);
  return Number(text?.match(/of ([\d,]+)/)?.[1]?.replace(/,/g, '') ?? 0);
}

/** Opens the event log; the first time, waits until the first load from Dougal is in. */
export async function openEventLog(page: Page): Promise<void> {
  await goTo(page, 'Event log');
  await page.getByTestId('event-log').waitFor({ state: 'visible', timeout: 20_000 });
  // The log itself, not the plan or QC view a scenario before left open (the screen remembers it).
  await page.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Log', exact: true }).click();
  await waitUntil('the event log loaded from Dougal', () => eventCount(page), (n) => n >= 1000, { timeoutMs: 60_000, intervalMs: 250 });
}

/** Types remarks into the entry line and presses Enter (the event is logged now). */
export async function logEvent(page: Page, remarks: string): Promise<void> {
  const field = page.getByTestId('entry-line').getByLabel('Remarks');
  await field.fill(remarks);
  await field.press('Enter');
  await waitUntil(`the entry line took “${remarks}”`, () => field.inputValue(), (v) => v === '', { timeoutMs: 10_000, intervalMs: 20 });
}

/** Opens Photos with the soak's workspace, dataset and imagery type chosen (the catalogue must have loaded once). */
export async function openPhotos(page: Page): Promise<void> {
  await goTo(page, 'Photos');
  const workspace = page.getByLabel('Workspace');
  await waitUntil('the Imago catalogue in the workspace list', () => workspace.locator('option', { hasText: WORKSPACE }).count(), (n) => n > 0, { timeoutMs: 30_000, intervalMs: 200 });
  await workspace.selectOption(WORKSPACE);
  await page.getByLabel('Dataset').selectOption(DATASET);
  await page.getByLabel('Imagery type').selectOption(IMAGERY_TYPE);
}

/** A new hole (works offline); it becomes the selected one. */
export async function newHole(page: Page, name: string): Promise<void> {
  await page.getByLabel('New hole name').fill(name);
  await page.getByRole('button', { name: 'New hole' }).click();
  await waitUntil(`hole ${name} selected`, () => page.getByLabel('Hole', { exact: true }).inputValue(), (v) => v === `${WORKSPACE}/${DATASET}/${name}`, { timeoutMs: 10_000 });
}

/** Takes the files in, waits for every draft, and queues them all. */
export async function takeInAndQueue(page: Page, paths: string[]): Promise<void> {
  await page.getByLabel('Add photos').setInputFiles(paths);
  const drafts = page.getByTestId('draft');
  await waitUntil(`${paths.length} photos taken in`, () => drafts.count(), (n) => n === paths.length, { timeoutMs: 60_000, intervalMs: 200 });
  await page.getByTestId('queue-drafts').click();
  await waitUntil('the drafts queued', () => drafts.count(), (n) => n === 0, { timeoutMs: 10_000 });
}

/** "N pending" on the sync strip for a system; -1 when the strip does not show it. */
export async function pendingOnStrip(page: Page, system: 'imago' | 'dougal'): Promise<number> {
  const text = await page.getByTestId(`sync-${system}-pending`).textContent({ timeout: 5_000 }).catch(() => null);
  return Number(text?.match(/\d+/)?.[0] ?? -1);
}

export interface OutboxReport {
  events: Record<string, number>;
  photos: Record<string, number>;
  /** A few last errors of items still waiting, for the report. */
  errors: string[];
}

/** What the page's own outboxes hold, by state (for a report when a round does not drain). */
export async function outboxReport(page: Page): Promise<OutboxReport> {
  return page.evaluate(async () => {
    const read = (name: string) =>
      new Promise<{ state: string; lastError?: { kind: string; message: string } | null }[]>((resolve) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('outbox')) return resolve([]);
          const all = db.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => resolve([]);
        };
        open.onerror = () => resolve([]);
      });
    const count = (items: { state: string }[]) => items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.state]: (acc[i.state] ?? 0) + 1 }), {});
    const [events, photos] = await Promise.all([read('corelog-eventlog'), read('corelog-photos')]);
    const errors = [...events, ...photos].flatMap((i) => (i.lastError ? [`${i.state}: ${i.lastError.kind}: ${i.lastError.message}`] : [])).slice(-5);
    return { events: count(events), photos: count(photos), errors };
  });
}
