/**
 * Each screen, and the sync strip, sits behind an error boundary. An error thrown inside one
 * (made to happen with the page-only test hook `window.__corelogCrashScreen`, see
 * renderer/src/app/ScreenBoundary.tsx) shows a plain notice with a way back, is written to the
 * service's log and to Export diagnostics, and leaves the other screens, the strip and the sync
 * engines working.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, serverEventsFromCorelog, signInDougal } from './event-log/event-log-helpers';

test.use({ systems: 'emulators' });

const crash = (app: Page, name: string | null) =>
  app.evaluate((target) => {
    (window as unknown as { __corelogCrashScreen?: string }).__corelogCrashScreen = target ?? undefined;
  }, name);
const go = (app: Page, screen: string) => app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();
const logText = (dataDir: string) => readFile(join(dataDir, 'logs', 'corelog.log'), 'utf8').catch(() => '');

test('an error inside one screen shows a notice with a way back; the other screens and the strip keep working; the log and diagnostics have it', async ({ app, corelog }) => {
  await crash(app, 'photos');
  await go(app, 'Photos');
  const notice = app.getByTestId('screen-failure-photos');
  await expect(notice.getByRole('heading')).toHaveText('The Photos screen stopped working');
  await expect(notice).toContainText('kept everything else running');
  await expect(app.getByTestId('screen-failure-photos-logged')).toHaveText('It was written to Corelog’s log, and Export diagnostics (Home screen) includes it.');
  await notice.getByText('What went wrong').click();
  await expect(notice.locator('code')).toHaveText('The "photos" part was made to fail for a test (window.__corelogCrashScreen).');
  expect(await logText(corelog.dataDir)).toContain('ERROR screen failed: photos: The "photos" part was made to fail for a test');

  // The strip is still there and still live: signing in to Imago shows on it.
  await expect(app.getByTestId('sync-imago')).toBeVisible();
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await expect(app.getByTestId('sync-imago-reach')).toHaveText('online', { timeout: 20_000 });

  // Other screens work.
  await go(app, 'Connections');
  await expect(app.getByTestId('connection-imago')).toBeVisible();
  await expect(app.getByTestId('screen-failure-photos')).toHaveCount(0);

  // "Try again" brings the screen back once the cause is gone; "Go to Home" leaves it.
  await go(app, 'Photos');
  await expect(notice).toBeVisible();
  await crash(app, null);
  await notice.getByRole('button', { name: 'Try again' }).click();
  await expect(app.getByTestId('catalogue-age')).toBeVisible();
  await crash(app, 'photos');
  await go(app, 'Home');
  await go(app, 'Photos');
  await notice.getByRole('button', { name: 'Go to Home' }).click();
  await expect(app.getByRole('button', { name: 'Export diagnostics…' })).toBeVisible();

  // Export diagnostics lists the failures of this run.
  await app.getByRole('button', { name: 'Export diagnostics…' }).click();
  const folder = (await app.getByTestId('diagnostics-folder').locator('code').textContent())!;
  const failures = JSON.parse(await readFile(join(folder, 'screen-failures.json'), 'utf8')) as { thisRun: { screen: string; message: string }[] };
  expect(failures.thisRun.map((f) => f.screen)).toEqual(['photos', 'photos', 'photos']);
  expect(await readFile(join(folder, 'logs', 'corelog.log'), 'utf8')).toContain('screen failed: photos');
});

test('when the sync strip fails, sending carries on: an event logged meanwhile reaches Dougal once, and the strip comes back', async ({ app, corelog, emulators }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await expect.poll(() => pendingOnStrip(app)).toBe(0);

  // The strip fails on its next render (leaving the screen re-renders the app).
  await crash(app, 'sync-strip');
  await go(app, 'Home');
  const stripNotice = app.getByTestId('screen-failure-sync-strip');
  await expect(stripNotice).toContainText('The sync status could not be shown. Sending carries on.');
  await expect(app.getByTestId('sync-dougal')).toHaveCount(0);
  await expect.poll(() => logText(corelog.dataDir)).toContain('screen failed: sync-strip');

  await openEventLog(app, 1000);
  await logEvent(app, 'Logged while the strip was down');
  await expect(eventRow(app, 'Logged while the strip was down')).toBeVisible();
  await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 30_000 }).toEqual(['Logged while the strip was down']);

  await crash(app, null);
  await stripNotice.getByRole('button', { name: 'Try again' }).click();
  await expect(app.getByTestId('sync-dougal')).toBeVisible();
  await expect.poll(() => pendingOnStrip(app)).toBe(0);
  await expect(app.getByTestId('sync-dougal')).not.toContainText('synced by another');
  expect(serverEventsFromCorelog(emulators!)).toHaveLength(1);
});
