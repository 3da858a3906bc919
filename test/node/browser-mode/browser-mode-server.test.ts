import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

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

  it('tells a stale page that its token is no longer valid', async () => {
    expect((await fetch(`${server.origin}/bridge/check`, { headers: { 'x-corelog-token': 'stale' } })).status).toBe(401);
    expect((await fetch(`${server.origin}/bridge/check`, { headers: { 'x-corelog-token': server.token } })).status).toBe(204);
  });
});
