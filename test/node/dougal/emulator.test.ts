import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDougalEmulator } from '../../../emulators/dougal/index';
import { admin, bearer, clientFor, PID, rawLogin, startDougal } from './harness';

describe('Dougal emulator', () => {
  it('seeds a realistic survey in well under a second', async () => {
    const started = performance.now();
    const dougal = await createDougalEmulator();
    expect(performance.now() - started).toBeLessThan(1_000);
    const project = dougal.project();
    expect(project.lines).toHaveLength(40);
    expect(new Set(project.sequences.map((s) => s.status))).toEqual(new Set(['online', 'raw', 'final', 'ntbp']));
    const current = project.events.filter((e) => e.validity[2] === null);
    expect(current.length).toBeGreaterThan(1900);
    expect(current.length).toBeLessThan(2200);
    expect(current.some((e) => e.readonly && e.labels.includes('Midnight'))).toBe(true);
    expect(new Set(project.events.map((e) => e.id)).size).toBeLessThan(project.events.length); // some edit history
    expect(project.labels.filter((l) => !l.data.model.multiple).map((l) => l.name)).toEqual(['SOL', 'EOL', 'FGSP', 'LGSP']);
    const again = await createDougalEmulator();
    expect(JSON.stringify(again.state)).toBe(JSON.stringify(dougal.state)); // deterministic
  });

  it('accepts the token as Bearer or as cookie, refuses missing and expired ones with 401', async () => {
    const dougal = await startDougal();
    const url = `${dougal.server.baseUrl}/project/${PID}/label`;
    expect((await fetch(url)).status).toBe(401);
    const login = await fetch(`${dougal.server.baseUrl}/login`, { method: 'POST', body: JSON.stringify({ user: 'demo', password: 'demo' }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^JWT=[\w-]+\.[\w-]+\.[\w-]+; Path=\/api; Expires=.+; Max-Age=900; HttpOnly/);
    const token = cookie.slice(4, cookie.indexOf(';'));
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { cookie: `theme=dark; JWT=${token}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const wrong = await fetch(`${dougal.server.baseUrl}/login`, { method: 'POST', body: JSON.stringify({ user: 'demo', password: 'x' }) });
    expect(wrong.status).toBe(401);
    await admin(dougal, 'POST', '/clock', { advanceMs: 901_000 });
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('logs out with an already-expired cookie while the old token keeps working until it expires', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${dougal.server.baseUrl}/logout`, { method, headers: bearer(token), ...(method === 'POST' ? { body: '{"ignored":true}' } : {}) });
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie()[0]).toMatch(/^JWT=; Path=\/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/);
    }
    expect((await fetch(`${dougal.server.baseUrl}/project`, { headers: bearer(token) })).status).toBe(200);
  });

  it('mints implicit tokens for trusted addresses, with the configured role', async () => {
    const dougal = await startDougal({ implicitLoginAddresses: ['127.0.0.1'], implicitRole: 'guest' });
    const res = await fetch(`${dougal.server.baseUrl}/project`);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(/^JWT=.+Max-Age=900/);
    const write = await fetch(`${dougal.server.baseUrl}/project/${PID}/event`, { method: 'POST', body: JSON.stringify({ tstamp: '2024-06-05T00:00:00Z' }) });
    expect(write.status).toBe(403);
  });

  it('refreshes tokens when half expired, and on request for every response', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    const url = `${dougal.server.baseUrl}/project/${PID}/label`;
    expect((await fetch(url, { headers: bearer(token) })).headers.getSetCookie()).toEqual([]);
    await admin(dougal, 'POST', '/clock', { advanceMs: 8 * 60_000 });
    expect((await fetch(url, { headers: bearer(token) })).headers.getSetCookie()[0]).toMatch(/^JWT=/);
    await admin(dougal, 'PATCH', '/dougal/options', { jwtRefresh: 'never' });
    expect((await fetch(url, { headers: bearer(token) })).headers.getSetCookie()).toEqual([]);
    expect((await fetch(`${dougal.server.origin}/__admin/dougal/options`, { method: 'PATCH', body: '{"jwtRefresh":"sometimes"}' })).status).toBe(400);
    expect((await fetch(`${dougal.server.origin}/__admin/dougal/options`, { method: 'PATCH', body: '{"noSuchOption":1}' })).status).toBe(400);
  });

  it('serves the event list as CSV and filters it', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    const get = (query: string, accept = 'application/json') => fetch(`${dougal.server.baseUrl}/project/${PID}/event?${query}`, { headers: bearer(token, { accept }) });
    const csv = await get('sequence=2&fields=point,text,labels&delimiter=%7C', 'text/csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe('point|text|labels');
    expect(rows.slice(1).every((r) => r.split('|').length >= 3)).toBe(true);
    const commas = await (await get('sequence=2&fields=text&header=0', 'text/csv')).text();
    expect(commas.split('\r\n')[0]).toMatch(/^"Start of line \d+, sequence 2"$/);
    const multi = (await (await get('sequence=1;3;7')).json()) as { sequence: number }[];
    expect(new Set(multi.map((e) => e.sequence))).toEqual(new Set([1, 3, 7]));
    const projected = (await (await get('sequence=1&limit=2&project=id,meta.qc')).json()) as object[];
    expect(projected.map((e) => Object.keys(e).sort())).toEqual([['id', 'meta'], ['id', 'meta']]);
    expect((await get('date0=yesterday')).status).toBe(400);
  });

  it('serves the OpenAPI document at the root by Accept', async () => {
    const dougal = await startDougal();
    const root = `${dougal.server.baseUrl}/`;
    expect((await (await fetch(root, { headers: { accept: 'application/json' } })).json()) as object).toMatchObject({ openapi: '3.0.0' });
    expect(await (await fetch(root, { headers: { accept: 'text/html' } })).text()).toMatch(/^<!doctype html>/);
    const yaml = await fetch(root);
    expect(yaml.headers.get('content-type')).toContain('yaml');
    expect(await yaml.text()).toContain('"openapi": "3.0.0"');
  });

  it('answers configuration and info lookups, telling missing from null', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    const get = (path: string) => fetch(`${dougal.server.baseUrl}/project/${PID}${path}`, { headers: bearer(token) });
    expect(await (await get('/configuration/binning/I_width')).json()).toBe(6.25);
    const nullValue = await get('/configuration/archived');
    expect([nullValue.status, await nullValue.json()]).toEqual([200, null]);
    expect((await get('/configuration/binning/K_width')).status).toBe(404);
    expect(await (await get('/info/contacts/client_rep')).json()).toBe('A. Nordmann');
    expect((await get('/info/nothing')).status).toBe(404);
    const missingSub = await get('/info/contacts/captain');
    expect([missingSub.status, await missingSub.text()]).toEqual([200, '']);
    await admin(dougal, 'PATCH', '/dougal/options', { infoMissing: '200-empty' });
    expect((await get('/info/nothing')).status).toBe(200);
    await admin(dougal, 'PATCH', '/dougal/options', { infoMissing: '404' });
    expect((await get('/info/contacts/captain')).status).toBe(404);
  });

  it('updates lines and meta with 204s and PATCH semantics', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    const send = (method: string, path: string, body: unknown) => fetch(`${dougal.server.baseUrl}/project/${PID}${path}`, { method, headers: bearer(token), body: JSON.stringify(body) });
    expect((await send('PATCH', '/line/1005', { ntba: true, remarks: 'Pipeline crossing' })).status).toBe(204);
    expect((await send('PATCH', '/line/1005', {})).status).toBe(204);
    expect(dougal.project().lines.find((l) => l.line === 1005)).toMatchObject({ ntba: true, remarks: 'Pipeline crossing' });
    expect((await send('PATCH', '/line/1006', {})).status).toBe(404);
    expect((await send('PUT', '/meta', { sequence: 4, path: 'qc/checked', value: true })).status).toBe(204);
    expect(dougal.project().sequences.find((s) => s.sequence === 4)!.meta).toEqual({ qc: { checked: true } });
  });

  it('queues ASAQC transfers all-or-nothing and cancels them', async () => {
    const dougal = await startDougal();
    const token = await rawLogin(dougal);
    const queue = `${dougal.server.baseUrl}/queue/outgoing/asaqc`;
    const post = (body: unknown) => fetch(queue, { method: 'POST', headers: bearer(token), body: JSON.stringify(body) });
    const before = dougal.state.queue.length;
    expect((await post([{ project: PID, sequence: 20 }, { project: PID }])).status).toBe(400);
    expect(dougal.state.queue).toHaveLength(before);
    expect((await post([{ project: PID, sequence: 20 }])).status).toBe(202);
    const del = (id: number) => fetch(`${queue}/${id}`, { method: 'DELETE', headers: bearer(token) });
    expect((await del(1)).status).toBe(404); // already sent
    expect((await del(2)).status).toBe(204); // failed: its queued retry is cancelled
    expect(dougal.state.queue.find((q) => q.parent_id === 2)!.status).toBe('cancelled');
    expect((await del(before + 1)).status).toBe(204);
    expect(dougal.state.queue.at(-1)!.status).toBe('cancelled');
    expect((await del(999)).status).toBe(404);
  });

  it('clears QC results with DELETE', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const token = await rawLogin(dougal);
    expect((await fetch(`${dougal.server.baseUrl}/project/${PID}/qc/results`, { method: 'DELETE', headers: bearer(token) })).status).toBe(204);
    expect(await client.qcResults(PID)).toEqual({ project: PID, tests: [] });
  });

  it('keeps its state across a restart with the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dougal-emu-'));
    try {
      const first = await startDougal({ dataDir });
      const client = clientFor(first);
      const created = (await client.createEvent(PID, { tstamp: '2024-06-08T20:00:00Z', remarks: 'Survives restart', labels: ['Comment'] }))!;
      await client.deleteEvent(PID, (await client.listEvents(PID, { sequence: 2 }, { limit: 1 }))[0]!.id);
      await client.updatePlannedSequence(PID, 30, { sequence: 50 });
      await first.close();

      const second = await startDougal({ dataDir });
      const again = clientFor(second);
      expect((await again.getEvent(PID, created.id)).remarks).toBe('Survives restart');
      expect((await again.listPlan(PID)).map((p) => p.sequence)).toContain(50);
      expect(JSON.stringify(second.state)).toBe(JSON.stringify(first.state));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
