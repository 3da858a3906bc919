/**
 * Browser mode served for a node test: real services on a fresh data folder, a stand-in page,
 * and both servers pointed at a port nothing listens on (these tests are about the bridge, not
 * about Imago or Dougal).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

export interface OfflineBrowserMode {
  /** The test's folder: `data/` for the services, `renderer/` for the page. */
  dir: string;
  services: AppServices;
  server: BrowserModeServer;
  close(): Promise<void>;
}

export async function startOfflineBrowserMode(prefix: string): Promise<OfflineBrowserMode> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const services = createAppServices({ dataDir: join(dir, 'data'), appVersion: '1', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
  const server = await startBrowserMode({ services, rendererDir: join(dir, 'renderer'), port: 0 });
  return {
    dir,
    services,
    server,
    async close() {
      await server.close();
      await services.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
