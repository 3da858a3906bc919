/**
 * The app's service set with its two profiles: a first run, "Try it with sample systems" (the
 * emulators started by the services, signed in by themselves), the switch to the real systems and
 * back, and the data of each kept in its own place. Real emulators over real HTTP; the bridge
 * handlers are called the way both transports call them.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BridgeEventName } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { createCorelogServices, type CorelogServices } from '../../../electron/services/sample-systems/profile-host';

let root: string;
const opened: CorelogServices[] = [];
/** No server named in the environment: what a newcomer's machine looks like. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of ['CORELOG_IMAGO_URL', 'CORELOG_DOUGAL_URL', 'CORELOG_DEMO_LOGINS', 'CORELOG_DATA_DIR']) delete env[key];
  return env;
};
const open = async (env: NodeJS.ProcessEnv = cleanEnv()) => {
  const services = await createCorelogServices({ dataDir: root, appVersion: '0.0.0-test', transport: 'browser', env, reachability: { firstRetryMs: 200, maxRetryMs: 1000, quietProbeMs: 1000 } });
  opened.push(services);
  services.start();
  return services;
};
const close = async (services: CorelogServices) => {
  opened.splice(opened.indexOf(services), 1);
  await services.dispose();
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'corelog-profiles-'));
});
afterEach(async () => {
  for (const services of opened.splice(0)) await services.dispose();
  await rm(root, { recursive: true, force: true });
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const signedInToBoth = async (services: CorelogServices) =>
  vi.waitFor(
    () => {
      for (const system of ['imago', 'dougal'] as const) expect(services.connections.status(system).session).toBe('signed-in');
    },
    { timeout: 15_000, interval: 100 },
  );

describe('profiles and the sample systems', () => {
  it('a fresh data folder is a first run: the real profile, not chosen, no sample systems running', async () => {
    const services = await open();
    const call = createBridgeDispatcher(services.handlers);
    expect(await call('getProfile', undefined)).toEqual({ ok: true, value: { active: 'real', chosen: false, canSwitch: true, notice: null, sample: null } });
    expect(services.sampleSystems()).toBeNull();
  });

  it('“Try it with sample systems” starts them, signs in to the demo accounts, and keeps every file apart from the real profile', async () => {
    const services = await open();
    const events: BridgeEventName[] = [];
    services.events.subscribe((event) => events.push(event));
    const call = createBridgeDispatcher(services.handlers);

    const chosen = await call('chooseProfile', { profile: 'sample' });
    expect(chosen.ok).toBe(true);
    const sample = services.sampleSystems()!;
    expect(sample).not.toBeNull();
    expect(chosen).toMatchObject({ value: { active: 'sample', chosen: true, sample: { imagoUrl: sample.imagoUrl, dougalUrl: sample.dougalUrl, start: { holeName: 'FF-DD-0012', project: 'eq24301' } } } });
    expect(events).toContain('profileChanged');
    await signedInToBoth(services);
    // Events of the new profile's services reach the transports through the same bus.
    expect(events).toContain('connectionChanged');
    expect(services.connections.status('imago').serverUrl).toBe(sample.imagoUrl);
    expect(services.connections.status('dougal').serverUrl).toBe(sample.dougalUrl);
    // The demo logins are held in memory: no password of the samples is written anywhere.
    const vault = JSON.parse(await readFile(join(root, 'sample-systems', 'app', 'credentials.json'), 'utf8')) as { logins: Record<string, { encryptedPassword: unknown }> };
    expect(Object.values(vault.logins).map((login) => login.encryptedPassword)).toEqual([null, null]);

    // A sample tray photo goes through the normal hand-over into the sample profile's staging.
    const staged = await call('stageSampleTrayPhoto', undefined);
    expect(staged).toMatchObject({ ok: true, value: { name: 'FF-DD-0012_121.0_125.7_Wet.jpg' } });
    expect(services.stagedFiles.stagingFolder).toBe(join(root, 'sample-systems', 'app', 'staging'));
    expect(await readdir(join(root, 'sample-systems', 'app', 'staging'))).toHaveLength(1);

    // Corelog's own files for the samples live under sample-systems/app, the servers' state under sample-systems/servers.
    expect(JSON.parse(await readFile(join(root, 'profile.json'), 'utf8'))).toEqual({ active: 'sample' });
    expect(existsSync(join(root, 'sample-systems', 'servers', 'imago', 'state.json'))).toBe(true);
    expect(existsSync(join(root, 'staging'))).toBe(false);
    expect(existsSync(join(root, 'connections.json'))).toBe(false);
  });

  it('the sample systems’ addresses cannot be changed, so nothing of theirs reaches another server', async () => {
    const services = await open();
    const call = createBridgeDispatcher(services.handlers);
    await call('chooseProfile', { profile: 'sample' });
    const answer = await call('setServerUrl', { system: 'imago', serverUrl: 'https://imago.example.com/integrate/2' });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(services.connections.status('imago').serverUrl).toBe(services.sampleSystems()!.imagoUrl);
  });

  it('switching to the real systems stops the samples and back again finds their data; each side keeps its own settings', async () => {
    const services = await open();
    const call = createBridgeDispatcher(services.handlers);
    await call('chooseProfile', { profile: 'sample' });
    const sample = services.sampleSystems()!;
    const ports = [sample.emulators.imago.server.port, sample.emulators.dougal.server.port];
    await signedInToBoth(services);
    // Something happens on the sample Dougal (a shot the sample vessel fires).
    sample.emulators.dougal.addShot({ sequence: 29, point: 4321 });
    const eventsOnSample = sample.emulators.dougal.project().events.length;

    expect(await call('chooseProfile', { profile: 'real' })).toMatchObject({ ok: true, value: { active: 'real', chosen: true, sample: null } });
    expect(services.sampleSystems()).toBeNull();
    for (const port of ports) expect(await refused(port)).toBe(true);
    // The real profile: its own address (the default), never the samples', and no demo login.
    expect(services.connections.status('imago').serverUrl).not.toBe(sample.imagoUrl);
    expect(services.connections.status('imago').credentialAvailable).toBe(false);
    const real = await call('setServerUrl', { system: 'dougal', serverUrl: 'http://127.0.0.1:9/api' });
    expect(real.ok).toBe(true);
    expect(JSON.parse(await readFile(join(root, 'connections.json'), 'utf8'))).toMatchObject({ dougal: { serverUrl: 'http://127.0.0.1:9/api' } });
    expect(services.stagedFiles.stagingFolder).toBe(join(root, 'staging'));
    // A generated photo never reaches a real Imago.
    expect(await call('stageSampleTrayPhoto', undefined)).toMatchObject({ ok: false, error: { kind: 'validation' } });

    expect(await call('chooseProfile', { profile: 'sample' })).toMatchObject({ ok: true, value: { active: 'sample' } });
    const again = services.sampleSystems()!;
    expect([again.emulators.imago.server.port, again.emulators.dougal.server.port]).toEqual(ports);
    expect(again.emulators.dougal.project().events.length).toBe(eventsOnSample);
    await signedInToBoth(services);
    expect(services.connections.status('dougal').serverUrl).toBe(again.dougalUrl);
    // The real side's setting is where it was, untouched by the samples.
    expect(JSON.parse(await readFile(join(root, 'connections.json'), 'utf8'))).toMatchObject({ dougal: { serverUrl: 'http://127.0.0.1:9/api' } });
  });

  it('starts in the profile chosen last time, with the sample data of the last run', async () => {
    const first = await open();
    await first.chooseProfile('sample');
    await signedInToBoth(first);
    // The app's own sign-in is state the sample Imago keeps: its session must outlive the restart.
    const sessions = first.sampleSystems()!.emulators.imago.world.sessions.map((s) => s.token);
    expect(sessions.length).toBeGreaterThan(0);
    await close(first);

    const second = await open();
    expect(second.profile()).toMatchObject({ active: 'sample', chosen: true });
    expect(second.sampleSystems()!.emulators.imago.world.sessions.map((s) => s.token)).toEqual(expect.arrayContaining(sessions));
    await signedInToBoth(second);
  });

  it('an existing data folder with real settings is the real profile, chosen, as it was (no migration)', async () => {
    await writeFile(join(root, 'connections.json'), JSON.stringify({ imago: { serverUrl: 'https://imago.example.com/integrate/2' } }));
    const services = await open();
    expect(services.profile()).toEqual({ active: 'real', chosen: true, canSwitch: true, notice: null, sample: null });
    expect(services.connections.status('imago').serverUrl).toBe('https://imago.example.com/integrate/2');
    expect(existsSync(join(root, 'profile.json'))).toBe(false);
  });

  it('servers named in the environment (tests, npm run demo) mean the real profile, chosen', async () => {
    const services = await open({ ...cleanEnv(), CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2' });
    expect(services.profile()).toMatchObject({ active: 'real', chosen: true });
  });

  it('when the sample systems cannot start, the first screen asks again and says why (never the real systems unasked)', async () => {
    await writeFile(join(root, 'profile.json'), JSON.stringify({ active: 'sample' }));
    await mkdir(join(root, 'sample-systems'), { recursive: true });
    await writeFile(join(root, 'sample-systems', 'servers'), 'a file where a folder belongs');
    const services = await open();
    expect(services.profile()).toMatchObject({ active: 'real', chosen: false, notice: expect.stringMatching(/^The sample systems could not start on this computer/) });
    const call = createBridgeDispatcher(services.handlers);
    expect(await call('chooseProfile', { profile: 'sample' })).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    // Still where it was: nothing was switched.
    expect(services.profile()).toMatchObject({ active: 'real', chosen: false });
  });
});
