/**
 * The app's databases change under an open window: the browser (or the user) clears the site's
 * data, or another window opens them with a newer schema. Dexie quietly reopens onto an empty or
 * newer database, so without a word this window goes on showing events that are no longer stored.
 * It must say so and offer a reload.
 */
import { expect, test } from '../fixtures';
import { openEventLog, signInDougal } from '../event-log/event-log-helpers';

test.use({ systems: 'emulators' });

test('site data cleared while Corelog is open is said at once, with a reload', async ({ app, corelog }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1);
  await expect(app.getByTestId('storage-problem')).toHaveCount(0);
  const cdp = await app.context().newCDPSession(app);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(corelog.server.url).origin, storageTypes: 'indexeddb' });
  const banner = app.getByTestId('storage-problem');
  await expect(banner).toHaveAttribute('data-kind', 'cleared');
  await expect(banner).toContainText('Corelog’s data on this computer was removed while Corelog was open');
  await banner.getByRole('button', { name: 'Reload Corelog' }).click();
  await expect(app.getByTestId('app-version')).toHaveText('v0.0.0-test');
  await expect(app.getByTestId('storage-problem')).toHaveCount(0);
});

test('another window opening the log with a newer schema asks this one to reload', async ({ app, corelog }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1);
  const other = await app.context().newPage();
  await other.goto(`${corelog.server.url}/no-such-page`);
  const upgraded = await other.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const probe = indexedDB.open('corelog-eventlog');
        probe.onsuccess = () => {
          const next = probe.result.version + 10;
          probe.result.close();
          const open = indexedDB.open('corelog-eventlog', next);
          open.onupgradeneeded = () => open.result.createObjectStore('fromANewerRelease');
          open.onsuccess = () => {
            open.result.close();
            resolve(next);
          };
          open.onerror = () => reject(open.error);
        };
      }),
  );
  expect(upgraded).toBeGreaterThan(50);
  const banner = app.getByTestId('storage-problem');
  await expect(banner).toHaveAttribute('data-kind', 'upgraded');
  await expect(banner).toContainText('Corelog was updated in another window or tab');
  await expect(banner.getByRole('button', { name: 'Reload Corelog' })).toBeVisible();
});
