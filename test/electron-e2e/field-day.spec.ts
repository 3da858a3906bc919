/**
 * A field day in the real desktop app: start, sign in to the emulators, log an event with the
 * network down, come back online and sync. Each test gets its own data folder and emulators.
 *
 * Needs the Electron runtime (skipped with the reason where it cannot be downloaded). It drives the
 * same UI as the browser-mode event-log suite, through the same helpers.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs';
import { eventRow, logEvent, openEventLog, pendingOnStrip, serverEventsFromCorelog } from '../browser/event-log/event-log-helpers';
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
    // The vessel LAN drops: Dougal goes away while the navigator keeps logging.
    await openEventLog(window);
    await emulators.dougal.server.close();
    await logEvent(window, 'Streamer 3 feathering 12°, logged offline');
    await expect(eventRow(window, 'Streamer 3 feathering 12°, logged offline')).toBeVisible();
    await expect.poll(() => pendingOnStrip(window)).toBe(1);

    // Back online: the engine pushes by itself (Retry now just skips the backoff wait).
    await emulators.dougal.server.listen();
    await window.getByTestId('sync-dougal-retry').click();
    await expect.poll(() => pendingOnStrip(window), { timeout: 30_000 }).toBe(0);
    expect(serverEventsFromCorelog(emulators).map((e) => e.remarks)).toEqual(['Streamer 3 feathering 12°, logged offline']);
  });

  test('the desktop shell: application menu installed, and the page has no Node', async () => {
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const menuLabels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label.replace('&', '')) ?? []);
    expect(menuLabels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
    // A sandboxed renderer has no Node `process` at all, not even in the preload's world.
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });
});
