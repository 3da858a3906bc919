/**
 * The stored original is named by the SHA-256 taken at intake; bytes damaged on disk since (a
 * flipped bit, a file cut short, an edit in the store) must never reach Imago under that name.
 * Real photo store on disk, real sharp JPEG, real HTTP to the Imago emulator.
 */
import { existsSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';
import { clientFor, LIVE_WORKSPACE, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
let store: PhotoStore;
let source: string;
let photo: { sha256: string; bytes: number; path: string };
let seq = 0;

const target: IntervalTarget = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0950', imageryTypeName: 'Core Trays', from: 20, to: 22.5 };
const job = (overrides: Partial<UploadJob> = {}): UploadJob => ({ jobId: `stored-${++seq}`, sha256: photo.sha256, target, imageTypeName: 'Wet', attributes: {}, resend: false, ...overrides });
const executor = () => {
  const { client } = clientFor(suite.emulator);
  return new PhotoUploadExecutor({ client: () => client, store: async () => store });
};
const imageUploads = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');
const imagesHeld = () => suite.emulator.world.images.filter((i) => !i.deleted && i.checksum === photo.sha256);

/** Overwrites one byte in the middle of the stored file, as a bad sector would: same size, same name. */
function flipByteInStore(): void {
  const middle = Math.floor(photo.bytes / 2);
  const original = readFileSync(photo.path)[middle]!;
  const fd = openSync(photo.path, 'r+');
  writeSync(fd, Buffer.from([original ^ 0x10]), 0, 1, middle);
  closeSync(fd);
}

beforeEach(async () => {
  store = await PhotoStore.open(join(suite.temp, `photos-${++seq}`));
  source = join(suite.temp, `tray-${seq}.jpg`);
  writeFileSync(source, await sharp({ create: { width: 480, height: 200, channels: 3, background: '#7a6650' } }).jpeg({ quality: 80 }).toBuffer());
  photo = await store.putFile(source, 'image/jpeg');
});

describe('upload of a stored original damaged on disk', () => {
  it('is stopped before any byte reaches Imago, with a message that says to take it in again, and is not tried again', async () => {
    flipByteInStore();
    const uploader = executor();
    const error = await uploader.upload(job()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation', retryable: false });
    expect((error as Error).message).toMatch(/damaged on this computer/);
    expect((error as Error).message).toMatch(/Take the photo in again from the card/);
    expect(imageUploads()).toHaveLength(0);
    expect(imagesHeld()).toHaveLength(0);
    // The damaged bytes are kept aside, not under the photo's name.
    expect((await store.damagedCopies()).map((c) => c.sha256)).toEqual([photo.sha256]);
    expect(existsSync(photo.path)).toBe(false);
    expect(await store.find(photo.sha256)).toBeNull();
    // Asked again (a retry, a reloaded window): refused at once, still nothing sent.
    await expect(uploader.upload(job({ resend: true }))).rejects.toMatchObject({ retryable: false });
    expect(imageUploads()).toHaveLength(0);
  });

  it('a file cut short in the store is refused too; taken in again from the card, the same photo uploads', async () => {
    truncateSync(photo.path, photo.bytes - 100);
    const uploader = executor();
    await expect(uploader.upload(job())).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('damaged') });
    expect(imageUploads()).toHaveLength(0);

    // Taking it in again stores a sound copy under the same name (the damaged one no longer stands in its way).
    const again = await store.putFile(source, 'image/jpeg');
    expect(again.sha256).toBe(photo.sha256);
    expect(again.added).toBe(true);
    // The damaged copy is of no more use once a sound one is stored: deleted, not kept for ever.
    expect(await store.damagedCopies()).toEqual([]);
    const receipt = await uploader.upload(job());
    expect(receipt.alreadyThere).toBe(false);
    expect(imageUploads()).toHaveLength(1);
    expect(imagesHeld()).toHaveLength(1);
  });

  it('a sound stored copy uploads as before', async () => {
    const receipt = await executor().upload(job());
    expect(receipt.imageId).toBeTruthy();
    expect(imagesHeld()).toHaveLength(1);
  });
});
