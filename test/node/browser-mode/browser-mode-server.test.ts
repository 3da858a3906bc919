import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_CALLS_IN_FLIGHT, startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { closeCodeOf, frame, openRaw, textFrame, textMessagesOf, upgradeRequest } from './raw-websocket';

let dir: string;
let services: AppServices;
let server: BrowserModeServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-bm-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Corelog</title>');
  await writeFile(join(dir, 'secret.txt'), 'do not serve me');
  services = createAppServices({
    dataDir: join(dir, 'data'),
    appVersion: '1.2.3',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' },
  });
  server = await startBrowserMode({ services, rendererDir, port: 0 });
});

afterEach(async () => {
  await server.close();
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the bridge socket; resolves with the HTTP status when the upgrade is refused. */
function connect(options: { token?: string | null; origin?: string; host?: string }): Promise<{ ws?: WebSocket; status?: number }> {
  const token = options.token === undefined ? server.token : options.token;
  const url = `ws://127.0.0.1:${server.port}/bridge${token === null ? '' : `?token=${token}`}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin: options.origin ?? server.origin, headers: options.host ? { host: options.host } : {} });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', reject);
  });
}

function call(ws: WebSocket, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'result' && message.id === id) resolve(message.result);
    });
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 only and hands out a URL carrying the token in the fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
  });

  it('runs bridge calls against the real services', async () => {
    const { ws } = await connect({});
    expect(await call(ws!, 'getAppInfo', undefined)).toMatchObject({ ok: true, value: { name: 'Corelog', version: '1.2.3', transport: 'browser' } });
    ws!.close();
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect((await connect({ token: null })).status).toBe(401);
    expect((await connect({ token: 'x'.repeat(32) })).status).toBe(401);
  });

  it('refuses other origins with 403, even with the token', async () => {
    expect((await connect({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await connect({ origin: 'http://127.0.0.1:1' })).status).toBe(403);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    expect((await connect({ host: 'attacker.example:80' })).status).toBe(421);
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('closes the socket on a malformed message', async () => {
    const { ws } = await connect({});
    const closed = new Promise<number>((resolve) => ws!.on('close', (code) => resolve(code)));
    ws!.send('{not json');
    expect(await closed).toBe(1007);
  });

  it('serves the renderer with CSP and never files outside it', async () => {
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const escape = await fetch(`${server.origin}/..%2fsecret.txt`);
    expect(await escape.text()).not.toContain('do not serve me');
    expect((await fetch(`${server.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('every response forbids other sites to embed or sniff it; a request another site\'s page makes is refused', async () => {
    await mkdir(join(dir, 'renderer', 'assets'));
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log("corelog")');
    await writeFile(join(dir, 'renderer', 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? 'x' : undefined);
      });
    const inert = "default-src 'none'; frame-ancestors 'none'; sandbox";
    const answers = {
      page: await get('/'),
      script: await get('/assets/app.js'),
      svg: await get('/assets/logo.svg'),
      check: await get('/bridge/check'),
      method: await get('/', {}, 'DELETE'),
      file: await get('/files', { origin: server.origin, 'x-corelog-token': server.token, 'content-length': '1' }, 'POST'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([what, answer]) => [what, answer.status]))).toEqual({ page: 200, script: 200, svg: 200, check: 401, method: 405, file: 200 });
    for (const [what, answer] of Object.entries(answers)) {
      expect(answer.headers, what).toMatchObject({ 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    }
    expect(answers.page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(answers.page.headers['content-security-policy']).toContain("script-src 'self'");
    // A script keeps no policy of its own (a worker would take it as its own); what is not a page or a script runs nothing.
    expect(answers.script.headers['content-security-policy']).toBeUndefined();
    for (const what of ['svg', 'check', 'method', 'file'] as const) expect(answers[what].headers['content-security-policy'], what).toBe(inert);

    // Another site's <script src>, <img> or fetch: refused, whatever it asks for.
    const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' };
    expect((await get('/assets/app.js', crossSite)).status).toBe(403);
    expect((await get('/assets/logo.svg', { ...crossSite, 'sec-fetch-dest': 'image' })).status).toBe(403);
    expect((await get('/bridge/check', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' })).status).toBe(403);
    // Another port of this computer is another site too (a local web app is not Corelog).
    expect((await get('/assets/app.js', { ...crossSite, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    // A page of another site framing ours: refused.
    expect((await get('/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' })).status).toBe(403);
    // A link from elsewhere still opens the app (the page then needs the key), as does the address typed in, and our own page's loads.
    expect((await get('/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' })).status).toBe(200);
    expect((await get('/', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' })).status).toBe(200);
    expect((await get('/assets/app.js', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'script' })).status).toBe(200);
  });

  it('tells a stale page that its token is no longer valid', async () => {
    expect((await fetch(`${server.origin}/bridge/check`, { headers: { 'x-corelog-token': 'stale' } })).status).toBe(401);
    expect((await fetch(`${server.origin}/bridge/check`, { headers: { 'x-corelog-token': server.token } })).status).toBe(204);
  });

  it('closes the socket on a bridge message without an id, and answers one with an id but the wrong shape', async () => {
    const { ws } = await connect({});
    expect(await call(ws!, 'ping', { message: 'hi' })).toMatchObject({ ok: true });
    const wrong = await new Promise<unknown>((resolve) => {
      ws!.on('message', (data) => resolve(JSON.parse(String(data))));
      ws!.send(JSON.stringify({ type: 'call', id: 77, method: 42 }));
    });
    expect(wrong).toMatchObject({ type: 'result', id: 77, result: { ok: false, error: { kind: 'validation' } } });
    const closed = new Promise<number>((resolve) => ws!.on('close', (code) => resolve(code)));
    ws!.send(JSON.stringify({ type: 'call', method: 'ping' }));
    expect(await closed).toBe(1007);
  });
});

describe('transport errors close one connection and are logged; the service keeps running', () => {
  const logText = () => readFile(services.desktop.log.file, 'utf8').catch(() => '');
  const target = () => ({ port: server.port, token: server.token, origin: server.origin });

  it('each bad frame closes that connection with its code, while another window keeps working', async () => {
    const { ws: window } = await connect({});
    const cases: { what: string; bytes: Buffer; code: number }[] = [
      { what: 'RSV1 set without an extension', bytes: textFrame('{}', { rsv: 4 }), code: 1002 },
      { what: 'RSV2+3 set', bytes: textFrame('{}', { rsv: 3 }), code: 1002 },
      { what: 'unmasked client frame', bytes: textFrame('{}', { mask: false }), code: 1002 },
      { what: 'invalid UTF-8 in a text frame', bytes: textFrame(Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), code: 1007 },
      { what: 'fragmented ping', bytes: frame({ opcode: 9, fin: false, payload: Buffer.from('x') }), code: 1002 },
      { what: 'ping longer than 125 bytes', bytes: frame({ opcode: 9, payload: Buffer.alloc(200) }), code: 1002 },
      { what: 'reserved opcode 3', bytes: frame({ opcode: 3, payload: Buffer.from('x') }), code: 1002 },
      { what: 'continuation with nothing to continue', bytes: frame({ opcode: 0, payload: Buffer.from('x') }), code: 1002 },
      { what: 'message over maxPayload (declared)', bytes: frame({ opcode: 1, claimedLength: 5 * 1024 * 1024, payload: Buffer.alloc(10) }), code: 1009 },
      { what: 'length beyond 2^53', bytes: frame({ opcode: 1, claimedLength: 2n ** 62n }), code: 1009 },
      { what: 'fragments adding up past maxPayload', bytes: Buffer.concat([frame({ opcode: 1, fin: false, payload: Buffer.alloc(3 * 1024 * 1024, 0x61) }), frame({ opcode: 0, payload: Buffer.alloc(2 * 1024 * 1024, 0x61) })]), code: 1009 },
      { what: 'close frame with an invalid code', bytes: frame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) }), code: 1002 },
    ];
    for (const c of cases) {
      const raw = await openRaw(target());
      raw.socket.write(c.bytes);
      expect(await raw.closed(), c.what).toEqual({ timedOut: false });
      expect(closeCodeOf(raw.received()), c.what).toBe(c.code);
    }
    expect(await call(window!, 'ping', { message: 'still here' })).toMatchObject({ ok: true, value: { message: 'still here' } });
    const fresh = await connect({});
    expect(await call(fresh.ws!, 'ping', { message: 'new window' })).toMatchObject({ ok: true });
    fresh.ws!.close();
    window!.close();

    const log = await logText();
    expect(log).toMatch(/bridge connection #\d+ \(port \d+\) closed by a transport error: Invalid WebSocket frame: RSV1 must be clear \(WS_ERR_UNEXPECTED_RSV_1\); close code 1002/);
    expect(log).toMatch(/closed by a transport error: .*\(WS_ERR_INVALID_UTF8\); close code 1007/);
    expect(log).toMatch(/closed by a transport error: Max payload size exceeded \(WS_ERR_UNSUPPORTED_MESSAGE_LENGTH\); close code 1009/);
    expect(log).not.toContain(server.token);
  });

  it('a handler that throws, or answers something JSON cannot carry, answers that call with an internal error', async () => {
    const { ws } = await connect({});
    const handlers = services.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
    handlers.ping = async () => {
      throw new TypeError('handler bug');
    };
    expect(await call(ws!, 'ping', { message: 'a' })).toMatchObject({ ok: false, error: { kind: 'internal', message: expect.stringContaining('handler bug') } });
    handlers.ping = async () => ({ message: 'big', receivedAt: 10n });
    expect(await call(ws!, 'ping', { message: 'b' })).toMatchObject({ ok: false, error: { kind: 'internal', message: expect.stringContaining('could not send this answer') } });
    const cyclic: Record<string, unknown> = { message: 'loop' };
    cyclic.self = cyclic;
    handlers.ping = async () => cyclic;
    expect(await call(ws!, 'ping', { message: 'c' })).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(await call(ws!, 'getAppInfo', undefined)).toMatchObject({ ok: true });
    ws!.close();
    expect(await logText()).toMatch(/could not serialise the answer to a call/);
  });

  it('thousands of calls sent at once run at most MAX_CALLS_IN_FLIGHT at a time; the rest wait unread, and another window is answered meanwhile', async () => {
    const { ws: flood } = await connect({});
    const { ws: other } = await connect({});
    const handlers = services.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
    let running = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    handlers.ping = async (input) => {
      most = Math.max(most, ++running);
      await gate;
      running--;
      return { message: (input as { message: string }).message, receivedAt: 'now' };
    };
    const CALLS = 3000;
    const answered = new Set<number>();
    const allAnswered = new Promise<void>((resolve) =>
      flood!.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; id: number; result: { ok: boolean } };
        if (message.type === 'result' && message.result.ok) answered.add(message.id);
        if (answered.size === CALLS) resolve();
      }),
    );
    for (let id = 1; id <= CALLS; id++) flood!.send(JSON.stringify({ type: 'call', id, method: 'ping', input: { message: `call ${id}` } }));
    // Give the service time to read everything it is willing to.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(most).toBe(MAX_CALLS_IN_FLIGHT);
    expect(await call(other!, 'getAppInfo', undefined)).toMatchObject({ ok: true });
    open();
    await allAnswered;
    expect(answered.size).toBe(CALLS);
    flood!.close();
    other!.close();
  });

  it('malformed HTTP and upgrade requests get an error for that socket only', async () => {
    const exchange = (bytes: string | Buffer, resetAfterWrite = false) =>
      new Promise<string>((resolve) => {
        const socket = tcpConnect(server.port, '127.0.0.1');
        let got = '';
        socket.on('data', (d) => (got += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
        socket.write(bytes, () => {
          if (resetAfterWrite) socket.resetAndDestroy();
        });
        setTimeout(() => socket.destroy(), 3000);
      });
    expect(await exchange('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await exchange(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/);
    expect(await exchange(`GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await exchange(upgradeRequest(target(), { headers: { 'Sec-WebSocket-Key': 'short' } }))).toMatch(/^HTTP\/1\.1 400/);
    expect(await exchange(upgradeRequest(target(), { headers: { 'Sec-WebSocket-Version': '99' } }))).toMatch(/^HTTP\/1\.1 400/);
    expect(await exchange(upgradeRequest(target(), { path: '/bridge?token=%zz' }))).toMatch(/^HTTP\/1\.1 401/);
    expect(await exchange(upgradeRequest(target(), { path: 'http://[::1/bridge' }))).toMatch(/^HTTP\/1\.1 (400|404)/);
    expect(await exchange(upgradeRequest(target()).slice(0, 60), true)).toBe('');
    const { ws } = await connect({});
    expect(await call(ws!, 'ping', { message: 'fine' })).toMatchObject({ ok: true });
    ws!.close();
    const log = await logText();
    expect(log).toMatch(/http: bad request from port \d+: .*HPE_/);
    expect(log).toMatch(/bridge: bad upgrade request from port \d+: .*Sec-WebSocket-Key/);
    expect(log).not.toContain(server.token);
  });

  it('several calls in flight on a socket that the peer breaks do not disturb the service', async () => {
    const raw = await openRaw(target());
    for (let id = 1; id <= 20; id++) raw.socket.write(textFrame(JSON.stringify({ type: 'call', id, method: 'getAppInfo' })));
    raw.socket.write(textFrame('{}', { rsv: 4 }));
    await raw.closed();
    expect(textMessagesOf(raw.received()).length).toBeLessThanOrEqual(20);
    const { ws } = await connect({});
    expect(await call(ws!, 'ping', { message: 'after' })).toMatchObject({ ok: true });
    ws!.close();
  });
});

