/**
 * What this process remembers of Imago (holes it made sure of, intervals it wrote) can go stale
 * while the station works: a hole renamed or removed in Imago, an interval removed, an image type
 * removed from the imagery type. Each must be re-checked, not trusted until the app restarts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';
import { clientFor, LIVE_WORKSPACE, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
let store: PhotoStore;
let photo: { sha256: string; bytes: number };
const HOLE = 'FF-DD-0970';
const target = (from: number, to: number): IntervalTarget => ({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: HOLE, imageryTypeName: 'Core Trays', from, to });
let seq = 0;
const job = (overrides: Partial<UploadJob> = {}): UploadJob => ({ jobId: `stale-${++seq}`, sha256: photo.sha256, target: target(0, 2), imageTypeName: 'Wet', attributes: {}, resend: false, ...overrides });

beforeAll(async () => {
  store = await PhotoStore.open(join(suite.temp, 'photos'));
  const source = join(suite.temp, 'tray.jpg');
  writeFileSync(source, await sharp({ create: { width: 400, height: 180, channels: 3, background: '#5f4b3a' } }).jpeg().toBuffer());
  photo = await store.putFile(source, 'image/jpeg');
});

describe('a hole renamed in Imago while the station works', () => {
  it('does not keep failing on the remembered hole: the next photo finds the hole missing and makes it again', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    await executor.upload(job({ target: target(0, 2) }));
    // Someone renames the hole in Imago's portal.
    suite.emulator.world.collections.find((c) => c.name === HOLE)!.name = `${HOLE}-renamed`;
    const receipt = await executor.upload(job({ target: target(2, 4) }));
    expect(receipt.alreadyThere).toBe(false);
    const holes = suite.emulator.world.collections.filter((c) => c.name === HOLE);
    expect(holes).toHaveLength(1);
    const imagery = suite.emulator.world.imageries.find((i) => i.id === receipt.imageryId)!;
    expect(imagery.collectionId).toBe(holes[0]!.id);
  });
});

describe('other things removed in Imago meanwhile', () => {
  it('an interval-only write after the hole was renamed makes the hole again instead of failing until restart', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    await executor.saveInterval(target(0, 2), { 'Core Tray Box Numbers': { StartBox: 1, EndBox: 1 } });
    suite.emulator.world.collections.find((c) => c.name === HOLE)!.name = `${HOLE}-old`;
    await executor.saveInterval(target(2, 4), { 'Core Tray Box Numbers': { StartBox: 2, EndBox: 2 } });
    const hole = suite.emulator.world.collections.find((c) => c.name === HOLE)!;
    expect(suite.emulator.world.imageries.filter((i) => i.collectionId === hole.id).map((i) => i.startDepth)).toEqual([2]);
  });

  it('a photo whose image type was removed from the imagery type stops with Imago’s reason, after one fresh try', async () => {
    const { client } = clientFor(suite.emulator);
    const executor = new PhotoUploadExecutor({ client: () => client, store: async () => store });
    await executor.upload(job({ target: target(0, 2), imageTypeName: 'Dry' }));
    const coreTrays = suite.emulator.world.imageryTypes.filter((t) => t.name === 'Core Trays');
    for (const type of coreTrays) type.imageTypes = type.imageTypes.filter((t) => t.name !== 'Dry');
    suite.emulator.server.log.clear();
    const error = await executor.upload(job({ target: target(2, 4), imageTypeName: 'Dry' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/Dry/);
    // At most one fresh try of the whole chain: no loop, no storm of uploads.
    expect(suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length).toBeLessThanOrEqual(2);
  });
});
