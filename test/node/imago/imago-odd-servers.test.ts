/**
 * The client against servers that answer as a real Imago plausibly could and our emulator does
 * not: creates that answer "already exists" or anything but the documented object, writes that
 * acknowledge without echoing, lists that page their own way, a token refused while siblings are
 * in flight, read-only refusals under 401/422, a message where an image belongs, 413 and a sign-in
 * address that is not there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { DATASET_ID, sendJson, startOddImago, upsertInterval, type OddImago } from './odd-imago-double';

let imago: OddImago;
let folder: string;
const problems: string[] = [];

function client(): ImagoClient {
  return new ImagoClient({
    baseUrl: imago.url,
    timeoutMs: 5_000,
    credentials: async () => ({ username: 'svc', password: 'pw' }),
    onReplyProblem: (p) => problems.push(`${p.action}: ${p.detail}`),
  });
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'imago-odd-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => {
  await imago.close();
  problems.length = 0;
});
const start = async () => (imago = await startOddImago());

const HOLE = { workspaceName: 'W', datasetName: 'D', name: 'RC-1' };
const existing = { id: 'c0000000-0000-4000-8000-000000000001', name: 'RC-1', datasetId: DATASET_ID };

describe('creating what may already exist', () => {
  it.each([
    ['409 already exists', 409, { message: 'Collection RC-1 already exists' }],
    ['422 COLLECTION_ALREADY_EXISTS', 422, { errors: [{ name: 'name', message: 'COLLECTION_ALREADY_EXISTS' }] }],
    ['200 [collection]', 200, [existing]],
    ['200 {collection}', 200, { collection: existing }],
    ['204', 204, undefined],
    ['200 empty', 200, undefined],
  ])('createCollection answered %s gives the hole (looked up when the reply does not carry it)', async (_label, status, reply) => {
    await start();
    imago.collections.push(existing);
    imago.on('POST /collection', ({ res }) => sendJson(res, status, reply));
    await expect(client().createCollection(HOLE)).resolves.toMatchObject({ id: existing.id, name: 'RC-1' });
  });

  it('ensureCollection looks the hole up first and does not write to an existing one', async () => {
    await start();
    imago.collections.push(existing);
    await client().ensureCollection(HOLE);
    expect(imago.count('POST /collection')).toBe(0);
  });

  it('a refusal that is not "already exists" stays a refusal', async () => {
    await start();
    imago.on('POST /collection', ({ res }) => sendJson(res, 422, { message: 'NO_DATASET_FOUND' }));
    await expect(client().ensureCollection(HOLE)).rejects.toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('NO_DATASET_FOUND') });
  });

  it('createDataset answered with a list, or "already exists", gives the dataset', async () => {
    await start();
    const dataset = { id: DATASET_ID, name: 'D', workspaceId: 'a27b51bf-0000-4000-8000-000000000010' };
    imago.on('POST /dataset', ({ res }) => sendJson(res, 200, [dataset]));
    await expect(client().createDataset({ workspaceId: dataset.workspaceId, name: 'D' })).resolves.toMatchObject({ id: DATASET_ID });
    imago.on('POST /dataset', ({ res }) => sendJson(res, 409, { message: 'exists' }));
    imago.on('GET /dataset', ({ res }) => sendJson(res, 200, [dataset]));
    await expect(client().createDataset({ workspaceId: dataset.workspaceId, name: 'D' })).resolves.toMatchObject({ id: DATASET_ID });
  });
});

describe('POST /imagery acknowledged without the intervals', () => {
  it.each([
    ['200 empty', (res: Parameters<typeof sendJson>[0]) => res.writeHead(200).end()],
    ['204', (res: Parameters<typeof sendJson>[0]) => res.writeHead(204).end()],
    ['{}', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, {})],
    ['{"success":true}', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { success: true })],
    ['[]', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, [])],
    ['ids only', (res: Parameters<typeof sendJson>[0], id: string) => sendJson(res, 200, [id])],
    ['{imageryIds}', (res: Parameters<typeof sendJson>[0], id: string) => sendJson(res, 200, { imageryIds: [id] })],
  ])('answered %s: the write counts and the interval is read back by its depths', async (_label, reply) => {
    await start();
    imago.on('POST /imagery', ({ res, body }) => {
      const sent = JSON.parse(body) as { imageries: Parameters<typeof upsertInterval>[1][] };
      reply(res, upsertInterval(imago, sent.imageries[0]!).id);
    });
    const attributes = [{ name: 'Core Tray Box Numbers', attributes: { StartBox: 3 } }];
    const [saved] = await client().saveImagery([{ collectionName: 'RC-1', imageryTypeName: 'Chips', startDepth: 0, endDepth: 3.5, attributeDefinitions: attributes }]);
    expect(saved).toMatchObject({ id: imago.imagery[0]!.id, startDepth: 0, endDepth: 3.5, attributeDefinitions: attributes });
    expect(imago.count('POST /imagery')).toBe(1);
  });

  it('answered {created, updated} or one object: read from the reply', async () => {
    await start();
    imago.on('POST /imagery', ({ res, body }) => {
      const saved = upsertInterval(imago, (JSON.parse(body) as { imageries: Parameters<typeof upsertInterval>[1][] }).imageries[0]!);
      sendJson(res, 200, saved.startDepth === 0 ? { created: [], updated: [saved] } : saved);
    });
    const c = client();
    expect((await c.saveImagery([{ collectionName: 'RC-1', imageryTypeName: 'Chips', startDepth: 0, endDepth: 1 }]))[0]).toMatchObject({ startDepth: 0 });
    expect((await c.saveImagery([{ collectionName: 'RC-1', imageryTypeName: 'Chips', startDepth: 1, endDepth: 2 }]))[0]).toMatchObject({ startDepth: 1 });
    expect(imago.count('GET /imagery')).toBe(0);
  });
});

describe('paging the server’s own way', () => {
  const holes = Array.from({ length: 120 }, (_, i) => ({ id: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `RC-${i}`, datasetId: DATASET_ID }));
  it.each([
    ['ignores offset and limit', () => ({ collections: holes }), 120, true],
    ['caps the page at 25', (q: URLSearchParams) => ({ collections: holes.slice(+q.get('offset')!, +q.get('offset')! + 25), meta: { limit: 25, offset: +q.get('offset')! } }), 120, true],
    ['caps the page at 25, says nothing', (q: URLSearchParams) => ({ collections: holes.slice(+q.get('offset')!, +q.get('offset')! + 25) }), 120, true],
    ['pages by a next link', (q: URLSearchParams) => { const p = +(q.get('page') ?? 1); return { collections: holes.slice((p - 1) * 50, p * 50), meta: { total: 120, next: p * 50 < 120 ? `/collection?page=${p + 1}` : null } }; }, 120, true],
    ['ignores offset, honours limit', (q: URLSearchParams) => ({ collections: holes.slice(0, +q.get('limit')!) }), 50, false],
  ])('a server that %s: read without repeats, in few requests, incompleteness reported', async (_label, page, expected, complete) => {
    await start();
    imago.on('GET /collection', ({ res, query }) => sendJson(res, 200, page(query)));
    const read = await client().readAllCollections({ datasetName: 'D' });
    expect(read.items).toHaveLength(expected);
    expect(new Set(read.items.map((c) => c.id)).size).toBe(expected);
    expect(read.complete).toBe(complete);
    expect(imago.count('GET /collection')).toBeLessThanOrEqual(7);
    if (!complete) expect(problems.join('\n')).toMatch(/list collections: the list is incomplete/);
  });

  it('listImagery follows meta.total past a server page smaller than the documented 5,000', async () => {
    await start();
    const intervals = Array.from({ length: 300 }, (_, i) => ({ id: `b${i}`, startDepth: i, endDepth: i + 1 }));
    imago.on('GET /imagery', ({ res, query }) => {
      const offset = +(query.get('offset') ?? 0);
      sendJson(res, 200, { imageries: intervals.slice(offset, offset + 100), meta: { limit: 100, offset, total: 300 } });
    });
    expect(await client().listImagery({ collectionName: 'RC-1' })).toHaveLength(300);
  });
});

describe('sessions', () => {
  it('several requests refused at once share one new sign-in, even where a sign-in ends the other sessions', async () => {
    await start();
    imago.singleSession = true;
    let n = 0;
    imago.on('GET /collection', async ({ res, token }) => {
      await new Promise((resolve) => setTimeout(resolve, 30 * (n++ % 6)));
      if (!imago.tokens.has(token)) return sendJson(res, 401, { message: 'Unauthorized' });
      return false;
    });
    const c = client();
    await c.signIn('svc', 'pw');
    imago.tokens.clear();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => c.listCollections({})));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(imago.signIns).toBe(2);
  });

  it('a session check answered with the uid in upper case is the same user', async () => {
    await start();
    imago.on('GET /session', ({ res }) => sendJson(res, 200, { uid: '23C6727C-0000-4000-8000-000000000001' }));
    const c = client();
    await c.signIn('svc', 'pw');
    await expect(c.checkSession()).resolves.toMatchObject({ signedIn: true });
  });

  it('a 404 to sign-in says the address was not found', async () => {
    await start();
    imago.on('POST /session', ({ res }) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>'));
    const refused = await client().signIn('svc', 'pw').catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'not-found', status: 404, message: expect.stringMatching(/sign-in address was not found.*server address/) });
    expect((refused as Error).message).not.toMatch(/refused to sign in|internal error/);
  });
});

describe('a read-only workspace', () => {
  it.each([422, 401])('a write refused with %i for being read-only is sent once, reported with its own status and reason, and is no sign-in problem', async (status) => {
    await start();
    imago.on('POST /imagery', ({ res, body }) => {
      // The other body form gets a form complaint: it must never be what the user reads.
      if (Array.isArray(JSON.parse(body))) return sendJson(res, 400, { message: 'Request body must be an object' });
      sendJson(res, status, { message: 'Workspace "Firefly" is read only for this account' });
    });
    const c = client();
    await c.signIn('svc', 'pw');
    const refused = await c.saveImagery([{ collectionName: 'RC-1', imageryTypeName: 'Chips', startDepth: 0, endDepth: 1 }]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'forbidden', status, retryable: false, message: expect.stringContaining('read only') });
    expect(imago.count('POST /imagery')).toBe(1);
    expect(imago.signIns).toBe(1);
  });

  it('a bare 401 to a write that a fresh session also gets is reported as not allowed, not "sign in again"', async () => {
    await start();
    imago.on('POST /imagery', ({ res }) => sendJson(res, 401, {}));
    const refused = await client().saveImagery([{ collectionName: 'RC-1', imageryTypeName: 'Chips', startDepth: 0, endDepth: 1 }]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'forbidden', status: 401 });
    expect((refused as Error).message).not.toMatch(/Sign in to Imago again/);
  });
});

describe('images', () => {
  const target = { collectionName: 'RC-1', imageryTypeName: 'Chips', imageTypeName: 'Wet', imageryId: 'b1' };
  // SOI, an APP0 segment (length 0x0707) and filler, then EOI: whole as far as its structure goes.
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);

  it('a JSON message where the image belongs is an error with its reason, never image bytes', async () => {
    await start();
    imago.on('GET /image', ({ res }) => sendJson(res, 200, { errors: [{ name: 'image', message: 'NO_IMAGE_FOUND' }] }));
    const c = client();
    await expect(c.downloadImage(target)).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining('NO_IMAGE_FOUND') });
    await expect(c.downloadImageToFile(target, join(folder, 'a.jpg'))).rejects.toMatchObject({ kind: 'not-found' });
    imago.on('GET /image', ({ res }) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('{"message":"expired link"}'));
    await expect(c.downloadImage(target)).rejects.toMatchObject({ kind: 'malformed-response', message: expect.stringContaining('expired link') });
    await expect(c.downloadImageToFile(target, join(folder, 'b.jpg'))).rejects.toMatchObject({ kind: 'malformed-response' });
  });

  it('a {url} reply is followed without the token', async () => {
    await start();
    imago.on('GET /image', ({ res }) => sendJson(res, 200, { url: `${imago.url}/blob/img.jpg?sig=abc` }));
    imago.on('GET /blob/img.jpg', ({ req, res }) => res.writeHead(req.headers.authorization ? 403 : 200, { 'content-type': 'image/jpeg' }).end(jpeg));
    const c = client();
    expect((await c.downloadImage(target)).bytes.equals(jpeg)).toBe(true);
    const saved = await c.downloadImageToFile(target, join(folder, 'c.jpg'));
    expect(readFileSync(saved.path).equals(jpeg)).toBe(true);
  });

  it('a redirect to a signed storage address on another origin is followed once, without the token', async () => {
    await start();
    const storage = await startOddImago();
    try {
      let credentials: (string | undefined)[] = [];
      storage.on('GET /blob/img.jpg', ({ req, res }) => {
        credentials = [req.headers.authorization, req.headers['imago-api-token'] as string | undefined, req.headers.cookie];
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      });
      imago.on('GET /image', ({ res }) => res.writeHead(302, { location: `${storage.url}/blob/img.jpg?sig=abc` }).end());
      const c = client();
      expect((await c.downloadImage(target)).bytes.equals(jpeg)).toBe(true);
      expect(readFileSync((await c.downloadImageToFile(target, join(folder, 'd.jpg'))).path).equals(jpeg)).toBe(true);
      expect(credentials).toEqual([undefined, undefined, undefined]);
      expect(storage.count('GET /blob/img.jpg')).toBe(2);
    } finally {
      await storage.close();
    }
  });

  it('a 413 to an upload says the photo is too large for Imago, even with an HTML body', async () => {
    await start();
    const photo = join(folder, 'big.jpg');
    writeFileSync(photo, jpeg);
    imago.on('POST /image', ({ res }) => res.writeHead(413, { 'content-type': 'text/html' }).end('<html><h1>413 Request Entity Too Large</h1></html>'));
    await expect(client().uploadImage({ ...target, startDepth: 0, endDepth: 1 }, photo)).rejects.toMatchObject({ kind: 'rejected', status: 413, message: expect.stringContaining('too large for Imago') });
  });
});
