/**
 * Sends a request whose body is a stream (a photo upload) with node:http(s) rather than fetch, and
 * hands back a fetch `Response` so the rest of `sendHttpRequest` reads it like any other reply.
 *
 * Why: fetch takes a stream body only as a web stream, so every megabyte of a photo went through
 * the Node-to-web stream adapter and undici's pull loop: ~60 ms of the service's CPU per 15 MB
 * photo, on the core the photo station also needs for intake, and uploads ran at 0.71–0.88× curl's
 * throughput. node:http pipes the file to the socket. Never follows redirects (the caller decides).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export interface StreamRequest {
  method: string;
  headers: Record<string, string>;
  body: Readable;
  signal: AbortSignal;
}

export function sendStreamRequest(url: URL, init: StreamRequest): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: init.method, headers: init.headers, signal: init.signal }, (reply) => {
      try {
        resolve(asResponse(reply, init.method));
      } catch (error) {
        reply.destroy();
        reject(error as Error);
      }
    });
    request.on('error', reject);
    // A file that cannot be read ends the request with its error; a request that ends early (the
    // server answered or hung up before the whole file was sent) stops reading the file.
    init.body.on('error', (error) => request.destroy(error));
    request.on('close', () => init.body.destroy());
    init.body.pipe(request);
  });
}

function asResponse(reply: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < reply.rawHeaders.length; i += 2) headers.append(reply.rawHeaders[i]!, reply.rawHeaders[i + 1]!);
  const status = reply.statusCode ?? 0;
  // fetch's Response allows no body for these, and no status outside 200–599.
  const noBody = status === 204 || status === 205 || status === 304 || method === 'HEAD';
  if (status < 200 || status > 599) throw Object.assign(new Error(`the server answered with status ${status}`), { code: 'UND_ERR_SOCKET' });
  if (noBody) reply.resume();
  const body = noBody ? null : (Readable.toWeb(reply) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: reply.statusMessage ?? '', headers });
}
