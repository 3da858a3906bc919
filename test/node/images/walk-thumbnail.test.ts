/**
 * Big baseline JPEGs get their thumbnail from Corelog's own walk of the coded data (its DC values,
 * which is what libjpeg's 1/8-scale decode shows) instead of a second, libjpeg, decode. The
 * thumbnail must look like libvips' own, and every damaged photo must still be refused with the
 * same words as on the libjpeg path (inspect-photo.test.ts checks those on small photos).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { decodeWorkerStats } from '../../../electron/services/images/decode-worker-client';
import { intakeDecodeStats } from '../../../electron/services/images/photo-check';
import { PhotoStore } from '../../../electron/services/images/photo-store';
import { preparePhotoForUpload } from '../../../electron/services/images/prepare-photo';
import {
  beforeJpegEnd,
  corruptJpegData,
  cutJpegData,
  grainyJpeg,
  makeTempDir,
  noiseBytes,
  paddedJpegHeader,
  redCorners,
  withRestartMarkers,
  writeOrientedJpeg,
} from './photo-fixtures';

const WIDTH = 3000;
const HEIGHT = 2040;

let dir: string;
let cleanup: () => Promise<void>;
let store: PhotoStore;
/** Colour gradients with grain and a red marker in the top-left fifth: every channel varies. */
let colourful: Buffer;
let grainy: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-walk-thumb-'));
  store = await PhotoStore.open(join(dir, 'photos'));
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  let state = 7;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const grain = ((state >>> 16) & 31) - 16;
      const at = 3 * (y * WIDTH + x);
      const marker = x < WIDTH / 5 && y < HEIGHT / 5;
      pixels[at] = marker ? 255 : Math.min(255, Math.max(0, Math.round((x / WIDTH) * 200) + grain));
      pixels[at + 1] = marker ? 0 : Math.min(255, Math.max(0, Math.round((y / HEIGHT) * 220) + grain));
      pixels[at + 2] = marker ? 0 : Math.min(255, Math.max(0, 90 + grain));
    }
  }
  // Standard Huffman tables (no optimised coding), which withRestartMarkers needs to re-code the scan.
  colourful = await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
  grainy = await grainyJpeg(WIDTH, HEIGHT);
});
afterAll(() => cleanup());

async function file(name: string, content: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** libvips' own thumbnail of the file, as the intake made it before. */
function libvipsThumbnail(path: string): Promise<Buffer> {
  return sharp(path, { autoOrient: true }).resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 75 }).toBuffer();
}

/** Mean absolute difference per sample between two JPEGs of the same size (0–255). */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const [first, second] = await Promise.all([a, b].map((jpeg) => sharp(jpeg).raw().toBuffer({ resolveWithObject: true })));
  expect([second!.info.width, second!.info.height, second!.info.channels]).toEqual([first!.info.width, first!.info.height, first!.info.channels]);
  let sum = 0;
  for (let i = 0; i < first!.data.length; i++) sum += Math.abs(first!.data[i]! - second!.data[i]!);
  return sum / first!.data.length;
}

/** Prepares the photo and says which way its thumbnail was made. */
async function prepare(path: string, own = store) {
  const before = intakeDecodeStats();
  const outcome = await preparePhotoForUpload(path, own).then(
    (prepared) => ({ prepared, error: null }),
    (error: unknown) => ({ prepared: null, error }),
  );
  const after = intakeDecodeStats();
  const way = after.walk > before.walk ? 'walk' : after.libvips > before.libvips ? 'libvips' : 'none';
  return { ...outcome, way };
}

async function refusal(path: string, own = store): Promise<{ message: string; way: string }> {
  const { error, way } = await prepare(path, own);
  expect(error).toBeInstanceOf(CorelogError);
  expect((error as CorelogError).kind).toBe('rejected');
  return { message: (error as CorelogError).message, way };
}

describe('the thumbnail of a big baseline JPEG, made from the walk of its coded data', () => {
  it('looks like libvips’ own thumbnail, upright, 320 px long, and the photo is stored byte for byte', async () => {
    const path = await file('colourful.jpg', colourful);
    const { prepared, way } = await prepare(path);
    expect(way).toBe('walk');
    expect(prepared).toMatchObject({ mimeType: 'image/jpeg', converted: null, width: WIDTH, height: HEIGHT, bytes: colourful.length });
    expect((await readFile(prepared!.storedPath)).equals(colourful)).toBe(true);
    const meta = await sharp(prepared!.thumbnailJpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 218]);
    expect(await redCorners(prepared!.thumbnailJpeg)).toEqual(['top-left']);
    expect(await difference(prepared!.thumbnailJpeg, await libvipsThumbnail(path))).toBeLessThan(3);
  });

  it('stores the photo under the hash of every byte the walk read: a 3 MB comment before the scan and 2 MB after the end marker included', async () => {
    // Comment segments are skipped by the walk's checks but must still pass through the hash; bytes
    // after the end-of-image marker are never walked, only hashed.
    const padded = Buffer.concat([paddedJpegHeader(colourful, 0xfe, 48), noiseBytes(2 * 1024 * 1024, 5)]);
    const path = await file('padded.jpg', padded);
    const own = await PhotoStore.open(join(dir, 'hash-store'));
    const { prepared, way } = await prepare(path, own);
    expect(way).toBe('walk');
    expect(prepared!.sha256).toBe(createHash('sha256').update(padded).digest('hex'));
    expect(prepared!.bytes).toBe(padded.length);
    expect((await readFile(prepared!.storedPath)).equals(padded)).toBe(true);
  });

  it('matches libvips for 4:4:4 chroma, grey photos and restart intervals', async () => {
    const grey = await sharp(colourful).greyscale().jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
    const cases: Array<[string, Buffer]> = [
      ['444.jpg', await sharp(colourful).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer()],
      ['grey.jpg', grey],
      // Each interval starts its DC predictions from zero again: a walk that forgot would be far off.
      ['restarts-7.jpg', withRestartMarkers(colourful, 7)],
      ['restarts-1.jpg', withRestartMarkers(grey, 1)],
    ];
    for (const [name, content] of cases) {
      const path = await file(name, content);
      const { prepared, way } = await prepare(path);
      expect({ name, way }).toEqual({ name, way: 'walk' });
      expect({ name, difference: (await difference(prepared!.thumbnailJpeg, await libvipsThumbnail(path))) < 3 }).toEqual({ name, difference: true });
    }
  });

  it('refuses damage anywhere in the coded data with the same words as the libjpeg path, and stores nothing', async () => {
    const own = await PhotoStore.open(join(dir, 'damaged-store'));
    const cases: Array<[string, Buffer, RegExp | string]> = [
      ['corrupt-middle.jpg', corruptJpegData(grainy, 0.5, 2000), /^the JPEG is damaged: its image data is corrupt \(.+\)$/],
      ['corrupt-bottom.jpg', corruptJpegData(grainy, 0.98, 300, 7), /^the JPEG is damaged: its image data is corrupt \(.+\)$/],
      ['corrupt-last-rows.jpg', corruptJpegData(grainy, 0.995, 200, 3), /^the JPEG is damaged: its image data is corrupt \(.+\)$/],
      ['cut-0.5.jpg', cutJpegData(grainy, 0.5), 'the JPEG is damaged: its image data is corrupt (premature end of data segment)'],
      ['cut-0.995.jpg', cutJpegData(grainy, 0.995), 'the JPEG is damaged: its image data is corrupt (premature end of data segment)'],
      ['extraneous.jpg', beforeJpegEnd(grainy, noiseBytes(100, 5)), 'the JPEG is damaged: its image data is corrupt (100 extraneous bytes before marker 0xd9)'],
      ['truncated-0.6.jpg', grainy.subarray(0, Math.floor(grainy.length * 0.6)), /^the JPEG is damaged: the file ends before the image does \(/],
      ['truncated-0.999.jpg', grainy.subarray(0, Math.floor(grainy.length * 0.999)), /^the JPEG is damaged: the file ends before the image does \(/],
    ];
    const restarts = withRestartMarkers(grainy, 10);
    cases.push(
      ['restarts-corrupt-0.5.jpg', corruptJpegData(restarts, 0.5, 200, 11), /^the JPEG is damaged: its image data is corrupt \(.+\)$/],
      ['restarts-corrupt-0.995.jpg', corruptJpegData(restarts, 0.995, 200, 11), /^the JPEG is damaged: its image data is corrupt \(.+\)$/],
      ['restarts-extraneous.jpg', beforeJpegEnd(restarts, noiseBytes(3, 2)), 'the JPEG is damaged: its image data is corrupt (3 extraneous bytes before marker 0xd9)'],
    );
    for (const [name, content, expected] of cases) {
      const { message, way } = await refusal(await file(name, content), own);
      expect({ name, way }).toEqual({ name, way: 'walk' });
      if (typeof expected === 'string') expect({ name, message }).toEqual({ name, message: expected });
      else expect({ name, message }).toEqual({ name, message: expect.stringMatching(expected) });
    }
    const left = [];
    for await (const photo of own.list()) left.push(photo.sha256);
    expect(left).toEqual([]);
    expect(await readdir(join(dir, 'damaged-store', '.tmp'))).toEqual([]);
    // The intact photo they are made from is accepted the same way.
    expect((await prepare(await file('grainy.jpg', grainy), own)).way).toBe('walk');
  });

  it('leaves to libjpeg what the walk does not judge: odd scan parameters, a colour profile, a turned or small photo', async () => {
    const odd = Buffer.from(colourful);
    const sos = odd.indexOf(Buffer.from([0xff, 0xda]));
    odd[sos + 2 + odd.readUInt16BE(sos + 2) - 1] = 0x01; // Al = 1: libjpeg warns "Invalid SOS parameters for sequential JPEG"
    const runs = decodeWorkerStats().runs;
    const oddOutcome = await prepare(await file('odd-sos.jpg', odd));
    expect(oddOutcome.way).toBe('libvips');
    expect(oddOutcome.prepared).toMatchObject({ width: WIDTH, height: HEIGHT }); // judged harmless in the decode worker
    expect(decodeWorkerStats().runs).toBe(runs + 1);

    const withProfile = await sharp(colourful).withIccProfile('p3').jpeg({ quality: 90 }).toBuffer();
    expect((await prepare(await file('p3.jpg', withProfile))).way).toBe('libvips');

    const turned = await writeOrientedJpeg(join(dir, 'turned-6.jpg'), await sharp(colourful).png({ compressionLevel: 1 }).toBuffer(), 6);
    const turnedOutcome = await prepare(turned);
    expect(turnedOutcome.way).toBe('libvips');
    expect(await redCorners(turnedOutcome.prepared!.thumbnailJpeg)).toEqual(['top-left']);

    // libvips shrinks these by 4 on load, not by 8 (2,800 px: 8.75 times the thumbnail, which sharp rounds down).
    for (const width of [2000, 2800]) {
      const smaller = await sharp(colourful).resize(width).jpeg({ quality: 90 }).toBuffer();
      expect((await prepare(await file(`small-${width}.jpg`, smaller))).way).toBe('libvips');
    }
  });
});
