/**
 * The scratch note on Home: one per profile (the sample systems' never shows on the user's own,
 * nor the other way round), an existing note survives the upgrade that separated them, and two
 * windows never silently overwrite each other's text.
 */
import { expect, type Page } from '@playwright/test';
import { newcomerTest } from '../../support/newcomer-corelog';
import { test } from '../fixtures';

/** The note as stored in database `name` (null when the database or the note is not there). */
function storedNote(page: Page, name: string): Promise<string | null> {
  return page.evaluate(async (dbName) => {
    if (!(await indexedDB.databases()).some((db) => db.name === dbName)) return null;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains('scratchNotes')) return null;
      return await new Promise<string | null>((resolve, reject) => {
        const request = db.transaction('scratchNotes').objectStore('scratchNotes').get('scratch');
        request.onsuccess = () => resolve((request.result as { text: string } | undefined)?.text ?? null);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, name);
}

/** Writes a note the way the release before profiles had their own note did: version 1, `corelog`. */
function seedSharedNote(page: Page, text: string): Promise<void> {
  return page.evaluate(
    (note) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('corelog', 10);
        request.onupgradeneeded = () => request.result.createObjectStore('scratchNotes', { keyPath: 'id' });
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const tx = request.result.transaction('scratchNotes', 'readwrite');
          tx.objectStore('scratchNotes').put({ id: 'scratch', text: note, updatedAt: new Date().toISOString() });
          tx.oncomplete = () => {
            request.result.close();
            resolve();
          };
        };
      }),
    text,
  );
}

const note = (page: Page) => page.getByRole('textbox', { name: 'Scratch note' });
const screen = (page: Page, name: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

const firstRun = newcomerTest;

firstRun('each profile has its own note; the note from before the upgrade is kept on the user’s own systems and shows on the sample ones too', async ({ page, corelog }) => {
  firstRun.setTimeout(120_000);
  await page.goto(corelog.server.url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  // Written by the release that shared one note between the profiles.
  await seedSharedNote(page, 'Written before the upgrade');
  await page.getByTestId('try-sample').click();
  await expect(page.getByTestId('sample-mark-topbar')).toBeVisible({ timeout: 30_000 });
  await screen(page, 'Home').click();
  await expect(note(page)).toHaveValue('Written before the upgrade');
  await note(page).fill('Sample systems only');
  await expect(page.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();
  expect(await storedNote(page, 'corelog-sample')).toBe('Sample systems only');
  expect(await storedNote(page, 'corelog')).toBe('Written before the upgrade');

  await screen(page, 'Connections').click();
  await page.getByTestId('profile-switch-button').click();
  await expect(page.getByTestId('profile-switch-button')).toHaveText('Try the sample systems', { timeout: 30_000 });
  await screen(page, 'Home').click();
  await expect(note(page)).toHaveValue('Written before the upgrade');
  await note(page).fill('My own systems only');
  await expect(page.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();

  await screen(page, 'Connections').click();
  await page.getByTestId('profile-switch-button').click();
  await expect(page.getByTestId('sample-mark-topbar')).toBeVisible({ timeout: 30_000 });
  await screen(page, 'Home').click();
  // Copied once, at the upgrade: the user's own later note does not come across.
  await expect(note(page)).toHaveValue('Sample systems only');
  expect(await storedNote(page, 'corelog')).toBe('My own systems only');
});

test('a second window follows the note, and text typed in two windows at once is never silently overwritten', async ({ app, context, corelog }) => {
  const other = await context.newPage();
  await other.goto(corelog.server.url);
  await expect(note(other)).toBeVisible();

  await note(app).fill('from the first window');
  await expect(note(other)).toHaveValue('from the first window');
  await note(other).fill('from the second window');
  // The first window has nothing unsaved: it shows what the second saved.
  await expect(note(app)).toHaveValue('from the second window');

  // Both type before either has saved (a save waits a quarter of a second after the last key).
  await note(app).evaluate((box: HTMLTextAreaElement) => {
    box.focus();
  });
  await Promise.all([note(app).pressSequentially(' + first', { delay: 0 }), note(other).pressSequentially(' + second', { delay: 0 })]);
  const clash = (page: Page) => page.getByTestId('scratch-other-window');
  await expect.poll(async () => (await clash(app).count()) + (await clash(other).count()), { timeout: 5_000 }).toBe(1);
  const [loser, winner] = (await clash(app).count()) ? [app, other] : [other, app];
  const losing = await note(loser).inputValue();
  const winning = await note(winner).inputValue();
  // Neither text is lost: the loser keeps its own in the box and shows the winner's.
  await expect(clash(loser).getByTestId('scratch-other-text')).toHaveText(winning);
  expect(await storedNote(app, 'corelog')).toBe(winning);
  await clash(loser).getByRole('button', { name: 'Keep mine' }).click();
  await expect(clash(loser)).toHaveCount(0);
  await expect.poll(() => storedNote(app, 'corelog')).toBe(losing);
  await expect(note(winner)).toHaveValue(losing);
});
