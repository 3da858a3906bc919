/**
 * The disk fills up under the event log: an event typed then is not saved, and the screen must say
 * so in plain words, keep the text, never show it as logged, and carry on once space is back.
 */
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, serverEventsFromCorelog, signInDougal } from '../event-log/event-log-helpers';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

test('a full disk keeps the typed event on screen, says so plainly, and logs it once space is back', async ({ app, corelog, emulators }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  await signInDougal(corelog);
  await openEventLog(app, 1);
  await disk.fill();

  const entry = app.getByTestId('entry-line');
  await entry.getByLabel('Remarks').fill('streamer 3 feathering 12 deg');
  await entry.getByLabel('Remarks').press('Enter');
  const alert = entry.getByRole('alert');
  await expect(alert).toContainText('“streamer 3 feathering 12 deg” was not logged: the disk is full');
  await expect(alert).toContainText('nothing was saved. Free some space, then press Enter again.');
  await expect(alert).not.toContainText('QuotaExceededError');
  await expect(entry.getByLabel('Remarks')).toHaveValue('streamer 3 feathering 12 deg');
  await expect(eventRow(app, 'streamer 3 feathering 12 deg')).toHaveCount(0);
  // The whole window says it too, not only the line that was typed in.
  await expect(app.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'full');
  const stored = await storedRows<{ remarks: string }>(app, 'corelog-eventlog', 'events');
  expect(stored.filter((r) => r.remarks === 'streamer 3 feathering 12 deg')).toHaveLength(0);

  await disk.free();
  // The banner notices the space is back by itself, before the user does anything.
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  await expect(entry.getByRole('alert')).toHaveCount(0);
  await expect(eventRow(app, 'streamer 3 feathering 12 deg')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  expect(serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'streamer 3 feathering 12 deg')).toHaveLength(1);
});
