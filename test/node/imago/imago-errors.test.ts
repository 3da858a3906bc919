import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_WORKSPACE, admin, clientFor, LIVE_WORKSPACE, SEEDED_TARGET, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
let jpegPath: string;
beforeAll(async () => {
  jpegPath = join(suite.temp, 'tray.jpg');
  writeFileSync(jpegPath, await sharp({ create: { width: 300, height: 130, channels: 3, background: '#705a40' } }).jpeg().toBuffer());
});

const ARCHIVE_HOLE = { workspaceName: ARCHIVE_WORKSPACE, datasetName: '1998 Historic Core', collectionName: 'FF-DD-0013', imageryTypeName: 'Core Trays' };

/** A JPEG whose frame header claims other dimensions: sharp reads headers only, so the limits see these. */
async function jpegClaiming(width: number, height: number, progressive: boolean): Promise<string> {
  const bytes = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#777' } }).jpeg({ progressive }).toBuffer();
  const marker = bytes.indexOf(Buffer.from([0xff, progressive ? 0xc2 : 0xc0]));
  expect(marker).toBeGreaterThan(0);
  bytes.writeUInt16BE(height, marker + 5);
  bytes.writeUInt16BE(width, marker + 7);
  const path = join(suite.temp, `claims-${width}x${height}-${progressive ? 'progressive' : 'baseline'}.jpg`);
  writeFileSync(path, bytes);
  expect(await sharp(path, { limitInputPixels: false }).metadata()).toMatchObject({ width, height, isProgressive: progressive });
  return path;
}

describe('Imago errors reach the caller typed', () => {
  it('refuses every write to a readonly workspace as forbidden (403), while reads work', async () => {
    const { client } = clientFor(suite.emulator);
    const archive = (await client.context()).workspaces.find((w) => w.name === ARCHIVE_WORKSPACE)!;
    expect(archive.readonly).toBe(true);
    const writes = [
      () => client.createDataset({ workspaceId: archive.id, name: 'New archive set' }),
      () => client.createDataset({ workspaceId: archive.id, name: '1998 Historic Core' }),
      () => client.createCollection({ workspaceName: ARCHIVE_WORKSPACE, datasetName: '1998 Historic Core', name: 'HD-98-009' }),
      () => client.saveImagery([{ ...ARCHIVE_HOLE, startDepth: 15, endDepth: 30 }]),
      () => client.uploadImage({ ...ARCHIVE_HOLE, imageTypeName: 'Dry', startDepth: 0, endDepth: 15 }, jpegPath),
    ];
    for (const write of writes) {
      await expect(write()).rejects.toMatchObject({ kind: 'forbidden', status: 403, retryable: false, message: expect.stringContaining('read-only') });
    }
    expect(await client.listImagery({ ...ARCHIVE_HOLE })).toHaveLength(1);
    await client.downloadImage({ ...ARCHIVE_HOLE, imageTypeName: 'Dry', startDepth: 0 });

    suite.emulator.setOptions({ readonlyStatus: 422 });
    // A 422 whose reason says read-only is still a permission refusal (and is not sent again in the other body form).
    await expect(client.saveImagery([{ ...ARCHIVE_HOLE, startDepth: 15, endDepth: 30 }])).rejects.toMatchObject({ kind: 'forbidden', status: 422 });
  });

  it('passes the 422 pixel-limit reason through for a PNG wider than 65,500 px', async () => {
    const { client } = clientFor(suite.emulator);
    const path = join(suite.temp, 'line-scan.png');
    writeFileSync(path, await sharp({ create: { width: 70_000, height: 10, channels: 3, background: '#888' } }).png().toBuffer());
    const error = await client.uploadImage(SEEDED_TARGET, path).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected', status: 422, retryable: false });
    expect((error as Error).message).toMatch(/70000 × 10 pixels is over the limit of 65500 pixels per side/);
  });

  it('limits progressive JPEG to 500 megapixels but lets a baseline JPEG of that size through', async () => {
    const { client } = clientFor(suite.emulator);
    const progressive = await jpegClaiming(25_000, 20_001, true);
    await expect(client.uploadImage(SEEDED_TARGET, progressive)).rejects.toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('Progressive JPEG of 25000 × 20001') });
    const smallerProgressive = await jpegClaiming(20_000, 20_000, true);
    await expect(client.uploadImage(SEEDED_TARGET, smallerProgressive)).resolves.toMatchObject({ imageId: expect.any(String) });
    const baseline = await jpegClaiming(25_000, 20_001, false);
    await expect(client.uploadImage(SEEDED_TARGET, baseline)).resolves.toMatchObject({ imageId: expect.any(String) });
  });

  it('refuses image types other than PNG and JPEG (TIFF only when switched on)', async () => {
    const { client } = clientFor(suite.emulator);
    const webp = join(suite.temp, 'tray.webp');
    writeFileSync(webp, await sharp({ create: { width: 20, height: 10, channels: 3, background: '#888' } }).webp().toBuffer());
    await expect(client.uploadImage(SEEDED_TARGET, webp, { contentType: 'image/webp' })).rejects.toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('image/webp') });
    await expect(client.uploadImage(SEEDED_TARGET, jpegPath, { contentType: 'image/png' })).rejects.toMatchObject({ kind: 'rejected', message: expect.stringContaining('the file is image/jpeg') });
    const tiff = join(suite.temp, 'tray.tif');
    writeFileSync(tiff, await sharp({ create: { width: 20, height: 10, channels: 3, background: '#888' } }).tiff().toBuffer());
    await expect(client.uploadImage(SEEDED_TARGET, tiff)).rejects.toMatchObject({ kind: 'rejected', status: 422 });
    suite.emulator.setOptions({ acceptTiff: true });
    await expect(client.uploadImage(SEEDED_TARGET, tiff)).resolves.toMatchObject({ imageId: expect.any(String) });
    await expect(client.uploadImage(SEEDED_TARGET, join(suite.temp, 'notes.txt'))).rejects.toMatchObject({ kind: 'validation' });
  });

  it('answers ambiguity with 422 and a reason', async () => {
    const { client } = clientFor(suite.emulator);
    const twoDatasets = { collectionName: 'FF-DD-0013', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 0 };
    await expect(client.downloadImage(twoDatasets)).rejects.toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('several datasets') });
    await expect(client.downloadImage({ ...twoDatasets, workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling' })).resolves.toMatchObject({ contentType: 'image/jpeg' });
    const noDepth = { collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet' };
    await expect(client.downloadImage(noDepth)).rejects.toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('4 imagery intervals match') });
    await expect(client.uploadImage(noDepth, jpegPath)).rejects.toMatchObject({ kind: 'rejected', status: 422 });
  });

  it('answers 404 for imagery or images that are not there', async () => {
    const { client } = clientFor(suite.emulator);
    await expect(client.downloadImage({ ...SEEDED_TARGET, startDepth: 500, endDepth: 505 })).rejects.toMatchObject({ kind: 'not-found', status: 404, retryable: false });
    await expect(client.downloadImage({ ...SEEDED_TARGET, collectionName: 'FF-DD-9999' })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(client.downloadImage({ ...SEEDED_TARGET, startDepth: 0, endDepth: 4.6, collectionName: 'FF-DD-0013', imageTypeName: 'Dry' })).rejects.toMatchObject({ kind: 'not-found' });
    suite.emulator.setOptions({ uploadCreatesImagery: false });
    await expect(client.uploadImage({ ...SEEDED_TARGET, startDepth: 500, endDepth: 505 }, jpegPath)).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('turns a slow answer into a retryable timeout and reports Imago unreachable', async () => {
    const { client, outcomes } = clientFor(suite.emulator, { timeoutMs: 300 });
    await client.signIn('demo', 'demo');
    await admin(suite.emulator, 'PATCH', '/faults', { latencyMs: 1000 });
    const error = await client.context().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, system: 'imago' });
    expect(outcomes.at(-1)).toMatchObject({ reachable: false, error: { kind: 'timeout' } });
  });

  it('turns a reset connection into a retryable offline error', async () => {
    const { client, outcomes } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    await admin(suite.emulator, 'PATCH', '/faults', { failNext: 1, failureKinds: ['reset'] });
    await expect(client.listImagery({ collectionName: 'FF-DD-0012' })).rejects.toMatchObject({ kind: 'offline', retryable: true });
    expect(outcomes.at(-1)?.reachable).toBe(false);
    await expect(client.listImagery({ collectionName: 'FF-DD-0012' })).resolves.toHaveLength(4);
    expect(outcomes.at(-1)).toEqual({ reachable: true });
  });

  it('turns injected 500 and 503 into retryable server errors', async () => {
    const { client, outcomes } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    for (const status of ['500', '503'] as const) {
      await admin(suite.emulator, 'PATCH', '/faults', { failNext: 1, failureKinds: [status] });
      await expect(client.context()).rejects.toMatchObject({ kind: 'server', status: Number(status), retryable: true });
      expect(outcomes.at(-1)).toMatchObject({ reachable: true, error: { kind: 'server' } });
    }
  });

  it('quotes the server reason whichever error body shape Imago uses', async () => {
    const { client } = clientFor(suite.emulator);
    suite.emulator.setOptions({ errorBodyShape: 'error' });
    await expect(client.downloadImage({ ...SEEDED_TARGET, startDepth: 500 })).rejects.toMatchObject({ message: expect.stringContaining('No imagery found') });
  });
});

describe('replies Imago should never send', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    // A stand-in that signs in properly and then answers nonsense, as a captive portal or a broken proxy would.
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      req.resume();
      const reply = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type }).end(body);
      if (path === '/integrate/2/session' && req.method === 'POST') return reply(200, 'application/json', JSON.stringify({ uid: 'u-1', apiToken: 't-1' }));
      if (path === '/integrate/2/context') return reply(200, 'text/html', '<html><body>Hotel Wi-Fi login</body></html>');
      // An object that holds no list at all (a wrapped list, even empty, is read: imago-reply-shapes.test.ts).
      if (path === '/integrate/2/dataset') return reply(200, 'application/json', JSON.stringify({ message: 'Please sign in' }));
      if (path === '/integrate/2/collection') return reply(200, 'application/json', '{"collections": [');
      if (path === '/integrate/2/imagery') return reply(429, 'application/json', JSON.stringify({ message: 'Too many requests' }));
      if (path === '/integrate/2/image-metadata') return reply(200, 'application/json', JSON.stringify({ images: [{ id: 'x' }] }));
      return reply(502, 'text/html', '<html>Bad gateway</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/integrate/2`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports HTML, wrong shapes and broken JSON as malformed-response (a problem of the path: retried later), and leaves an odd list item out', async () => {
    const problems: string[] = [];
    const { client, outcomes } = clientFor({ server: { baseUrl } }, { onReplyProblem: (p) => problems.push(`${p.action}: ${p.detail}`) });
    // The wording for a web page where JSON belongs is the HTTP layer's (and tested there).
    await expect(client.context()).rejects.toMatchObject({ kind: 'malformed-response', retryable: true });
    await expect(client.listDatasets()).rejects.toMatchObject({ kind: 'malformed-response', retryable: true, message: expect.stringContaining('list datasets') });
    await expect(client.listCollections()).rejects.toMatchObject({ kind: 'malformed-response' });
    // One image without its imagery id is left out and reported; the list itself still arrives.
    expect(await client.listImageMetadata()).toEqual({ images: [] });
    expect(problems).toEqual([expect.stringMatching(/^list image metadata: left out image #1 x: .*at imageryId/)]);
    // A JSON reply of the wrong shape did come from Imago: it stays reachable.
    expect(outcomes.find((o) => o.error?.message.includes('list datasets'))).toMatchObject({ reachable: true, error: { kind: 'malformed-response' } });
  });

  it('treats 429 as rate-limited and a proxy 502 as a retryable server error', async () => {
    const { client } = clientFor({ server: { baseUrl } });
    await expect(client.listImagery({ collectionName: 'X' })).rejects.toMatchObject({ kind: 'rate-limited', status: 429, retryable: true, message: expect.stringContaining('Too many requests') });
    await expect(client.uploadImage(SEEDED_TARGET, jpegPath)).rejects.toMatchObject({ kind: 'server', status: 502, retryable: true });
  });

  it('reports a refused connection as offline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { client, outcomes } = clientFor({ server: { baseUrl: `http://127.0.0.1:${port}/integrate/2` } });
    await expect(client.signIn('demo', 'demo')).rejects.toMatchObject({ kind: 'offline', retryable: true });
    await expect(client.probe()).rejects.toMatchObject({ kind: 'offline' });
    expect(outcomes.map((o) => o.reachable)).toEqual([false, false]);
  });
});
