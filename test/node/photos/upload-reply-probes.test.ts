/**
 * Upload replies a real Imago (or what stands between it and a core shed) could plausibly send
 * and the emulator does not: ids as numbers, `{data: {id}}`, a 200 web page (a captive portal or
 * proxy: NOT Imago's word), 202 accepted-for-processing with a Location, and 409 for an image type
 * the interval already has. Real HTTP to a local double.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { PhotoStore } from '../../../electron/services/images';
import { IMAGE_ID_NOT_KNOWN, PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';
import { sendJson, startOddImago, type OddImago } from '../imago/odd-imago-double';

let imago: OddImago;
let folder: string;
let store: PhotoStore;
let photo: { sha256: string; bytes: number };
type Res = Parameters<typeof sendJson>[0];

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'upload-probes-'));
  writeFileSync(join(folder, 'tray.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7), Buffer.from([0xff, 0xd9])]));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => imago.close());

const job = (overrides: Partial<UploadJob> = {}): UploadJob => ({
  jobId: 'probe-1',
  sha256: photo.sha256,
  target: { workspaceName: 'W', datasetName: 'D', collectionName: 'RC-9', imageryTypeName: 'Chips', from: 0, to: 2 },
  imageTypeName: 'Wet',
  attributes: {},
  base: null,
  resend: false,
  ...overrides,
});

async function executor(): Promise<PhotoUploadExecutor> {
  imago = await startOddImago();
  store = await PhotoStore.open(mkdtempSync(join(folder, 'photos-')));
  photo = await store.putFile(join(folder, 'tray.jpg'), 'image/jpeg');
  const client = new ImagoClient({ baseUrl: imago.url, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
  return new PhotoUploadExecutor({ client: () => client, store: async () => store });
}

/** Stores the upload as Imago would (the slot's image replaced) and answers with `reply`. */
function takeUpload(reply: (res: Res, ids: { imageId: string; imageryId: string }) => void, imageId = '7c3e0a52-0000-4000-8000-000000000001'): void {
  imago.on('POST /image', ({ res, query }) => {
    const interval = imago.imagery.find((i) => i.startDepth === Number(query.get('startDepth')))!;
    imago.images = imago.images.filter((i) => !(i.imageryId === interval.id && i.imageTypeName === 'Wet'));
    imago.images.push({ id: imageId, imageryId: interval.id, imageTypeName: 'Wet', size: photo.bytes });
    reply(res, { imageId, imageryId: interval.id });
  });
}

describe('upload replies the emulator does not send', () => {
  it('ids as numbers are read as ids', async () => {
    const uploads = await executor();
    takeUpload((res, ids) => sendJson(res, 200, { imageId: 9001, imageryId: ids.imageryId }), '9001');
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '9001', alreadyThere: false });
    expect(imago.count('POST /image')).toBe(1);
  });

  it.each([
    ['{data: {id}}', (id: string) => ({ data: { id } })],
    ['{data: [{id}]}', (id: string) => ({ data: [{ id }] })],
  ])('%s is read as the image id, also when it is not listed (yet)', async (_label, body) => {
    const uploads = await executor();
    takeUpload((res, ids) => sendJson(res, 200, body(ids.imageId)));
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '7c3e0a52-0000-4000-8000-000000000001' });
    expect(imago.count('POST /image')).toBe(1);
  });

  it('a 200 web page that did not come from Imago (captive portal) is not taken as an upload: tried again, then sent', async () => {
    const uploads = await executor();
    let portal = true;
    imago.on('POST /image', ({ res }) => {
      if (!portal) return false;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Sign in to the ship Wi-Fi</body></html>');
    });
    await expect(uploads.upload(job())).rejects.toMatchObject({ retryable: true });
    portal = false;
    const receipt = await uploads.upload(job({ jobId: 'probe-2', resend: true }));
    expect(receipt.imageId).toBe(imago.images[0]!.id);
    expect(imago.count('POST /image')).toBe(2);
  });

  it('202 accepted for processing, listed only later, names its image by the Location header', async () => {
    const uploads = await executor();
    takeUpload((res, ids) => res.writeHead(202, { location: `/integrate/2/image-metadata?imageId=${ids.imageId}` }).end());
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '7c3e0a52-0000-4000-8000-000000000001', alreadyThere: false });
    expect(imago.count('POST /image')).toBe(1);
  });

  it('202 without anything, not listed yet: uploaded, id not known yet, not sent again', async () => {
    const uploads = await executor();
    takeUpload((res) => res.writeHead(202).end());
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: IMAGE_ID_NOT_KNOWN });
    await expect(uploads.upload(job({ jobId: 'probe-2', resend: true }))).resolves.toMatchObject({ alreadyThere: true });
    expect(imago.count('POST /image')).toBe(1);
  });

  it('409 for the image type the interval has: these bytes there already is done', async () => {
    const uploads = await executor();
    imago.on('POST /image', ({ res, query }) => {
      const interval = imago.imagery.find((i) => i.startDepth === Number(query.get('startDepth')))!;
      imago.images.push({ id: '5a5a5a5a-0000-4000-8000-000000000009', imageryId: interval.id, imageTypeName: 'Wet', size: photo.bytes });
      sendJson(res, 409, { message: 'IMAGE_ALREADY_EXISTS' });
    });
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '5a5a5a5a-0000-4000-8000-000000000009', alreadyThere: true });
    expect(imago.count('POST /image')).toBe(1);
  });

  it('409 for the image type the interval has, holding another photo: stopped with a message that says what to do', async () => {
    const uploads = await executor();
    imago.on('POST /image', ({ res, query }) => {
      const interval = imago.imagery.find((i) => i.startDepth === Number(query.get('startDepth')))!;
      if (!imago.images.length) imago.images.push({ id: '5a5a5a5a-0000-4000-8000-000000000010', imageryId: interval.id, imageTypeName: 'Wet', size: 17 });
      sendJson(res, 409, { message: 'IMAGE_ALREADY_EXISTS' });
    });
    const error = await uploads.upload(job()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'conflict', retryable: false });
    expect((error as Error).message).toMatch(/already holds a Wet photo.*RC-9 0–2/);
    expect(imago.count('POST /image')).toBe(1);
  });

  it.each([
    ['{"errors": [...]}', { errors: [{ name: 'imagery', message: 'IMAGE_PROCESSING_FAILED' }] }],
    ['{"success": false}', { success: false, message: 'Storage quota exceeded' }],
    ['{"status": "error"}', { status: 'error', message: 'Storage quota exceeded' }],
  ])('a 200 carrying an error (%s) is not an upload: never counted as uploaded, and a later retry sends it', async (_label, body) => {
    const uploads = await executor();
    let failing = true;
    imago.on('POST /image', ({ res }) => (failing ? sendJson(res, 200, body) : false));
    const error = await uploads.upload(job()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected' });
    expect((error as Error).message).toMatch(/answered the upload with an error.*not taken/);
    failing = false;
    const receipt = await uploads.upload(job({ jobId: 'probe-2', resend: true }));
    expect(receipt).toMatchObject({ alreadyThere: false, imageId: imago.images[0]!.id });
    expect(imago.count('POST /image')).toBe(2);
  });

  it('a 200 saying NO_IMAGERY_FOUND (the interval was removed meanwhile) writes the interval again and sends once more', async () => {
    const uploads = await executor();
    let refusals = 1;
    imago.on('POST /image', ({ res }) => (refusals-- > 0 ? sendJson(res, 200, { errors: [{ name: 'imagery', message: 'NO_IMAGERY_FOUND' }] }) : false));
    await expect(uploads.upload(job())).resolves.toMatchObject({ alreadyThere: false });
    expect(imago.count('POST /image')).toBe(2);
  });

  it.each([
    ['a bare id string', (id: string) => id, '7c3e0a52-0000-4000-8000-000000000001'],
    ['a bare number', () => 9001, '9001'],
  ])('a 200 that is only the new image id (%s) is read as that id', async (_label, body, imageId) => {
    const uploads = await executor();
    takeUpload((res, ids) => sendJson(res, 200, body(ids.imageId)), imageId);
    // Not listed (yet): the id comes from the reply alone.
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId, alreadyThere: false });
  });

  it('a 200 "OK" is not taken for an id', async () => {
    const uploads = await executor();
    takeUpload((res) => sendJson(res, 200, 'OK'));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '7c3e0a52-0000-4000-8000-000000000001' });
  });

  it('a web page labelled JSON (a gateway) is not taken as an upload either', async () => {
    const uploads = await executor();
    imago.on('POST /image', ({ res }) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body><h1>Gateway</h1><p>Please log in</p></body></html>'));
    await expect(uploads.upload(job())).rejects.toMatchObject({ retryable: true });
  });

  it('a plain-text "OK" from Imago is an upload (looked up for its id)', async () => {
    const uploads = await executor();
    takeUpload((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId: '7c3e0a52-0000-4000-8000-000000000001' });
    expect(imago.count('POST /image')).toBe(1);
  });

  it.each([
    ['/integrate/2/image/7c3e0a52-0000-4000-8000-000000000001', '7c3e0a52-0000-4000-8000-000000000001'],
    ['https://storage.example/bucket/images/tray.jpg', IMAGE_ID_NOT_KNOWN],
    ['/integrate/2/jobs/77', IMAGE_ID_NOT_KNOWN],
  ])('202 with Location %s: the image id is read only from an address that names one', async (location, imageId) => {
    const uploads = await executor();
    takeUpload((res) => res.writeHead(202, { location }).end());
    imago.on('GET /image-metadata', ({ res }) => sendJson(res, 200, { images: [], meta: { limit: 1000, offset: 0 } }));
    await expect(uploads.upload(job())).resolves.toMatchObject({ imageId });
  });
});
