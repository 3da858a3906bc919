/**
 * What the user can do and see while the path to a server is broken: "Retry now" sends every item
 * that waits, failed ones included, without waiting for any backoff; and an item whose failure
 * keeps repeating is shown as needing attention, in plain words, while it is still retried and
 * still in the outbox.
 */
import type { Page } from '@playwright/test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logEvent, openEventLog, PROJECT } from '../event-log/event-log-helpers';
import { writeGoodPhotos } from '../photos/photo-files';
import { corelogEventsByKey, expect, imagesInHole, LIVE_WORKSPACE, openPhotosWithNewHole, outboxes, queuePhotos, setFaults, test, type OutboxRow } from './recovery-fixtures';
import { removeTestFolder } from '../../support/temp-folder';

test.use({ systems: 'emulators' });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-retry-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

const uploads = (rows: OutboxRow[]) => rows.filter((r) => r.kind === 'upload');
const nextAttemptMs = (row: OutboxRow) => (typeof row.nextAttemptAt === 'string' ? Date.parse(row.nextAttemptAt) : Number(row.nextAttemptAt));
const EVENT_PATH = `/project/${PROJECT}/event`;

async function screen(app: Page, name: 'Photos' | 'Event log'): Promise<void> {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();
}

test('Retry now sends a failed photo and every item still backing off, at once', async ({ app, corelog, emulators }) => {
  test.setTimeout(180_000);
  const em = emulators!;
  const hole = 'FF-RN-0001';
  for (const system of ['imago', 'dougal'] as const) await corelog.services.connections.signIn(system, { username: 'demo', password: 'demo' }, false);
  const [refused, ...waiting] = await writeGoodPhotos(dir, hole, 3);
  await openPhotosWithNewHole(app, hole);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 }); // the hole is in Imago

  // Imago refuses the first photo (the workspace turned read-only): it stops as failed, for the user.
  const readonly = (value: boolean) =>
    fetch(`${em.imago.server.origin}/__admin/imago/workspaces/${encodeURIComponent(LIVE_WORKSPACE)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readonly: value }) });
  expect((await readonly(true)).status).toBe(200);
  await queuePhotos(app, [refused!.path]);
  await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-failed', '1', { timeout: 15_000 });
  expect((await readonly(false)).status).toBe(200);

  // The other two, and two events, meet a server that keeps answering 503: they back off.
  setFaults(em, 'imago', { failureRate: 1, failureKinds: ['503'], failurePathIncludes: '/image' });
  setFaults(em, 'dougal', { failureRate: 1, failureKinds: ['503'], failurePathIncludes: EVENT_PATH });
  await queuePhotos(app, waiting.map((p) => p.path));
  await openEventLog(app, 1000);
  await logEvent(app, 'Retry now event 1');
  await logEvent(app, 'Retry now event 2');
  const waitingRows = async () => {
    const { photos, events } = await outboxes(app);
    return [...uploads(photos).filter((r) => r.state !== 'failed'), ...events];
  };
  await expect.poll(async () => (await waitingRows()).map((r) => Math.min(r.attempts, 3)), { timeout: 30_000 }).toEqual([3, 3, 3, 3]);
  // After a restart, with no server having taken anything since, a failure gets the full backoff:
  // after the fourth failure or later, the next try is at least 16 s (−20 %) away.
  // Rows are retried at their own times, seconds apart, so each row's backoff is measured from
  // when its failure was first seen (a little after it happened: the measure can only be short).
  const attemptsBefore = (await waitingRows()).map((r) => r.attempts);
  await app.reload();
  await expect(app.getByTestId('app-version')).toHaveText('v0.0.0-test');
  const seenFailedAt: (number | undefined)[] = [];
  const backoffs: number[] = [];
  await expect
    .poll(async () => {
      const rows = await waitingRows();
      const readAt = Date.now();
      rows.forEach((r, i) => {
        if (seenFailedAt[i] === undefined && r.attempts > attemptsBefore[i]! && r.state !== 'sending') {
          seenFailedAt[i] = readAt;
          backoffs[i] = nextAttemptMs(r) - readAt;
        }
      });
      return rows.length === attemptsBefore.length && rows.every((_, i) => seenFailedAt[i] !== undefined);
    }, { timeout: 30_000, intervals: [100, 250, 500] })
    .toBe(true);
  for (const backoff of backoffs) expect(backoff).toBeGreaterThan(10_000);
  const before = await outboxes(app);
  expect(uploads(before.photos).filter((r) => r.state === 'failed')).toHaveLength(1);
  expect(before.events.map((r) => r.state)).toEqual(['waiting-retry', 'waiting-retry']);
  // The queue finds waiting items by the outbox's `attention` index, which the database keeps in step with the state.
  expect(before.events.map((r) => (r as { attention?: string }).attention)).toEqual(['waiting-retry', 'waiting-retry']);
  // "Retry now" is shown to beat the backoff only when no row is about to come due by itself:
  // rows that come due fail again and move further out (≥ 25.6 s after a fifth failure).
  let earliestNextTry = 0;
  await expect
    .poll(async () => {
      earliestNextTry = Math.min(...(await waitingRows()).map(nextAttemptMs));
      return earliestNextTry - Date.now();
    }, { timeout: 60_000 })
    .toBeGreaterThan(8_000);

  setFaults(em, 'imago', { failureRate: 0, failurePathIncludes: '' });
  setFaults(em, 'dougal', { failureRate: 0, failurePathIncludes: '' });
  await app.getByTestId('sync-imago-retry').click();
  await app.getByTestId('sync-dougal-retry').click();
  await expect.poll(() => imagesInHole(em, hole).length, { timeout: 15_000 }).toBe(3);
  await expect.poll(() => corelogEventsByKey(em).size, { timeout: 15_000 }).toBe(2);
  // All of it before any backoff would have let a single item go.
  expect(Date.now()).toBeLessThan(earliestNextTry);
  expect(new Set(imagesInHole(em, hole).map((i) => i.checksum)).size).toBe(3);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending');
  await screen(app, 'Photos');
  await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-failed', '0');
});

test('a failure that keeps repeating needs attention, in plain words, while it is still retried', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const em = emulators!;
  const hole = 'FF-NA-0001';
  for (const system of ['imago', 'dougal'] as const) await corelog.services.connections.signIn(system, { username: 'demo', password: 'demo' }, false);
  const [photo] = await writeGoodPhotos(dir, hole, 1);
  await openPhotosWithNewHole(app, hole);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
  await openEventLog(app, 1000);

  setFaults(em, 'imago', { failureRate: 1, failureKinds: ['503'], failurePathIncludes: '/image' });
  setFaults(em, 'dougal', { failureRate: 1, failureKinds: ['503'], failurePathIncludes: EVENT_PATH });
  await logEvent(app, 'Keeps failing');
  await screen(app, 'Photos');
  await queuePhotos(app, [photo!.path]);

  // "Retry now" makes each try happen at once instead of after its backoff; count failures as they come.
  const streaks = async () => {
    const { photos, events } = await outboxes(app);
    return { photo: uploads(photos)[0]?.failures?.count ?? 0, event: events[0]?.failures?.count ?? 0 };
  };
  for (let round = 0; round < 12; round++) {
    const now = await streaks();
    if (now.photo >= 8 && now.event >= 8) break;
    await expect(app.getByTestId('sync-imago-attention')).toHaveCount(0);
    await app.getByTestId('sync-imago-retry').click();
    await app.getByTestId('sync-dougal-retry').click();
    await expect.poll(async () => { const next = await streaks(); return next.photo > now.photo && next.event > now.event; }, { timeout: 15_000 }).toBe(true);
  }
  const summary = /has answered with a server error \(HTTP 503\) \d+ times since \d\d:\d\d UTC — it may be overloaded or broken\. Corelog keeps trying; nothing is lost\./;
  await expect(app.getByTestId('sync-imago-attention')).toHaveText(new RegExp(`^Imago ${summary.source}$`));
  await expect(app.getByTestId('sync-dougal-attention')).toHaveText(new RegExp(`^Dougal ${summary.source}$`));
  await expect(app.getByTestId('sync-imago-problems')).toHaveText('1 need attention');
  await expect(app.getByTestId('queue-attention-summary')).toContainText('1 photo needs attention: Imago has answered with a server error (HTTP 503)');
  await expect(app.getByTestId('queue-attention')).toContainText('Needs attention');
  await app.getByRole('button', { name: /^Outbox/ }).click();
  const panel = app.getByRole('dialog', { name: 'Outbox' });
  await expect(panel.locator('tr[data-attention=yes]')).toHaveCount(2);
  await expect(panel.locator('tr[data-attention=yes]').first()).toContainText('needs attention');
  await panel.getByRole('button', { name: 'Close' }).click();

  // Still in the outbox and still retried, at most a minute apart.
  const { photos, events } = await outboxes(app);
  for (const row of [uploads(photos)[0]!, events[0]!]) {
    expect(row.state).not.toBe('failed');
    expect(nextAttemptMs(row) - Date.now()).toBeLessThanOrEqual(60_000);
  }
  expect(imagesInHole(em, hole)).toHaveLength(0);

  // The server behaves again: the next try (here "Retry now") sends both, and the notice goes.
  setFaults(em, 'imago', { failureRate: 0, failurePathIncludes: '' });
  setFaults(em, 'dougal', { failureRate: 0, failurePathIncludes: '' });
  await app.getByTestId('sync-imago-retry').click();
  await app.getByTestId('sync-dougal-retry').click();
  await expect.poll(() => imagesInHole(em, hole).length, { timeout: 15_000 }).toBe(1);
  await expect.poll(() => corelogEventsByKey(em).size, { timeout: 15_000 }).toBe(1);
  await expect(app.getByTestId('sync-imago-attention')).toHaveCount(0, { timeout: 15_000 });
  await expect(app.getByTestId('sync-dougal-attention')).toHaveCount(0, { timeout: 15_000 });
  await expect(app.getByTestId('queue-attention-summary')).toHaveCount(0);
});
