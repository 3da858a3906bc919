import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isRetryableKind } from '../../../common/errors';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { admin, clientFor, failureOf, PID, startDougal } from './harness';

let raw: Server | null = null;
afterEach(async () => {
  const server = raw;
  raw = null;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A misbehaving "Dougal": answers each path with whatever the test wants. */
async function startRawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  raw = createServer(handler);
  await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}/api`;
}

describe('DougalClient failures', () => {
  it('times out (retryable) when Dougal is slower than the client timeout', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal, { timeoutMs: 300 });
    await client.listLabels(PID);
    await admin(dougal, 'PATCH', '/faults', { latencyMs: 1_000 });
    expect(await failureOf(client.listLabels(PID))).toMatchObject({ kind: 'timeout', retryable: true });
    await admin(dougal, 'PATCH', '/faults', { latencyMs: 0 });
    expect(await client.listLabels(PID)).not.toHaveLength(0);
  });

  it('reports connection resets and a stopped server as offline (retryable)', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    await client.listLabels(PID);
    await admin(dougal, 'PATCH', '/faults', { failNext: 1, failureKinds: ['reset'] });
    expect(await failureOf(client.listLines(PID))).toMatchObject({ kind: 'offline', retryable: true });
    await admin(dougal, 'PATCH', '/faults', { down: true });
    expect(await failureOf(client.listLines(PID))).toMatchObject({ kind: 'offline', retryable: true });
    await admin(dougal, 'PATCH', '/faults', { down: false });
    await dougal.server.close();
    expect(await failureOf(client.listLines(PID))).toMatchObject({ kind: 'offline', retryable: true });
  });

  it('reports injected 500 and 503 as server errors (retryable)', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    await client.listLabels(PID);
    for (const status of ['500', '503'] as const) {
      await admin(dougal, 'PATCH', '/faults', { failNext: 1, failureKinds: [status] });
      expect(await failureOf(client.createEvent(PID, { tstamp: '2024-06-07T00:00:00Z', remarks: 'x' }))).toMatchObject({ kind: 'server', status: Number(status), retryable: true });
    }
    expect(dougal.server.log.list().filter((e) => e.method === 'POST' && e.path.endsWith('/event')).map((e) => e.status)).toEqual([500, 503]);
  });

  it('turns HTML, broken JSON and wrongly shaped replies into malformed-response; uses an opaque token as is', async () => {
    const seenAuth: (string | undefined)[] = [];
    const baseUrl = await startRawServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/api/login') {
        res.writeHead(204, { 'set-cookie': 'JWT=opaque-token-abc; Path=/api; HttpOnly' }).end();
      } else if (path === '/api/project') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Captive portal: please accept the terms</body></html>');
      } else if (path.endsWith('/label')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"name": "Nav", ');
      } else if (path.endsWith('/line')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ line: 1001 }));
      } else if (path.endsWith('/event')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
      } else {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><h1>Bad gateway</h1></html>');
      }
    });
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
    // A reply of the wrong shape is a problem of the path (a portal, a proxy), retried like one.
    expect(await failureOf(client.listProjects())).toMatchObject({ kind: 'malformed-response', retryable: isRetryableKind('malformed-response') });
    expect(await failureOf(client.listLabels(PID))).toMatchObject({ kind: 'malformed-response' });
    const shape = await failureOf(client.listLines(PID));
    expect(shape).toMatchObject({ kind: 'malformed-response', retryable: isRetryableKind('malformed-response') });
    expect(shape.message).toContain('a list was expected');
    expect(await failureOf(client.exportEventsCsv(PID))).toMatchObject({ kind: 'malformed-response' });
    expect(await failureOf(client.listPlan(PID))).toMatchObject({ kind: 'server', status: 502, retryable: true });
    expect(client.session()).toEqual({ state: 'signed-in', user: 'demo' });
    expect(seenAuth.slice(1).every((a) => a === 'Bearer opaque-token-abc')).toBe(true);
  });

  it('keeps the good items of a list with odd ones, reports each odd one, and reads nulls as absent', async () => {
    const replies: Record<string, unknown> = {
      '/api/project': [{ pid: 'p1', name: 'Survey', schema: null, lines: null, fsp: null, prod_duration: null }, { name: 'no pid' }],
      '/api/project/p1/line': [{ line: 'one thousand' }, { line: 1001, fsp: null, lsp: null, remarks: null, meta: null, ntba: null, geometry: null }],
      '/api/project/p1/sequence': [{ sequence: 1, line: 1001, status: null, fsp: null, ts0: null, duration: null, meta: null }, null],
      '/api/project/p1/plan': [{ sequence: 29, line: 1005, fsp: 1000, lsp: 1640, ts0: null, name: null, class: null, geometry: null }, { sequence: 30 }],
      '/api/project/p1/event': [
        { id: 7, uid: 9, tstamp: null, sequence: 3, point: 1200, remarks: null, labels: null, meta: null, geometry: null, readonly: null, has_edits: null, source: 'nav-logger' },
        { id: 8, uid: 8, tstamp: 'yesterday at noon', remarks: 'bad time' },
        { uid: 10, remarks: 'no id' },
      ],
      '/api/project/p1/label': [{ name: 'Nav', data: null }, { name: 'Gun' }, { name: 'Odd', data: { view: { colour: 12 }, model: { user: 'yes', multiple: null } } }, { data: {} }],
    };
    const baseUrl = await startRawServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/api/login') return void res.writeHead(204, { 'set-cookie': 'JWT=opaque; Path=/api' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(replies[path] ?? []));
    });
    const problems: { action: string; detail: string }[] = [];
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }), onReplyProblem: (p) => problems.push(p) });
    expect((await client.listProjects()).map((p) => p.pid)).toEqual(['p1']);
    expect(await client.listLines('p1')).toEqual([expect.objectContaining({ line: 1001, fsp: null })]);
    expect((await client.listSequences('p1')).map((s) => s.sequence)).toEqual([1]);
    expect((await client.listPlan('p1')).map((s) => s.sequence)).toEqual([29]);
    const events = await client.listEvents('p1');
    expect(events).toEqual([expect.objectContaining({ id: 7, uid: 9, tstamp: null, remarks: '', labels: [], meta: {}, geometry: null, readonly: false, source: 'nav-logger' })]);
    expect(await client.listLabels('p1')).toEqual([
      { name: 'Nav', colour: null, description: null, user: true, multiple: true },
      { name: 'Gun', colour: null, description: null, user: true, multiple: true },
      { name: 'Odd', colour: null, description: null, user: true, multiple: true },
    ]);
    expect(problems.map((p) => `${p.action}: ${p.detail.split(':')[0]}`)).toEqual([
      'list projects: left out item 2 (name no pid)',
      'list preplot lines: left out item 1 (line one thousand)',
      'list sequences: left out item 2',
      'list the plan: left out item 2 (sequence 30)',
      'list events: left out item 2 (id 8)',
      'list events: left out item 3',
      'list labels: left out item 4',
    ]);
    expect(problems.find((p) => p.detail.includes('id 8'))!.detail).toContain('tstamp');
  });

  it('quotes Dougal’s plain reason from every likely error body, never a web page', async () => {
    const bodies: [string, string][] = [
      ['application/json', JSON.stringify({ status: 422, message: 'all attributes must be sent; missing: geometry' })],
      ['application/json', JSON.stringify({ message: 'all attributes must be sent; missing: geometry' })],
      ['application/json', JSON.stringify({ error: 'all attributes must be sent; missing: geometry' })],
      ['application/json', JSON.stringify({ errors: [{ message: 'all attributes must be sent; missing: geometry' }] })],
      ['text/plain', 'all attributes must be sent; missing: geometry'],
      ['text/html', '<html><body><h1>422</h1><p>all attributes must be sent</p></body></html>'],
    ];
    let next = 0;
    const baseUrl = await startRawServer((req, res) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/api/login') return void res.writeHead(204, { 'set-cookie': 'JWT=opaque; Path=/api' }).end();
      const [type, body] = bodies[next++]!;
      res.writeHead(422, { 'content-type': type }).end(body);
    });
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
    const change = { tstamp: '2024-06-01T00:00:00Z', sequence: null, point: null, remarks: 'x', labels: [], meta: {} };
    for (let i = 0; i < bodies.length - 1; i++) {
      const error = await failureOf(client.updateEvent('p1', 12, change));
      expect(error, bodies[i]![1]).toMatchObject({ kind: 'rejected', status: 422, retryable: false });
      expect(error.message, bodies[i]![1]).toContain('all attributes must be sent; missing: geometry');
      expect(error.message).toContain('edit event 12');
    }
    const page = await failureOf(client.updateEvent('p1', 12, change));
    expect(page).toMatchObject({ kind: 'rejected', status: 422 });
    expect(page.message).not.toMatch(/<|html/i);
  });

  it('pages by what Dougal sent: an odd event on a full page does not end the listing early', async () => {
    const all = Array.from({ length: 7 }, (_, i) => (i === 1 ? { id: 2, uid: 2, tstamp: 'not a time' } : { id: i + 1, uid: i + 1, tstamp: `2024-06-0${i + 1}T00:00:00Z` }));
    const baseUrl = await startRawServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/login') return void res.writeHead(204, { 'set-cookie': 'JWT=opaque; Path=/api' }).end();
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? all.length);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(all.slice(offset, offset + limit)));
    });
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
    expect((await client.listAllEvents('p1', {}, { pageSize: 3 })).map((e) => e.id)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(await client.listEventsPage('p1', {}, { offset: 0, limit: 3 })).toMatchObject({ received: 3, firstId: 1 });
  });

  it('after a 201 "Created" in plain text or a bare 204 without Location, finds the new event by its key (posted once)', async () => {
    const stored: Record<string, unknown>[] = [];
    let posts = 0;
    const baseUrl = await startRawServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/login') return void res.writeHead(204, { 'set-cookie': 'JWT=opaque; Path=/api' }).end();
      if (req.method === 'POST' && url.pathname === '/api/project/p1/event') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          posts++;
          const id = 100 + stored.length;
          stored.push({ ...(JSON.parse(body) as object), id, uid: id, validity: ['[', new Date().toISOString(), null, ')'] });
          // Express's res.sendStatus(201) answers "Created" as text; others send a bare 204.
          if (posts === 1) res.writeHead(201, { 'content-type': 'text/plain' }).end('Created');
          else res.writeHead(204).end();
        });
        return;
      }
      if (url.pathname.startsWith('/api/project/p1/event/changes/')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not here"}');
    });
    const problems: string[] = [];
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }), onReplyProblem: (p) => problems.push(p.detail) });
    const first = await client.createEvent('p1', { tstamp: '2024-06-07T01:00:00Z', remarks: 'first' }, { idempotencyKey: 'key-aaaaaaaa' });
    const second = await client.createEvent('p1', { tstamp: '2024-06-07T02:00:00Z', remarks: 'second' }, { idempotencyKey: 'key-bbbbbbbb' });
    expect([first?.id, first?.remarks, second?.id, second?.remarks]).toEqual([100, 'first', 101, 'second']);
    expect(posts).toBe(2);
    expect(problems).toEqual(['the 201 reply was not JSON; the event is looked up instead']);
    // Without a key there is nothing to find it by: the caller is told so instead of guessing.
    expect(await client.createEvent('p1', { tstamp: '2024-06-07T03:00:00Z', remarks: 'third' })).toBeNull();
  });

  it('reports a login reply without a JWT cookie as malformed-response', async () => {
    const baseUrl = await startRawServer((_req, res) => res.writeHead(204).end());
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000 });
    expect(await failureOf(client.login('demo', 'demo'))).toMatchObject({ kind: 'malformed-response' });
  });
});
