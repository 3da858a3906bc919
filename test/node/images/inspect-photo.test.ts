import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import { makeTempDir, uprightWithMarker, writeOrientedJpeg, writePngHeaderOnly } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function rejection(filePath: string): Promise<CorelogError> {
  const error = await inspectPhoto(filePath).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CorelogError);
  expect((error as CorelogError).kind).toBe('rejected');
  expect((error as CorelogError).retryable).toBe(false);
  return error as CorelogError;
}

describe('inspectPhoto', () => {
  it('reports an EXIF-rotated JPEG upright and as needing conversion', async () => {
    const path = await writeOrientedJpeg(join(dir, 'tray-6.jpg'), await uprightWithMarker(300, 200), 6);
    expect(await inspectPhoto(path)).toMatchObject({
      format: 'jpeg',
      width: 300,
      height: 200,
      orientation: 6,
      isProgressive: false,
      uploadMimeType: 'image/jpeg',
      needsConversion: true,
      conversion: 'EXIF orientation 6 applied to the pixels',
    });
  });

  it('judges the content, not the name: a PNG called .jpg is a PNG', async () => {
    const path = join(dir, 'really-a-png.jpg');
    await writeFile(path, await uprightWithMarker(40, 30));
    const inspection = await inspectPhoto(path);
    expect(inspection).toMatchObject({ format: 'png', uploadMimeType: 'image/png', needsConversion: false, conversion: null });
    expect(inspection.bytes).toBe((await readFile(path)).length);
  });

  it('flags a progressive JPEG without asking to convert a small one', async () => {
    const path = join(dir, 'progressive.jpg');
    await sharp(await uprightWithMarker(400, 300)).jpeg({ progressive: true }).toFile(path);
    expect(await inspectPhoto(path)).toMatchObject({ isProgressive: true, needsConversion: false });
  });

  it('refuses an empty file', async () => {
    const path = join(dir, 'empty.jpg');
    await writeFile(path, Buffer.alloc(0));
    expect((await rejection(path)).message).toBe('the file is empty');
  });

  it('refuses a text file named .jpg', async () => {
    const path = join(dir, 'notes.jpg');
    await writeFile(path, 'Tray 7, 12.5–13.9 m, photographed wet\n');
    expect((await rejection(path)).message).toBe('not an image: the content is text, although the name ends in .jpg');
  });

  it('refuses unknown binary content', async () => {
    const path = join(dir, 'blob.bin');
    await writeFile(path, Buffer.from([0, 1, 2, 3, 250, 251, 252]));
    expect((await rejection(path)).message).toBe('not an image: the content is unknown');
  });

  it('refuses a truncated JPEG, which only a real decode notices', async () => {
    const whole = await sharp(await uprightWithMarker(800, 600)).jpeg({ quality: 90 }).toBuffer();
    const path = join(dir, 'truncated.jpg');
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect((await rejection(path)).message).toMatch(/^the JPEG image is damaged or incomplete \(.*premature end/i);
  });

  it('refuses a JPEG whose header is garbage', async () => {
    const path = join(dir, 'garbage.jpg');
    await writeFile(path, Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 0xab)]));
    expect((await rejection(path)).message).toMatch(/^the JPEG image is damaged or unreadable/);
  });

  it('refuses a PNG 70,000 px wide from its header, before decoding it', async () => {
    const path = join(dir, 'wide.png');
    await sharp({ create: { width: 70_000, height: 8, channels: 3, background: '#000000' } }).png().toFile(path);
    const started = performance.now();
    expect((await rejection(path)).message).toBe('the image is 70,000 × 8 px; Imago accepts at most 65,500 px on each side');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses a decompression bomb from its header', async () => {
    const path = await writePngHeaderOnly(join(dir, 'bomb.png'), 50_000, 50_000);
    const started = performance.now();
    expect((await rejection(path)).message).toBe('the image has 2,500 megapixels; Corelog handles at most 1,000 megapixels per photo');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('explains that HEIC cannot be decoded here when libvips refuses it', async () => {
    const path = join(dir, 'phone.heic');
    await writeFile(path, Buffer.concat([Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(256, 7)]));
    expect((await rejection(path)).message).toBe(
      'HEIC images cannot be read here (this computer has no HEVC decoder); export the photo as JPEG, PNG or TIFF',
    );
  });

  it('refuses a missing file with the reason', async () => {
    expect((await rejection(join(dir, 'gone.jpg'))).message).toBe('the file cannot be read (ENOENT)');
  });
});
