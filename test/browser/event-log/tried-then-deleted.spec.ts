/**
 * An event whose create was tried (and may or may not have reached Dougal) and that the user then
 * deletes: the create is only looked up. Never reached Dougal: nothing is posted at all (no event
 * created only to be deleted). Reached it with the reply lost: it is found and deleted there.
 */
import { CLIENT_KEY_META } from '../../../common/bridge/event-log-contract';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, PROJECT, signInDougal } from './event-log-helpers';
import type { RunningEmulators } from '../../support/emulators';

test.use({ systems: 'emulators' });

const EVENT_PATH = `/project/${PROJECT}/event`;

/** Every version of the events Corelog logged with these remarks, open or closed. */
function versionsOf(emulators: RunningEmulators, remarks: string) {
  return emulators.dougal.project(PROJECT).events.filter((e) => typeof e.meta[CLIENT_KEY_META] === 'string' && e.remarks === remarks);
}

/** Items in the outbox, read from IndexedDB itself (the strip's count is refreshed at a throttled pace). */
function outboxCount(app: Page): Promise<number> {
  return app.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => {
            resolve(count.result);
            open.result.close();
          };
        };
      }),
  );
}

async function deleteInApp(app: Page, remarks: string): Promise<void> {
  await eventRow(app, remarks).click();
  await app.getByTestId('event-panel').getByRole('button', { name: 'Delete event' }).click();
  await expect(eventRow(app, remarks)).toHaveCount(0);
}

test('a create that never reached Dougal, deleted before its retry: nothing is posted, nothing is left queued', async ({ app, corelog, emulators }) => {
  const server = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  // Every POST of an event is cut off before Dougal handles it.
  server.faults = { ...server.faults, failureRate: 1, failureKinds: ['reset'], failurePathIncludes: EVENT_PATH, failureMethod: 'POST' };
  const mark = server.log.lastSeq;
  await logEvent(app, 'Tried, then deleted');
  await expect.poll(() => server.log.list(mark).filter((r) => r.method === 'POST' && r.path === EVENT_PATH && r.fault === 'reset').length, { timeout: 15_000 }).toBeGreaterThan(0);

  await deleteInApp(app, 'Tried, then deleted');
  const afterDelete = server.log.lastSeq;
  server.faults = { ...server.faults, failureRate: 0, failurePathIncludes: '', failureMethod: '' };
  await expect.poll(() => outboxCount(app), { timeout: 40_000 }).toBe(0);

  // The retry looked the create up and found nothing: no POST went through, no DELETE was needed.
  const after = server.log.list(afterDelete).filter((r) => r.path.startsWith(EVENT_PATH));
  expect(after.filter((r) => r.method === 'POST' && !r.fault)).toEqual([]);
  expect(after.filter((r) => r.method === 'DELETE')).toEqual([]);
  expect(versionsOf(emulators!, 'Tried, then deleted')).toEqual([]);
  // Gone here too, even among deleted events.
  await app.getByLabel('deleted').check();
  await expect(eventRow(app, 'Tried, then deleted')).toHaveCount(0);
});

test('a create whose reply was lost, deleted before its retry: found on Dougal and deleted there, posted once', async ({ app, corelog, emulators }) => {
  const server = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const mark = server.log.lastSeq;
  // Dougal stores the event and the reply is lost; then Dougal is out of reach until the event is deleted here.
  server.faults = { ...server.faults, failureMethod: 'POST', dropResponseNext: 1 };
  await logEvent(app, 'Landed, then deleted');
  await expect.poll(() => server.log.list(mark).some((r) => r.fault === 'response dropped'), { timeout: 15_000 }).toBe(true);
  server.faults = { ...server.faults, down: true, failureMethod: '' };

  await deleteInApp(app, 'Landed, then deleted');
  server.faults = { ...server.faults, down: false };
  await expect.poll(() => outboxCount(app), { timeout: 40_000 }).toBe(0);
  await expect.poll(() => pendingOnStrip(app)).toBe(0);

  expect(server.log.list(mark).filter((r) => r.method === 'POST' && r.path === EVENT_PATH)).toHaveLength(1);
  const versions = versionsOf(emulators!, 'Landed, then deleted');
  expect(versions.length).toBeGreaterThan(0);
  // Deleted on Dougal: no version of it is open any more.
  expect(versions.filter((v) => v.validity[2] === null)).toEqual([]);
});
