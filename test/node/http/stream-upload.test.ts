/**
 * Photo uploads stream the file with node:http (file-body.ts, node-exchange.ts), never read into memory. The same
 * guarantees as every other request, over real HTTP on 127.0.0.1: what is sent arrives whole and
 * framed, every Set-Cookie of the reply is kept, and a server that hangs up, answers before
 * reading, goes quiet or redirects, or a caller that cancels, ends the upload with a clear error
 * and without a file left open.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve, stopServer } from '../../support/local-http-server';
import { corelogFailure } from '../../support/corelog-failure';
import { sendHttpRequest } from '../../../electron/services/http/http-request';

let temp = '';
let photo = '';
const PHOTO_BYTES = 6 * 1024 * 1024;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'corelog-stream-upload-'));
  photo = join(temp, 'tray.jpg');
  writeFileSync(photo, Buffer.alloc(PHOTO_BYTES, 0x5a));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(stopServer);

function upload(origin: string, extra: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (sent: number) => void } = {}) {
  return sendHttpRequest({
    system: 'imago',
    method: 'POST',
    url: `${origin}/image`,
    timeoutMs: extra.timeoutMs ?? 5_000,
    signal: extra.signal,
    file: { path: photo, contentType: 'multipart/form-data; boundary=b', before: Buffer.from('--b\r\n\r\n'), after: Buffer.from('\r\n--b--\r\n'), onProgress: extra.onProgress },
  });
}

describe('a streamed photo upload', () => {
  it('arrives whole with its framing and length, reports progress, and keeps every Set-Cookie of the reply', async () => {
    let received = 0;
    let declared = '';
    let first = '';
    const origin = await serve((req, res) => {
      declared = req.headers['content-length'] ?? '';
      req.on('data', (chunk: Buffer) => {
        if (received === 0) first = chunk.subarray(0, 7).toString('latin1');
        received += chunk.length;
      });
      req.on('end', () => {
        res.setHeader('set-cookie', ['JWT=next; Path=/', 'other=1']);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received }));
      });
    });
    let progress = 0;
    const response = await upload(origin, { onProgress: (sent) => (progress = sent) });
    const total = PHOTO_BYTES + 7 + 9;
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: total });
    expect([declared, first, progress]).toEqual([String(total), '--b\r\n\r\n', PHOTO_BYTES]);
    expect(response.setCookies).toEqual(['JWT=next; Path=/', 'other=1']);
  });

  it('arrives byte for byte when the server reads slowly (the buffers it reuses are never overwritten in flight)', async () => {
    // Random bytes of an odd size (two and a half chunks and some): a buffer read into again too
    // early would change what arrives, which a file of one repeated byte could never show.
    const varied = join(temp, 'varied.jpg');
    const content = randomBytes(2 * 1024 * 1024 + 512 * 1024 + 77);
    writeFileSync(varied, content);
    const origin = await serve((req, res) => {
      const hash = createHash('sha256');
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        // Stop reading now and then, so the client's writes back up behind the socket.
        req.pause();
        setTimeout(() => req.resume(), 2);
      });
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received, sha256: hash.digest('hex') })));
    });
    for (const pace of [undefined, async () => undefined]) {
      const response = await sendHttpRequest({
        system: 'imago',
        method: 'POST',
        url: `${origin}/image`,
        timeoutMs: 5_000,
        file: { path: varied, contentType: 'multipart/form-data; boundary=b', before: Buffer.from('--b\r\n\r\n'), after: Buffer.from('\r\n--b--\r\n'), ...(pace ? { pace } : {}) },
      });
      const whole = Buffer.concat([Buffer.from('--b\r\n\r\n'), content, Buffer.from('\r\n--b--\r\n')]);
      expect(await response.json()).toEqual({ received: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    }
  });

  it('stops with a clear message when the file grows or shrinks while it is sent', async () => {
    const changing = join(temp, 'changing.jpg');
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201).end('{}'));
    });
    for (const change of [() => appendFileSync(changing, randomBytes(4096)), () => truncateSync(changing, 1024 * 1024 + 10)]) {
      writeFileSync(changing, randomBytes(3 * 1024 * 1024));
      let pieces = 0;
      const error = await corelogFailure(
        sendHttpRequest({
          system: 'imago',
          method: 'POST',
          url: `${origin}/image`,
          timeoutMs: 5_000,
          file: {
            path: changing,
            contentType: 'image/jpeg',
            // The cap's wait before each piece is where the file is changed under the upload.
            pace: async () => {
              if (++pieces === 2) change();
            },
          },
        }),
      );
      expect(error.kind).toBe('internal');
      expect(error.message).toMatch(/changed while it was being sent/);
    }
  });

  it('says the file cannot be read (not that Imago is unreachable) when it is a folder', async () => {
    const origin = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201).end('{}'));
    });
    const error = await corelogFailure(sendHttpRequest({ system: 'imago', method: 'POST', url: `${origin}/image`, timeoutMs: 5_000, file: { path: temp, contentType: 'image/jpeg' } }));
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/cannot be read.*EISDIR/);
  });

  it('ends with "connection lost" when the server hangs up in the middle', async () => {
    const origin = await serve((req) => {
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 1024 * 1024) req.socket.destroy();
      });
    });
    const error = await corelogFailure(upload(origin));
    expect(error.kind).toBe('offline');
    expect(error.message).toMatch(/Imago cannot be reached/);
  });

  it('gives the server’s own refusal when it answers before reading the photo (asked first with Expect: 100-continue), ten times of ten', async () => {
    let expected = '';
    const origin = await serve((req, res) => {
      expected = req.headers.expect ?? '';
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Payload too large');
    });
    // Before the body waited for the server's go-ahead, the reset of the half-sent body beat the
    // 413 to the client in about half of these runs, and a too-large photo read as "offline".
    for (let i = 0; i < 10; i++) expect((await upload(origin)).status).toBe(413);
    expect(expected).toBe('100-continue');
  });

  it('refused before the go-ahead by a server that ignores Expect (a proxy), the refusal still wins and no body is sent', async () => {
    let bodyBytes = 0;
    const raw = createNetServer((socket) => {
      let head = '';
      socket.on('data', (data: Buffer) => {
        if (head.includes('\r\n\r\n')) {
          bodyBytes += data.length;
          return;
        }
        head += data.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nToken expired');
        setTimeout(() => socket.destroy(), 5);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      for (let i = 0; i < 5; i++) expect((await upload(origin)).status).toBe(401);
      expect(bodyBytes).toBe(0);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('times out when the server stops reading and never answers', async () => {
    const origin = await serve((req) => req.pause());
    const error = await corelogFailure(upload(origin, { timeoutMs: 400 }));
    expect(error.kind).toBe('timeout');
  });

  it('is cancelled by its caller in the middle', async () => {
    const controller = new AbortController();
    const origin = await serve((req) => {
      req.once('data', () => controller.abort());
    });
    const error = await corelogFailure(upload(origin, { signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
  });

  it('is not sent on to where a redirect points', async () => {
    let followed = false;
    const origin = await serve((req, res) => {
      if (req.url === '/elsewhere') followed = true;
      req.resume();
      req.on('end', () => res.writeHead(307, { location: '/elsewhere' }).end());
    });
    const error = await corelogFailure(upload(origin));
    expect(error.message).toMatch(/redirect|elsewhere|moved/i);
    expect(followed).toBe(false);
  });
});
