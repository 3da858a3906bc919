/**
 * The first run, as a newcomer meets it in browser mode: an empty data folder, the app's own
 * service set (the one `npm start` runs), the first-run choice, "Try it with sample systems", an
 * event logged and a tray photo queued — asserted on what the sample Dougal and Imago store (their
 * admin endpoints are off, so through the services' handle on them) — the "Sample systems" mark,
 * and the switch to the real systems and back with each side's data kept apart, in IndexedDB and
 * in the data folder.
 */
import { expect, type Page } from '@playwright/test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newcomerTest } from '../support/newcomer-corelog';

// A newcomer's machine: no server named anywhere.
const test = newcomerTest;

const screen = (page: Page, name: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

/** Files under a folder, recursively (none when it does not exist). */
const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name) : []);

/** The IndexedDB databases this origin has, by name. */
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name).sort());

/** Every row of one object store, read with plain IndexedDB (only databases that exist are opened). */
function storeRows<T>(page: Page, database: string, store: string): Promise<T[]> {
  return page.evaluate(
    async ([name, storeName]) => {
      if (!(await indexedDB.databases()).some((db) => db.name === name)) return [];
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        if (!db.objectStoreNames.contains(storeName!)) return [];
        return await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(storeName!, 'readonly').objectStore(storeName!).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      } finally {
        db.close();
      }
    },
    [database, store],
  ) as Promise<T[]>;
}

test('first run: try the sample systems, log an event and queue a tray photo, then switch to real systems and back with each side’s data apart', async ({ page, corelog, root }) => {
  test.setTimeout(180_000);
  const remarks = `First event from a newcomer ${Date.now()}`;
  const times: Record<string, number> = {};

  // ---- the first screen: two ways in -------------------------------------------------------------
  await page.goto(corelog.server.url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await expect(page.getByTestId('connect-real')).toBeVisible();
  const t0 = Date.now();
  await page.getByTestId('try-sample').click();

  // The sample systems are started by the app itself, on loopback, and the page reloads into them.
  await expect(page.getByTestId('sample-start')).toBeVisible({ timeout: 30_000 });
  times['first screen → Home on the sample systems'] = Date.now() - t0;
  const sample = corelog.services.sampleSystems()!;
  expect(sample).not.toBeNull();
  expect(sample.imagoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/integrate\/2$/);
  const imagesBefore = sample.emulators.imago.world.images.length;
  await expect(page.getByTestId('sample-mark-topbar')).toHaveText('Sample systems');
  await expect(page.getByTestId('sample-mark-strip')).toBeVisible();

  // ---- an event for Dougal: one button, a remark, Enter -----------------------------------------
  await page.getByTestId('sample-go-event-log').click();
  const entry = page.getByTestId('entry-line');
  await expect(entry.getByLabel('Remarks')).toBeVisible({ timeout: 30_000 });
  await entry.getByLabel('Remarks').fill(remarks);
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  times['first screen → event logged'] = Date.now() - t0;
  await expect
    .poll(() => sample.emulators.dougal.project().events.filter((e) => e.validity[2] === null && e.remarks === remarks).length, { timeout: 30_000 })
    .toBe(1);
  times['first screen → event on the sample Dougal'] = Date.now() - t0;

  // ---- a tray photo for Imago: a sample photo, then "Queue" --------------------------------------
  await screen(page, 'Home').click();
  await page.getByTestId('sample-tray-photo').click();
  await expect(page.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('queue-drafts')).toBeEnabled();
  await page.getByTestId('queue-drafts').click();
  await expect(page.getByTestId('draft')).toHaveCount(0);
  times['first screen → photo queued'] = Date.now() - t0;
  await expect.poll(() => sample.emulators.imago.world.images.length, { timeout: 60_000 }).toBe(imagesBefore + 1);
  times['first screen → photo on the sample Imago'] = Date.now() - t0;
  const world = sample.emulators.imago.world;
  const uploaded = world.images.at(-1)!;
  const imagery = world.imageries.find((i) => i.id === uploaded.imageryId)!;
  expect(world.collections.find((c) => c.id === imagery.collectionId)!.name).toBe('FF-DD-0012');
  expect([imagery.startDepth, imagery.endDepth]).toEqual([121, 125.7]);

  // The mark is on every screen (the top bar) and in the sync strip.
  for (const name of ['Home', 'Connections', 'Event log', 'Photos']) {
    await screen(page, name).click();
    await expect(page.getByTestId('sample-mark-topbar')).toBeVisible();
    await expect(page.getByTestId('sample-mark-strip')).toBeVisible();
  }
  test.info().annotations.push({ type: 'first-run times (ms)', description: JSON.stringify(times) });
  console.log(`[first-run] ${Object.entries(times).map(([step, ms]) => `${step}: ${(ms / 1000).toFixed(1)} s`).join('; ')}`);

  // The sample profile's files are under sample-systems/, nothing in the real profile's places.
  await expect.poll(() => filesIn(join(root, 'sample-systems', 'app', 'photos')).filter((f) => f.endsWith('.jpg')).length).toBe(1);
  expect(filesIn(join(root, 'photos'))).toEqual([]);

  // ---- to the real systems: one action in Connections -------------------------------------------
  // (Once the sample side has settled: nothing waiting in either outbox.)
  await expect(page.getByTestId('sync-dougal-pending')).toHaveText('0 pending', { timeout: 30_000 });
  await expect(page.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 30_000 });
  await screen(page, 'Connections').click();
  await page.getByTestId('profile-switch-button').click();
  await expect(page.getByTestId('profile-switch-button')).toHaveText('Try the sample systems', { timeout: 30_000 });
  await expect(page.getByTestId('sample-mark-topbar')).toHaveCount(0);
  await expect(page.getByTestId('sample-mark-strip')).toHaveCount(0);
  expect(corelog.services.sampleSystems()).toBeNull();
  // The real side has none of the sample's work: no project, no photos, no settings pointing at the samples.
  await screen(page, 'Event log').click();
  await expect(page.getByTestId('event-log-empty')).toBeVisible();
  await screen(page, 'Photos').click();
  await expect(page.getByTestId('catalogue-age')).toContainText('Not loaded from Imago yet');
  expect(corelog.services.connections.status('imago').serverUrl).not.toBe(sample.imagoUrl);
  await expect.poll(() => databases(page)).toEqual(expect.arrayContaining(['corelog-eventlog', 'corelog-eventlog-sample', 'corelog-photos', 'corelog-photos-sample']));
  const realEvents = await storeRows<{ remarks: string }>(page, 'corelog-eventlog', 'events');
  const sampleEvents = await storeRows<{ remarks: string }>(page, 'corelog-eventlog-sample', 'events');
  expect(realEvents).toEqual([]);
  expect(sampleEvents.filter((e) => e.remarks === remarks)).toHaveLength(1);
  expect(await storeRows(page, 'corelog-photos', 'photos')).toEqual([]);
  expect((await storeRows<{ state: string }>(page, 'corelog-photos-sample', 'photos')).map((p) => p.state)).toEqual(['uploaded']);
  expect(filesIn(join(root, 'photos'))).toEqual([]);
  expect(filesIn(join(root, 'staging'))).toEqual([]);

  // ---- and back: the sample work is all there ----------------------------------------------------
  await screen(page, 'Connections').click();
  await page.getByTestId('profile-switch-button').click();
  await expect(page.getByTestId('sample-mark-topbar')).toBeVisible({ timeout: 30_000 });
  const again = corelog.services.sampleSystems()!;
  expect(again.emulators.dougal.project().events.filter((e) => e.validity[2] === null && e.remarks === remarks)).toHaveLength(1);
  await screen(page, 'Event log').click();
  await expect(page.getByTestId('event-row').filter({ hasText: remarks })).toHaveCount(1, { timeout: 30_000 });
  // Still only one: nothing was sent twice, and the real side stayed empty.
  await expect(page.getByTestId('sync-dougal-pending')).toHaveText('0 pending', { timeout: 30_000 });
  expect(again.emulators.dougal.project().events.filter((e) => e.validity[2] === null && e.remarks === remarks)).toHaveLength(1);
  expect(await storeRows(page, 'corelog-eventlog', 'events')).toEqual([]);
});

test('connect to your own systems: the first screen leads to Connections, and the choice is remembered', async ({ page, corelog, root }) => {
  await page.goto(corelog.server.url);
  await page.getByTestId('connect-real').click();
  await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
  await expect(page.getByTestId('sample-mark-topbar')).toHaveCount(0);
  expect(corelog.services.sampleSystems()).toBeNull();
  expect(existsSync(join(root, 'sample-systems'))).toBe(false);
  await page.reload();
  await expect(page.getByTestId('app-version')).toHaveText('v0.0.0-test');
  await expect(page.getByTestId('first-run')).toHaveCount(0);
});
