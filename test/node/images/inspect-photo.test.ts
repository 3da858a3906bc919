import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { configureDecodeWorker, decodeWorkerStats } from '../../../electron/services/images/decode-worker-client';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import {
  beforeJpegEnd,
  beforePngEnd,
  corruptJpegData,
  cutJpegData,
  flipPngByte,
  grainyJpeg,
  jpegHeaderOnly,
  jpegWithRepeatedScans,
  makeTempDir,
  noiseBytes,
  paddedJpegHeader,
  pngChunk,
  pngChunks,
  uncompressedTiff,
  uprightWithMarker,
  withRestartMarkers,
  writeOrientedJpeg,
  writePngHeaderOnly,
} from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
/**
 * A grainy 1200 × 800 baseline JPEG and its progressive twin, the same bytes on every run: big enough
 * to have rows worth damaging, and damaged in the same places each time.
 */
let baseline: Buffer;
let progressive: Buffer;
let png: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  baseline = await grainyJpeg(1200, 800);
  progressive = await grainyJpeg(1200, 800, { progressive: true });
  png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 20 } } })
    .png({ compressionLevel: 1 })
    .toBuffer();
});
afterAll(() => cleanup());

async function file(name: string, content: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

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
    const path = await file('really-a-png.jpg', await uprightWithMarker(40, 30));
    const inspection = await inspectPhoto(path);
    expect(inspection).toMatchObject({ format: 'png', uploadMimeType: 'image/png', needsConversion: false, conversion: null });
    expect(inspection.bytes).toBe((await readFile(path)).length);
  });

  it('flags a progressive JPEG without asking to convert a small one', async () => {
    const path = join(dir, 'progressive.jpg');
    await sharp(await uprightWithMarker(400, 300)).jpeg({ progressive: true }).toFile(path);
    expect(await inspectPhoto(path)).toMatchObject({ isProgressive: true, needsConversion: false });
  });

  it('accepts the intact grainy photos the damaged ones below are made from', async () => {
    expect(await inspectPhoto(await file('intact.jpg', baseline))).toMatchObject({ width: 1200, height: 800 });
    expect(await inspectPhoto(await file('intact-progressive.jpg', progressive))).toMatchObject({ isProgressive: true });
    expect(await inspectPhoto(await file('intact.png', png))).toMatchObject({ format: 'png' });
  });

  it('refuses an empty file', async () => {
    expect((await rejection(await file('empty.jpg', Buffer.alloc(0)))).message).toBe('the file is empty');
  });

  it('refuses a text file named .jpg', async () => {
    const path = await file('notes.jpg', 'Tray 7, 12.5–13.9 m, photographed wet\n');
    expect((await rejection(path)).message).toBe('not an image: the content is text, although the name ends in .jpg');
  });

  it('refuses unknown binary content', async () => {
    expect((await rejection(await file('blob.bin', Buffer.from([0, 1, 2, 3, 250, 251, 252]))))).toHaveProperty('message', 'not an image: the content is unknown');
  });

  it('refuses a JPEG whose header is garbage', async () => {
    const path = await file('garbage.jpg', Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 0xab)]));
    expect((await rejection(path)).message).toMatch(/^the JPEG is damaged: /);
  });

  it('refuses a missing file with the reason', async () => {
    expect((await rejection(join(dir, 'gone.jpg'))).message).toBe('the file is gone (moved or deleted)');
  });

  it('explains that HEIC cannot be decoded here when libvips refuses it', async () => {
    const path = await file('phone.heic', Buffer.concat([Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(256, 7)]));
    expect((await rejection(path)).message).toBe(
      'HEIC images cannot be read here (this computer has no HEVC decoder); export the photo as JPEG, PNG or TIFF',
    );
  });
});

describe('inspectPhoto: a photo that does not decode cleanly is refused as damaged', () => {
  it('refuses a baseline JPEG whose coded data is corrupt in the middle', async () => {
    const path = await file('corrupt-middle.jpg', corruptJpegData(baseline, 0.5, 2000));
    expect((await rejection(path)).message).toMatch(/^the JPEG is damaged: its image data is corrupt \(.+\)$/);
  });

  it('refuses one corrupt in its bottom rows, which a thumbnail decode alone lets through', async () => {
    // Corrupt data that makes libjpeg finish early leaves bytes before the end marker; libvips never
    // reads that far, so only Corelog's own walk of the coded data sees it.
    // (A corruption of the last few dozen bytes can decode as valid symbols that end where the data
    // ends: no decoder can tell that from a picture. 200 bytes in the last rows is found every time.)
    for (const [name, content] of [
      ['corrupt-bottom.jpg', corruptJpegData(baseline, 0.98, 300, 7)],
      ['corrupt-last-rows.jpg', corruptJpegData(baseline, 0.995, 200, 3)],
    ] as const) {
      expect((await rejection(await file(name, content))).message).toMatch(/^the JPEG is damaged: its image data is corrupt \(.+\)$/);
    }
  });

  it('names data that ends early: premature end of data segment', async () => {
    for (const fraction of [0.5, 0.995]) {
      const path = await file(`cut-${fraction}.jpg`, cutJpegData(baseline, fraction));
      expect((await rejection(path)).message).toBe('the JPEG is damaged: its image data is corrupt (premature end of data segment)');
    }
  });

  it('names bytes left over before the end marker', async () => {
    const path = await file('extraneous.jpg', beforeJpegEnd(baseline, noiseBytes(100, 5)));
    expect((await rejection(path)).message).toBe('the JPEG is damaged: its image data is corrupt (100 extraneous bytes before marker 0xd9)');
  });

  it('refuses a truncated JPEG: the file ends before the image does', async () => {
    for (const keep of [0.6, 0.999]) {
      const path = await file(`truncated-${keep}.jpg`, baseline.subarray(0, Math.floor(baseline.length * keep)));
      expect((await rejection(path)).message).toMatch(/^the JPEG is damaged: the file ends before the image does \(/);
    }
  });

  it('walks restart intervals (as many cameras write them): accepts them whole, refuses damage in any of them', async () => {
    for (const interval of [1, 10]) {
      const withRestarts = withRestartMarkers(baseline, interval);
      expect(await inspectPhoto(await file(`restarts-${interval}.jpg`, withRestarts))).toMatchObject({ width: 1200, height: 800 });
      for (const fraction of [0.5, 0.995]) {
        // At 0.995 the damage is in the last interval, which libjpeg never checks against the end.
        const path = await file(`restarts-${interval}-corrupt-${fraction}.jpg`, corruptJpegData(withRestarts, fraction, 200, 11));
        expect((await rejection(path)).message).toMatch(/^the JPEG is damaged: its image data is corrupt \(.+\)$/);
      }
      const extraneous = await file(`restarts-${interval}-extraneous.jpg`, beforeJpegEnd(withRestarts, noiseBytes(3, 2)));
      expect((await rejection(extraneous)).message).toBe('the JPEG is damaged: its image data is corrupt (3 extraneous bytes before marker 0xd9)');
    }
  });

  it('accepts bytes after the end marker (camera trailers, motion-photo video): the image itself is whole', async () => {
    const path = await file('trailer.jpg', Buffer.concat([baseline, Buffer.from('SEFT'), noiseBytes(5000, 9)]));
    expect(await inspectPhoto(path)).toMatchObject({ width: 1200, height: 800 });
  });

  it('accepts a JPEG whose only warning is harmless (odd SOS parameters), judged in the decode worker', async () => {
    const odd = Buffer.from(baseline);
    const sos = odd.indexOf(Buffer.from([0xff, 0xda]));
    odd[sos + 2 + odd.readUInt16BE(sos + 2) - 1] = 0x01; // Al = 1: "Invalid SOS parameters for sequential JPEG"
    const path = await file('odd-sos.jpg', odd);
    await expect(sharp(odd, { failOn: 'warning' }).resize(100).toBuffer()).rejects.toThrow(/Invalid SOS parameters/); // the strict decode's verdict
    const runs = decodeWorkerStats().runs;
    expect(await inspectPhoto(path)).toMatchObject({ format: 'jpeg', width: 1200, height: 800 });
    expect(decodeWorkerStats().runs).toBe(runs + 1);
  });

  it('refuses a progressive JPEG with corrupt or missing data, which libjpeg reads to its end itself', async () => {
    for (const fraction of [0.5, 0.97]) {
      const corrupt = await file(`progressive-corrupt-${fraction}.jpg`, corruptJpegData(progressive, fraction, 2000));
      expect((await rejection(corrupt)).message).toMatch(/^the JPEG is damaged: its image data is corrupt \(.+\)$/);
    }
    const cut = await file('progressive-cut.jpg', progressive.subarray(0, Math.floor(progressive.length * 0.7)));
    expect((await rejection(cut)).message).toMatch(/^the JPEG is damaged: the file ends before the image does/);
  });

  it('refuses a PNG whose image data fails its CRC, or is cut short', async () => {
    const idats = pngChunks(png).filter((chunk) => chunk.type === 'IDAT').length;
    for (const index of [0, idats - 1]) {
      const path = await file(`bad-crc-${index}.png`, flipPngByte(png, 'IDAT', index));
      expect((await rejection(path)).message).toBe('the PNG is damaged: its image data is corrupt (IDAT: CRC error)');
    }
    const cut = await file('cut.png', png.subarray(0, Math.floor(png.length * 0.6)));
    expect((await rejection(cut)).message).toBe('the PNG is damaged: the file ends before the image does (inside its IDAT chunk)');
  });

  it('refuses a PNG with a damaged text chunk (libpng only warns) or without its end', async () => {
    const text = pngChunk('tEXt', Buffer.from('Comment\0tray 7, wet', 'latin1'));
    const damagedText = Buffer.from(text);
    damagedText[text.length - 1]! ^= 0xff;
    const path = await file('bad-text.png', beforePngEnd(png, damagedText));
    expect((await rejection(path)).message).toBe('the PNG is damaged: its tEXt chunk is corrupt (tEXt: CRC error)');
    const noEnd = await file('no-iend.png', png.subarray(0, png.length - 12));
    expect((await rejection(noEnd)).message).toBe('the PNG is damaged: the file ends before its end marker (no IEND chunk)');
    expect(await inspectPhoto(await file('good-text.png', beforePngEnd(png, text)))).toMatchObject({ format: 'png' });
  });

  it('refuses a truncated TIFF (checked in the decode worker)', async () => {
    const tiff = uncompressedTiff(600, 400);
    expect(await inspectPhoto(await file('scan.tif', tiff))).toMatchObject({ format: 'tiff', uploadMimeType: 'image/jpeg' });
    const path = await file('scan-cut.tif', tiff.subarray(0, Math.floor(tiff.length * 0.6)));
    expect((await rejection(path)).message).toMatch(/^the TIFF is damaged: the file ends before the image does \(Read error at scanline \d+/);
  });
});

describe('inspectPhoto: limits are checked from the header, before any decode', () => {
  it('refuses a PNG 70,000 px wide', async () => {
    const path = join(dir, 'wide.png');
    await sharp({ create: { width: 70_000, height: 8, channels: 3, background: '#000000' } }).png().toFile(path);
    expect((await rejection(path)).message).toBe('the image is 70,000 × 8 px; Imago accepts at most 65,500 px on each side');
  });

  it('refuses a tiny file claiming 70,000 px, and a decompression bomb', async () => {
    // Their data is a few rows: any decode would fail with another message.
    expect((await rejection(await writePngHeaderOnly(join(dir, 'claims-wide.png'), 70_000, 100))).message).toBe(
      'the image is 70,000 × 100 px; Imago accepts at most 65,500 px on each side',
    );
    expect((await rejection(await writePngHeaderOnly(join(dir, 'bomb.png'), 50_000, 50_000))).message).toBe(
      'the image has 2,500 megapixels; Corelog handles at most 1,000 megapixels per photo',
    );
  });

  it('refuses a tiny file whose header claims a 600 MP progressive JPEG (Imago takes at most 500 MP)', async () => {
    const path = await file('claims-600mp.jpg', await jpegHeaderOnly(30_000, 20_000, true));
    expect((await rejection(path)).message).toBe(
      'the image is a progressive JPEG of 600 megapixels; Imago accepts progressive JPEGs of at most 500 megapixels (save it as a baseline JPEG)',
    );
  });

  it('refuses a file whose decode would not fit in the memory allowed for one photo', async () => {
    // 440 MP progressive: within Imago's limit, but its coefficient buffer alone is ~1.3 GB.
    const path = await file('claims-440mp.jpg', await jpegHeaderOnly(22_000, 20_000, true));
    const previous = configureDecodeWorker({ memoryCapBytes: 1024 ** 3 });
    try {
      expect((await rejection(path)).message).toBe(
        'the photo is too large to check on this computer: decoding it would need about 1.3 GB of memory, more than the 1.0 GB Corelog may use for one photo',
      );
    } finally {
      configureDecodeWorker(previous);
    }
  });

  it('refuses a header flooded with metadata without handing it to libvips', async () => {
    const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const path = await file('exif-flood.jpg', paddedJpegHeader(small, 0xe1, 300)); // 300 × 64 KB of APP1
    expect((await rejection(path)).message).toBe('the JPEG is damaged: its header holds more than 16 MB of metadata; a photo has at most a few MB');
  });

  it('refuses a progressive JPEG with thousands of scans before libjpeg reads them', async () => {
    const path = await file('scan-bomb.jpg', await jpegWithRepeatedScans(1000));
    expect((await rejection(path)).message).toBe('the JPEG is damaged: it has more than 300 scans; a photo has a few dozen at most');
  });
});
