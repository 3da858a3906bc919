/**
 * A small Imago stand-in for the tests of servers that answer differently from our emulator: a
 * documented server by default (state in memory), with any route replaced per test by `on()`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | null;
  body: string;
}

export interface StoredInterval {
  id: string;
  collectionName: string;
  imageryTypeName: string;
  name: null;
  startDepth: number;
  endDepth: number;
  images: { id: string; imageTypeName: string }[];
  attributeDefinitions: { name: string; attributes: Record<string, unknown> }[];
}

/** Answers the request and returns true, or returns false to let the default route answer. */
export type Route = (request: { req: IncomingMessage; res: ServerResponse; body: string; query: URLSearchParams; token: string }) => unknown;

export interface OddImago {
  url: string;
  log: LoggedRequest[];
  collections: { id: string; name: string; datasetId: string }[];
  imagery: StoredInterval[];
  images: { id: string; imageryId: string; imageTypeName: string; size: number }[];
  tokens: Set<string>;
  /** A sign-in ends every earlier session (one session per account). */
  singleSession: boolean;
  signIns: number;
  on(route: string, handler: Route): void;
  count(route: string): number;
  close(): Promise<void>;
}

export const DATASET_ID = '71b93d30-0000-4000-8000-000000000011';

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = value === undefined ? '' : JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

export async function startOddImago(): Promise<OddImago> {
  const routes = new Map<string, Route>();
  const imago: OddImago = {
    url: '',
    close: async () => undefined,
    log: [],
    collections: [],
    imagery: [],
    images: [],
    tokens: new Set(),
    singleSession: false,
    signIns: 0,
    on: (route, handler) => void routes.set(route, handler),
    count: (route) => imago.log.filter((r) => `${r.method} ${r.path}` === route).length,
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('latin1');
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/integrate\/2/, '');
    const query = url.searchParams;
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const route = `${req.method} ${path}`;
    imago.log.push({ method: req.method ?? '', path, query, auth: req.headers.authorization ?? null, body });
    const custom = routes.get(route);
    if (custom && (await custom({ req, res, body, query, token })) !== false) return;
    if (route === 'POST /session') {
      imago.signIns++;
      if (imago.singleSession) imago.tokens.clear();
      const apiToken = randomUUID();
      imago.tokens.add(apiToken);
      return sendJson(res, 200, { uid: '23c6727c-0000-4000-8000-000000000001', apiToken });
    }
    if (!imago.tokens.has(token)) return sendJson(res, 401, { message: 'Unauthorized' });
    if (route === 'GET /session') return sendJson(res, 200, { uid: '23c6727c-0000-4000-8000-000000000001' });
    if (route === 'GET /collection') {
      const named = imago.collections.filter((c) => !query.get('name') || c.name === query.get('name'));
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? 50);
      return sendJson(res, 200, { collections: named.slice(offset, offset + limit), meta: { limit, offset } });
    }
    if (route === 'POST /collection') {
      const { name } = JSON.parse(body) as { name: string };
      let found = imago.collections.find((c) => c.name === name);
      if (!found) imago.collections.push((found = { id: randomUUID(), name, datasetId: DATASET_ID }));
      return sendJson(res, 200, found);
    }
    if (route === 'GET /imagery') {
      const found = imago.imagery.filter((i) => (!query.get('collectionName') || i.collectionName === query.get('collectionName')) && (!query.get('startDepth') || i.startDepth === Number(query.get('startDepth'))));
      return sendJson(res, 200, { imageries: found });
    }
    if (route === 'POST /imagery') {
      const sent = JSON.parse(body) as unknown;
      const items = (Array.isArray(sent) ? sent : (sent as { imageries: unknown[] }).imageries) as Partial<StoredInterval>[];
      return sendJson(res, 200, { imageries: items.map((item) => upsertInterval(imago, item)) });
    }
    if (route === 'POST /image') {
      const interval = imago.imagery.find((i) => i.collectionName === query.get('collectionName') && i.startDepth === Number(query.get('startDepth')) && i.endDepth === Number(query.get('endDepth')));
      if (!interval) return sendJson(res, 404, { errors: [{ name: 'imagery', message: 'NO_IMAGERY_FOUND' }] });
      const image = { id: randomUUID(), imageryId: interval.id, imageTypeName: query.get('imageTypeName') ?? '', size: body.length };
      imago.images.push(image);
      return sendJson(res, 200, { imageId: image.id, imageryId: interval.id });
    }
    if (route === 'GET /image-metadata') {
      const found = imago.images.filter((i) => (!query.get('imageryId') || i.imageryId === query.get('imageryId')) && (!query.get('imageTypeName') || i.imageTypeName === query.get('imageTypeName')));
      return sendJson(res, 200, { images: found.map((i) => ({ id: i.id, imageryId: i.imageryId, imageTypeName: i.imageTypeName, mimeType: 'image/jpeg', size: i.size })), meta: { limit: 1000, offset: 0 } });
    }
    sendJson(res, 404, { message: `no route ${route}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  imago.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/integrate/2`;
  imago.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return imago;
}

/** `POST /imagery`'s upsert: keyed by collection and depths; a written attribute group replaces the stored one. */
export function upsertInterval(imago: Pick<OddImago, 'imagery'>, item: Partial<StoredInterval>): StoredInterval {
  let found = imago.imagery.find((i) => i.collectionName === item.collectionName && i.startDepth === item.startDepth && i.endDepth === item.endDepth);
  if (!found) {
    found = { id: randomUUID(), collectionName: item.collectionName!, imageryTypeName: item.imageryTypeName!, name: null, startDepth: item.startDepth!, endDepth: item.endDepth!, images: [], attributeDefinitions: [] };
    imago.imagery.push(found);
  }
  for (const group of item.attributeDefinitions ?? []) found.attributeDefinitions = [...found.attributeDefinitions.filter((g) => g.name !== group.name), group];
  return found;
}
