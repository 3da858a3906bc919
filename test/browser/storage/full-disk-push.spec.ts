/**
 * The disk fills while an event is on its way to Dougal: Dougal takes it, and the engine cannot
 * write down that it did. It must not post it twice, must not lose it, must say so plainly, and
 * must finish by itself once space is back.
 */
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, serverEventsFromCorelog, signInDougal } from '../event-log/event-log-helpers';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

test('an event Dougal took while the disk filled is settled once, by itself, when space is back', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const disk = await limitedDisk(app, corelog.server.url);
  await signInDougal(corelog);
  await openEventLog(app, 1);
  const posts = () => emulators!.dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event')).length;
  // Dougal holds its reply long enough for the disk to fill meanwhile (filling takes a few seconds under load).
  emulators!.dougal.server.faults.latencyMs = 8_000;
  const entry = app.getByTestId('entry-line');
  await entry.getByLabel('Remarks').fill('gun 12 autofire');
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  // Marked as being sent (the attempt counted before the request goes): the create is on its way.
  await expect.poll(async () => (await storedRows<{ state: string }>(app, 'corelog-eventlog', 'outbox')).map((r) => r.state), { timeout: 10_000 }).toEqual(['sending']);
  await disk.fill();
  await expect.poll(() => serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'gun 12 autofire').length, { timeout: 20_000 }).toBe(1);
  emulators!.dougal.server.faults.latencyMs = 0;
  // Said in plain words, on the strip and in the window's banner; nothing posted again meanwhile.
  const stripError = app.getByTestId('sync-dougal-error');
  await expect(stripError).toContainText('The event log cannot save on this computer: the disk is full', { timeout: 15_000 });
  await expect(stripError).not.toContainText('QuotaExceededError');
  await expect(app.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'full');
  await app.waitForTimeout(6_000);
  expect(posts()).toBe(1);
  // Still queued, counted as tried: the next try looks it up on Dougal before posting anything.
  const outbox = await storedRows<{ attempts: number }>(app, 'corelog-eventlog', 'outbox');
  expect(outbox).toHaveLength(1);
  expect(outbox[0]!.attempts).toBeGreaterThan(0);

  await disk.free();
  await expect(eventRow(app, 'gun 12 autofire')).toHaveAttribute('data-sync', 'synced', { timeout: 20_000 });
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 10_000 });
  expect(serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'gun 12 autofire')).toHaveLength(1);
  expect(posts()).toBe(1);
  expect(await storedRows(app, 'corelog-eventlog', 'outbox')).toEqual([]);
});
