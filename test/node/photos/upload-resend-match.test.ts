/**
 * A re-sent upload (an earlier attempt may have reached Imago) asks `/image-metadata` whether the
 * photo is there already. The filter names are guesses (reference §13): a server that ignores them
 * answers with other intervals' and image types' images, and none of those may pass for this
 * photo — it would be marked sent and never reach Imago.
 */
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

const target = (from: number, to: number): IntervalTarget => ({
  workspaceName: LIVE_WORKSPACE,
  datasetName: 'Diamond Drilling',
  collectionName: 'FF-DD-0950',
  imageryTypeName: 'Core Trays',
  from,
  to,
});
let seq = 0;
const job = (overrides: Partial<UploadJob>): UploadJob => ({ jobId: `resend-${++seq}`, sha256: photo.sha256, target: target(10, 12.5), imageTypeName: 'Wet', attributes: {}, resend: false, ...overrides });

const liveImages = () => suite.emulator.world.images.filter((image) => !image.deleted);
const uploads = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');

beforeAll(async () => {
  store = await PhotoStore.open(join(suite.temp, 'photos'));
  const source = join(suite.temp, 'tray.jpg');
  writeFileSync(source, await sharp({ create: { width: 480, height: 200, channels: 3, background: '#705c48' } }).jpeg().toBuffer());
  photo = await store.putFile(source, 'image/jpeg');
});

describe('re-sent uploads on a server that ignores the /image-metadata filters', () => {
  for (const filters of ['none', 'names-only'] as const) {
    it(`sends the photo when the same bytes are only on another interval (filters: ${filters})`, async () => {
      await admin(suite.emulator, 'PATCH', '/imago/options', { imageMetadataFilters: filters });
      const { client } = clientFor(suite.emulator);
      const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
      const first = await executor.upload(job({ target: target(10, 12.5) }));
      // The same photo for the next interval, re-sent after a crash: it was never on that interval.
      const second = await executor.upload(job({ target: target(12.5, 15), resend: true }));
      expect(second.alreadyThere).toBe(false);
      expect(second.imageryId).not.toBe(first.imageryId);
      expect(uploads()).toHaveLength(2);
      expect(liveImages().filter((image) => image.imageryId === second.imageryId)).toHaveLength(1);
    });
  }

  it('sends the Wet photo when the same bytes are the interval’s Dry photo', async () => {
    await admin(suite.emulator, 'PATCH', '/imago/options', { imageMetadataFilters: 'none' });
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    const dry = await executor.upload(job({ imageTypeName: 'Dry' }));
    const wet = await executor.upload(job({ imageTypeName: 'Wet', resend: true }));
    expect(wet.alreadyThere).toBe(false);
    expect(wet.imageId).not.toBe(dry.imageId);
    const types = liveImages().filter((image) => image.imageryId === dry.imageryId).map((image) => image.imageTypeId);
    expect(new Set(types).size).toBe(2);
  });

  it('still answers with the photo Imago already holds there (the lost reply), filters ignored', async () => {
    await admin(suite.emulator, 'PATCH', '/imago/options', { imageMetadataFilters: 'none', checksumStyle: 'absent' });
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    const sent = await executor.upload(job({}));
    const again = await executor.upload(job({ resend: true }));
    expect(again).toMatchObject({ alreadyThere: true, imageId: sent.imageId });
    expect(uploads()).toHaveLength(1);
  });
});
