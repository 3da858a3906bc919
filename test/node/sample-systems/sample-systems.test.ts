/**
 * The sample systems the app runs for newcomers: the real emulators over real HTTP on 127.0.0.1,
 * with their admin and fault endpoints off and their state under the data folder.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSampleSystems, type SampleSystems } from '../../../electron/services/sample-systems/sample-systems';

let dir: string;
const running: SampleSystems[] = [];
const start = async () => {
  const sample = await startSampleSystems(dir);
  running.push(sample);
  return sample;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-sample-'));
});
afterEach(async () => {
  for (const sample of running.splice(0)) await sample.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the HTTP status, or the connection error's code. */
async function statusOf(url: string, init?: RequestInit): Promise<number | string> {
  try {
    const reply = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    await reply.arrayBuffer();
    return reply.status;
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (error as Error).message;
  }
}

/** A fresh TCP connection's outcome: 'connected' or the error code. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('sample systems', () => {
  it('listen on free ports on 127.0.0.1 only, answer the documented API, and have no admin or fault endpoints', async () => {
    const sample = await start();
    for (const url of [sample.imagoUrl, sample.dougalUrl]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(integrate\/2|api)$/);
    expect(sample.emulators.imago.server.port).not.toBe(sample.emulators.dougal.server.port);
    const imago = sample.emulators.imago.server.origin;
    const dougal = sample.emulators.dougal.server.origin;

    // The documented sign-ins work with the demo accounts.
    const session = await fetch(`${sample.imagoUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
    expect(session.status).toBe(200);
    const login = await fetch(`${sample.dougalUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'demo', password: 'demo' }) });
    expect(login.status).toBeLessThan(300);

    for (const origin of [imago, dougal]) {
      expect(await statusOf(`${origin}/__admin/faults`)).toBe(404);
      expect(await statusOf(`${origin}/__admin/faults`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) })).toBe(404);
      expect(await statusOf(`${origin}/__admin/requests`)).toBe(404);
      expect(await statusOf(`${origin}/__admin/reset`, { method: 'POST' })).toBe(404);
      expect(await statusOf(`${origin}/__admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 1 }) })).toBe(404);
    }
    expect(await statusOf(`${imago}/__admin/imago/state`)).toBe(404);
    expect(await statusOf(`${dougal}/__admin/dougal/options`)).toBe(404);
    // The PATCH above did not take the system down: faults cannot be switched on from outside.
    expect(await statusOf(`${sample.imagoUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) })).toBe(200);

    // Not reachable on this machine's other addresses: bound to loopback only.
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (outside) {
      for (const server of [sample.emulators.imago.server, sample.emulators.dougal.server]) expect(await connectOutcome(outside, server.port)).toBe('ECONNREFUSED');
    }
  });

  it('never injects a fault, whatever the fault settings say', async () => {
    const sample = await start();
    sample.emulators.imago.server.faults = { ...sample.emulators.imago.server.faults, down: true, failureRate: 1, failNext: 5 };
    const reply = await fetch(`${sample.imagoUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
    expect(reply.status).toBe(200);
  });

  it('keeps their state in the data folder across a restart, on the same ports when they are free', async () => {
    const first = await start();
    const ports = [first.emulators.imago.server.port, first.emulators.dougal.server.port];
    const workspace = first.emulators.imago.world.workspaces.find((w) => !w.readonly)!;
    const session = (await (
      await fetch(`${first.imagoUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) })
    ).json()) as { apiToken: string };
    const created = await fetch(`${first.imagoUrl}/dataset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ workspaceId: workspace.id, name: 'Kept across restarts' }]),
    });
    expect(created.status).toBeLessThan(300);
    const project = first.emulators.dougal.project();
    const eventsBefore = project.events.length;
    first.emulators.dougal.addShot({ sequence: 29, point: 1234 });
    await first.close();
    running.splice(running.indexOf(first), 1);
    // Stopped means stopped: the ports refuse connections.
    for (const port of ports) expect(await connectOutcome('127.0.0.1', port)).toBe('ECONNREFUSED');
    expect(existsSync(join(dir, 'imago', 'state.json'))).toBe(true);
    expect(existsSync(join(dir, 'dougal', 'state.json'))).toBe(true);

    const second = await start();
    expect([second.emulators.imago.server.port, second.emulators.dougal.server.port]).toEqual(ports);
    expect(second.emulators.imago.world.datasets.map((d) => d.name)).toContain('Kept across restarts');
    // Seeded once: the demo site is not drawn again on top of the saved one.
    expect(second.emulators.imago.world.workspaces.filter((w) => w.name === workspace.name)).toHaveLength(1);
    expect(second.emulators.dougal.project().events.length).toBeGreaterThanOrEqual(eventsBefore);
  });

  it('takes other free ports when last run’s are in use', async () => {
    const first = await start();
    const imagoPort = first.emulators.imago.server.port;
    await first.close();
    running.splice(running.indexOf(first), 1);
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(imagoPort, '127.0.0.1', () => resolve()));
    try {
      const second = await start();
      expect(second.emulators.imago.server.port).not.toBe(imagoPort);
      expect(await statusOf(`${second.imagoUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) })).toBe(200);
      expect(JSON.parse(await readFile(join(dir, 'ports.json'), 'utf8'))).toEqual({ imago: second.emulators.imago.server.port, dougal: second.emulators.dougal.server.port });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('ignores a damaged ports file', async () => {
    await writeFile(join(dir, 'ports.json'), '{"imago": "80", "dougal": 22');
    const sample = await start();
    expect(sample.emulators.imago.server.port).toBeGreaterThan(1023);
  });

  it('offers a starting point and a sample tray photo named for the next free interval', async () => {
    const sample = await start();
    const point = sample.startingPoint();
    expect(point).toEqual({
      workspaceName: 'Firefly Resource Development',
      datasetName: 'Diamond Drilling',
      holeName: 'FF-DD-0012',
      imageryTypeName: 'Core Trays',
      imageTypeName: 'Wet',
      project: 'eq24301',
    });
    const photo = await sample.trayPhoto();
    // FF-DD-0012's deepest seeded interval ends at 121.0 m; a tray is 4.7 m.
    expect(photo.name).toBe('FF-DD-0012_121.0_125.7_Wet.jpg');
    expect(photo.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(photo.bytes.length).toBeGreaterThan(10_000);
  });
});
