/**
 * One HTTP exchange over node:http(s), for `sendHttpRequest`: the request goes out (a small body in
 * one write, a file body written by file-body.ts), and the reply comes back as its status, headers and a pull
 * reader over its (decoded) body. Never follows redirects: the caller decides.
 *
 * Why not fetch: undici's fetch costs the service about twice the CPU of node:http per request
 * (web streams for every body, an AbortSignal made transferable per request, its own header
 * lists). On a 2-core vessel workstation pushing a backlog of 10,000 events, that CPU is taken
 * from the browser window and from Dougal itself; measured on 1,000 POSTs to the Dougal
 * emulator: 0.52 ms of CPU per request with fetch, 0.24 ms with node:http. Photo uploads moved to
 * node:http earlier for the same reason (fetch takes a stream body only as a web stream).
 *
 * What fetch did for us and this does too: keep-alive connections (Node's global agent),
 * `Accept-Encoding` with gzip/deflate/br replies decoded (a satellite link pays for every byte),
 * every `Set-Cookie` kept, a connection lost mid-reply reported as such.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable, Transform, Writable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** A body that writes itself to the request (a photo: file-body.ts); the request is ended after it. */
export interface BodyWriter {
  writeTo(sink: Writable): Promise<void>;
}

export interface ExchangeRequest {
  method: string;
  headers: Record<string, string>;
  /** A body sent whole, or one that writes itself (a photo). */
  body?: string | Uint8Array | BodyWriter;
}

/** Reads a reply's body a chunk at a time; `cancel` drops the rest (and the connection). */
export interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

export interface ExchangeReply {
  status: number;
  headers: Headers;
  setCookies: string[];
  /** Null for replies that have no body (HEAD, 204, 205, 304). */
  body: BodyReader | null;
}

/** Ends an exchange in flight: the request and its reply are destroyed with `reason`. */
export interface ExchangeAbort {
  /** Registers what to do on abort; called at once when already aborted. */
  onAbort(listener: (reason: Error) => void): void;
}

const ACCEPT_ENCODING = 'gzip, deflate, br';
/**
 * How long a file body waits for the server's `100 Continue` before it goes anyway (a server or
 * proxy that ignores `Expect`). curl waits one second too.
 */
export const CONTINUE_WAIT_MS = 1_000;

export function exchange(url: URL, init: ExchangeRequest, abort: ExchangeAbort): Promise<ExchangeReply> {
  return new Promise<ExchangeReply>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING, ...init.headers };
    const body = init.body;
    const whole = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : undefined;
    if (whole) headers['content-length'] = String(whole.byteLength);
    else if (body === undefined && init.method !== 'GET' && init.method !== 'HEAD') headers['content-length'] = '0';
    const writer = whole === undefined && body !== undefined ? (body as BodyWriter) : null;
    // A photo asks first (RFC 9110 §10.1.1): a server that refuses it (too large, signed out,
    // slow down) says so before the body goes, instead of closing on a half-sent file, which
    // reaches us as "connection lost" with the refusal unread.
    if (writer) headers.expect = '100-continue';
    let bodyStarted = false;
    let waitForContinue: NodeJS.Timeout | undefined = undefined;
    const request = send(url, { method: init.method, headers }, (reply) => {
      if (writer && !bodyStarted) {
        // The final answer came before the body was asked for: it is never sent, and the
        // connection, which still owes the server a body, is closed once the reply is read.
        bodyStarted = true;
        clearTimeout(waitForContinue);
        reply.once('end', () => request.destroy());
        reply.once('close', () => request.destroy());
      }
      try {
        resolve(replyOf(reply, init.method));
      } catch (error) {
        reply.destroy();
        reject(error as Error);
      }
    });
    request.on('error', reject);
    abort.onAbort((reason) => {
      clearTimeout(waitForContinue);
      request.destroy(reason);
    });
    if (!writer) {
      request.end(whole);
      return;
    }
    const sendBody = () => {
      if (bodyStarted) return;
      bodyStarted = true;
      clearTimeout(waitForContinue);
      // A file that cannot be read ends the request with its error; a request that ends early (the
      // server answered or hung up before the whole file was sent) stops the writer (it watches 'close').
      writer.writeTo(request).then(
        () => request.end(),
        (error: Error) => request.destroy(error),
      );
    };
    request.once('continue', sendBody);
    waitForContinue = setTimeout(sendBody, CONTINUE_WAIT_MS);
    request.flushHeaders();
  });
}

function replyOf(reply: IncomingMessage, method: string): ExchangeReply {
  const status = reply.statusCode ?? 0;
  if (status < 200 || status > 599) throw Object.assign(new Error(`the server answered with status ${status}`), { code: 'ERR_HTTP_BAD_STATUS' });
  const headers = new Headers();
  const setCookies: string[] = [];
  for (let i = 0; i + 1 < reply.rawHeaders.length; i += 2) {
    const name = reply.rawHeaders[i]!;
    const value = reply.rawHeaders[i + 1]!;
    // A header value Headers refuses (bytes outside Latin-1 a server sent raw) is skipped, not fatal.
    try {
      headers.append(name, value);
    } catch {
      continue;
    }
    if (name.length === 10 && name.toLowerCase() === 'set-cookie') setCookies.push(value);
  }
  if (status === 204 || status === 205 || status === 304 || method === 'HEAD') {
    reply.resume();
    return { status, headers, setCookies, body: null };
  }
  return { status, headers, setCookies, body: readerOf(decoded(reply)) };
}

/**
 * The body as the server meant it: gzip, deflate and br are decoded, also stacked (`gzip, br` is
 * undone last coding first), as fetch did. A coding we do not know leaves the bytes as they came.
 */
function decoded(reply: IncomingMessage): Readable {
  const codings = (reply.headers['content-encoding'] ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const decoders = codings.reverse().map(decoderFor);
  if (decoders.length === 0 || decoders.some((decoder) => decoder === null)) return reply;
  let body: Readable = reply;
  for (const decoder of decoders as Transform[]) {
    const source = body;
    source.on('error', (error) => decoder.destroy(error));
    decoder.on('close', () => source.destroy());
    body = source.pipe(decoder);
  }
  // A connection lost mid-reply: the decoders must not just end as if the body were whole.
  reply.on('aborted', () => body.destroy(Object.assign(new Error('the connection was lost'), { code: 'ECONNRESET' })));
  return body;
}

function decoderFor(coding: string): Transform | null {
  if (coding === 'gzip' || coding === 'x-gzip') return createGunzip();
  if (coding === 'deflate') return createInflate();
  if (coding === 'br') return createBrotliDecompress();
  return null;
}

function readerOf(stream: Readable): BodyReader {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    async read() {
      const next = await chunks.next();
      return next.done ? { done: true } : { done: false, value: next.value };
    },
    async cancel() {
      stream.destroy();
    },
  };
}
