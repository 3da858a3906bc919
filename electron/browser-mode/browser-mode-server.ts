/**
 * Browser mode: runs the main-process services in plain Node, serves the built renderer and
 * carries the bridge over a WebSocket, so Corelog works (and is tested) where the Electron
 * runtime is missing.
 *
 * It is a local server that holds credentials, so it defends itself like one:
 * - binds 127.0.0.1 only;
 * - the bridge needs a random per-run token (given to the page in the URL fragment, which the
 *   browser never sends to servers or in Referer headers);
 * - the WebSocket upgrade must come from our own origin (a page on another site cannot drive it,
 *   even with the token);
 * - the Host header must be ours (blocks DNS-rebinding pages that pose as 127.0.0.1);
 * - a request another site's page makes (a `<script>`, `<img>` or `fetch` pointing here, told by
 *   the browser's Sec-Fetch-Site header) is refused, and every response says it may not be embedded
 *   or read elsewhere (Cross-Origin-Resource-Policy, X-Frame-Options, nosniff): another page can
 *   neither run our code in its own origin nor tell from it that Corelog is running.
 *
 * The same process runs every queued sync and upload, so nothing a client sends may end it: every
 * transport error (a bad WebSocket frame, a message over the size limit, a malformed or aborted
 * HTTP request, a reset socket) closes that one connection and is logged, and every bridge call
 * is answered, even when its handler throws or its result cannot be serialised.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_BRIDGE_MESSAGE_BYTES } from '../../common/bridge/contract';
import { createBridgeDispatcher } from '../../common/bridge/dispatch';
import { toBridgeError } from '../../common/errors';
import { cleanFreeText } from '../../common/free-text';
import { fail, ok, type Result } from '../../common/result';
import type { AppServices } from '../services/app-services';
import type { Logger } from '../services/desktop/log-file';
import { bridgeMessageSchema, type BridgeServerMessage } from './bridge-protocol';
import { EVERY_RESPONSE, INERT_CONTENT_POLICY, rendererContentSecurityPolicy } from './content-security-policy';
import { createTransportLog, describeTransportError, wsCloseCodeOf, type TransportLog } from './transport-log';

export interface BrowserModeOptions {
  services: AppServices;
  /** The built renderer (vite output). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  /** Where transport errors are logged; the services' log by default. */
  log?: Logger;
}

export interface BrowserModeServer {
  /** Open this in a browser: it carries the token in the fragment. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const BRIDGE_PATH = '/bridge';
export const FILES_PATH = '/files';
/** A window that stops reading (hung tab) is dropped before its unread answers pile up past this. */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
/**
 * Calls one window may have running at once. Past it, its socket is not read until some finish:
 * thousands of calls sent at once wait in the socket (and, once that is full, in the page)
 * instead of all starting together, so one window cannot take every file handle, timer and
 * megabyte of the service, and the other windows keep being answered. Far above what the renderer
 * does (uploads run four at a time; a screen of previews asks for a few dozen).
 */
export const MAX_CALLS_IN_FLIGHT = 256;

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? options.services.desktop.log;
  const transportLog: TransportLog = createTransportLog(log, { secrets: [token] });
  const dispatch = createBridgeDispatcher(options.services.handlers);
  const sockets = new Set<WebSocket>();
  /** Sockets we closed ourselves (and logged why): their close is not logged again. */
  const closedHere = new WeakSet<WebSocket>();
  const closeSocket = (ws: WebSocket, code: number, reason: string) => {
    closedHere.add(ws);
    ws.close(code, reason);
  };
  // No compression: a small compressed frame must not be able to inflate into a huge message.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BRIDGE_MESSAGE_BYTES, perMessageDeflate: false });
  let port = 0;
  let nextConnection = 1;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: unknown): boolean => {
    if (typeof candidate !== 'string' || !candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    res.on('error', (error) => transportLog.warn(`http: response to port ${req.socket.remotePort} failed: ${describeTransportError(error)}`));
    try {
      route(req, res);
    } catch (error) {
      // A request line Node accepted but URL parsing refuses (and any other surprise): that request fails, nothing else.
      transportLog.warn(`http: could not handle a request from port ${req.socket.remotePort}: ${describeTransportError(error)}`);
      if (!res.headersSent) refuse(res, 400, 'Bad request.', true);
      else res.destroy();
    }
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'Unknown host.');
    if (fromAnotherSite(req)) return refuse(res, 403, 'Corelog does not answer requests from other sites.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === `${BRIDGE_PATH}/check`) {
      // Lets the page tell "server restarted, token stale" apart from "server gone".
      return refuse(res, tokenMatches(req.headers['x-corelog-token']) ? 204 : 401, '');
    }
    if (url.pathname === FILES_PATH && req.method === 'POST') {
      // The page streams a picked/dropped file here; same guards as the bridge socket.
      if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse(res, 403, 'Forbidden.', true);
      if (!tokenMatches(req.headers['x-corelog-token'])) return refuse(res, 401, 'Unauthorized.', true);
      stageUpload(req, res).catch((error: unknown) => {
        transportLog.warn(`files: hand-over from port ${req.socket.remotePort} failed unexpectedly: ${describeTransportError(error)}`);
        if (!res.headersSent) answerJson(res, fail(toBridgeError(error)), true);
        else res.destroy();
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    serveStatic(options.rendererDir, url.pathname, res, port).catch((error: unknown) => {
      // A browser that cancels a load (navigation, reload) is not worth a line.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') transportLog.warn(`http: could not serve ${url.pathname.slice(0, 200)} to port ${req.socket.remotePort}: ${describeTransportError(error)}`);
      if (!res.headersSent) refuse(res, 500, 'Could not read that file.');
      else res.destroy();
    });
  }

  /** One file of a pick or drop: succeeds or fails on its own; a copy that did not arrive whole, or whose answer was lost, is deleted at once. */
  async function stageUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Errors of an aborted body arrive through the pipeline in saveStream; this only keeps them from being "unhandled".
    req.on('error', () => undefined);
    const name = fileNameHeader(req.headers['x-file-name']);
    const declared = contentLength(req.headers['content-length']);
    let staged;
    try {
      staged = await options.services.stagedFiles.saveStream(req, name, declared);
    } catch (error) {
      const problem = toBridgeError(error);
      transportLog.warn(`files: hand-over of a file from port ${req.socket.remotePort} failed (${problem.kind}): ${problem.message}`);
      // Close after answering, so the rest of a refused body is not read.
      answerJson(res, fail(problem), true);
      return;
    }
    const { ref } = staged;
    const release = (why: string) => {
      transportLog.warn(`files: the answer for a staged file did not reach port ${req.socket.remotePort} (${why}); its copy is deleted`);
      void options.services.stagedFiles.release(ref).catch((error: unknown) => log.warn('files: could not delete a staged copy', error));
    };
    if (res.destroyed || req.socket.destroyed) return release('connection gone');
    res.on('close', () => {
      if (!res.writableFinished) release('connection closed');
    });
    answerJson(res, ok({ ref, name: staged.name, bytes: staged.bytes }));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the raw socket over without an error listener: a reset here must not become an uncaught error.
    socket.on('error', (error) => transportLog.warn(`bridge: socket from port ${remotePortOf(socket)} failed: ${describeTransportError(error)}`));
    const reject = (status: number, reason: string) => {
      transportLog.warn(`bridge: refused an upgrade from port ${remotePortOf(socket)}: ${status} ${reason}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== BRIDGE_PATH) return reject(404, 'Not Found');
      if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
      if (!allowedOrigins().has(req.headers.origin ?? '')) return reject(403, 'Forbidden');
      if (!tokenMatches(url.searchParams.get('token'))) return reject(401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, remotePortOf(socket)));
    } catch (error) {
      transportLog.warn(`bridge: could not handle an upgrade from port ${remotePortOf(socket)}: ${describeTransportError(error)}`);
      if (socket.writable) reject(400, 'Bad Request');
      else socket.destroy();
    }
  });

  // An upgrade ws itself refuses (no key, wrong version): say so and close that socket.
  wss.on('wsClientError', (error: Error, socket: Duplex) => {
    transportLog.warn(`bridge: bad upgrade request from port ${remotePortOf(socket)}: ${describeTransportError(error)}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  wss.on('error', (error) => log.error('bridge: WebSocket server error', error));

  // Malformed HTTP (bad request line or headers, headers too large, a reset mid-request) on any socket.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    transportLog.warn(`http: bad request from port ${socket.remotePort}: ${describeTransportError(error)}`);
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  function attach(ws: WebSocket, remotePort: number | undefined): void {
    const connection = `bridge connection #${nextConnection++} (port ${remotePort ?? '?'})`;
    let failure: Error | null = null;
    let inFlight = 0;
    /** Calls read while MAX_CALLS_IN_FLIGHT were running, in the order sent. */
    const waiting: string[] = [];
    sockets.add(ws);
    // Without this listener one bad frame (invalid UTF-8, an unmasked or fragmented control frame,
    // reserved bits, a message over maxPayload) would end the whole process. ws has already sent
    // the close frame with the matching code (1002, 1007, 1009) when this runs.
    ws.on('error', (error) => {
      failure = error;
    });
    ws.on('close', (code, reason) => {
      sockets.delete(ws);
      // Nobody is left to answer.
      waiting.length = 0;
      if (failure) {
        transportLog.warn(`${connection} closed by a transport error: ${describeTransportError(failure)}; close code ${wsCloseCodeOf(failure)}`);
      } else if (!closedHere.has(ws) && code !== 1000 && code !== 1001 && code !== 1005 && code !== 1006) {
        transportLog.warn(`${connection} closed with code ${code}${reason.length ? ` (${reason.toString('utf8').slice(0, 120)})` : ''}`);
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        transportLog.warn(`${connection} sent a binary message; closed with 1003`);
        return closeSocket(ws, 1003, 'text frames only');
      }
      const text = rawText(data);
      if (inFlight < MAX_CALLS_IN_FLIGHT) return run(text);
      // pause() stops reading the socket, but what ws has already read still arrives: it waits here.
      waiting.push(text);
      if (!ws.isPaused) ws.pause();
    });
    const run = (text: string): void => {
      inFlight++;
      answer(ws, connection, text)
        .catch((error: unknown) => log.error(`${connection}: a call could not be answered`, error))
        .finally(() => {
          inFlight--;
          const next = waiting.shift();
          if (next !== undefined) run(next);
          else if (ws.isPaused) ws.resume();
        });
    };
  }

  async function answer(ws: WebSocket, connection: string, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      transportLog.warn(`${connection} sent a message that is not JSON; closed with 1007`);
      return closeSocket(ws, 1007, 'malformed bridge message');
    }
    const message = bridgeMessageSchema.safeParse(raw);
    if (!message.success) {
      // With an id the caller can be told what was wrong; without one it is not speaking our protocol.
      const id = callIdOf(raw);
      if (id === null) {
        transportLog.warn(`${connection} sent a message that is not a bridge call; closed with 1007`);
        return closeSocket(ws, 1007, 'malformed bridge message');
      }
      return send(ws, { type: 'result', id, result: fail({ kind: 'validation', message: 'Corelog’s background service could not read this request.', retryable: false }) });
    }
    let result: Result<unknown>;
    try {
      result = await dispatch(message.data.method, message.data.input);
    } catch (error) {
      result = fail(toBridgeError(error));
    }
    send(ws, { type: 'result', id: message.data.id, result });
  }

  function send(ws: WebSocket, message: BridgeServerMessage): void {
    const text = serialise(message);
    if (text !== null) sendText(ws, text);
  }

  /** The message as JSON; a result that cannot be serialised (a cycle, a BigInt) becomes an `internal` error for that call. */
  function serialise(message: BridgeServerMessage): string | null {
    try {
      return JSON.stringify(message);
    } catch (error) {
      log.error(`bridge: could not serialise ${message.type === 'result' ? 'the answer to a call' : `the event "${message.event}"`}`, error);
      if (message.type !== 'result') return null;
      return JSON.stringify({
        type: 'result',
        id: message.id,
        result: fail({ kind: 'internal', message: 'Corelog could not send this answer; the details are in the log.', retryable: false }),
      } satisfies BridgeServerMessage);
    }
  }

  function sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
      transportLog.warn(`bridge: a window stopped reading (${Math.round(ws.bufferedAmount / 1024 / 1024)} MB unread); its connection is dropped`);
      return ws.terminate();
    }
    ws.send(text, (error) => {
      if (error) transportLog.warn(`bridge: could not send to a window: ${describeTransportError(error)}`);
    });
  }

  const unsubscribe = options.services.events.subscribe((event, payload) => {
    const text = serialise({ type: 'event', event, payload });
    if (text === null) return;
    for (const ws of sockets) sendText(ws, text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, a server error (e.g. too many open files on accept) is logged, not thrown.
  server.on('error', (error) => log.error('http: server error', error));
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      transportLog.flush();
    },
  };
}


/**
 * True for a request a page of another site made, by the browser's Fetch Metadata. Other ports of
 * this computer count as other sites (`same-site`): a local web app is not Corelog. A link from
 * elsewhere may still open the app (a top-level navigation; the page then still needs the key);
 * a request without the header (an older browser, a script) is judged by Host, Origin and key alone.
 */
function fromAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return false;
  return !(req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document');
}

function refuse(res: ServerResponse, status: number, message: string, closeAfter = false): void {
  res.writeHead(status, {
    ...EVERY_RESPONSE,
    'content-security-policy': INERT_CONTENT_POLICY,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...(closeAfter ? { connection: 'close' } : {}),
  });
  res.end(message);
}

function answerJson(res: ServerResponse, result: Result<unknown>, closeAfter = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, {
    ...EVERY_RESPONSE,
    'content-security-policy': INERT_CONTENT_POLICY,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(closeAfter ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(result));
}

/** The file's name as the page sent it (percent-encoded), cleaned of control characters; "file" when unreadable. */
function fileNameHeader(header: string | string[] | undefined): string {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return 'file';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return 'file';
  }
  return cleanFreeText(decoded, false).trim().slice(0, 1024) || 'file';
}

/** The declared body size, or null when missing or not a plain number. */
function contentLength(header: string | undefined): number | null {
  return header !== undefined && /^\d{1,16}$/.test(header) ? Number(header) : null;
}

function callIdOf(raw: unknown): number | null {
  if (raw === null || typeof raw !== 'object' || !Object.hasOwn(raw, 'id')) return null;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

function rawText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function remotePortOf(socket: Duplex): number | undefined {
  return (socket as Partial<Socket>).remotePort;
}

async function serveStatic(rootDir: string, pathname: string, res: ServerResponse, port: number): Promise<void> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return refuse(res, 400, 'Bad path.');
  }
  if (relative.split(sep).includes('..') || relative.includes('\0')) return refuse(res, 403, 'Forbidden.');
  let filePath = join(rootDir, relative || 'index.html');
  let info = await stat(filePath).catch(() => null);
  if (!info || info.isDirectory()) {
    // Client-side routes all load the app shell.
    filePath = join(rootDir, 'index.html');
    info = await stat(filePath).catch(() => null);
    if (!info) return refuse(res, 503, 'The renderer has not been built. Run `npm run build` first.');
  }
  const type = MIME_TYPES[extname(filePath)] ?? 'application/octet-stream';
  const headers: Record<string, string> = {
    ...EVERY_RESPONSE,
    'content-type': type,
    'content-length': String(info.size),
    'cache-control': filePath.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = rendererContentSecurityPolicy({ bridgeOrigin: `ws://127.0.0.1:${port} ws://localhost:${port}` });
    // A page of another site that opened this one keeps no handle on it.
    headers['cross-origin-opener-policy'] = 'same-origin';
  } else if (!type.startsWith('text/javascript')) {
    // Scripts keep none: a worker's script would take it as the worker's own policy. An SVG or a map opened on its own runs nothing.
    headers['content-security-policy'] = INERT_CONTENT_POLICY;
  }
  if (res.destroyed) return;
  res.writeHead(200, headers);
  // pipeline, not pipe: a file that vanished after the stat, or a client that went away, is an error of this response only.
  await pipeline(createReadStream(filePath), res);
}
