/**
 * Per-connection API settings: set from the Connections screen's handlers, validated (unknown
 * keys refused), stored in connections.json as differences from the defaults, applied by
 * rebuilding the client — seen in what the emulators receive — and back to defaults on reset.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';

let dir: string;
let emulators: RunningEmulators;
const running: AppServices[] = [];

interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

async function admin(system: 'imago' | 'dougal', path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const response = await fetch(`${emulators[system].server.origin}/__admin${path}`, {
    method: init.method ?? 'GET',
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`admin ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

async function requestsTo(system: 'imago' | 'dougal'): Promise<LoggedRequest[]> {
  return ((await admin(system, '/requests')) as { requests: LoggedRequest[] }).requests;
}

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

async function stored(): Promise<{ imago: { api: unknown; serverUrl: string }; dougal: { api: unknown; serverUrl: string } }> {
  return JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8'));
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-api-settings-'));
  emulators = await startEmulators();
});

afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

describe('per-connection API settings', () => {
  it('a Dougal changes path and paging name set from the screen are stored and used by the rebuilt client', async () => {
    const services = launch();
    await services.handlers.signIn({ system: 'dougal', username: 'demo', password: 'demo', remember: false });
    await admin('dougal', '/dougal/options', { method: 'PATCH', body: { limitParam: 'take' } });
    const settings = await services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.eventChanges': '/project/{project}/event/changes', 'query.limit': 'take' } });
    expect(settings.fields.filter((f) => f.value !== f.defaultValue).map((f) => [f.key, f.value])).toEqual([
      ['paths.eventChanges', '/project/{project}/event/changes'],
      ['query.limit', 'take'],
    ]);
    expect((await stored()).dougal.api).toEqual({ paths: { eventChanges: '/project/{project}/event/changes' }, query: { limit: 'take' } });

    await admin('dougal', '/requests', { method: 'DELETE' });
    const client = services.clients.dougal();
    await client.eventChanges('eq24301', '2020-01-01T00:00:00.000Z', { unique: true });
    expect(await client.listEvents('eq24301', {}, { limit: 3 })).toHaveLength(3);
    const reads = (await requestsTo('dougal')).filter((r) => r.method === 'GET');
    expect(reads.map((r) => ({ path: r.path, query: r.query }))).toEqual([
      { path: '/project/eq24301/event/changes', query: { since: '2020-01-01T00:00:00.000Z', unique: 'true' } },
      { path: '/project/eq24301/event', query: { take: '3' } },
    ]);
  });

  it('Imago parameter names are used by the rebuilt client, survive a restart, and reset to the defaults', async () => {
    const first = launch();
    await first.handlers.signIn({ system: 'imago', username: 'demo', password: 'demo', remember: true });
    await first.handlers.setApiSettings({ system: 'imago', values: { matchParam: 'matchType', mimeTypeParam: null, uploadEncoding: 'raw', tokenHeader: 'bearer' } });
    // tokenHeader equals its default, so only the three differences are stored.
    expect((await stored()).imago.api).toEqual({ matchParam: 'matchType', mimeTypeParam: null, uploadEncoding: 'raw' });
    await first.dispose();

    const second = launch();
    const view = await second.handlers.getApiSettings({ system: 'imago' });
    expect(Object.fromEntries(view.fields.map((f) => [f.key, f.value]))).toMatchObject({ matchParam: 'matchType', mimeTypeParam: null, uploadEncoding: 'raw', tokenHeader: 'bearer', imageryKey: 'imageries' });
    expect(view.notice).toBeNull();
    await admin('imago', '/requests', { method: 'DELETE' });
    await second.clients.imago().listCollections({ workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', name: 'FF-DD', match: 'startswith' });
    const listed = (await requestsTo('imago')).find((r) => r.path === '/collection');
    expect(listed?.query).toMatchObject({ matchType: 'startswith', name: 'FF-DD' });
    expect(listed?.query).not.toHaveProperty('match');

    const reset = await second.handlers.resetApiSettings({ system: 'imago' });
    expect(reset.fields.every((f) => f.value === f.defaultValue)).toBe(true);
    expect((await stored()).imago.api).toEqual({});
    await admin('imago', '/requests', { method: 'DELETE' });
    await second.clients.imago().listCollections({ workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', name: 'FF-DD', match: 'startswith' });
    expect((await requestsTo('imago')).find((r) => r.path === '/collection')?.query).toMatchObject({ match: 'startswith' });
  });

  it('refuses unknown keys and values a client could not use, naming each, and changes nothing', async () => {
    const services = launch();
    await expect(services.handlers.setApiSettings({ system: 'imago', values: { matchParam: 'matchType', imageryIdParam: 'x' } })).rejects.toMatchObject({
      kind: 'validation',
      issues: [{ path: 'imageryIdParam', message: '"imageryIdParam" is not a setting of this connection' }],
    });
    await expect(services.handlers.setApiSettings({ system: 'imago', values: { matchParam: 'match type', uploadEncoding: 'base64' } })).rejects.toMatchObject({
      kind: 'validation',
      message: 'These API settings cannot be used: Upload encoding: multipart or raw; Match mode parameter: a parameter name: letters, digits, _ . - (starting with a letter or _), at most 64.',
    });
    await expect(services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.event': '/project/{project}/event' } })).rejects.toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('One event path: the path must keep {id}'),
    });
    await expect(services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.labels': '/project/{pid}/label' } })).rejects.toMatchObject({ message: expect.stringContaining('unknown placeholder {pid}') });
    await expect(services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.labels': '/../admin/{project}' } })).rejects.toMatchObject({ kind: 'validation' });
    await expect(services.handlers.setApiSettings({ system: 'dougal', values: { 'idempotency.metaKey': 'x' } })).rejects.toMatchObject({ kind: 'validation' });
    // Nothing was stored by the refused calls.
    await expect(readFile(join(dir, 'connections.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // Placeholders a path may use: {since} is optional for the changes path.
    await services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.eventChanges': '/project/{project}/event/changes', 'idempotency.lookup': 'meta-filter' } });
    expect((await stored()).dougal.api).toEqual({ paths: { eventChanges: '/project/{project}/event/changes' }, idempotency: { lookup: 'meta-filter' } });
  });

  it('a hand-edited file with unknown keys leaves the defaults in use, says so, and keeps the server address', async () => {
    await writeFile(
      join(dir, 'connections.json'),
      JSON.stringify({ imago: { serverUrl: emulators.imago.server.baseUrl, api: { matchParam: 'matchType', colour: 'blue' } }, dougal: { serverUrl: emulators.dougal.server.baseUrl, implicitLogin: false, api: { paths: { events: 7 } } } }),
    );
    const services = launch();
    const imago = await services.handlers.getApiSettings({ system: 'imago' });
    expect(imago.fields.every((f) => f.value === f.defaultValue)).toBe(true);
    expect(imago.notice).toBe(`The API settings saved in ${join(dir, 'connections.json')} could not be used ("colour" is not a setting of this connection). The defaults are in use until settings are saved here.`);
    expect((await services.handlers.getApiSettings({ system: 'dougal' })).notice).toMatch(/Event list path/);
    expect(services.connections.status('imago').serverUrl).toBe(emulators.imago.server.baseUrl);
    // Saving settings from the screen replaces the unusable ones and clears the notice.
    const saved = await services.handlers.setApiSettings({ system: 'imago', values: { matchParam: 'matchType' } });
    expect(saved.notice).toBeNull();
    expect((await stored()).imago).toEqual({ serverUrl: emulators.imago.server.baseUrl, api: { matchParam: 'matchType' } });
  });

  it('a signed-in connection signs in again by itself after its settings change', async () => {
    const services = launch();
    services.start();
    await services.handlers.signIn({ system: 'dougal', username: 'demo', password: 'demo', remember: false });
    await services.handlers.setApiSettings({ system: 'dougal', values: { 'query.unique': 'unique' } });
    await waitFor(() => services.connections.status('dougal').session === 'signed-in', 'Dougal signed in again');
    expect(services.connections.status('dougal')).toMatchObject({ user: 'demo', lastError: null });
    // The new client's own sign-in, with the login main holds: the first one's token went with the old client.
    expect((await requestsTo('dougal')).filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/login', '/login']);
  });
});
