/**
 * Replies no real Imago or Dougal would send, from a small hostile server on 127.0.0.1: a captive
 * portal's page, JSON cut short or of the wrong shape, 50 MB bodies, a reply that trickles, a
 * redirect to another host, 401 forever, a 500 full of markup. Each goes through both real
 * clients; each must end in one plain message naming the system, the right kind and retry
 * advice, a bounded wait and bounded memory, and no token or cookie sent anywhere else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import type { RequestOutcome } from '../../../electron/services/http/system-client-options';
import { ImagoClient } from '../../../electron/services/imago/imago-client';

type Mode =
  | 'ok'
  | 'html-200'
  | 'truncated'
  | 'wrong-shape'
  | 'trickle'
  | 'redirect-away'
  | 'redirect-same'
  | 'unauthorized'
  | 'markup-500'
  | 'html-500'
  | 'plain-500';

interface Sighting {
  method: string;
  path: string;
  authorization: string | undefined;
  cookie: string | undefined;
}

const HUGE_BYTES = 50 * 1024 * 1024;
const TRICKLE_EVERY_MS = 200;
const DEADLINE_MS = 1_500;
const IDLE_TIMEOUT_MS = 5_000;
const PORTAL_PAGE = '<!DOCTYPE html><html><head><title>Ship Wi-Fi</title></head><body><h1>Welcome aboard</h1><p>Accept the terms to continue.</p></body></html>';
const MARKUP_MESSAGE = `<html><body><h1>Internal Server Error</h1><p>${'The server encountered an internal error and could not complete your request. '.repeat(60)}</p><script>alert(1)</script></body></html>`;
const TRUNCATED = { imago: '{"workspaces": [{"id": "w-1", "name": "Firefly Reso', dougal: '[{"pid": "eq24301", "name": "Survey of the' };

let mode: Mode = 'ok';
const apiSeen: Sighting[] = [];
const elsewhereSeen: Sighting[] = [];
let api: Server;
let elsewhere: Server;
let apiOrigin = '';
let elsewhereOrigin = '';
let temp = '';
let photo = '';

const sighting = (req: IncomingMessage): Sighting => ({
  method: req.method ?? 'GET',
  path: new URL(req.url ?? '/', 'http://x').pathname,
  authorization: req.headers.authorization,
  cookie: req.headers.cookie,
});

const json = (res: ServerResponse, status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * The 50 MB server runs in a child process, so the memory measured in this process is the
 * client's alone, as it would be in the service process. It signs both clients in, then answers
 * every request with 50 MB of JSON-looking bytes at the pace the client reads, stopping when the
 * client hangs up; `POST /__declared` switches a Content-Length header on, `GET /__sent` tells
 * how much it wrote.
 */
const HUGE_SERVER = `
const http = require('node:http');
let declared = false, sent = 0;
const server = http.createServer((req, res) => {
  req.resume();
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/__declared') { declared = true; return res.writeHead(204).end(); }
  if (path === '/__sent') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent }));
  if (req.method === 'POST' && path === '/integrate/2/session') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"uid":"u-1","apiToken":"t-imago"}');
  if (req.method === 'POST' && path === '/api/login') return res.writeHead(204, { 'set-cookie': 'JWT=t-dougal; Path=/api' }).end();
  sent = 0;
  res.writeHead(200, { 'content-type': 'application/json', ...(declared ? { 'content-length': String(${HUGE_BYTES}) } : {}) });
  const chunk = Buffer.alloc(65536, 'x');
  chunk.write('{"padding": "');
  let open = true;
  res.on('close', () => { open = false; });
  const pump = () => {
    while (open && sent < ${HUGE_BYTES}) {
      sent += chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(0), 120000).unref();
`;

async function startHugeServer(): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', HUGE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data) => resolve(String(data).trim()));
    child.once('exit', (code) => reject(new Error(`the 50 MB server exited (${code})`)));
  });
  return { origin: `http://127.0.0.1:${port}`, child };
}

async function trickle(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  let open = true;
  res.once('close', () => (open = false));
  // Bounded: at most 100 bytes (20 s), far longer than the deadline the clients are given.
  for (let i = 0; open && i < 100; i++) {
    res.write(i === 0 ? '[' : ' ');
    await new Promise((r) => setTimeout(r, TRICKLE_EVERY_MS));
  }
  res.end(']');
}

function okReply(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method === 'PUT' || req.method === 'DELETE') return void res.writeHead(204).end();
  if (path.startsWith('/integrate/2/context')) return json(res, 200, { workspaces: [] });
  if (path.startsWith('/integrate/2/session')) return json(res, 200, { uid: 'u-1' });
  if (path.startsWith('/api/project')) return json(res, 200, []);
  json(res, 200, {});
}

function hostile(req: IncomingMessage, res: ServerResponse): void {
  const seen = sighting(req);
  apiSeen.push(seen);
  req.resume();
  const { path } = seen;
  const imago = path.startsWith('/integrate/2');
  const login = req.method === 'POST' && (path === '/integrate/2/session' || path === '/api/login');
  if (mode === 'unauthorized') return json(res, 401, { message: 'Unauthorized' });
  if (mode === 'html-200') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PORTAL_PAGE);
  // Otherwise the real server is reached for signing in, so there is a token that could leak.
  if (login && imago) return json(res, 200, { uid: 'u-1', apiToken: 't-imago' });
  if (login) return void res.writeHead(204, { 'set-cookie': 'JWT=t-dougal; Path=/api; HttpOnly' }).end();
  switch (mode) {
    case 'ok':
      return okReply(req, res, path);
    case 'truncated':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(imago ? TRUNCATED.imago : TRUNCATED.dougal);
    case 'wrong-shape':
      return json(res, 200, imago ? [1, 2, 3] : { unexpected: 'shape' });
    case 'trickle':
      return void trickle(res);
    case 'redirect-away':
      return void res.writeHead(302, { location: `${elsewhereOrigin}/login?from=${encodeURIComponent(path)}`, 'set-cookie': 'portal=p-1; Path=/' }).end();
    case 'redirect-same':
      if (path.endsWith('/')) return okReply(req, res, path);
      return void res.writeHead(req.method === 'GET' ? 302 : 307, { location: `${path}/` }).end();
    case 'markup-500':
      return json(res, 500, imago ? { errors: [{ name: 'INTERNAL', message: MARKUP_MESSAGE }] } : { status: 500, message: MARKUP_MESSAGE });
    case 'html-500':
      return void res.writeHead(500, { 'content-type': 'text/html' }).end(MARKUP_MESSAGE);
    case 'plain-500':
      return json(res, 500, imago ? { errors: [{ name: 'DB', message: 'database is locked' }] } : { status: 500, message: 'database is locked' });
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  api = createServer(hostile);
  elsewhere = createServer((req, res) => {
    elsewhereSeen.push(sighting(req));
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html' }).end(PORTAL_PAGE);
  });
  apiOrigin = await listen(api);
  elsewhereOrigin = await listen(elsewhere);
  temp = mkdtempSync(join(tmpdir(), 'corelog-hostile-'));
  photo = join(temp, 'tray.jpg');
  writeFileSync(photo, Buffer.alloc(256 * 1024, 0xd8));
});

afterAll(async () => {
  api.closeAllConnections();
  elsewhere.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  await new Promise((resolve) => elsewhere.close(resolve));
  rmSync(temp, { recursive: true, force: true });
});

beforeEach(() => {
  mode = 'ok';
  apiSeen.length = 0;
  elsewhereSeen.length = 0;
});

/** The same questions asked of either client. */
interface Subject {
  name: 'Imago' | 'Dougal';
  /** A JSON read, and its action as the message words it. */
  read: () => Promise<unknown>;
  readAction: string;
  /** A write (Imago: a streamed photo upload; Dougal: an event edit answered 204). */
  write: () => Promise<unknown>;
  probe: () => Promise<void>;
  outcomes: RequestOutcome[];
  token: string;
}

const limits = { deadlineMs: DEADLINE_MS };

function imagoSubject(origin = apiOrigin): Subject {
  const outcomes: RequestOutcome[] = [];
  const client = new ImagoClient({
    baseUrl: `${origin}/integrate/2`,
    timeoutMs: IDLE_TIMEOUT_MS,
    limits,
    credentials: async () => ({ username: 'demo', password: 'demo' }),
    onOutcome: (o) => outcomes.push(o),
  });
  const target = { workspaceName: 'W', datasetName: 'D', collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 102, endDepth: 106.8 };
  return {
    name: 'Imago',
    read: () => client.context(),
    readAction: 'list workspaces',
    write: () => client.uploadImage(target, photo),
    probe: () => client.probe(),
    outcomes,
    token: 'Bearer t-imago',
  };
}

function dougalSubject(origin = apiOrigin): Subject {
  const outcomes: RequestOutcome[] = [];
  const client = new DougalClient({
    baseUrl: `${origin}/api`,
    timeoutMs: IDLE_TIMEOUT_MS,
    limits,
    credentials: async () => ({ user: 'demo', password: 'demo' }),
    onOutcome: (o) => outcomes.push(o),
  });
  const fields = { tstamp: '2024-06-07T00:00:00Z', sequence: null, point: null, remarks: 'Gun 3 misfire', labels: [], meta: {} };
  return {
    name: 'Dougal',
    read: () => client.listProjects(),
    readAction: 'list projects',
    write: () => client.updateEvent('eq24301', 7, fields),
    probe: () => client.probe(),
    outcomes,
    token: 'Bearer t-dougal',
  };
}

async function failure(promise: Promise<unknown>): Promise<{ kind: string; retryable: boolean; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; retryable: boolean; status?: number; message: string };
  }
  throw new Error('expected the call to fail');
}

/** Runs `work` while sampling the process's resident memory; returns the peak growth in bytes. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<{ rss: number; external: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakExternal = before.arrayBuffers;
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakExternal = Math.max(peakExternal, now.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
    sample();
  }
  return { rss: peakRss - before.rss, external: peakExternal - before.arrayBuffers };
}

const MB = 1024 * 1024;

describe.each([{ make: imagoSubject }, { make: dougalSubject }])('hostile replies', ({ make }) => {
  it(`${make().name}: a captive portal's page is one plain message, retried later, and the system shows unreachable — also for a write`, async () => {
    const s = make();
    mode = 'html-200';
    const expected = { kind: 'malformed-response', retryable: true, status: 200, message: `${s.name} answered with a web page instead of data — a captive portal or proxy may be in the way (HTTP 200).` };
    expect(await failure(s.read())).toMatchObject(expected);
    expect(s.outcomes.at(-1)).toMatchObject({ reachable: false, error: { message: expected.message } });
    // A write answered by the portal is not a success: nothing reached the server.
    expect(await failure(s.write())).toMatchObject(expected);
    expect(await failure(s.probe())).toMatchObject(expected);
    expect(s.outcomes.at(-1)?.reachable).toBe(false);
    mode = 'ok';
    await expect(s.read()).resolves.toBeDefined();
    expect(s.outcomes.at(-1)).toEqual({ reachable: true });
  });

  it(`${make().name}: JSON cut short says so in plain words, retryable; the server itself was reached`, async () => {
    const s = make();
    mode = 'truncated';
    const body = s.name === 'Imago' ? TRUNCATED.imago : TRUNCATED.dougal;
    const error = await failure(s.read());
    expect(error).toEqual(
      expect.objectContaining({
        kind: 'malformed-response',
        retryable: true,
        message: `${s.name}'s reply was cut off before the end (${body.length} bytes arrived, HTTP 200); the connection or a proxy may have dropped the rest.`,
      }),
    );
    expect(error.message).not.toContain('Firefly');
    expect(error.message).not.toContain('Survey');
    expect(s.outcomes.at(-1)).toMatchObject({ reachable: true, error: { kind: 'malformed-response' } });
    mode = 'ok';
    await expect(s.read()).resolves.toBeDefined();
  });

  it(`${make().name}: a reply of the wrong shape is malformed-response, retryable, named after the system`, async () => {
    const s = make();
    mode = 'wrong-shape';
    const error = await failure(s.read());
    expect(error).toMatchObject({ kind: 'malformed-response', retryable: true });
    expect(error.message).toMatch(new RegExp(`^${s.name}`));
    expect(error.message).not.toMatch(/[<>]/);
    mode = 'ok';
    await expect(s.read()).resolves.toBeDefined();
  });

  it(`${make().name}: a 50 MB body is cut at the 8 MiB reply cap while streaming; memory grows far less than 50 MB`, async () => {
    const huge = await startHugeServer();
    try {
      const s = make(huge.origin);
      const sent = async () => ((await (await fetch(`${huge.origin}/__sent`)).json()) as { sent: number }).sent;
      let error: Awaited<ReturnType<typeof failure>> | undefined;
      const growth = await peakRssGrowth(async () => {
        error = await failure(s.read());
      });
      expect(error).toMatchObject({
        kind: 'malformed-response',
        retryable: true,
        message: `${s.name} sent a reply larger than 8 MB, far more than Corelog asked for; it stopped reading it (HTTP 200).`,
      });
      const written = await sent();
      console.info(`[hostile-replies] ${s.name} 50 MB reply: peak RSS growth ${(growth.rss / MB).toFixed(1)} MB, buffers ${(growth.external / MB).toFixed(1)} MB; the server wrote ${(written / MB).toFixed(1)} MB before the client hung up`);
      // The client hung up: the server never got to write the whole body.
      expect(written).toBeLessThan(HUGE_BYTES / 2);
      expect(growth.rss).toBeLessThan(32 * MB);
      expect(growth.external).toBeLessThan(32 * MB);

      // Declared up front: refused before the body is read.
      await fetch(`${huge.origin}/__declared`, { method: 'POST' });
      expect(await failure(s.read())).toMatchObject({ kind: 'malformed-response', message: expect.stringContaining('larger than 8 MB') });
      expect(await sent()).toBeLessThan(8 * MB);
    } finally {
      huge.child.kill();
    }
  });

  it(`${make().name}: a reply trickling a byte at a time is cut at the total deadline, reported unreachable; the probe agrees`, async () => {
    const s = make();
    await s.read();
    mode = 'trickle';
    const startedAt = Date.now();
    const error = await failure(s.read());
    const heldMs = Date.now() - startedAt;
    expect(error).toMatchObject({
      kind: 'timeout',
      retryable: true,
      message: `${s.name}'s reply was still not complete after 1.5 s; the link is too slow or something on the way is holding it.`,
    });
    console.info(`[hostile-replies] ${s.name} trickling reply held the request for ${heldMs} ms (deadline ${DEADLINE_MS} ms, idle timeout ${IDLE_TIMEOUT_MS} ms)`);
    // Cut by the deadline, not the idle timeout (bytes kept moving) and not by the server giving up (20 s).
    expect(heldMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(heldMs).toBeLessThan(IDLE_TIMEOUT_MS - 500);
    expect(s.outcomes.at(-1)).toMatchObject({ reachable: false, error: { kind: 'timeout' } });
    expect(await failure(s.probe())).toMatchObject({ kind: 'timeout' });
    expect(s.outcomes.at(-1)?.reachable).toBe(false);
    mode = 'ok';
    await expect(s.read()).resolves.toBeDefined();
  });

  it(`${make().name}: a redirect to another host is not followed; neither the token nor a cookie reaches it`, async () => {
    const s = make();
    mode = 'redirect-away';
    const host = new URL(elsewhereOrigin).host;
    const expected = `${s.name} did not answer: the request was redirected to another address (${host}) — a captive portal or proxy may be in the way (HTTP 302).`;
    expect(await failure(s.read())).toMatchObject({ kind: 'malformed-response', retryable: true, status: 302, message: expected });
    expect(s.outcomes.at(-1)).toMatchObject({ reachable: false, error: { message: expected } });
    const write = await failure(s.write());
    expect(write).toMatchObject({ kind: 'malformed-response', retryable: true });
    expect(write.message).toMatch(new RegExp(`^${s.name} did not answer: the request was redirected .*a captive portal or proxy may be in the way`));
    // The token was there to leak: the API saw it on the requests that were redirected…
    expect(apiSeen.filter((r) => r.authorization === s.token).length).toBeGreaterThanOrEqual(2);
    // …and the other host saw nothing at all; nor did the portal's cookie come back to the API.
    expect(elsewhereSeen).toEqual([]);
    expect(apiSeen.every((r) => r.cookie === undefined)).toBe(true);
  });

  it(`${make().name}: a same-origin redirect is followed once for a read (token kept on that origin), never for a write`, async () => {
    const s = make();
    mode = 'redirect-same';
    await expect(s.read()).resolves.toBeDefined();
    const followed = apiSeen.filter((r) => r.method === 'GET');
    expect(followed.map((r) => r.path.endsWith('/'))).toEqual([false, true]);
    expect(followed.every((r) => r.authorization === s.token)).toBe(true);
    const write = await failure(s.write());
    expect(write).toMatchObject({ kind: 'malformed-response', retryable: true });
    if (s.name === 'Dougal') expect(write.message).toBe('Dougal answered a change with a redirect (HTTP 307); Corelog follows one redirect, and only for reads.');
    expect(apiSeen.filter((r) => r.method !== 'GET' && r.path.endsWith('/'))).toEqual([]);
  });

  it(`${make().name}: 401 forever ends in one "sign in" error after a bounded number of requests`, async () => {
    const s = make();
    mode = 'unauthorized';
    for (let round = 0; round < 2; round++) {
      const before = apiSeen.length;
      const error = await failure(s.read());
      expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
      // Imago remembers a refused stored login and does not send it again by itself (an account lock-out risk).
      const imago = round === 0 ? 'Imago refused to sign in (HTTP 401): Unauthorized.' : 'Imago refused the stored service-account login. Sign in to Imago again (Connections).';
      expect(error.message).toBe(s.name === 'Imago' ? imago : 'Dougal refused the user name or password.');
      expect(apiSeen.length - before).toBeLessThanOrEqual(3);
    }
  });

  it(`${make().name}: a 500 with a long message full of markup is never quoted; a short plain reason is`, async () => {
    const s = make();
    await s.read();
    const plain = `${s.name} had a problem and could not ${s.readAction} (HTTP 500).`;
    for (const m of ['markup-500', 'html-500'] as const) {
      mode = m;
      const error = await failure(s.read());
      expect(error).toMatchObject({ kind: 'server', retryable: true, status: 500, message: plain });
      expect(s.outcomes.at(-1)).toMatchObject({ reachable: true, error: { kind: 'server' } });
    }
    mode = 'plain-500';
    expect(await failure(s.read())).toMatchObject({ kind: 'server', message: `${s.name} had a problem and could not ${s.readAction} (HTTP 500): database is locked.` });
    mode = 'ok';
    await expect(s.read()).resolves.toBeDefined();
  });
});
