/**
 * The entry line logs each thing typed exactly once, and keeps what is typed while an event is
 * being written: a held Enter (the keyboard repeats it), a second Enter before the first event is
 * in IndexedDB, a held Enter on a template's last placeholder. IndexedDB is held busy by a
 * transaction of the test's own, so the gap the navigator types into is wide and the same on
 * every machine.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, serverEventsFromCorelog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

/** Local events whose remarks are exactly `remarks` (what this computer will send). */
async function localEvents(app: Page, remarks: string): Promise<number> {
  return app.evaluate(
    (wanted) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            resolve((all.result as { remarks: string }[]).filter((r) => r.remarks === wanted).length);
            open.result.close();
          };
        };
      }),
    remarks,
  );
}

/**
 * Keeps the event log's `events` store busy for `ms` (a read-write transaction that keeps asking),
 * so logging waits that long for IndexedDB, as on a loaded machine. Resolves once it has started.
 */
async function holdEventStore(app: Page, ms: number): Promise<void> {
  await app.evaluate(
    (holdFor) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('events', 'readwrite');
          const store = tx.objectStore('events');
          const until = Date.now() + holdFor;
          const spin = () => {
            if (Date.now() < until) store.get('corelog-test-nothing').onsuccess = spin;
          };
          store.get('corelog-test-nothing').onsuccess = () => {
            resolve();
            spin();
          };
          tx.oncomplete = () => db.close();
        };
      }),
    ms,
  );
}

test.describe('the entry line logs once', () => {
  test('Enter held down in Remarks logs the event once on Dougal', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const remarks = app.getByTestId('entry-line').getByLabel('Remarks');
    await remarks.fill('held enter');
    await remarks.focus();
    // The keyboard's auto-repeat: one press, then repeated keydowns until it is let go.
    await app.keyboard.down('Enter');
    await app.keyboard.down('Enter');
    await app.keyboard.down('Enter');
    await app.keyboard.up('Enter');
    await expect(remarks).toHaveValue('');
    await expect.poll(() => serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'held enter').length, { timeout: 15_000 }).toBe(1);
    // Nothing more on its way: the strip has settled and Dougal still has one.
    await expect(eventRow(app, 'held enter')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
    expect(await localEvents(app, 'held enter')).toBe(1);
    expect(serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'held enter')).toHaveLength(1);
    await expect(app.getByTestId('entry-line').getByRole('alert')).toHaveCount(0);
  });

  test('while an event is being written, a second Enter does not log it again; the next remarks go into an empty box and their own Enter is not swallowed', async ({ app, corelog }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const remarks = app.getByTestId('entry-line').getByLabel('Remarks');
    await remarks.fill('first while busy');
    await holdEventStore(app, 1500);
    await remarks.press('Enter');
    // Two separate presses, as a hurried navigator makes them (not a held key).
    await remarks.press('Enter');
    // The box is empty at once, long before the write can finish (IndexedDB is held for 1.5 s):
    // the next remarks go straight into an empty box, and are not wiped when the first lands.
    await expect(remarks).toHaveValue('', { timeout: 500 });
    await remarks.pressSequentially('second', { delay: 20 });
    await expect(remarks).toHaveValue('second');
    // Entered while the first is still being written: a new entry, logged too.
    await remarks.press('Enter');
    await expect(remarks).toHaveValue('', { timeout: 500 });
    await expect(eventRow(app, 'first while busy')).toBeVisible({ timeout: 10_000 });
    await expect(eventRow(app, 'second')).toBeVisible();
    expect(await localEvents(app, 'first while busy')).toBe(1);
    expect(await localEvents(app, 'second')).toBe(1);
    await expect(app.getByTestId('entry-line').getByRole('alert')).toHaveCount(0);
  });

  test('Enter held on a template’s last placeholder logs the template once and leaves the entry line’s text alone', async ({ app, corelog }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await app.getByRole('button', { name: 'Templates…' }).click();
    const editor = app.getByTestId('template-editor');
    await editor.getByLabel('Name', { exact: true }).fill('Gun autofire');
    await editor.getByLabel('Template remarks').fill('Gun {gun} autofire');
    await editor.getByLabel('Key').selectOption('F3');
    await editor.getByRole('button', { name: 'Add template' }).click();
    await app.getByRole('button', { name: 'Close templates' }).click();

    const remarks = app.getByTestId('entry-line').getByLabel('Remarks');
    await remarks.fill('half-typed note');
    await app.keyboard.press('F3');
    const prompt = app.getByTestId('template-prompt');
    await prompt.getByLabel('gun').fill('3');
    await holdEventStore(app, 800);
    await app.keyboard.down('Enter');
    await app.keyboard.down('Enter');
    await app.keyboard.down('Enter');
    await expect(eventRow(app, 'Gun 3 autofire')).toBeVisible({ timeout: 10_000 });
    await expect(remarks).toBeFocused();
    // The key is still held once the focus is back in Remarks.
    await app.keyboard.down('Enter');
    await app.keyboard.down('Enter');
    await app.keyboard.up('Enter');
    await expect(remarks).toHaveValue('half-typed note');
    expect(await localEvents(app, 'Gun 3 autofire')).toBe(1);
    expect(await localEvents(app, 'half-typed note')).toBe(0);
  });
});
