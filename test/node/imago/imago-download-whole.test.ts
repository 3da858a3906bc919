/**
 * An image reply that ends early but cleanly — a Content-Length shorter than the image, no length
 * and the connection closed early, a chunked body ended early — is refused, not saved or hashed
 * as the photo. Real sharp images, real HTTP to a stand-in Imago; every cut point of small real
 * images through the structure check byte by byte.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { WholeImageCheck } from '../../../electron/services/imago/whole-image';
import { startOddImago, type OddImago } from './odd-imago-double';

let imago: OddImago;
let folder: string;
let jpeg: Buffer;
let progressive: Buffer;
let png: Buffer;
let webp: Buffer;

const target = { collectionName: 'RC-1', imageryTypeName: 'Chips', imageTypeName: 'Wet', imageryId: 'b1' };
const client = () => new ImagoClient({ baseUrl: imago.url, timeoutMs: 3000, credentials: async () => ({ username: 'svc', password: 'pw' }) });

/** A photo-like picture (noise compresses into real coded data, not a few bytes). */
async function picture(): Promise<ReturnType<typeof sharp>> {
  const raw = Buffer.alloc(96 * 64 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 + (i >> 5) * 31) % 251;
  return sharp(raw, { raw: { width: 96, height: 64, channels: 3 } });
}

function judge(bytes: Buffer, chunkSize: number): string | null {
  const check = new WholeImageCheck();
  for (let i = 0; i < bytes.length; i += chunkSize) check.feed(bytes.subarray(i, i + chunkSize));
  return check.missing();
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'imago-whole-'));
  jpeg = await (await picture()).withMetadata().jpeg({ quality: 80 }).toBuffer();
  progressive = await (await picture()).jpeg({ quality: 80, progressive: true }).toBuffer();
  png = await (await picture()).png().toBuffer();
  webp = await (await picture()).webp().toBuffer();
  imago = await startOddImago();
});
afterEach(() => imago.on('GET /image', () => false));
afterAll(async () => {
  await imago.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the structure check of a downloaded image', () => {
  it('takes every whole image, fed in any chunk size, also with bytes after the JPEG end marker', () => {
    for (const image of [jpeg, progressive, png, webp]) {
      for (const size of [1, 3, 64, image.length]) expect(judge(image, size)).toBeNull();
    }
    expect(judge(Buffer.concat([jpeg, Buffer.from('trailer after EOI')]), 5)).toBeNull();
  });

  it('refuses every cut of a JPEG (baseline and progressive), a PNG and a WebP', () => {
    for (const [name, image] of [['jpeg', jpeg], ['progressive', progressive], ['png', png], ['webp', webp]] as const) {
      for (let cut = 1; cut < image.length; cut++) {
        const why = judge(image.subarray(0, cut), cut % 9 === 0 ? 1 : 4096);
        expect(why, `${name} cut at ${cut} of ${image.length}`).not.toBeNull();
      }
    }
  });

  it('does not take an embedded thumbnail’s end marker for the image’s own', () => {
    // An APP1 segment holding a whole small JPEG (as EXIF thumbnails are), then the real image cut short.
    const thumbnail = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, thumbnail.length + 2]), thumbnail]);
    const withThumbnail = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    expect(judge(withThumbnail, 7)).toBeNull();
    expect(judge(withThumbnail.subarray(0, 2 + app1.length), 7)).toMatch(/JPEG stops .* before its end marker/);
    expect(judge(withThumbnail.subarray(0, withThumbnail.length - 2), 7)).toMatch(/before its end marker/);
  });
});

describe('downloads that end early but cleanly', () => {
  const cutOf = (image: Buffer) => image.subarray(0, Math.floor(image.length * 0.7));
  const replies: Record<string, (res: ServerResponse, image: Buffer) => void> = {
    'a Content-Length shorter than the image': (res, image) => void res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(cutOf(image).length) }).end(cutOf(image)),
    'no Content-Length and the connection closed early': (res, image) => {
      const socket = res.socket!;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\nconnection: close\r\n\r\n');
      socket.end(cutOf(image));
    },
    'a chunked body ended early': (res, image) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(cutOf(image)),
  };
  for (const [how, reply] of Object.entries(replies)) {
    for (const name of ['JPEG', 'PNG'] as const) {
      it(`refuses a ${name} with ${how}, and keeps no file`, async () => {
        const image = name === 'JPEG' ? jpeg : png;
        imago.on('GET /image', ({ res }) => reply(res, image));
        const c = client();
        const path = join(folder, `${name}-${how.length}.img`);
        const error = await c.downloadImageToFile(target, path).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'malformed-response', retryable: true });
        expect((error as Error).message).toMatch(new RegExp(`did not hand out the Wet photo of .* whole: the ${name} stops after ${cutOf(image).length} bytes`));
        expect(existsSync(path)).toBe(false);
        expect(readdirSync(folder).filter((f) => f.endsWith('.part'))).toEqual([]);
        await expect(c.downloadImage(target)).rejects.toMatchObject({ kind: 'malformed-response', message: expect.stringContaining('whole') });
      });
    }
  }

  it('still saves a whole image, and gives its hash', async () => {
    imago.on('GET /image', ({ res }) => void res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(progressive.length) }).end(progressive));
    const saved = await client().downloadImageToFile(target, join(folder, 'whole.jpg'));
    expect(saved.size).toBe(progressive.length);
  });
});
