/**
 * `npm run web`: Corelog in your browser, without Electron.
 *   --port N     (default 5180; fixed so the browser finds its offline data again, which it keys by origin)
 *   --data DIR   (default: the desktop app's data folder)
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCorelogServices } from '../services/sample-systems/profile-host';
import { defaultUserDataDir } from '../services/user-data-dir';
import { startBrowserMode } from './browser-mode-server';

export const DEFAULT_WEB_PORT = 5180;

export async function runWebCli(argv: string[], appVersion: string): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: false,
  });
  const port = values.port === undefined ? DEFAULT_WEB_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"`);
  const dataDir = resolve(values.data ?? defaultUserDataDir());
  const rendererDir = findRendererDir();

  // The profile in use (a first run asks on the first screen); the sample systems start with it when chosen.
  const services = await createCorelogServices({ dataDir, appVersion, transport: 'browser' });
  // As in the desktop app's main process: a promise nobody awaited that fails is logged, and the
  // queued syncs and uploads of this process carry on (Node would otherwise end the process).
  process.on('unhandledRejection', (reason) => services.desktop.log.error('unhandled rejection in the browser-mode service', reason));
  let server;
  try {
    server = await startBrowserMode({ services, rendererDir, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is already in use (is Corelog already running in browser mode?). Close it, or pass --port with another number.`, { cause: error });
    }
    throw error;
  }
  services.start();
  const sample = services.sampleSystems();
  if (sample) console.log(`\nSample systems in use (on this computer only): Imago ${sample.imagoUrl}, Dougal ${sample.dougalUrl}. Switch to your own in Connections.`);
  console.log(`\nCorelog is running in browser mode (data: ${dataDir}).\nOpen this address in Chromium, Chrome, Edge or Firefox:\n\n  ${server.url}\n\nThe address carries a one-time key; it changes each time you start. Press Ctrl+C to stop.\n`);

  const shutdown = async () => {
    await server.close();
    await services.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** The built renderer sits next to the bundle in dist/, or under the repo when run from source. */
function findRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error('The renderer has not been built: run `npm run build` (or use `npm run web`, which builds first).');
}
