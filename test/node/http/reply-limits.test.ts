/**
 * The limits of the HTTP layer on their own, over real HTTP on 127.0.0.1: the deadline grows with
 * the bytes that move (a slow but steady transfer is never cut, a trickle is), binary replies are
 * capped, a download to disk is cut by the deadline and leaves no partial file, and a server's
 * reason is quoted only when it is short plain text.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve, stopServer } from '../../support/local-http-server';
import { errorFromResponse, sendHttpRequest, serverReason } from '../../../electron/services/http/http-request';
import { ImagoClient } from '../../../electron/services/imago/imago-client';

let temp = '';

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'corelog-limits-'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(stopServer);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the total deadline grows with the bytes that move', () => {
  it('lets a slow but steady reply finish long after the base deadline', async () => {
    const origin = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('["');
      // 20 × 16 KiB over about 2 s: 160 KiB/s, far above the 1 KiB/s minimum.
      for (let i = 0; i < 20; i++) {
        res.write('x'.repeat(16 * 1024));
        await sleep(100);
      }
      res.end('"]');
    });
    const startedAt = Date.now();
    const response = await sendHttpRequest({ system: 'dougal', method: 'GET', url: `${origin}/slow`, timeoutMs: 5_000, deadlineMs: 500 });
    const value = (await response.json()) as string[];
    expect(value[0]).toHaveLength(20 * 16 * 1024);
    expect(Date.now() - startedAt).toBeGreaterThan(1_500);
  });

  it('lets a slowly read upload finish: the file size earns its time up front', async () => {
    const photo = join(temp, 'big.jpg');
    writeFileSync(photo, Buffer.alloc(2 * 1024 * 1024, 7));
    let received = 0;
    const origin = await serve(async (req, res) => {
      // Reads in bursts with pauses, like a congested uplink: about 2 s for the 2 MiB.
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        req.pause();
        setTimeout(() => req.resume(), 25);
      });
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received })));
    });
    const startedAt = Date.now();
    const response = await sendHttpRequest({ system: 'imago', method: 'POST', url: `${origin}/image`, timeoutMs: 5_000, deadlineMs: 300, file: { path: photo, contentType: 'image/jpeg' } });
    expect(await response.json()).toEqual({ received: 2 * 1024 * 1024 });
    expect(Date.now() - startedAt).toBeGreaterThan(300);
  });

  it('cuts a download to disk that trickles, and leaves no partial file', async () => {
    const origin = await serve(async (req, res) => {
      req.resume();
      if (req.method === 'POST') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"uid":"u","apiToken":"t"}');
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      let open = true;
      res.once('close', () => (open = false));
      for (let i = 0; open && i < 50; i++) {
        res.write(Buffer.from([0xff]));
        await sleep(100);
      }
      res.end();
    });
    const outcomes: { reachable: boolean }[] = [];
    const client = new ImagoClient({
      baseUrl: `${origin}/integrate/2`,
      timeoutMs: 5_000,
      limits: { deadlineMs: 800 },
      credentials: async () => ({ username: 'demo', password: 'demo' }),
      onOutcome: (o) => outcomes.push(o),
    });
    const file = join(temp, 'tray.jpg');
    const startedAt = Date.now();
    const error = await client.downloadImageToFile({ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 102 }, file).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, message: "Imago's reply was still not complete after 0.8 s; the link is too slow or something on the way is holding it." });
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.part`)).toBe(false);
    expect(outcomes.at(-1)?.reachable).toBe(false);
  });
});

describe('binary replies are capped too', () => {
  it('refuses an image larger than maxDownloadBytes while it streams in', async () => {
    let written = 0;
    const origin = await serve((req, res) => {
      req.resume();
      if (req.method === 'POST') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"uid":"u","apiToken":"t"}');
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 0xee);
      let open = true;
      res.once('close', () => (open = false));
      const pump = () => {
        while (open && written < 32 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const client = new ImagoClient({ baseUrl: `${origin}/integrate/2`, timeoutMs: 5_000, limits: { maxDownloadBytes: 1024 * 1024 }, credentials: async () => ({ username: 'demo', password: 'demo' }) });
    const error = await client.downloadImage({ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 102 }, { width: 512 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'malformed-response', retryable: true, message: 'Imago sent a reply larger than 1 MB, far more than Corelog asked for; it stopped reading it (HTTP 200).' });
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("a server's reason is quoted only when it is short plain text", () => {
  it.each([
    ['Dougal {status, message}', '{"status": 422, "message": "Sequence 28 is not online"}', 'Sequence 28 is not online'],
    ['{error: text}', '{"error": "Invalid date"}', 'Invalid date'],
    ['{error: {message}}', '{"error": {"code": 7, "message": "Token expired"}}', 'Token expired'],
    ["Imago's C# client form", '{"errors": [{"name": "NotFound", "message": "NO_IMAGERY_FOUND"}, {"name": "X", "message": "second"}]}', 'NO_IMAGERY_FOUND; second'],
    ['ASP.NET validation problems', '{"title": "One or more validation errors occurred.", "errors": {"StartDepth": ["must be below EndDepth"]}}', 'StartDepth: must be below EndDepth'],
    ['{detail}', '{"type": "about:blank", "detail": "Workspace is read-only."}', 'Workspace is read-only'],
    ['plain text', 'Upstream timed out\n', 'Upstream timed out'],
    ['whitespace and control characters', '  too\tmany\u0000   spaces\r\n here ', 'too many spaces here'],
    ['markup in JSON', '{"message": "<b>Internal</b> error"}', null],
    ['an HTML page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', null],
    ['entities', '{"message": "a &lt;script&gt; here"}', null],
    ['a stack trace', '{"message": "TypeError: x is undefined at Object.<anonymous> (/srv/app.js:1:2)"}', null],
    ['nothing to quote', '{"status": 500}', null],
    ['empty', '', null],
  ])('%s', (_what, body, expected) => {
    expect(serverReason(body)).toBe(expected);
  });

  it('cuts a long plain reason at about 200 characters, at a word, with an ellipsis', () => {
    const original = 'The interval overlaps another one. '.repeat(20).trim();
    const reason = serverReason(JSON.stringify({ message: original }))!;
    expect(reason.length).toBeGreaterThan(150);
    expect(reason.length).toBeLessThanOrEqual(201);
    expect(reason.endsWith('…')).toBe(true);
    const kept = reason.slice(0, -1);
    expect(original.startsWith(kept)).toBe(true);
    expect(original[kept.length]).toBe(' ');
  });

  it('reads at most 64 KiB of an error body and never quotes a page, whatever its length', async () => {
    let written = 0;
    const origin = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      const chunk = Buffer.from(`<p>${'gateway trouble '.repeat(4000)}</p>`);
      let open = true;
      res.once('close', () => (open = false));
      const pump = () => {
        while (open && written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const response = await sendHttpRequest({ system: 'imago', method: 'GET', url: `${origin}/context`, timeoutMs: 5_000 });
    const error = await errorFromResponse('imago', response, 'list workspaces');
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 502, message: 'Imago had a problem and could not list workspaces (HTTP 502).' });
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });
});
