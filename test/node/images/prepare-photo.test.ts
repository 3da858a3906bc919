import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoStore } from '../../../electron/services/images/photo-store';
import { renderStoredPreview } from '../../../electron/services/images/photo-preview';
import { preparePhotoForUpload } from '../../../electron/services/images/prepare-photo';
import { cutJpegData, makeTempDir, paddedJpegHeader, redCorners, uncompressedTiff, uprightWithMarker, writeOrientedJpeg } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: PhotoStore;
let upright: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  store = await PhotoStore.open(join(dir, 'photos'));
  upright = await uprightWithMarker(300, 200);
});
afterAll(() => cleanup());

async function expectStoredAsIs(source: string, mimeType: string) {
  const prepared = await preparePhotoForUpload(source, store);
  expect(prepared).toMatchObject({ mimeType, converted: null });
  expect((await readFile(prepared.storedPath)).equals(await readFile(source))).toBe(true);
  return prepared;
}

describe('preparePhotoForUpload', () => {
  it('streams a photo too big to hold in memory into the store byte for byte, and keeps no damaged one', async () => {
    const own = await PhotoStore.open(join(dir, 'big-store'));
    const jpeg = await sharp(upright).jpeg({ quality: 90 }).toBuffer();
    // 70 MB of camera trailer after the end marker: a valid photo, too big to read into memory.
    const trailer = Buffer.alloc(70 * 1024 * 1024, 0x20);
    const big = Buffer.concat([jpeg, trailer]);
    const source = join(dir, 'big.jpg');
    await writeFile(source, big);
    const prepared = await preparePhotoForUpload(source, own);
    expect(prepared).toMatchObject({ mimeType: 'image/jpeg', converted: null, bytes: big.length });
    expect((await readFile(prepared.storedPath)).equals(big)).toBe(true);

    const damaged = join(dir, 'big-damaged.jpg');
    await writeFile(damaged, Buffer.concat([cutJpegData(jpeg, 0.7), trailer]));
    await expect(preparePhotoForUpload(damaged, own)).rejects.toMatchObject({
      kind: 'rejected',
      message: 'the JPEG is damaged: its image data is corrupt (premature end of data segment)',
    });
    const left = [];
    for await (const photo of own.list()) left.push(photo.sha256);
    expect(left).toEqual([prepared.sha256]);
  });

  it('leaves nothing in the store for a damaged photo, although it is copied while being decoded', async () => {
    const own = await PhotoStore.open(join(dir, 'damaged-store'));
    const whole = await sharp(upright).jpeg({ quality: 90 }).toBuffer();
    const source = join(dir, 'cut-off.jpg');
    await writeFile(source, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await expect(preparePhotoForUpload(source, own)).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/^the JPEG is damaged: the file ends before the image does/) });
    const left = [];
    for await (const photo of own.list()) left.push(photo);
    expect(left).toEqual([]);
  });

  it('checks a JPEG whose header is padded with 100 MB of comments in the decode worker, and stores it as is', async () => {
    const own = await PhotoStore.open(join(dir, 'padded-store'));
    const padded = paddedJpegHeader(await sharp(upright).jpeg().toBuffer(), 0xfe, 1600);
    const source = join(dir, 'padded.jpg');
    await writeFile(source, padded);
    const prepared = await preparePhotoForUpload(source, own);
    expect(prepared).toMatchObject({ mimeType: 'image/jpeg', converted: null, width: 300, height: 200, bytes: padded.length });
    expect(await redCorners(prepared.thumbnailJpeg)).toEqual(['top-left']);
    expect((await readFile(prepared.storedPath)).equals(padded)).toBe(true);
  });

  it('refuses a damaged file the decode worker converts, and stores nothing', async () => {
    const own = await PhotoStore.open(join(dir, 'worker-damaged-store'));
    const tiff = uncompressedTiff(300, 200);
    const source = join(dir, 'cut.tif');
    await writeFile(source, tiff.subarray(0, tiff.length - 5000));
    await expect(preparePhotoForUpload(source, own)).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/^the TIFF is damaged: /) });
    const left = [];
    for await (const photo of own.list()) left.push(photo);
    expect(left).toEqual([]);
    expect(await readdir(join(dir, 'worker-damaged-store', '.tmp'))).toEqual([]);
  });

  it.each([3, 6, 8] as const)('stores an EXIF orientation %i JPEG with upright pixels and no orientation tag', async (orientation) => {
    const source = await writeOrientedJpeg(join(dir, `tray-${orientation}.jpg`), upright, orientation);
    expect(await redCorners(source)).not.toEqual(['top-left']); // the fixture really is stored turned

    const prepared = await preparePhotoForUpload(source, store);
    expect(prepared).toMatchObject({ mimeType: 'image/jpeg', width: 300, height: 200 });
    expect(prepared.converted).toBe(`EXIF orientation ${orientation} applied to the pixels`);
    expect(prepared.storedPath.endsWith('.jpg')).toBe(true);
    const meta = await sharp(prepared.storedPath).metadata();
    expect([meta.width, meta.height, meta.isProgressive]).toEqual([300, 200, false]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(await redCorners(prepared.storedPath)).toEqual(['top-left']);
    expect(await redCorners(prepared.thumbnailJpeg)).toEqual(['top-left']);
  });

  it('applies EXIF orientation to a PNG too, keeping it PNG', async () => {
    const source = join(dir, 'turned.png');
    await sharp(await sharp(upright).rotate(270).png().toBuffer()).withMetadata({ orientation: 6 }).png().toFile(source);
    const prepared = await preparePhotoForUpload(source, store);
    expect(prepared).toMatchObject({ mimeType: 'image/png', width: 300, height: 200, converted: 'EXIF orientation 6 applied to the pixels' });
    expect((await sharp(prepared.storedPath).metadata()).orientation ?? 1).toBe(1);
    expect(await redCorners(prepared.storedPath)).toEqual(['top-left']);
  });

  it('stores a plain JPEG, a PNG and a 16-bit PNG byte for byte', async () => {
    const jpeg = join(dir, 'plain.jpg');
    await sharp(upright).jpeg().toFile(jpeg);
    await expectStoredAsIs(jpeg, 'image/jpeg');
    const png = join(dir, 'plain.png');
    await writeFile(png, upright);
    const prepared = await expectStoredAsIs(png, 'image/png');
    expect(prepared.storedPath.endsWith('.png')).toBe(true);
    const deep = join(dir, 'deep.png');
    await sharp(upright).toColourspace('rgb16').png().toFile(deep);
    await expectStoredAsIs(deep, 'image/png');
  });

  it('stores a small progressive JPEG as is (Imago takes progressive up to 500 MP)', async () => {
    const source = join(dir, 'progressive.jpg');
    await sharp(upright).jpeg({ progressive: true }).toFile(source);
    await expectStoredAsIs(source, 'image/jpeg');
  });

  it.each([
    ['TIFF', 'tray.tif', (image: Sharp) => image.tiff(), 'image/jpeg', 'TIFF converted to JPEG'],
    ['WebP', 'tray.webp', (image: Sharp) => image.webp({ quality: 90 }), 'image/jpeg', 'WebP converted to JPEG'],
    ['AVIF', 'tray.avif', (image: Sharp) => image.avif({ quality: 70 }), 'image/jpeg', 'AVIF converted to JPEG'],
    ['WebP with alpha', 'alpha.webp', (image: Sharp) => image.ensureAlpha(0.8).webp({ lossless: true }), 'image/png', 'WebP converted to PNG'],
    ['GIF', 'tray.gif', (image: Sharp) => image.gif(), 'image/png', 'GIF converted to PNG'],
  ])('converts %s', async (_name, fileName, encode, mimeType, converted) => {
    const source = join(dir, fileName);
    await encode(sharp(upright)).toFile(source);
    const prepared = await preparePhotoForUpload(source, store);
    expect(prepared).toMatchObject({ mimeType, converted, width: 300, height: 200 });
    const meta = await sharp(prepared.storedPath).metadata();
    expect(meta.format).toBe(mimeType === 'image/png' ? 'png' : 'jpeg');
    expect(meta.isProgressive).toBe(false);
    expect(await redCorners(prepared.storedPath)).toEqual(['top-left']);
  });

  it('makes a small upright JPEG thumbnail with a 320 px long side', async () => {
    const source = await writeOrientedJpeg(join(dir, 'big-6.jpg'), await uprightWithMarker(1500, 1000), 6);
    const { thumbnailJpeg } = await preparePhotoForUpload(source, store);
    const meta = await sharp(thumbnailJpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 213]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(thumbnailJpeg.length).toBeLessThan(30_000);
    expect(await redCorners(thumbnailJpeg)).toEqual(['top-left']);
  });

  it('renders the viewer’s preview of a stored photo, upright and no wider than asked', async () => {
    const source = await writeOrientedJpeg(join(dir, 'preview-6.jpg'), await uprightWithMarker(1500, 1000), 6);
    const { storedPath } = await preparePhotoForUpload(source, store);
    const preview = await renderStoredPreview(storedPath, 600);
    const meta = await sharp(preview).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 600, 400]);
    expect(await redCorners(preview)).toEqual(['top-left']);
  });
});
