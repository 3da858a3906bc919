/**
 * A small Dougal double for the event endpoints (node:http, 127.0.0.1, port 0), for behaviours the
 * project's emulator does not offer: items it serialises oddly, a server that drops `meta`, one
 * that ignores the paging offset, a read that misses a just-created event, races with a delete.
 * Written from the API reference, not from Corelog's client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { DougalClient, type DougalEventFields } from '../../../electron/services/dougal/dougal-client';
import type { ServiceContext } from '../../../electron/services/app-services';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import type { BridgeHandlers } from '../../../common/bridge/contract';

export const PROJECT = 'p1';

/** An event version as this double holds it: the fields every PUT carries, and the rest. */
export interface StoredEvent extends DougalEventFields {
  id: number;
  uid: number;
  /** Every other attribute (geometry, ones Corelog does not know). */
  other: Record<string, unknown>;
  from: string;
  to: string | null;
}

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** Answers a request itself (return true) or leaves it to the double (false). */
export type Fault = (req: Request, res: ServerResponse) => boolean;

export interface DoubleOptions {
  /** How a POST is answered: the whole event, only `{id}`, or a bare 204 (no Location). */
  post: 'full' | 'id' | '204';
  /** A server that stores `meta` as `{}` whatever it is sent. */
  dropMeta: boolean;
  /** The list honours `offset` / `limit` or ignores them. */
  honoursOffset: boolean;
  honoursLimit: boolean;
  /** No changes endpoint (404), so look-ups search the list. */
  changes: boolean;
  /** How an event is serialised (to make it unreadable, say). */
  shape: (e: Record<string, unknown>) => unknown;
}

const running: Server[] = [];
afterEach(async () => {
  while (running.length) {
    const server = running.pop()!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

export class EventDouble {
  readonly events: StoredEvent[] = [];
  readonly log: (Request & { status?: number })[] = [];
  /** Consulted first, in order; a fault that answers is removed unless it returns to the list itself. */
  readonly faults: Fault[] = [];
  options: DoubleOptions = { post: 'full', dropMeta: false, honoursOffset: true, honoursLimit: true, changes: true, shape: (e) => e };
  baseUrl = '';
  private nextId = 100;
  private nextUid = 1000;

  static async start(options: Partial<DoubleOptions> = {}): Promise<EventDouble> {
    const double = new EventDouble();
    Object.assign(double.options, options);
    const server = createServer((req, res) => void double.handle(req, res));
    running.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    double.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    return double;
  }

  add(e: Partial<StoredEvent>): StoredEvent {
    const id = this.nextId++;
    const stored: StoredEvent = { id, uid: id, tstamp: null, sequence: null, point: null, remarks: '', labels: [], meta: {}, other: {}, from: new Date().toISOString(), to: null, ...e };
    this.events.push(stored);
    return stored;
  }

  current(id: number): StoredEvent | undefined {
    return this.events.find((e) => e.id === id && e.to === null);
  }

  currents(): StoredEvent[] {
    return this.events.filter((e) => e.to === null);
  }

  posts(): number {
    return this.log.filter((r) => r.method === 'POST' && r.path.endsWith('/event')).length;
  }

  serialise(e: StoredEvent, withValidity = false): unknown {
    const { other, from, to, ...known } = e;
    return this.options.shape({ ...known, ...other, has_edits: this.events.filter((x) => x.id === e.id).length > 1, ...(withValidity ? { validity: ['[', from, to, ')'] } : {}) });
  }

  /** Bridge handlers over a DougalClient pointed at this double (no input validation: see `dispatch` in tests). */
  handlers(problems: string[] = []): { client: DougalClient; handlers: BridgeHandlers } {
    const client = new DougalClient({ baseUrl: this.baseUrl, timeoutMs: 3_000, credentials: async () => ({ user: 'demo', password: 'demo' }), onReplyProblem: (p) => problems.push(p.detail) });
    const context = { clients: { dougal: () => client } } as unknown as ServiceContext;
    return { client, handlers: createEventLogModule(context).handlers as BridgeHandlers };
  }

  private send(res: ServerResponse, status: number, body?: unknown): void {
    if (body === undefined) return void res.writeHead(status).end();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += (chunk as Buffer).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const request: Request = { method: req.method ?? 'GET', path: url.pathname.replace(/^\/api/, ''), query: url.searchParams, body: text ? (JSON.parse(text) as unknown) : undefined };
    const entry: Request & { status?: number } = request;
    this.log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const fault = this.faults.findIndex((f) => f(request, res));
    if (fault >= 0) return void this.faults.splice(fault, 1);
    this.route(request, res);
  }

  private route(r: Request, res: ServerResponse): void {
    if (r.path === '/login') return void res.writeHead(204, { 'set-cookie': 'JWT=token; Path=/' }).end();
    const base = `/project/${PROJECT}/event`;
    if (r.path === base && r.method === 'GET') {
      const offset = this.options.honoursOffset ? Number(r.query.get('offset') ?? 0) : 0;
      const limit = this.options.honoursLimit ? Number(r.query.get('limit') ?? Infinity) : Infinity;
      return this.send(res, 200, this.currents().slice(offset, offset + limit).map((e) => this.serialise(e)));
    }
    if (r.path === base && r.method === 'POST') {
      const { tstamp = null, sequence = null, point = null, remarks = '', labels = [], meta = {}, ...other } = r.body as Partial<StoredEvent> & Record<string, unknown>;
      const stored = this.add({ tstamp, sequence, point, remarks, labels, meta: this.options.dropMeta ? {} : meta, other });
      if (this.options.post === 'full') return this.send(res, 201, this.serialise(stored));
      if (this.options.post === 'id') return this.send(res, 201, { id: stored.id });
      return this.send(res, 204);
    }
    if (r.path.startsWith(`${base}/changes/`) && r.method === 'GET') {
      if (!this.options.changes) return this.send(res, 404, { message: 'Cannot GET' });
      const since = Date.parse(decodeURIComponent(r.path.slice(`${base}/changes/`.length)));
      const newest = new Map<number, StoredEvent>();
      for (const e of this.events) if ((Date.parse(e.from) >= since || (e.to && Date.parse(e.to) >= since)) && (newest.get(e.id)?.uid ?? -1) < e.uid) newest.set(e.id, e);
      return this.send(res, 200, [...newest.values()].map((e) => this.serialise(e, true)));
    }
    const history = new RegExp(`^${base}/(\\d+)/history$`).exec(r.path);
    if (history) {
      const versions = this.events.filter((e) => e.id === Number(history[1]));
      return versions.length ? this.send(res, 200, versions.map((e) => this.serialise(e, true))) : this.send(res, 404, { message: 'No such event' });
    }
    const one = new RegExp(`^${base}/(\\d+)$`).exec(r.path);
    if (one) {
      const id = Number(one[1]);
      const current = this.current(id);
      if (r.method === 'GET') return current ? this.send(res, 200, this.serialise(current)) : this.send(res, 404, { message: 'No such event' });
      if (r.method === 'DELETE') {
        if (!current) return this.send(res, 404, { message: 'No such event' });
        current.to = new Date().toISOString();
        return this.send(res, 204);
      }
      if (r.method === 'PUT') {
        if (!this.events.some((e) => e.id === id)) return this.send(res, 404, { message: 'No such event' });
        const now = new Date().toISOString();
        if (current) current.to = now;
        const { tstamp = null, sequence = null, point = null, remarks = '', labels = [], meta = {}, ...other } = r.body as Partial<StoredEvent> & Record<string, unknown>;
        this.events.push({ id, uid: this.nextUid++, tstamp, sequence, point, remarks, labels, meta, other, from: now, to: null });
        return this.send(res, 204);
      }
    }
    this.send(res, 404, { message: `Cannot ${r.method} ${r.path}` });
  }
}
