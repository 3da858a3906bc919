/**
 * A small HTTP server toolkit for the emulators: routing, body reading with digests, fault
 * injection, the request log and the `/__admin` endpoints shared by Imago and Dougal.
 *
 * Plain node:http on purpose: the emulators must behave like real servers at the socket level
 * (connection resets, dropped responses, refused connections when stopped), which a framework
 * would hide.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EmulatorClock } from './clock';
import {
  ANSWERED_INSTEAD,
  applyFaultUpdate,
  CAPTIVE_PORTAL_PAGE,
  defaultFaults,
  faultApplies,
  MAX_TRICKLE_MS,
  pickFailure,
  portalRedirect,
  REPLY_SPOILED,
  truncatedBody,
  wrongShapeBody,
  type FailureKind,
  type FaultSettings,
} from './faults';
import { RequestLog } from './request-log';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
  }
}

/** Query parameters looked up case-insensitively (Imago's old clients sent `datasetid`, new ones `datasetId`). */
export class QueryParams {
  private readonly lower = new Map<string, string>();

  constructor(readonly raw: URLSearchParams) {
    for (const [key, value] of raw) if (!this.lower.has(key.toLowerCase())) this.lower.set(key.toLowerCase(), value);
  }

  get(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.lower.get(name.toLowerCase());
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(...names: string[]): boolean {
    return this.get(...names) !== undefined;
  }

  number(...names: string[]): number | undefined {
    const value = this.get(...names);
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new HttpError(422, `query parameter ${names[0]} must be a number`);
    return n;
  }

  bool(...names: string[]): boolean | undefined {
    const value = this.get(...names);
    if (value === undefined) return undefined;
    return value === '' || value === '1' || value.toLowerCase() === 'true';
  }
}

/**
 * Reads a JSON object body (an admin settings update) and hands it to `apply`; a non-object body
 * or an error thrown by `apply` (e.g. a RangeError for a bad value) becomes a 400.
 */
export async function applyJsonUpdate<T>(req: EmulatorRequest, what: string, apply: (update: Record<string, unknown>) => T): Promise<T> {
  const update = await req.readJson();
  if (!update || typeof update !== 'object' || Array.isArray(update)) throw new HttpError(400, `${what} must be an object`);
  try {
    return apply(update as Record<string, unknown>);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
}

export interface EmulatorRequest {
  method: string;
  /** Path below the emulator's base path, e.g. `/session`. */
  path: string;
  url: URL;
  query: QueryParams;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  raw: IncomingMessage;
  /** Buffers the body (refusing more than `limitBytes`). */
  readBody(limitBytes?: number): Promise<Buffer>;
  /** Parses a JSON body; a malformed one is a 400. */
  readJson(limitBytes?: number): Promise<unknown>;
  /** Streams the body to a file without holding it in memory. */
  saveBodyTo(filePath: string): Promise<{ bytes: number; sha256: string }>;
  /** The body as it arrives (counted and hashed for the request log like any other read). */
  streamBody(): Readable;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  body?: Buffer | string | Readable;
}

export type RouteHandler = (req: EmulatorRequest, params: Record<string, string>) => Promise<EmulatorResponse> | EmulatorResponse;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/** Routes like `/project/:project/event/:id` and `/project/:project/configuration/*path`. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }
  get(pattern: string, handler: RouteHandler): this {
    return this.on('GET', pattern, handler);
  }
  post(pattern: string, handler: RouteHandler): this {
    return this.on('POST', pattern, handler);
  }
  put(pattern: string, handler: RouteHandler): this {
    return this.on('PUT', pattern, handler);
  }
  patch(pattern: string, handler: RouteHandler): this {
    return this.on('PATCH', pattern, handler);
  }
  delete(pattern: string, handler: RouteHandler): this {
    return this.on('DELETE', pattern, handler);
  }

  /** Finds the handler; a known path with the wrong method is a 405, an unknown path a 404. */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } {
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathKnown = true;
      if (route.method === method.toUpperCase()) return { handler: route.handler, params };
    }
    throw new HttpError(pathKnown ? 405 : 404, pathKnown ? `method ${method} not allowed on ${path}` : `no route for ${path}`);
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i]!;
    if (seg.startsWith('*')) {
      params[seg.slice(1)] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (seg.startsWith(':')) params[seg.slice(1)] = part;
    else if (seg !== part) return null;
  }
  return parts.length === pattern.length ? params : null;
}

export interface EmulatorServerOptions {
  name: string;
  /** e.g. `/integrate/2` or `/api`. */
  basePath: string;
  router: Router;
  /** Extra admin routes, mounted under `/__admin`. */
  adminRouter?: Router;
  clock?: EmulatorClock;
  faults?: Partial<FaultSettings>;
  /** How this emulator shapes an error body. */
  errorBody?: (status: number, message: string) => unknown;
  /** Called on every handled (non-admin) response, e.g. to add Dougal's `Set-Cookie: JWT`. */
  decorateResponse?: (req: EmulatorRequest, res: EmulatorResponse) => EmulatorResponse;
  /** Reseeds state for `POST /__admin/reset`. */
  reset?: () => Promise<void> | void;
  /**
   * The `/__admin` endpoints and fault injection (default on, for tests). Off for the sample
   * systems the app runs for newcomers: `/__admin/…` is then an unknown path (404) and no fault is
   * ever injected, whatever `faults` holds.
   */
  adminEndpoints?: boolean;
}

export interface EmulatorServer {
  readonly name: string;
  readonly clock: EmulatorClock;
  readonly log: RequestLog;
  faults: FaultSettings;
  /** Base URL including the base path, e.g. `http://127.0.0.1:4010/integrate/2`. */
  readonly baseUrl: string;
  readonly origin: string;
  readonly port: number;
  /** Listens on 127.0.0.1 (port 0 picks a free one; a restart reuses the previous port). */
  listen(port?: number): Promise<void>;
  /** Stops listening and drops open connections: clients now get ECONNREFUSED. */
  close(): Promise<void>;
  readonly listening: boolean;
}

const MAX_JSON_BYTES = 16 * 1024 * 1024;

export function createEmulatorServer(options: EmulatorServerOptions): EmulatorServer {
  const clock = options.clock ?? new EmulatorClock();
  const log = new RequestLog();
  const sockets = new Set<Socket>();
  const errorBody = options.errorBody ?? ((status: number, message: string) => ({ status, message }));
  let faults: FaultSettings = { ...defaultFaults(), ...options.faults };
  const adminOn = options.adminEndpoints !== false;
  let server: Server | null = null;
  let port = 0;

  async function handle(rawReq: IncomingMessage, rawRes: ServerResponse): Promise<void> {
    const url = new URL(rawReq.url ?? '/', 'http://127.0.0.1');
    const method = (rawReq.method ?? 'GET').toUpperCase();
    const digest = createHash('sha256');
    let bodyBytes = 0;
    let bodyRead = false;
    const counting = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bodyBytes += chunk.length;
        digest.update(chunk);
        done(null, chunk);
      },
    });
    const bodyStream = (): Readable => {
      if (bodyRead) throw new HttpError(500, 'request body read twice');
      bodyRead = true;
      return rawReq.pipe(counting);
    };
    const isAdmin = adminOn && (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/'));
    const inBase = url.pathname === options.basePath || url.pathname.startsWith(options.basePath + '/');
    const path = isAdmin ? url.pathname.slice('/__admin'.length) || '/' : inBase ? url.pathname.slice(options.basePath.length) || '/' : url.pathname;

    const req: EmulatorRequest = {
      method,
      path,
      url,
      query: new QueryParams(url.searchParams),
      headers: rawReq.headers,
      remoteAddress: rawReq.socket.remoteAddress ?? '',
      raw: rawReq,
      async readBody(limitBytes = MAX_JSON_BYTES) {
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of bodyStream()) {
          total += (chunk as Buffer).length;
          if (total > limitBytes) throw new HttpError(413, `request body larger than ${limitBytes} bytes`);
          chunks.push(chunk as Buffer);
        }
        return Buffer.concat(chunks);
      },
      async readJson(limitBytes) {
        const body = await this.readBody(limitBytes);
        if (body.length === 0) throw new HttpError(400, 'request body is empty; JSON expected');
        try {
          return JSON.parse(body.toString('utf8')) as unknown;
        } catch {
          throw new HttpError(400, 'request body is not valid JSON');
        }
      },
      async saveBodyTo(filePath) {
        await pipeline(bodyStream(), createWriteStream(filePath));
        return { bytes: bodyBytes, sha256: digest.copy().digest('hex') };
      },
      streamBody: () => bodyStream(),
    };

    const record = (status: number, fault: string | null) => {
      if (isAdmin) return;
      log.add({
        at: clock.nowIso(),
        method,
        path,
        query: url.searchParams,
        bodySha256: bodyBytes > 0 ? digest.digest('hex') : null,
        bodyBytes,
        status,
        fault,
      });
    };
    const drainBody = async () => {
      if (bodyRead) return;
      try {
        for await (const _ of bodyStream()) void _;
      } catch {
        /* the client went away; nothing to drain */
      }
    };

    if (isAdmin) {
      const response = await handleAdmin(req).catch((error: unknown) => errorResponse(error));
      return send(rawRes, response);
    }
    // Fault injection belongs to the admin endpoints: a sample server (admin off) never injects any.
    if (adminOn && faults.down) {
      record(0, 'down');
      rawReq.socket.destroy();
      return;
    }
    if (adminOn && faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    const failure = adminOn ? pickFailure(faults, method, path) : null;
    if (failure === 'reset') {
      await drainBody();
      record(0, 'reset');
      rawReq.socket.destroy();
      return;
    }
    if (failure && ANSWERED_INSTEAD.has(failure)) {
      await drainBody();
      return answerInstead(rawRes, failure, url, record);
    }
    if (failure === '500' || failure === '503') {
      await drainBody();
      const status = Number(failure);
      record(status, `injected ${failure}`);
      return send(rawRes, { status, json: errorBody(status, `injected failure ${failure}`) });
    }

    let response: EmulatorResponse;
    try {
      if (!inBase) throw new HttpError(404, `no route for ${url.pathname}; the API lives under ${options.basePath}`);
      const { handler, params } = options.router.match(method, path);
      response = await handler(req, params);
    } catch (error) {
      response = errorResponse(error);
    }
    if (options.decorateResponse) response = options.decorateResponse(req, response);
    await drainBody();
    if (adminOn && faults.dropResponseNext > 0 && faultApplies(faults, method, path)) {
      faults.dropResponseNext -= 1;
      record(response.status, 'response dropped');
      rawReq.socket.destroy();
      return;
    }
    if (failure && REPLY_SPOILED.has(failure)) {
      record(response.status, `injected ${failure}`);
      return send(rawRes, spoilReply(response, failure));
    }
    record(response.status, null);
    return send(rawRes, response);
  }

  /** Something on the way (a captive portal, a proxy, a poor link) answers instead of the server. */
  async function answerInstead(rawRes: ServerResponse, failure: FailureKind, url: URL, record: (status: number, fault: string) => void): Promise<void> {
    const fault = `injected ${failure}`;
    if (failure === 'html-200') {
      record(200, fault);
      return send(rawRes, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: CAPTIVE_PORTAL_PAGE });
    }
    if (failure === 'redirect') {
      record(302, fault);
      // The portal's own cookie: a client that followed would carry it (and ours) to the portal.
      return send(rawRes, { status: 302, headers: { location: portalRedirect(url.pathname), 'set-cookie': 'portal_session=p1; Path=/', 'content-type': 'text/html' }, body: '<a href="http://portal.invalid/login">Moved</a>' });
    }
    record(200, fault);
    rawRes.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    const gone = new Promise<void>((resolve) => rawRes.once('close', () => resolve()));
    let open = true;
    void gone.then(() => (open = false));
    if (failure === 'trickle') {
      const body = Buffer.from(`{"trickle": "${'.'.repeat(1000)}"}`);
      const until = Date.now() + MAX_TRICKLE_MS;
      for (let i = 0; open && i < body.length && Date.now() < until; i++) {
        rawRes.write(body.subarray(i, i + 1));
        await Promise.race([gone, new Promise((r) => setTimeout(r, faults.trickleIntervalMs))]);
      }
      rawRes.end();
      return;
    }
    // huge: valid JSON when complete, streamed in 64 KiB chunks at the pace the client reads.
    const total = faults.hugeBytes;
    const head = Buffer.from('{"padding": "');
    const tail = Buffer.from('"}');
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const write = async (bytes: Buffer) => {
      if (!open) return;
      sent += bytes.length;
      if (!rawRes.write(bytes)) await Promise.race([gone, new Promise((r) => rawRes.once('drain', r))]);
    };
    await write(head);
    while (open && sent + tail.length < total) await write(chunk.subarray(0, Math.min(chunk.length, total - tail.length - sent)));
    if (open) rawRes.end(tail);
  }

  /** The request was handled; its reply is cut in half or swapped for one of another shape. */
  function spoilReply(response: EmulatorResponse, failure: FailureKind): EmulatorResponse {
    let body = '';
    if (response.json !== undefined) body = JSON.stringify(response.json);
    else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) body = response.body.toString();
    else if (response.body instanceof Readable) response.body.destroy();
    const headers = Object.fromEntries(Object.entries(response.headers ?? {}).filter(([key]) => !/^content-(length|type)$/i.test(key)));
    return {
      status: response.status === 204 ? 200 : response.status,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      body: failure === 'truncated-json' ? truncatedBody(body) : wrongShapeBody(body),
    };
  }

  function errorResponse(error: unknown): EmulatorResponse {
    if (error instanceof HttpError) {
      return { status: error.status, headers: error.headers, json: errorBody(error.status, error.message) };
    }
    console.error(`[${options.name} emulator] internal error:`, error);
    return { status: 500, json: errorBody(500, 'internal error') };
  }

  async function handleAdmin(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.path === '/faults') {
      if (req.method === 'GET') return { status: 200, json: faults };
      if (req.method === 'PATCH' || req.method === 'PUT' || req.method === 'POST') {
        faults = await applyJsonUpdate(req, 'fault update', (update) => applyFaultUpdate(faults, update));
        return { status: 200, json: faults };
      }
    }
    if (req.path === '/requests') {
      if (req.method === 'GET') return { status: 200, json: { lastSeq: log.lastSeq, requests: log.list(req.query.number('since') ?? 0) } };
      if (req.method === 'DELETE') {
        log.clear();
        return { status: 204 };
      }
    }
    if (req.path === '/clock') {
      if (req.method === 'GET') return { status: 200, json: { now: clock.nowIso(), offsetMs: clock.offset } };
      if (req.method === 'POST') {
        const body = (await req.readJson()) as { advanceMs?: unknown };
        if (typeof body?.advanceMs !== 'number') throw new HttpError(400, 'advanceMs (number) is required');
        try {
          clock.advance(body.advanceMs);
        } catch (error) {
          throw new HttpError(400, (error as Error).message);
        }
        return { status: 200, json: { now: clock.nowIso(), offsetMs: clock.offset } };
      }
    }
    if (req.path === '/reset' && req.method === 'POST' && options.reset) {
      await options.reset();
      log.clear();
      faults = { ...defaultFaults(), ...options.faults };
      return { status: 204 };
    }
    if (options.adminRouter) {
      const { handler, params } = options.adminRouter.match(req.method, req.path);
      return handler(req, params);
    }
    throw new HttpError(404, `no admin route ${req.method} ${req.path}`);
  }

  function send(rawRes: ServerResponse, response: EmulatorResponse): void {
    const headers: Record<string, string | string[]> = { ...response.headers };
    let body = response.body;
    if (response.json !== undefined) {
      body = JSON.stringify(response.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    rawRes.writeHead(response.status, headers);
    if (body instanceof Readable) {
      body.on('error', () => rawRes.destroy());
      body.pipe(rawRes);
    } else {
      rawRes.end(body);
    }
  }

  const api: EmulatorServer = {
    name: options.name,
    clock,
    log,
    get faults() {
      return faults;
    },
    set faults(next: FaultSettings) {
      faults = next;
    },
    get port() {
      return port;
    },
    get origin() {
      return `http://127.0.0.1:${port}`;
    },
    get baseUrl() {
      return `http://127.0.0.1:${port}${options.basePath}`;
    },
    get listening() {
      return server?.listening ?? false;
    },
    async listen(requestedPort = port) {
      if (server?.listening) return;
      server = createServer((rawReq, rawRes) => {
        handle(rawReq, rawRes).catch((error: unknown) => {
          console.error(`[${options.name} emulator] request failed:`, error);
          if (!rawRes.headersSent) rawRes.writeHead(500).end();
          else rawRes.destroy();
        });
      });
      server.keepAliveTimeout = 5_000;
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(requestedPort, '127.0.0.1', () => resolve());
      });
      port = (server.address() as AddressInfo).port;
    },
    async close() {
      const current = server;
      server = null;
      if (!current) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
  return api;
}
