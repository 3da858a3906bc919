/**
 * The soak's service process: Corelog's background service (all main-process services plus the
 * browser-mode bridge) alone in its own Node process, so the soak can SIGKILL it and start it again
 * on the same port, data folder and page key: the page keeps its origin (so its IndexedDB) and
 * its address, and its bridge reconnects by itself.
 *
 *   node --import tsx test/soak/service-process.ts --port N --data DIR --token T --renderer DIR
 *
 * The emulators are found through CORELOG_IMAGO_URL / CORELOG_DOUGAL_URL and signed in to with the
 * demo accounts (CORELOG_DEMO_LOGINS=1, kept in memory as in `npm run demo`). Prints one line
 * `CORELOG_SOAK_READY <url>` once the bridge listens and the services run.
 */
import { parseArgs } from 'node:util';
import { startBrowserMode } from '../../electron/browser-mode/browser-mode-server';
import { createAppServices } from '../../electron/services/app-services';
import { READY_LINE } from './soak-service';

const { values } = parseArgs({
  options: { port: { type: 'string' }, data: { type: 'string' }, token: { type: 'string' }, renderer: { type: 'string' } },
});
if (!values.port || !values.data || !values.token || !values.renderer) {
  console.error('usage: service-process.ts --port N --data DIR --token T --renderer DIR');
  process.exit(2);
}

const services = createAppServices({
  dataDir: values.data,
  appVersion: '0.0.0-soak',
  transport: 'browser',
  // As in the browser tests: a system that comes back is noticed within about a second.
  reachability: { firstRetryMs: 300, maxRetryMs: 1500, quietProbeMs: 2000 },
});
const server = await startBrowserMode({ services, rendererDir: values.renderer, port: Number(values.port), token: values.token });
services.start();
console.log(`${READY_LINE} ${server.url}`);

// A polite stop for the end of a round; the soak's kills are SIGKILL, which no handler sees.
process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => services.dispose())
    .finally(() => process.exit(0));
});
