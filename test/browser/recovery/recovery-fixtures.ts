/**
 * Fixtures and steps shared by the recovery specs: the usual browser-mode app and emulators, but
 * with the real API clients on a short request timeout (so a reply later than the client waits
 * costs seconds, not the production 20–30 s), and helpers to queue events and photos and to read
 * what the emulators really hold.
 */
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { CLIENT_KEY_META } from '../../../common/bridge/event-log-contract';
import type { SystemId } from '../../../common/errors';
import { startBrowserMode } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices } from '../../../electron/services/app-services';
import type { FaultSettings } from '../../../emulators/kit/faults';
import { createTestLinks, type TestLinks } from '../../node/connections/test-links';
import type { RunningEmulators } from '../../support/emulators';
import { logEvent, openEventLog, pendingOnStrip, PROJECT } from '../event-log/event-log-helpers';
import { expect, test as base } from '../fixtures';

export const CLIENT_TIMEOUT_MS = 3_000;

/** Use with `test.use({ systems: 'emulators' })`. */
export const test = base.extend<{ links: TestLinks }>({
  links: async ({}, use) => use(createTestLinks(CLIENT_TIMEOUT_MS)),
  corelog: async ({ dataDir, emulators, links }, use) => {
    const services = createAppServices({
      dataDir,
      appVersion: '0.0.0-test',
      transport: 'browser',
      env: { ...process.env, CORELOG_IMAGO_URL: emulators!.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators!.dougal.server.baseUrl },
      reachability: { firstRetryMs: 300, maxRetryMs: 1500, quietProbeMs: 2000 },
      createLink: links.factory,
    });
    const server = await startBrowserMode({ services, rendererDir: join(process.cwd(), 'dist', 'renderer'), port: 0 });
    services.start();
    await use({ server, services, dataDir });
    await server.close();
    await services.dispose();
  },
});

export { expect };

export const LIVE_WORKSPACE = 'Firefly Resource Development';

export function setFaults(emulators: RunningEmulators, system: SystemId, faults: Partial<FaultSettings>): void {
  const server = emulators[system].server;
  server.faults = { ...server.faults, ...faults };
}

/** Opens the Photos screen on the live workspace's core trays and creates (locally) a new hole. */
export async function openPhotosWithNewHole(app: Page, hole: string): Promise<void> {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded', { timeout: 20_000 });
  await app.getByLabel('Workspace').selectOption(LIVE_WORKSPACE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  await app.getByLabel('New hole name').fill(hole);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE_WORKSPACE}/Diamond Drilling/${hole}`);
}

/** Takes the files in, waits for their drafts, and queues them. */
export async function queuePhotos(app: Page, paths: string[]): Promise<void> {
  await app.getByLabel('Add photos').setInputFiles(paths);
  await expect(app.getByTestId('draft')).toHaveCount(paths.length, { timeout: 60_000 });
  await app.getByTestId('queue-drafts').click();
  await expect(app.getByTestId('draft')).toHaveCount(0);
}

/** The images Imago holds in a hole, deleted (replaced) ones included. */
/**
 * With both systems down: queues `photoPaths` on a new hole and logs one event per remark, then
 * waits until the strip counts every event as pending (the starting point of the recovery tests).
 */
export async function queueWhileBothDown(app: Page, emulators: RunningEmulators, hole: string, photoPaths: string[], remarks: string[]): Promise<void> {
  await openPhotosWithNewHole(app, hole);
  await openEventLog(app, 1000);
  setFaults(emulators, 'imago', { down: true });
  setFaults(emulators, 'dougal', { down: true });
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
  await queuePhotos(app, photoPaths);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Event log' }).click();
  for (const text of remarks) await logEvent(app, text);
  await expect.poll(() => pendingOnStrip(app)).toBe(remarks.length);
}

export function imagesInHole(emulators: RunningEmulators, hole: string) {
  const world = emulators.imago.world;
  return world.images.filter((image) => {
    const imagery = world.imageries.find((i) => i.id === image.imageryId);
    return world.collections.find((c) => c.id === imagery?.collectionId)?.name === hole;
  });
}

/** Every instance Dougal holds of events a Corelog logged, by client key: one id per key is exactly once. */
export function corelogEventsByKey(emulators: RunningEmulators): Map<string, { ids: Set<number>; remarks: string }> {
  const byKey = new Map<string, { ids: Set<number>; remarks: string }>();
  for (const event of emulators.dougal.project(PROJECT).events) {
    const key = event.meta[CLIENT_KEY_META];
    if (typeof key !== 'string') continue;
    const entry = byKey.get(key) ?? { ids: new Set<number>(), remarks: event.remarks };
    entry.ids.add(event.id);
    if (event.validity[2] === null) entry.remarks = event.remarks;
    byKey.set(key, entry);
  }
  return byKey;
}

/** The photo and event outboxes as IndexedDB holds them (state, attempts, next try). */
export async function outboxes(app: Page): Promise<{ photos: OutboxRow[]; events: OutboxRow[] }> {
  return app.evaluate(async () => {
    const read = (db: string, store: string) =>
      new Promise<OutboxRow[]>((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onsuccess = () => {
          const all = open.result.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            resolve(all.result as OutboxRow[]);
            open.result.close();
          };
          all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
      });
    return { photos: await read('corelog-photos', 'outbox'), events: await read('corelog-eventlog', 'outbox') };
  });
}

export interface OutboxRow {
  kind: string;
  label: string;
  state: string;
  attempts: number;
  nextAttemptAt: number | string | null;
  failures?: { kind: string; count: number } | null;
}
