/**
 * Playwright fixtures for browser mode: every test gets its own data folder, its own real
 * services and browser-mode server on a free loopback port (so IndexedDB, keyed by origin, starts
 * empty), and — when it asks for them — its own Imago and Dougal emulators.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../support/emulators';
import { removeTestFolder } from '../support/temp-folder';

export interface CorelogInstance {
  server: BrowserModeServer;
  services: AppServices;
  dataDir: string;
}

interface Fixtures {
  /** `test.use({ systems: 'emulators' })` gives the test its own Imago and Dougal emulators. */
  systems: 'emulators' | 'none';
  dataDir: string;
  emulators: RunningEmulators | null;
  corelog: CorelogInstance;
  /** A page with Corelog loaded and its bridge connected. */
  app: Page;
}

export const test = base.extend<Fixtures>({
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'corelog-test-'));
    await use(dir);
    await removeTestFolder(dir);
  },
  systems: ['none', { option: true }],
  emulators: async ({ systems }, use) => {
    if (systems !== 'emulators') return use(null);
    const emulators = await startEmulators();
    await use(emulators);
    await emulators.close();
  },
  corelog: async ({ dataDir, emulators }, use) => {
    // The app finds the emulators through the same overrides `npm run demo` uses. Without them it
    // points at the discard port, which nothing listens on: both systems are simply unreachable.
    const env = {
      ...process.env,
      CORELOG_IMAGO_URL: emulators?.imago.server.baseUrl ?? 'http://127.0.0.1:9/integrate/2',
      CORELOG_DOUGAL_URL: emulators?.dougal.server.baseUrl ?? 'http://127.0.0.1:9/api',
    };
    const services = createAppServices({
      dataDir,
      appVersion: '0.0.0-test',
      transport: 'browser',
      env,
      reachability: { firstRetryMs: 300, maxRetryMs: 1500, quietProbeMs: 2000 },
    });
    const server = await startBrowserMode({ services, rendererDir: join(process.cwd(), 'dist', 'renderer'), port: 0 });
    services.start();
    await use({ server, services, dataDir });
    await server.close();
    await services.dispose();
  },
  app: async ({ page, corelog }, use) => {
    await page.goto(corelog.server.url);
    await expect(page.getByTestId('app-version')).toHaveText('v0.0.0-test');
    await use(page);
  },
});

export { expect };
