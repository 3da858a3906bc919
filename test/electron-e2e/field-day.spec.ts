/**
 * A field day in the real desktop app: start, sign in to the emulators, log an event with the
 * network down, come back online and sync. Each test gets its own data folder and emulators.
 *
 * Needs the Electron runtime (skipped with the reason where it cannot be downloaded). The
 * event-log screen is being built alongside this suite: the labels below are the ones its design
 * uses; adjust them here if the screen ends up worded differently.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs';
import { startEmulators, type RunningEmulators } from '../support/emulators';

const runtime = findElectronRuntime();
const skipReason = runtime.available
  ? ''
  : `Electron runtime not installed on this machine (${runtime.reason}); it cannot be downloaded here. Run \`npm run electron:fetch\` where github.com is reachable to run this suite.`;

async function signIn(window: Page, system: 'imago' | 'dougal') {
  const card = window.getByTestId(`connection-${system}`);
  await card.getByLabel(system === 'imago' ? 'Service account' : 'User').fill('demo');
  await card.getByLabel('Password', { exact: true }).fill('demo');
  await card.getByRole('button', { name: /^Sign in to/ }).click();
  await expect(window.getByTestId(`${system}-session`)).toContainText('Signed in as demo');
}

test.describe('desktop app: a field day (Electron)', () => {
  test.skip(!runtime.available, skipReason);
  if (!runtime.available) console.log(`[electron-e2e] field day skipped: ${skipReason}`);

  let dataDir: string;
  let emulators: RunningEmulators;
  let app: ElectronApplication;
  let window: Page;

  test.beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'corelog-e2e-'));
    emulators = await startEmulators();
    app = await electron.launch({
      args: ['.'],
      env: { ...process.env, CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
    });
    window = await app.firstWindow();
  });

  test.afterEach(async () => {
    await app?.close();
    await emulators?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('signs in, logs an event offline, syncs it when back online', async () => {
    await window.getByRole('button', { name: 'Connections' }).click();
    await signIn(window, 'imago');
    await signIn(window, 'dougal');

    // Offline: the event is kept locally and waits in the outbox.
    await window.context().setOffline(true);
    await emulators.dougal.server.close();
    await window.getByRole('button', { name: 'Event log' }).click();
    await window.getByRole('button', { name: 'New event' }).click();
    await window.getByLabel('Remarks').fill('Streamer 3 feathering 12°, logged offline');
    await window.getByRole('button', { name: 'Save event' }).click();
    await expect(window.getByRole('status').filter({ hasText: /1 waiting to sync/ })).toBeVisible();

    // Back online: sync sends it, and the outbox empties.
    await emulators.dougal.server.listen(Number(new URL(emulators.dougal.server.baseUrl).port));
    await window.context().setOffline(false);
    await window.getByRole('button', { name: 'Sync now' }).click();
    await expect(window.getByRole('status').filter({ hasText: /All changes synced|Nothing waiting/ })).toBeVisible({ timeout: 30_000 });
    expect(JSON.stringify(emulators.dougal.project())).toContain('Streamer 3 feathering');
  });

  test('the desktop shell: application menu installed, and the page has no Node', async () => {
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const menuLabels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label.replace('&', '')) ?? []);
    expect(menuLabels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
    // A sandboxed renderer has no Node `process` at all, not even in the preload's world.
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });
});
