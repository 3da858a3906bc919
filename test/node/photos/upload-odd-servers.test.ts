/**
 * The photo upload path against servers that answer the writes around it differently from our
 * emulator: an existing hole answered "already exists", an interval write acknowledged without the
 * interval, ids in upper case, and an upload reply that names no ids (204, `{imageId}` only).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { PhotoStore } from '../../../electron/services/images';
import { IMAGE_ID_NOT_KNOWN, PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';
import { sendJson, startOddImago, upsertInterval, type OddImago } from '../imago/odd-imago-double';

let imago: OddImago;
let folder: string;
let store: PhotoStore;
let photo: { sha256: string; bytes: number };

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'upload-odd-'));
  store = await PhotoStore.open(join(folder, 'photos'));
  const source = join(folder, 'tray.jpg');
  writeFileSync(source, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 9), Buffer.from([0xff, 0xd9])]));
  photo = await store.putFile(source, 'image/jpeg');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => imago.close());

const job = (overrides: Partial<UploadJob> = {}): UploadJob => ({
  jobId: 'job-1',
  sha256: photo.sha256,
  target: { workspaceName: 'W', datasetName: 'D', collectionName: 'RC-1', imageryTypeName: 'Chips', from: 0, to: 3.5 },
  imageTypeName: 'Wet',
  attributes: { 'Core Tray Box Numbers': { StartBox: 1 } },
  base: null,
  resend: false,
  ...overrides,
});

async function executor(): Promise<PhotoUploadExecutor> {
  imago = await startOddImago();
  // Each case on a store of its own: what one upload recorded beside the store is not the next case's.
  store = await PhotoStore.open(mkdtempSync(join(folder, 'photos-')));
  await store.putFile(join(folder, 'tray.jpg'), 'image/jpeg');
  const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
  return new PhotoUploadExecutor({ client: () => client, store: async () => store });
}

describe('uploads to servers that answer the surrounding writes their own way', () => {
  it.each([
    ['409 already exists', 409, { message: 'Collection already exists' }],
    ['422 COLLECTION_ALREADY_EXISTS', 422, { errors: [{ name: 'name', message: 'COLLECTION_ALREADY_EXISTS' }] }],
    ['204', 204, undefined],
  ])('a hole whose create is answered %s still gets its photo', async (_label, status, reply) => {
    const uploads = await executor();
    // A server whose look-up does not find the hole (it ignores the name filter and has others first).
    imago.on('GET /collection', ({ res }) => sendJson(res, 200, { collections: [], meta: { limit: 50, offset: 0 } }));
    imago.on('POST /collection', ({ res }) => sendJson(res, status, reply));
    const receipt = await uploads.upload(job());
    expect(imago.count('POST /imagery')).toBe(1);
    expect(imago.count('POST /image')).toBe(1);
    expect(receipt).toMatchObject({ imageId: imago.images[0]!.id, imageryId: imago.imagery[0]!.id, alreadyThere: false });
  });

  it.each([
    ['200 empty', (res: Parameters<typeof sendJson>[0]) => res.writeHead(200).end()],
    ['{"success":true}', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { success: true })],
    ['a list of ids', (res: Parameters<typeof sendJson>[0], id: string) => sendJson(res, 200, [id])],
  ])('an interval write answered %s is written once and the photo goes', async (_label, reply) => {
    const uploads = await executor();
    imago.on('POST /imagery', ({ res, body }) => reply(res, upsertInterval(imago, (JSON.parse(body) as { imageries: Parameters<typeof upsertInterval>[1][] }).imageries[0]!).id));
    const receipt = await uploads.upload(job());
    expect(imago.count('POST /imagery')).toBe(1);
    expect(imago.count('POST /image')).toBe(1);
    expect(receipt).toMatchObject({ imageryId: imago.imagery[0]!.id, attributes: { 'Core Tray Box Numbers': { StartBox: 1 } } });
  });

  it('an upload answered with the ids in upper case is no conflict', async () => {
    const uploads = await executor();
    imago.on('POST /image', ({ res }) => {
      const interval = imago.imagery[0]!;
      imago.images.push({ id: 'e2f26f0d-0000-4000-8000-000000000001', imageryId: interval.id, imageTypeName: 'Wet', size: photo.bytes });
      sendJson(res, 200, { imageId: 'E2F26F0D-0000-4000-8000-000000000001', imageryId: interval.id.toUpperCase() });
    });
    await expect(uploads.upload(job())).resolves.toMatchObject({ alreadyThere: false });
    expect(imago.count('POST /imagery')).toBe(1);
  });

  it.each([
    ['204', (res: Parameters<typeof sendJson>[0]) => res.writeHead(204).end()],
    ['an empty 200', (res: Parameters<typeof sendJson>[0]) => res.writeHead(200).end()],
    ['{imageId} only', (res: Parameters<typeof sendJson>[0], imageId: string) => sendJson(res, 200, { imageId })],
  ])('an upload answered %s is confirmed by looking the image up, never sent twice', async (_label, reply) => {
    const uploads = await executor();
    imago.on('POST /image', ({ res, query }) => {
      const interval = imago.imagery.find((i) => i.startDepth === Number(query.get('startDepth')))!;
      const image = { id: '4dba5ebd-0000-4000-8000-000000000050', imageryId: interval.id, imageTypeName: 'Wet', size: photo.bytes };
      imago.images.push(image);
      reply(res, image.id);
    });
    const receipt = await uploads.upload(job());
    expect(receipt).toMatchObject({ imageId: '4dba5ebd-0000-4000-8000-000000000050', imageryId: imago.imagery[0]!.id, alreadyThere: false });
    expect(imago.count('POST /image')).toBe(1);
    expect(imago.count('GET /image-metadata')).toBe(1);
  });

  it.each([
    ['a listing that does not show it', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } })],
    ['a listing of other images only (filters ignored)', (res: Parameters<typeof sendJson>[0]) =>
      sendJson(res, 200, { images: [{ id: 'a0000000-0000-4000-8000-000000000001', imageryId: 'b0000000-0000-4000-8000-000000000001', imageTypeName: 'Wet', size: 1 }], meta: { limit: 1000, offset: 0 } })],
    ['a failing listing', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 500, { message: 'boom' })],
  ])('an upload answered 204 with %s counts as uploaded (id not known yet) and is never sent again, also after a restart', async (_label, listing) => {
    const uploads = await executor();
    imago.on('POST /image', ({ res }) => res.writeHead(204).end());
    imago.on('GET /image-metadata', ({ res }) => listing(res));
    const receipt = await uploads.upload(job());
    expect(receipt).toMatchObject({ imageId: IMAGE_ID_NOT_KNOWN, imageryId: imago.imagery[0]!.id, alreadyThere: false });
    expect(imago.count('POST /image')).toBe(1);
    // The receipt never reached the queue (the service was killed): a new process re-sends with `resend`.
    const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
    const restarted = new PhotoUploadExecutor({ client: () => client, store: async () => await PhotoStore.open(store.root) });
    for (let retry = 0; retry < 3; retry++) {
      await expect(restarted.upload(job({ jobId: `job-again-${retry}`, resend: true }))).resolves.toMatchObject({ imageId: IMAGE_ID_NOT_KNOWN, alreadyThere: true });
    }
    expect(imago.count('POST /image')).toBe(1);
    // The same photo on another interval is another upload.
    await restarted.upload(job({ jobId: 'job-other', target: { ...job().target, from: 3.5, to: 7 } }));
    expect(imago.count('POST /image')).toBe(2);
  });

  it('an id-less upload found later by a listing answers with its id and forgets the record', async () => {
    const uploads = await executor();
    let listed = false;
    imago.on('POST /image', ({ res, query }) => {
      const interval = imago.imagery.find((i) => i.startDepth === Number(query.get('startDepth')))!;
      imago.images.push({ id: '4dba5ebd-0000-4000-8000-000000000077', imageryId: interval.id, imageTypeName: 'Wet', size: photo.bytes });
      res.writeHead(204).end();
    });
    // Lagging: the first listing does not show the image yet, the next does.
    imago.on('GET /image-metadata', ({ res }) => {
      if (listed) return false;
      sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } });
    });
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: IMAGE_ID_NOT_KNOWN });
    listed = true;
    await expect(uploads.upload(job({ jobId: 'job-2', resend: true }))).resolves.toMatchObject({ imageId: '4dba5ebd-0000-4000-8000-000000000077', alreadyThere: true });
    expect(imago.count('POST /image')).toBe(1);
  });

  it('an id-less upload is not sent again after the service is killed (kill -9) before its receipt was handed on', async () => {
    await executor();
    imago.on('POST /image', ({ res }) => res.writeHead(204).end());
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'accepted-upload-child.ts'), store.root, imago.url, JSON.stringify(job())], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`the child ended first: ${err}`)));
    });
    expect(out).toMatch(/^accepted .*"imageId":""/);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(imago.count('POST /image')).toBe(1);
    // The restarted service is asked again (the queue marked the item maybe-sent).
    const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
    const restarted = new PhotoUploadExecutor({ client: () => client, store: () => PhotoStore.open(store.root) });
    await expect(restarted.upload(job({ jobId: 'after-kill', resend: true }))).resolves.toMatchObject({ imageId: IMAGE_ID_NOT_KNOWN, alreadyThere: true });
    expect(imago.count('POST /image')).toBe(1);
  }, 30_000);

  it('an id-less acceptance recorded by another process on the same data folder is seen by a running one', async () => {
    await executor();
    imago.on('POST /image', ({ res }) => res.writeHead(204).end());
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
    const app = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    const browserMode = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    // The app has read the (empty) record before the browser-mode process takes the photo.
    await app.upload(job({ jobId: 'other-slot', target: { ...job().target, from: 5, to: 6 } }));
    await browserMode.upload(job());
    await expect(app.upload(job({ jobId: 'again', resend: true }))).resolves.toMatchObject({ alreadyThere: true });
    expect(imago.count('POST /image')).toBe(2);
  });

  it('a photo queued again on purpose after an id-less acceptance is sent, and its own re-send after a lost reply is sent too', async () => {
    const uploads = await executor();
    let lost = false;
    imago.on('POST /image', ({ res }) => {
      if (lost) {
        lost = false;
        res.destroy();
        return;
      }
      res.writeHead(204).end();
    });
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await uploads.upload(job());
    // Removed in Imago's portal since; the user queues the photo again. Its first send is lost on the way.
    lost = true;
    await expect(uploads.upload(job({ jobId: 'queued-again' }))).rejects.toMatchObject({ retryable: true });
    // Its re-send must not be answered by the old acceptance: Imago may not have it.
    await expect(uploads.upload(job({ jobId: 'queued-again-2', resend: true }))).resolves.toMatchObject({ alreadyThere: false });
    expect(imago.count('POST /image')).toBe(3);
  });
});
