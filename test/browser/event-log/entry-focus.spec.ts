/**
 * Logging an event never takes the cursor from where the user has gone on typing: on a busy
 * machine the write to IndexedDB can take a moment, and putting the focus back into Remarks when
 * it ends sent the rest of the next shot point into the remarks.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

/** Holds the event log's `events` store in a read-write transaction of the page's own for `ms` (a slow disk, a busy machine). */
async function holdEventsStore(app: Page, ms: number): Promise<void> {
  await app.evaluate(
    (holdMs) =>
      new Promise<void>((started) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('events', 'readwrite');
          const store = tx.objectStore('events');
          const until = Date.now() + holdMs;
          const again = () => {
            if (Date.now() < until) store.count().onsuccess = again;
          };
          again();
          tx.oncomplete = () => db.close();
          started();
        };
      }),
    ms,
  );
}

test('typing the next shot point while the last event is still being written: nothing lands in Remarks', async ({ app, corelog }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const entry = app.getByTestId('entry-line');
  await entry.getByLabel('Sequence').fill('28');
  await entry.getByLabel('Shot point').fill('5194');
  await entry.getByLabel('Remarks').fill('Shot 5194');
  await holdEventsStore(app, 1_500);
  await entry.getByLabel('Remarks').press('Enter');
  // The boxes empty as the write starts; the navigator goes straight on to the next shot point.
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  await entry.getByLabel('Shot point').click();
  await entry.getByLabel('Shot point').pressSequentially('5195', { delay: 600 });
  await expect(eventRow(app, 'Shot 5194')).toBeVisible();
  await expect(entry.getByLabel('Shot point')).toHaveValue('5195');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  await expect(entry.getByLabel('Shot point')).toBeFocused();
});
