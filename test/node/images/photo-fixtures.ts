/** Real image files for the image-pipeline tests, generated with sharp in a temp folder at test time. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export async function makeTempDir(prefix = 'corelog-images-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A grey upright picture with a red block in its top-left corner, as a lossless PNG buffer. */
export async function uprightWithMarker(width: number, height: number): Promise<Buffer> {
  const marker = { width: Math.round(width / 5), height: Math.round(height / 5), channels: 3 as const, background: '#ff0000' };
  const composed = await sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite([{ input: { create: marker }, left: 0, top: 0 }])
    .png()
    .toBuffer();
  // Compositing adds an alpha channel; a photo has none.
  return sharp(composed).removeAlpha().png().toBuffer();
}

const UNDO_ORIENTATION = { 1: 0, 3: 180, 6: 270, 8: 90 } as const;

/**
 * A JPEG whose pixels are stored the way a camera held sideways stores them (the inverse of what the
 * EXIF orientation asks a viewer to do), so a correct viewer shows `upright` again.
 */
export async function writeOrientedJpeg(path: string, upright: Buffer, orientation: 1 | 3 | 6 | 8, progressive = false): Promise<string> {
  // Rotate in a pass of its own, so the tag is written onto already-rotated pixels.
  const rotated = await sharp(upright).rotate(UNDO_ORIENTATION[orientation]).png().toBuffer();
  await sharp(rotated).withMetadata({ orientation }).jpeg({ quality: 90, progressive }).toFile(path);
  return path;
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** Which corner of the decoded pixels (ignoring any EXIF orientation) holds the red marker. */
export async function redCorners(path: string | Buffer): Promise<Corner[]> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const inset = (size: number) => Math.max(1, Math.round(size * 0.05));
  const points: Record<Corner, [number, number]> = {
    'top-left': [inset(info.width), inset(info.height)],
    'top-right': [info.width - 1 - inset(info.width), inset(info.height)],
    'bottom-left': [inset(info.width), info.height - 1 - inset(info.height)],
    'bottom-right': [info.width - 1 - inset(info.width), info.height - 1 - inset(info.height)],
  };
  return (Object.keys(points) as Corner[]).filter((corner) => {
    const [x, y] = points[corner];
    const i = (y * info.width + x) * info.channels;
    return data[i]! > 200 && data[i + 1]! < 60 && data[i + 2]! < 60;
  });
}

/**
 * A tiny PNG whose header claims `width` × `height` pixels but holds a few rows of data: what a
 * decompression bomb looks like to a header reader.
 */
export async function writePngHeaderOnly(path: string, width: number, height: number): Promise<string> {
  const chunk = (type: string, data: Buffer): Buffer => {
    const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData));
    return Buffer.concat([length, typeAndData, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const rows = deflateSync(Buffer.alloc((width + 1) * 4));
  const signature = Buffer.from('89504e470d0a1a0a', 'hex');
  await writeFile(path, Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]));
  return path;
}
