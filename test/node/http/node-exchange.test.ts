/**
 * Requests go over node:http (node-exchange.ts), which does by hand what fetch did by itself:
 * compressed replies are decoded (a satellite link pays for every byte), the reply caps count the
 * decoded bytes (a small gzip that expands to 50 MB is cut, not held), a reply that says it is
 * compressed but is not is a clear error, connections are kept alive between requests, and a body
 * is sent with its length. Real HTTP on 127.0.0.1.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, stopServer } from '../../support/local-http-server';
import { corelogFailure } from '../../support/corelog-failure';
import { sendHttpRequest } from '../../../electron/services/http/http-request';

afterEach(stopServer);

const get = (origin: string, extra: { maxReplyBytes?: number } = {}) => sendHttpRequest({ system: 'dougal', method: 'GET', url: `${origin}/project`, timeoutMs: 5_000, ...extra });

const LIST = [{ pid: 'eq24301', name: 'North Sea 3D 2024 — “Ærø” 🌊' }];

describe('requests over node:http', () => {
  for (const [coding, encode] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`asks for compressed replies and reads a ${coding} one as the JSON it holds`, async () => {
      let asked = '';
      const origin = await serve((req, res) => {
        asked = req.headers['accept-encoding'] ?? '';
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': coding });
        res.end(encode(Buffer.from(JSON.stringify(LIST))));
      });
      const reply = await get(origin);
      expect(asked.split(/,\s*/)).toEqual(expect.arrayContaining(['gzip', 'deflate', 'br']));
      expect(await reply.json()).toEqual(LIST);
    });
  }

  it('undoes stacked codings last one first, and leaves an unknown coding as it came', async () => {
    let coding = 'gzip, br';
    const origin = await serve((_req, res) => {
      const json = Buffer.from(JSON.stringify(LIST));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      res.end(coding === 'gzip, br' ? brotliCompressSync(gzipSync(json)) : json);
    });
    expect(await (await get(origin)).json()).toEqual(LIST);
    coding = 'identity';
    expect(await (await get(origin)).json()).toEqual(LIST);
    coding = 'zstd-unknown';
    expect(await (await get(origin)).json()).toEqual(LIST);
  });

  it('cuts a small gzip reply that expands past the reply cap, counting what it expands to', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces: ~50 KB on the wire
    expect(bomb.length).toBeLessThan(100 * 1024);
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const reply = await get(origin, { maxReplyBytes: 1024 * 1024 });
    const error = await corelogFailure(reply.json());
    expect(error.kind).toBe('malformed-response');
    expect(error.message).toMatch(/larger than 1 MB/);
  });

  it('says so when a reply claims to be gzip but is not', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(JSON.stringify(LIST));
    });
    const reply = await get(origin);
    const error = await corelogFailure(reply.json());
    expect(error.kind).toBe('malformed-response');
    expect(error.message).toMatch(/could not be decompressed/);
  });

  it('reports a gzip reply cut off mid-body as a lost connection, not as a short success', async () => {
    const whole = gzipSync(Buffer.from(JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ id: i, remarks: `event ${i} ${Math.random()}` })))));
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(whole.length) });
      res.write(whole.subarray(0, whole.length >> 1), () => res.socket?.destroy());
    });
    const reply = await get(origin);
    const error = await corelogFailure(reply.json());
    expect(['offline', 'malformed-response']).toContain(error.kind);
    expect(error.message).toMatch(/connection was lost|cut off|could not be decompressed/);
  });

  it('sends a JSON body with its length and keeps one connection for requests one after another', async () => {
    const sockets = new Set<unknown>();
    const lengths: string[] = [];
    const origin = await serve((req, res) => {
      sockets.add(req.socket);
      lengths.push(req.headers['content-length'] ?? '');
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: JSON.parse(body) }));
      });
    });
    for (let i = 0; i < 5; i++) {
      const reply = await sendHttpRequest({ system: 'dougal', method: 'POST', url: `${origin}/project/p/event`, timeoutMs: 5_000, json: { remarks: `Gun ${i} — “autofire”` } });
      expect(await reply.json()).toEqual({ echo: { remarks: `Gun ${i} — “autofire”` } });
    }
    expect(lengths.map(Number)).toEqual(Array.from({ length: 5 }, (_, i) => Buffer.byteLength(JSON.stringify({ remarks: `Gun ${i} — “autofire”` }))));
    expect(sockets.size).toBe(1);
  });
});
