/**
 * Which interval an upload lands on. Imago's upload page names the imagery by name or start/end
 * depth; `imageryId` is documented for downloads only, and the emulator ignores it on uploads by
 * default. So the executor writes the interval first, uploads by that interval's depths, and
 * checks the reply's `imageryId` against the interval it wrote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor } from '../../../electron/services/photos/upload-executor';
import { clientFor, LIVE_WORKSPACE, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
let store: PhotoStore;
let photo: { sha256: string };

const target = (from: number, to: number): IntervalTarget => ({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', from, to });

beforeAll(async () => {
  store = await PhotoStore.open(join(suite.temp, 'photos'));
  const source = join(suite.temp, 'tray.jpg');
  writeFileSync(source, await sharp({ create: { width: 200, height: 80, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer());
  photo = await store.putFile(source, 'image/jpeg');
});

describe('binding an upload to its interval', () => {
  it('lands on the written interval among its neighbours, by depths alone', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    // 106.8–111.5 sits between two seeded intervals that share its end depths.
    const receipt = await executor.upload({ jobId: 'j1', sha256: photo.sha256, target: target(106.8, 111.5), imageTypeName: 'Dry', attributes: { Geotechnical: { 'RQD %': 64 } }, resend: false });
    const seeded = suite.emulator.world.imageries.find((i) => i.startDepth === 106.8 && i.endDepth === 111.5)!;
    expect(receipt.imageryId).toBe(seeded.id);
    expect(suite.emulator.image(receipt.imageId)!.record).toMatchObject({ imageryId: seeded.id, checksum: photo.sha256 });
    expect(seeded.attributes.Geotechnical).toEqual({ 'RQD %': 64 });
    const sent = suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');
    expect(sent.map((e) => [e.query.startDepth, e.query.endDepth, 'imageryId' in e.query])).toEqual([['106.8', '111.5', false]]);
  });

  it('an interval removed in Imago since it was written is written again, and the photo ends up on it with its attributes', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    const attributes = { 'Core Tray Box Numbers': { StartBox: 9, EndBox: 10 } };
    const first = await executor.upload({ jobId: 'j1', sha256: photo.sha256, target: target(130, 134.5), imageTypeName: 'Wet', attributes, resend: false });
    // Someone deletes the interval in the portal (the API has no delete; the emulator's world stands in).
    const world = suite.emulator.world;
    world.images = world.images.filter((i) => i.imageryId !== first.imageryId);
    world.imageries = world.imageries.filter((i) => i.id !== first.imageryId);
    // The executor still remembers the old interval: the upload by depths re-creates one, without attributes…
    const second = await executor.upload({ jobId: 'j2', sha256: photo.sha256, target: target(130, 134.5), imageTypeName: 'Dry', attributes, resend: false });
    expect(second.imageryId).not.toBe(first.imageryId);
    // …so the executor notices the other id, writes the interval again, and it is the one holding the photo.
    const now = world.imageries.filter((i) => i.startDepth === 130 && i.endDepth === 134.5);
    expect(now.map((i) => i.id)).toEqual([second.imageryId]);
    expect(now[0]!.attributes).toEqual(attributes);
    expect(suite.emulator.image(second.imageId)!.record.imageryId).toBe(second.imageryId);
    // A later upload to that interval goes straight to it.
    const third = await executor.upload({ jobId: 'j3', sha256: photo.sha256, target: target(130, 134.5), imageTypeName: 'Wet', attributes, resend: false });
    expect(third.imageryId).toBe(second.imageryId);
  });

  it('with a server that binds by id and a client set to send it, the id goes along with the depths', async () => {
    suite.emulator.setOptions({ uploadAcceptsImageryId: true });
    const { client } = clientFor(suite.emulator, { api: { uploadSendsImageryId: true } });
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    const receipt = await executor.upload({ jobId: 'j1', sha256: photo.sha256, target: target(140, 141), imageTypeName: 'Wet', attributes: {}, resend: false });
    const [sent] = suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');
    expect(sent!.query).toMatchObject({ imageryId: receipt.imageryId, startDepth: '140', endDepth: '141' });
  });
});
