/**
 * What a real server may say besides its data, over real HTTP on 127.0.0.1: how long to leave it
 * alone (Retry-After), which charset its text is in, an error body that echoes the credentials it
 * was sent or is in express-validator's shape, a download that never ends, and a signed storage
 * address an image GET is redirected to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, stopServer } from '../../support/local-http-server';
import { corelogFailure } from '../../support/corelog-failure';
import { errorFromResponse, retryAfterOf, sendHttpRequest } from '../../../electron/services/http/http-request';
import { retryDelayAfter, RETRY_AFTER_CAP_MS } from '../../../common/retry-policy';

afterEach(stopServer);

const get = (url: string, extra: Partial<Parameters<typeof sendHttpRequest>[0]> = {}) => sendHttpRequest({ system: 'dougal', method: 'GET', url, timeoutMs: 5_000, ...extra });

describe('what a server asks of Corelog', () => {
  it('429 and 503 with Retry-After (seconds or a date) carry the wait, say it, and the next attempt honours it up to an hour', async () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    let n = 0;
    const origin = await serve((_req, res) => {
      n += 1;
      if (n === 1) res.writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' }).end('{"message":"Too many requests"}');
      else if (n === 2) res.writeHead(503, { 'retry-after': inAnHour }).end();
      else res.writeHead(429).end();
    });
    const first = await errorFromResponse('dougal', await get(`${origin}/a`), 'list events');
    expect(first).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 3_600_000 });
    expect(first.message).toBe('Dougal is busy and could not list events now (HTTP 429): Too many requests. It asked to be left alone for 1 h; Corelog tries again then.');
    expect(first.toBridgeError().retryAfterMs).toBe(3_600_000);
    const second = await errorFromResponse('dougal', await get(`${origin}/b`), 'list events');
    expect(second.kind).toBe('server');
    expect(second.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(second.retryAfterMs).toBeLessThanOrEqual(3_600_000);
    const third = await errorFromResponse('dougal', await get(`${origin}/c`), 'list events');
    expect(third.retryAfterMs).toBeUndefined();
    expect(third.message).toContain('tries again shortly');

    expect(retryDelayAfter(1, { retryAfterMs: 3_600_000 }, undefined, () => 0.5)).toBe(3_600_000);
    expect(retryDelayAfter(1, { retryAfterMs: 48 * 3_600_000 }, undefined, () => 0.5)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryDelayAfter(1, {}, undefined, () => 0.5)).toBe(2_000);
    expect(retryAfterOf('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined(); // in the past: the server did not really ask
    expect(retryAfterOf('soon')).toBeUndefined();
  });

  it('text in ISO-8859-1 or windows-1252 is read as the server declared it, not as broken UTF-8', async () => {
    const origin = await serve((req, res) => {
      const charset = req.url === '/latin1' ? 'iso-8859-1' : req.url === '/cp1252' ? 'windows-1252' : 'x-unknown';
      res.writeHead(200, { 'content-type': `application/json; charset=${charset}` }).end(Buffer.from('{"remarks":"Granite alt\u00e9r\u00e9 \u00e0 s\u00e9ricite, Kj\u00f8l"}', 'latin1'));
    });
    for (const path of ['/latin1', '/cp1252']) expect(await (await get(`${origin}${path}`)).json()).toEqual({ remarks: 'Granite altéré à séricite, Kjøl' });
    // A charset nobody knows falls back to UTF-8 (what JSON is) rather than failing the read.
    expect(((await (await get(`${origin}/other`)).json()) as { remarks: string }).remarks).toContain('Granite alt');
  });

  it('an error body that echoes the token or the password never puts them in the message', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiZGVtbyJ9.c2lnbmF0dXJlLXNlY3JldA';
    const opaque = 'd2390dfd-5c1a-4a8e-9f0e-2f1f3c4d5e6f';
    const origin = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const sent = JSON.parse(body || '{}') as { password?: string };
        res.writeHead(req.url === '/login' ? 401 : 403, { 'content-type': 'text/plain' });
        res.end(req.url === '/login' ? `Invalid password "${sent.password}" for demo` : `Token ${req.headers.authorization?.slice(7)} has no access (sent ${req.headers['x-api-token']})`);
      });
    });
    const denied = await errorFromResponse('imago', await sendHttpRequest({ system: 'imago', method: 'GET', url: `${origin}/x`, headers: { authorization: `Bearer ${token}`, 'x-api-token': opaque }, timeoutMs: 5_000 }), 'list collections');
    expect(denied.message).not.toContain(token);
    expect(denied.message).not.toContain(opaque);
    expect(denied.message).toContain('[redacted]');
    const login = await errorFromResponse('imago', await sendHttpRequest({ system: 'imago', method: 'POST', url: `${origin}/login`, json: { user: 'demo', password: 'pw-SECRET-42' }, timeoutMs: 5_000 }), 'sign in');
    expect(login.message).not.toContain('pw-SECRET-42');
    expect(login.message).toContain('Invalid password');
  });

  it('express-validator error lists are quoted with their field', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ msg: 'Invalid value', param: 'tstamp', location: 'body' }] }));
    });
    const error = await errorFromResponse('dougal', await get(`${origin}/e`), 'log an event');
    expect(error.message).toBe('Dougal refused to log an event (HTTP 400): tstamp: Invalid value.');
  });

  it('a download that never ends, or declares more than allowed, stops at the cap instead of filling the disk', async () => {
    const origin = await serve((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(3 * 1024 * 1024) }).end(Buffer.alloc(3 * 1024 * 1024));
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      pump();
      req.on('close', () => res.destroy());
    });
    let written = 0;
    const sink = () => new Writable({ write: (chunk: Buffer, _encoding, done) => ((written += chunk.length), done()) });
    const endless = await corelogFailure(get(`${origin}/endless`).then((response) => pipeline(response.stream({ maxBytes: 2 * 1024 * 1024 }), sink())));
    expect(endless.kind).toBe('malformed-response');
    expect(endless.message).toMatch(/larger than/);
    expect(written).toBeLessThanOrEqual(2 * 1024 * 1024);
    written = 0;
    const declared = await corelogFailure(get(`${origin}/declared`).then((response) => pipeline(response.stream({ maxBytes: 2 * 1024 * 1024 }), sink())));
    expect(declared.message).toMatch(/larger than/);
    expect(written).toBe(0);
  });

  it('an image GET may follow one redirect to a storage address, which never sees the credentials; other requests never follow it', async () => {
    const seen: { authorization?: string; cookie?: string; token?: string }[] = [];
    const storage: Server = createServer((req, res) => {
      seen.push({ authorization: req.headers.authorization, cookie: req.headers.cookie, token: req.headers['x-api-token'] as string | undefined });
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    try {
      const blob = `http://127.0.0.1:${(storage.address() as AddressInfo).port}/blob/1?sig=abc`;
      const origin = await serve((_req, res) => res.writeHead(302, { location: blob }).end());
      const headers = { authorization: 'Bearer secret-token', cookie: 'JWT=secret', 'x-api-token': 'secret-2' };
      const followed = await get(`${origin}/image`, { headers, crossOriginRedirect: true });
      expect(followed.status).toBe(200);
      expect([...(await followed.bytes())]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
      expect(seen).toEqual([{ authorization: undefined, cookie: undefined, token: undefined }]);
      const refused = await corelogFailure(get(`${origin}/image`, { headers }));
      expect(refused.kind).toBe('malformed-response');
      expect(seen).toHaveLength(1);
    } finally {
      storage.closeAllConnections();
      await new Promise((resolve) => storage.close(resolve));
    }
  });
});

describe('reads past caches on the way', () => {
  it('a GET asks to be answered by the server (Cache-Control and Pragma no-cache), so a caching proxy cannot hand back an old read-back', async () => {
    let version = 0;
    const seen: { method: string; cacheControl: string | undefined; pragma: string | undefined }[] = [];
    const server = await serve((req, res) => {
      seen.push({ method: req.method!, cacheControl: req.headers['cache-control'], pragma: req.headers.pragma });
      if (req.method === 'POST') version += 1;
      // What a server behind a heuristic cache may say: cacheable for a minute.
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' }).end(JSON.stringify({ version }));
    });
    // A cache in front, as RFC 9111 has it: a fresh stored GET is served unless the request says no-cache.
    const stored = new Map<string, string>();
    const cache: Server = createServer((req, res) => {
      const fresh = req.method === 'GET' && !/no-cache/.test(`${req.headers['cache-control'] ?? ''} ${req.headers.pragma ?? ''}`);
      if (fresh && stored.has(req.url!)) return void res.writeHead(200, { 'content-type': 'application/json', age: '5' }).end(stored.get(req.url!));
      const passed = { ...(req.headers['cache-control'] ? { 'cache-control': String(req.headers['cache-control']) } : {}), ...(req.headers.pragma ? { pragma: String(req.headers.pragma) } : {}) };
      void fetch(`${server}${req.url}`, { method: req.method, headers: passed }).then(async (upstream) => {
        const text = await upstream.text();
        if (req.method === 'GET') stored.set(req.url!, text);
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => cache.listen(0, '127.0.0.1', resolve));
    const proxy = `http://127.0.0.1:${(cache.address() as AddressInfo).port}`;
    expect(await (await get(`${proxy}/item`)).json()).toEqual({ version: 0 });
    await sendHttpRequest({ system: 'dougal', method: 'POST', url: `${proxy}/item`, json: { change: 1 }, timeoutMs: 5_000 });
    expect(await (await get(`${proxy}/item`)).json()).toEqual({ version: 1 });
    expect(seen.filter((r) => r.method === 'GET')).toEqual([
      { method: 'GET', cacheControl: 'no-cache', pragma: 'no-cache' },
      { method: 'GET', cacheControl: 'no-cache', pragma: 'no-cache' },
    ]);
    // A caller's own choice stands.
    await get(`${server}/item`, { headers: { 'Cache-Control': 'max-age=0' } });
    expect(seen.at(-1)).toMatchObject({ cacheControl: 'max-age=0', pragma: 'no-cache' });
    cache.closeAllConnections();
    await new Promise((resolve) => cache.close(resolve));
  });
});
