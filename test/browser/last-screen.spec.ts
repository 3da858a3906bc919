/**
 * Issue 11 §2: after a reload (or a restart: same page, same storage) Corelog opens on the screen
 * it was left on, with the selections of that screen — workspace, dataset, hole and imagery type
 * on Photos, the Dougal project on the event log.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openEventLog, PROJECT, signInDougal } from './event-log/event-log-helpers';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = `${LIVE}/Diamond Drilling/FF-DD-0012`;

const navButton = (app: Page, name: string) => app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

async function reloadApp(app: Page) {
  await app.reload();
  await expect(app.getByTestId('app-version')).toHaveText('v0.0.0-test');
}

test('the last screen and its selections come back after a reload', async ({ app, corelog }) => {
  test.setTimeout(90_000);
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await signInDougal(corelog);
  await expect(navButton(app, 'Home')).toHaveAttribute('aria-current', 'page');

  // Photos, with workspace › dataset › hole › imagery type chosen.
  await navButton(app, 'Photos').click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(LIVE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  await app.getByLabel('Hole', { exact: true }).selectOption(HOLE);
  await expect(app.getByTestId('strip-interval')).toHaveCount(4);

  await reloadApp(app);
  await expect(navButton(app, 'Photos')).toHaveAttribute('aria-current', 'page');
  await expect(app.getByLabel('Workspace')).toHaveValue(LIVE);
  await expect(app.getByLabel('Dataset')).toHaveValue('Diamond Drilling');
  await expect(app.getByLabel('Imagery type')).toHaveValue('Core Trays');
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(HOLE);
  await expect(app.getByTestId('strip-interval')).toHaveCount(4);

  // The event log, with its project.
  await openEventLog(app, 1000);
  await expect(app.getByLabel('Project')).toHaveValue(PROJECT);
  await reloadApp(app);
  await expect(navButton(app, 'Event log')).toHaveAttribute('aria-current', 'page');
  await expect(app.getByTestId('event-log')).toBeVisible({ timeout: 20_000 });
  await expect(app.getByLabel('Project')).toHaveValue(PROJECT);

  // A screen chosen from the keyboard is remembered too.
  await app.keyboard.press('Alt+2');
  await expect(navButton(app, 'Connections')).toHaveAttribute('aria-current', 'page');
  await reloadApp(app);
  await expect(navButton(app, 'Connections')).toHaveAttribute('aria-current', 'page');

  // And back on Photos, the selections are still there.
  await navButton(app, 'Photos').click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(HOLE);
});

test('a remembered screen this version does not have opens Home', async ({ app }) => {
  await navButton(app, 'Connections').click();
  expect(await app.evaluate(() => localStorage.getItem('corelog.lastScreen'))).toBe('connections');
  await app.evaluate(() => localStorage.setItem('corelog.lastScreen', 'screen-from-another-version'));
  await reloadApp(app);
  await expect(navButton(app, 'Home')).toHaveAttribute('aria-current', 'page');
});
