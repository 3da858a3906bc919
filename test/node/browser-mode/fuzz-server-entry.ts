/**
 * The real browser-mode service for the bridge fuzz test, run in its own process (bundled by the
 * test with esbuild) so a crash shows as an exit. Prints one JSON line with where to reach it.
 *   node fuzz-server.mjs <dataDir> <rendererDir>
 */
import { startBrowserMode } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices } from '../../../electron/services/app-services';

const [dataDir, rendererDir] = process.argv.slice(2);
if (!dataDir || !rendererDir) throw new Error('usage: fuzz-server <dataDir> <rendererDir>');

const services = createAppServices({
  dataDir,
  appVersion: '0.0.0-fuzz',
  transport: 'browser',
  // Nothing listens on the discard port: both systems are simply unreachable.
  env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' },
});
const server = await startBrowserMode({ services, rendererDir, port: 0 });
services.start();
process.stdout.write(`${JSON.stringify({ port: server.port, token: server.token, origin: server.origin, logFile: services.desktop.log.file })}\n`);

process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => services.dispose())
    .then(() => process.exit(0));
});
