import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ line: 'one thousand' }]));
      } else if (path.endsWith('/event')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
      } else {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><h1>Bad gateway</h1></html>');
      }
    });
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
    expect(await failureOf(client.listProjects())).toMatchObject({ kind: 'malformed-response', retryable: false });
    expect(await failureOf(client.listLabels(PID))).toMatchObject({ kind: 'malformed-response' });
    const shape = await failureOf(client.listLines(PID));
    expect(shape).toMatchObject({ kind: 'malformed-response' });
    expect(shape.message).toContain('0.line');
    expect(await failureOf(client.exportEventsCsv(PID))).toMatchObject({ kind: 'malformed-response' });
    expect(await failureOf(client.listPlan(PID))).toMatchObject({ kind: 'server', status: 502, retryable: true });
    expect(client.session()).toEqual({ state: 'signed-in', user: 'demo' });
    expect(seenAuth.slice(1).every((a) => a === 'Bearer opaque-token-abc')).toBe(true);
  });

  it('reports a login reply without a JWT cookie as malformed-response', async () => {
    const baseUrl = await startRawServer((_req, res) => res.writeHead(204).end());
    const client = new DougalClient({ baseUrl, timeoutMs: 2_000 });
    expect(await failureOf(client.login('demo', 'demo'))).toMatchObject({ kind: 'malformed-response' });
  });
});
