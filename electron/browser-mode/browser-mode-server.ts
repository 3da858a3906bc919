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
 * - the Host header must be ours (blocks DNS-rebinding pages that pose as 127.0.0.1).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createBridgeDispatcher } from '../../common/bridge/dispatch';
import { toBridgeError } from '../../common/errors';
import { fail, ok } from '../../common/result';
import type { AppServices } from '../services/app-services';
import { bridgeMessageSchema, type BridgeServerMessage } from './bridge-protocol';
import { rendererContentSecurityPolicy } from './content-security-policy';

export interface BrowserModeOptions {
  services: AppServices;
  /** The built renderer (vite output). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
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
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const dispatch = createBridgeDispatcher(options.services.handlers);
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'Unknown host.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === `${BRIDGE_PATH}/check`) {
      // Lets the page tell "server restarted, token stale" apart from "server gone".
      return refuse(res, tokenMatches(req.headers['x-corelog-token'] as string | undefined) ? 204 : 401, '');
    }
    if (url.pathname === FILES_PATH && req.method === 'POST') {
      // The page streams a picked/dropped file here; same guards as the bridge socket.
      if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse(res, 403, 'Forbidden.');
      if (!tokenMatches(req.headers['x-corelog-token'] as string | undefined)) return refuse(res, 401, 'Unauthorized.');
      return void stageUpload(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    void serveStatic(options.rendererDir, url.pathname, res, port);
  });

  async function stageUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let name = 'file';
    try {
      name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'file')).slice(0, 1024);
    } catch {
      // keep the default name
    }
    const declared = req.headers['content-length'] ? Number(req.headers['content-length']) : null;
    try {
      const staged = await options.services.stagedFiles.saveStream(req, name, declared);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok({ ref: staged.ref, name: staged.name, bytes: staged.bytes })));
    } catch (error) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(fail(toBridgeError(error))));
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reject = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== BRIDGE_PATH) return reject(404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return reject(403, 'Forbidden');
    if (!tokenMatches(url.searchParams.get('token'))) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      void answer(ws, data.toString());
    });
  }

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let message;
    try {
      message = bridgeMessageSchema.parse(JSON.parse(text));
    } catch {
      return ws.close(1007, 'malformed bridge message');
    }
    const result = await dispatch(message.method, message.input);
    send(ws, { type: 'result', id: message.id, result });
  }

  function send(ws: WebSocket, message: BridgeServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  const unsubscribe = options.services.events.subscribe((event, payload) => {
    for (const ws of sockets) send(ws, { type: 'event', event, payload });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
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
    },
  };
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message);
}

async function serveStatic(rootDir: string, pathname: string, res: ServerResponse, port: number): Promise<void> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return refuse(res, 400, 'Bad path.');
  }
  if (relative.split(sep).includes('..')) return refuse(res, 403, 'Forbidden.');
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
    'content-type': type,
    'content-length': String(info.size),
    'x-content-type-options': 'nosniff',
    'cache-control': filePath.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    'referrer-policy': 'no-referrer',
  };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = rendererContentSecurityPolicy({ bridgeOrigin: `ws://127.0.0.1:${port} ws://localhost:${port}` });
    headers['x-frame-options'] = 'DENY';
  }
  res.writeHead(200, headers);
  createReadStream(filePath).pipe(res);
}
