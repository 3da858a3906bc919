import { afterEach, describe, expect, it } from 'vitest';
import { createEmulatorServer, HttpError, Router, type EmulatorServer } from '../../../emulators/kit/http-kit';

let server: EmulatorServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(): Promise<EmulatorServer> {
  const router = new Router()
    .get('/things/:id', (_req, params) => ({ status: 200, json: { id: params.id } }))
    .post('/things', async (req) => ({ status: 201, json: { got: await req.readJson() } }))
    .get('/teapot', () => {
      throw new HttpError(418, 'short and stout');
    });
  server = createEmulatorServer({ name: 'test', basePath: '/api', router });
  await server.listen(0);
  return server;
}

describe('emulator http kit', () => {
  it('routes, parses JSON and logs a digest of the body but never the body', async () => {
    const s = await start();
    const res = await fetch(`${s.baseUrl}/things`, { method: 'POST', body: JSON.stringify({ password: 'hunter2' }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { password: 'hunter2' } });
    expect((await fetch(`${s.baseUrl}/things/7`)).status).toBe(200);
    const log = s.log.list();
    expect(log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['POST /things 201', 'GET /things/7 200']);
    expect(log[0]!.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(log)).not.toContain('hunter2');
  });

  it('answers unknown routes with 404, wrong methods with 405, thrown HttpErrors with their status', async () => {
    const s = await start();
    expect((await fetch(`${s.baseUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${s.baseUrl}/things/1`, { method: 'DELETE' })).status).toBe(405);
    const teapot = await fetch(`${s.baseUrl}/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ status: 418, message: 'short and stout' });
    expect((await fetch(`${s.baseUrl}/things`, { method: 'POST', body: '{not json' })).status).toBe(400);
  });

  it('injects failures, resets and down mode through the admin endpoint', async () => {
    const s = await start();
    const patch = (body: object) => fetch(`${s.origin}/__admin/faults`, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ failNext: 1, failureKinds: ['503'] })).status).toBe(200);
    expect((await fetch(`${s.baseUrl}/things/1`)).status).toBe(503);
    expect((await fetch(`${s.baseUrl}/things/1`)).status).toBe(200);
    await patch({ failNext: 1, failureKinds: ['reset'] });
    await expect(fetch(`${s.baseUrl}/things/1`)).rejects.toThrow();
    await patch({ down: true });
    await expect(fetch(`${s.baseUrl}/things/1`)).rejects.toThrow();
    await patch({ down: false });
    expect((await fetch(`${s.baseUrl}/things/1`)).status).toBe(200);
    expect((await patch({ failureRate: 3 })).status).toBe(400);
  });

  it('drops a response after handling it, so the state change happens but the client sees a reset', async () => {
    const s = await start();
    await fetch(`${s.origin}/__admin/faults`, { method: 'PATCH', body: JSON.stringify({ dropResponseNext: 1 }) });
    await expect(fetch(`${s.baseUrl}/things`, { method: 'POST', body: '{"a":1}' })).rejects.toThrow();
    const [entry] = s.log.list();
    expect(entry).toMatchObject({ method: 'POST', status: 201, fault: 'response dropped' });
  });

  it('aims a fault at one method only: a GET on the same path passes, the POST after it is the one dropped', async () => {
    const s = await start();
    await fetch(`${s.origin}/__admin/faults`, { method: 'PATCH', body: JSON.stringify({ dropResponseNext: 1, failurePathIncludes: '/things', failureMethod: 'post' }) });
    expect((await fetch(`${s.baseUrl}/things/1`)).status).toBe(200);
    await expect(fetch(`${s.baseUrl}/things`, { method: 'POST', body: '{"a":1}' })).rejects.toThrow();
    expect(s.log.list().map((e) => `${e.method} ${e.fault ?? ''}`)).toEqual(['GET ', 'POST response dropped']);
  });

  it('refuses connections once closed and serves again on the same port after listen()', async () => {
    const s = await start();
    const port = s.port;
    await s.close();
    await expect(fetch(`${s.baseUrl}/things/1`)).rejects.toThrow();
    await s.listen();
    expect(s.port).toBe(port);
    expect((await fetch(`${s.baseUrl}/things/1`)).status).toBe(200);
  });

  it('moves the clock forward on request', async () => {
    const s = await start();
    const before = s.clock.now();
    await fetch(`${s.origin}/__admin/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 3_600_000 }) });
    expect(s.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
  });
});
