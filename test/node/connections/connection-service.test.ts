import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

let dir: string;
let emulators: RunningEmulators;
const running: AppServices[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-conn-'));
  emulators = await startEmulators({ implicitLoginAddresses: ['127.0.0.1'] });
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

function launch(): AppServices {
  const services = createAppServices({
    dataDir: dir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
    reachability: { firstRetryMs: 50, maxRetryMs: 200, quietProbeMs: 5000 },
  });
  running.push(services);
  return services;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(running.at(-1)?.connections.allStatuses())}`);
}

describe('connection service against the emulators', () => {
  it('signs in again by itself after a restart with a remembered password, and never writes it in clear', async () => {
    const first = launch();
    await first.handlers.signIn({ system: 'imago', username: 'demo', password: 'demo', remember: true });
    await first.handlers.signIn({ system: 'dougal', username: 'demo', password: 'demo', remember: true });
    await first.dispose();
    const vaultFile = JSON.parse(await readFile(join(dir, 'credentials.json'), 'utf8'));
    for (const system of ['imago', 'dougal']) {
      const { encryptedPassword } = vaultFile.logins[system];
      expect(encryptedPassword).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
      expect(Buffer.from(encryptedPassword, 'base64').toString('latin1')).not.toContain('demo');
    }

    const second = launch();
    second.start();
    await waitFor(() => second.connections.status('imago').session === 'signed-in' && second.connections.status('dougal').session === 'signed-in', 'resumed sessions');
    expect(second.connections.status('dougal')).toMatchObject({ user: 'demo', role: 'user', passwordStored: true });
  });

  it('uses Dougal network login and resumes it after a restart', async () => {
    const first = launch();
    const status = await first.handlers.signInImplicitly({ system: 'dougal' });
    expect(status).toMatchObject({ session: 'implicit', role: 'user' });
    await first.dispose();
    const second = launch();
    second.start();
    await waitFor(() => second.connections.status('dougal').session === 'implicit', 'implicit session');
  });

  it('reports an offline sign-in in plain words and keeps working once the server is back', async () => {
    const services = launch();
    await emulators.imago.server.close();
    await expect(services.handlers.signIn({ system: 'imago', username: 'demo', password: 'demo', remember: false })).rejects.toMatchObject({ kind: 'offline' });
    expect(services.connections.status('imago').lastError).toMatchObject({ kind: 'offline', message: expect.stringContaining('Imago cannot be reached') });
    await emulators.imago.server.listen();
    await services.handlers.signIn({ system: 'imago', username: 'demo', password: 'demo', remember: false });
    expect(services.connections.status('imago')).toMatchObject({ session: 'signed-in', lastError: null, passwordStored: false });
  });

  it('pushes reachability changes per system: Imago down, Dougal up', async () => {
    const services = launch();
    const seen: ConnectionStatus[] = [];
    services.events.subscribe((event, payload) => event === 'connectionChanged' && seen.push(payload as ConnectionStatus));
    services.start();
    await waitFor(() => services.connections.allStatuses().every((s) => s.reachability === 'reachable'), 'both reachable');
    emulators.imago.server.faults.down = true;
    await services.handlers.checkConnection({ system: 'imago' });
    await services.handlers.checkConnection({ system: 'dougal' });
    expect(services.connections.status('imago').reachability).toBe('unreachable');
    expect(services.connections.status('dougal').reachability).toBe('reachable');
    expect(seen.some((s) => s.system === 'imago' && s.reachability === 'unreachable')).toBe(true);
  });

  it('moves to a new server address, signed out, and remembers it', async () => {
    const services = launch();
    await services.handlers.signIn({ system: 'dougal', username: 'demo', password: 'demo', remember: false });
    const moved = await services.handlers.setServerUrl({ system: 'dougal', serverUrl: 'http://127.0.0.1:9/api/' });
    expect(moved).toMatchObject({ serverUrl: 'http://127.0.0.1:9/api', session: 'signed-out' });
    expect(JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8')).dougal.serverUrl).toBe('http://127.0.0.1:9/api');
  });
});

describe('reachability behind a captive portal', () => {
  it('a portal answering every request in place of the server (even the probe) shows the system unreachable, naming the portal', async () => {
    const services = launch();
    services.start();
    await waitFor(() => services.connections.status('imago').reachability === 'reachable', 'Imago reachable');
    // Something on the way now answers every request with its own web page, status 200.
    emulators.imago.server.faults = { ...emulators.imago.server.faults, failureRate: 1, failureKinds: ['html-200'] };
    await services.connections.check('imago');
    await waitFor(() => services.connections.status('imago').reachability === 'unreachable', 'Imago unreachable behind the portal');
    const status = services.connections.status('imago');
    expect(status.lastError?.message).toMatch(/web page/i);
    expect(status.lastError?.message).not.toContain('<');
    // Dougal, not behind the portal, is unaffected.
    expect(services.connections.status('dougal').reachability).not.toBe('unreachable');
    emulators.imago.server.faults = { ...emulators.imago.server.faults, failureRate: 0 };
    await services.connections.check('imago');
    await waitFor(() => services.connections.status('imago').reachability === 'reachable', 'Imago reachable again');
  });
});

describe('changing a server address that cannot be saved', () => {
  it('a failed save (a folder where connections.json belongs) changes nothing: the old connection keeps working', async () => {
    const services = launch();
    services.start();
    await services.handlers.signIn({ system: 'dougal', username: 'demo', password: 'demo', remember: false });
    const { mkdir } = await import('node:fs/promises');
    await rm(join(dir, 'connections.json'), { force: true });
    await mkdir(join(dir, 'connections.json', 'in-the-way'), { recursive: true });
    await expect(services.handlers.setServerUrl({ system: 'dougal', serverUrl: 'http://127.0.0.1:9/elsewhere' })).rejects.toThrow();
    expect(services.connections.status('dougal')).toMatchObject({ serverUrl: emulators.dougal.server.baseUrl, session: 'signed-in' });
    // Still signed in on the old server, and its requests still go.
    const { projects } = await services.handlers.eventLogProjects(undefined);
    expect(projects.length).toBeGreaterThan(0);
  });
});
