import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';
import { admin, clientFor, LIVE_WORKSPACE, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
let store: PhotoStore;
let photo: { sha256: string; bytes: number };

const target = (from: number, to: number, hole = 'FF-DD-0900'): IntervalTarget => ({
  workspaceName: LIVE_WORKSPACE,
  datasetName: 'Diamond Drilling',
  collectionName: hole,
  imageryTypeName: 'Core Trays',
  from,
  to,
});

let jobSeq = 0;
const job = (overrides: Partial<UploadJob> = {}): UploadJob => ({
  jobId: `job-${++jobSeq}`,
  sha256: photo.sha256,
  target: target(10, 12.5),
  imageTypeName: 'Wet',
  attributes: { 'Core Tray Box Numbers': { StartBox: 3, EndBox: 4 } },
  resend: false,
  ...overrides,
});

function executorFor(progress: number[] = []) {
  const { client } = clientFor(suite.emulator);
  return new PhotoUploadExecutor({ client: () => client, store: async () => store, onProgress: (_id, sent) => progress.push(sent) });
}

const imagesOf = (hole: string) =>
  suite.emulator.world.images.filter((image) => {
    const imagery = suite.emulator.world.imageries.find((i) => i.id === image.imageryId)!;
    return suite.emulator.world.collections.find((c) => c.id === imagery.collectionId)!.name === hole;
  });
const uploads = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');

beforeAll(async () => {
  store = await PhotoStore.open(join(suite.temp, 'photos'));
  const source = join(suite.temp, 'tray.jpg');
  writeFileSync(source, await sharp({ create: { width: 640, height: 280, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer());
  photo = await store.putFile(source, 'image/jpeg');
});

describe('PhotoUploadExecutor', () => {
  it('creates the hole and the interval with its attributes, then streams the photo', async () => {
    const progress: number[] = [];
    const receipt = await executorFor(progress).upload(job());
    expect(receipt.alreadyThere).toBe(false);
    const [image] = imagesOf('FF-DD-0900');
    expect(image).toMatchObject({ id: receipt.imageId, checksum: photo.sha256, size: photo.bytes, deleted: false });
    const imagery = suite.emulator.world.imageries.find((i) => i.id === receipt.imageryId)!;
    expect(imagery).toMatchObject({ startDepth: 10, endDepth: 12.5 });
    expect(JSON.stringify(imagery.attributes)).toContain('StartBox');
    expect(progress.at(-1)).toBe(photo.bytes);
  });

  it('never uploads twice when the response to an upload is lost', async () => {
    const executor = executorFor();
    await executor.saveInterval(target(10, 12.5), job().attributes);
    // The server stores the photo, then the connection is reset before the answer arrives.
    suite.emulator.server.faults = { ...suite.emulator.server.faults, dropResponseNext: 1, failurePathIncludes: '/image' };
    const first = job();
    const error = await executor.upload(first).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'offline', retryable: true });
    expect(imagesOf('FF-DD-0900')).toHaveLength(1);
    const receipt = await executor.upload({ ...first, resend: true });
    expect(receipt.alreadyThere).toBe(true);
    expect(receipt.imageId).toBe(imagesOf('FF-DD-0900')[0]!.id);
    expect(uploads()).toHaveLength(1);
    expect(imagesOf('FF-DD-0900')).toHaveLength(1);
  });

  it('sends again after a reset before the server stored anything', async () => {
    const executor = executorFor();
    await executor.saveInterval(target(10, 12.5), job().attributes);
    suite.emulator.server.faults = { ...suite.emulator.server.faults, failNext: 1, failureKinds: ['reset'], failurePathIncludes: '/image' };
    const first = job();
    await expect(executor.upload(first)).rejects.toMatchObject({ kind: 'offline' });
    const receipt = await executor.upload({ ...first, resend: true });
    expect(receipt.alreadyThere).toBe(false);
    expect(imagesOf('FF-DD-0900').filter((i) => !i.deleted)).toHaveLength(1);
  });

  it('joins a running upload of the same job instead of starting a second one', async () => {
    const executor = executorFor();
    suite.emulator.server.faults = { ...suite.emulator.server.faults, latencyMs: 150 };
    const same = job();
    const [a, b] = await Promise.all([executor.upload(same), executor.upload({ ...same, resend: true })]);
    expect(a).toEqual(b);
    expect(uploads()).toHaveLength(1);
  });

  it('pauses: a cancelled upload answers cancelled and stores nothing', async () => {
    const executor = executorFor();
    suite.emulator.server.faults = { ...suite.emulator.server.faults, latencyMs: 300 };
    const running = job();
    const result = executor.upload(running).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    expect(executor.cancel(running.jobId)).toBe(true);
    expect(await result).toMatchObject({ kind: 'cancelled' });
    expect(imagesOf('FF-DD-0900')).toHaveLength(0);
  });

  it('signs in again on 401 and finishes the upload', async () => {
    const executor = executorFor();
    await executor.upload(job({ target: target(1, 2) }));
    await admin(suite.emulator, 'DELETE', '/imago/sessions');
    const receipt = await executor.upload(job({ target: target(2, 3) }));
    expect(receipt.alreadyThere).toBe(false);
    expect(suite.emulator.server.log.list().filter((e) => e.path === '/session' && e.method === 'POST')).toHaveLength(2);
  });

  it('a 422 is permanent and quotes Imago’s reason', async () => {
    const executor = executorFor();
    const error = await executor.upload(job({ attributes: { 'Core Tray Box Numbers': { StartBox: 'three' } } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rejected', retryable: false, status: 422 });
    expect((error as Error).message).toMatch(/StartBox/);
  });

  it('a readonly workspace is refused as forbidden', async () => {
    const executor = executorFor();
    const error = await executor
      .upload(job({ target: { ...target(0, 1), workspaceName: 'Firefly Legacy Archive', datasetName: '1998 Historic Core' } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'forbidden', retryable: false });
  });

  it('a photo missing from the store is a permanent failure', async () => {
    const error = await executorFor().upload(job({ sha256: 'f'.repeat(64) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not-found', retryable: false });
  });
});
