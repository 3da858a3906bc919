/**
 * A Playwright fixture for a newcomer's machine: an empty data folder and the app's own service
 * set (the one `npm start` runs), with no server named anywhere, served in browser mode. Shared by
 * the first-run and scratch-note specs.
 */
import { test as base } from '@playwright/test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserMode, type BrowserModeServer } from '../../electron/browser-mode/browser-mode-server';
import { createCorelogServices, type CorelogServices } from '../../electron/services/sample-systems/profile-host';
import { removeTestFolder } from './temp-folder';

export interface NewcomerCorelog {
  root: string;
  corelog: { services: CorelogServices; server: BrowserModeServer };
}

export const newcomerTest = base.extend<NewcomerCorelog>({
  root: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'corelog-newcomer-'));
    await use(dir);
    await removeTestFolder(dir);
  },
  corelog: async ({ root }, use) => {
    const env = { ...process.env };
    for (const key of ['CORELOG_IMAGO_URL', 'CORELOG_DOUGAL_URL', 'CORELOG_DEMO_LOGINS', 'CORELOG_DATA_DIR']) delete env[key];
    const services = await createCorelogServices({ dataDir: root, appVersion: '0.0.0-test', transport: 'browser', env, reachability: { firstRetryMs: 300, maxRetryMs: 1500, quietProbeMs: 2000 } });
    const server = await startBrowserMode({ services, rendererDir: join(process.cwd(), 'dist', 'renderer'), port: 0 });
    services.start();
    await use({ services, server });
    await server.close();
    await services.dispose();
  },
});
