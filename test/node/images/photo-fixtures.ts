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

/**
 * A grainy photo-like JPEG: noise made at a quarter of the size and scaled up (four times quicker
 * to make than full-size noise for a 100 MP photo, 7 s instead of 30), which compresses like a
 * detailed tray photo: a few MB per 10 MP.
 */
export async function noisyJpeg(width: number, height: number, options: { progressive?: boolean; orientation?: number; quality?: number } = {}): Promise<Buffer> {
  const [smallWidth, smallHeight] = [Math.ceil(width / 4), Math.ceil(height / 4)];
  const noise = await sharp({ create: { width: smallWidth, height: smallHeight, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
    .raw()
    .toBuffer();
  let image = sharp(noise, { raw: { width: smallWidth, height: smallHeight, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'cubic' });
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  return image.jpeg({ quality: options.quality ?? 90, progressive: options.progressive ?? false }).toBuffer();
}

/**
 * Like `noisyJpeg`, but the same bytes on every run (sharp's noise is random): the damage tests
 * overwrite its data in fixed places and must see the same file each time. Standard Huffman tables
 * (no `optimiseCoding`), as cameras write and as `withRestartMarkers` needs.
 */
export async function grainyJpeg(width: number, height: number, options: { progressive?: boolean; seed?: number } = {}): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (options.seed ?? 1) >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    // The mean of two uniform draws: grain around mid-grey, like a tray photo's texture.
    state = (state * 1103515245 + 12345) >>> 0;
    const first = (state >>> 16) & 0xff;
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = (first + ((state >>> 16) & 0xff)) >> 1;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90, progressive: options.progressive ?? false, optimiseCoding: false })
    .toBuffer();
}

/** Where a single-scan JPEG's coded data starts (after the SOS header) and where its EOI marker is. */
export function jpegScanData(jpeg: Buffer): { start: number; end: number } {
  for (let at = 2; at + 4 <= jpeg.length; ) {
    const marker = jpeg[at + 1]!;
    const length = jpeg.readUInt16BE(at + 2);
    if (marker === 0xda) return { start: at + 2 + length, end: jpeg.lastIndexOf(Buffer.from([0xff, 0xd9])) };
    at += 2 + length;
  }
  throw new Error('no scan');
}

/** Deterministic bytes with no 0xFF among them (0xFF would start a marker inside coded data). */
export function noiseBytes(count: number, seed: number): Buffer {
  const bytes = Buffer.alloc(count);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = (state >>> 16) % 255;
  }
  return bytes;
}

/** The JPEG with `count` bytes of its coded data overwritten at `fraction` (0–1) of the way through. */
export function corruptJpegData(jpeg: Buffer, fraction: number, count: number, seed = 1): Buffer {
  const { start, end } = jpegScanData(jpeg);
  const copy = Buffer.from(jpeg);
  const at = Math.min(end - count - 2, Math.floor(start + (end - start) * fraction));
  noiseBytes(count, seed).copy(copy, at);
  return copy;
}

/** The JPEG with its coded data cut at `fraction` and an EOI marker put right after: the data ends early. */
export function cutJpegData(jpeg: Buffer, fraction: number): Buffer {
  const { start, end } = jpegScanData(jpeg);
  return Buffer.concat([jpeg.subarray(0, Math.floor(start + (end - start) * fraction)), Buffer.from([0xff, 0xd9])]);
}

/** `extra` inserted between the coded data and the EOI marker. */
export function beforeJpegEnd(jpeg: Buffer, extra: Buffer): Buffer {
  const { end } = jpegScanData(jpeg);
  return Buffer.concat([jpeg.subarray(0, end), extra, jpeg.subarray(end)]);
}

/** A PNG's chunks: type, where its data starts and how long it is. */
export function pngChunks(png: Buffer): Array<{ type: string; offset: number; dataStart: number; length: number }> {
  const chunks = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), offset: at, dataStart: at + 8, length });
    at += 12 + length;
  }
  return chunks;
}

/** One PNG chunk with a correct CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** The PNG with one byte of the `index`-th chunk of `type` flipped, so its CRC no longer matches. */
export function flipPngByte(png: Buffer, type: string, index = 0): Buffer {
  const chunk = pngChunks(png).filter((c) => c.type === type)[index];
  if (chunk === undefined) throw new Error(`no ${type} chunk ${index}`);
  const copy = Buffer.from(png);
  copy[chunk.dataStart + Math.floor(chunk.length / 2)]! ^= 0x20;
  return copy;
}

/** `chunk` inserted just before IEND. */
export function beforePngEnd(png: Buffer, chunk: Buffer): Buffer {
  const end = pngChunks(png).find((c) => c.type === 'IEND')!;
  return Buffer.concat([png.subarray(0, end.offset), chunk, png.subarray(end.offset)]);
}

/**
 * An uncompressed RGB TIFF written the way scanners write them: header, then the IFD, then the
 * strips, so a cut-off file still has a readable header and only the pixel data is missing.
 */
export function uncompressedTiff(width: number, height: number, rowsPerStrip = 16): Buffer {
  const strips = Math.ceil(height / rowsPerStrip);
  const tags: Array<[tag: number, type: 3 | 4, count: number, value: number]> = [];
  const entries = 11;
  let next = 8 + 2 + entries * 12 + 4;
  const bitsAt = next;
  next += 6;
  const offsetsAt = next;
  next += 4 * strips;
  const countsAt = next;
  next += 4 * strips;
  const dataAt = next;
  const rowBytes = width * 3;
  const tiff = Buffer.alloc(dataAt + rowBytes * height);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tags.push(
    [256, 4, 1, width], [257, 4, 1, height], [258, 3, 3, bitsAt], [259, 3, 1, 1], [262, 3, 1, 2],
    [273, 4, strips, strips === 1 ? dataAt : offsetsAt], [277, 3, 1, 3], [278, 4, 1, rowsPerStrip],
    [279, 4, strips, strips === 1 ? rowBytes * height : countsAt], [284, 3, 1, 1], [296, 3, 1, 2],
  );
  tiff.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) tiff.writeUInt16LE(value, at + 8);
    else tiff.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 3; i++) tiff.writeUInt16LE(8, bitsAt + 2 * i);
  for (let s = 0; s < strips; s++) {
    tiff.writeUInt32LE(dataAt + s * rowsPerStrip * rowBytes, offsetsAt + 4 * s);
    tiff.writeUInt32LE(Math.min(rowsPerStrip, height - s * rowsPerStrip) * rowBytes, countsAt + 4 * s);
  }
  for (let i = dataAt; i < tiff.length; i++) tiff[i] = (i * 7) & 0xff;
  return tiff;
}

/**
 * A tiny JPEG whose header claims `width` × `height` pixels (baseline or progressive) followed by a
 * few bytes of scan data: what a decompression bomb or an oversized progressive file looks like to
 * a header reader. Any decode of it would fail, so a refusal that names the size proves nothing was decoded.
 */
export async function jpegHeaderOnly(width: number, height: number, progressive: boolean): Promise<Buffer> {
  const small = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg({ progressive }).toBuffer();
  const copy = Buffer.from(small);
  for (let at = 2; at + 4 <= copy.length; ) {
    const marker = copy[at + 1]!;
    if (marker === 0xc0 || marker === 0xc2) {
      copy.writeUInt16BE(height, at + 5);
      copy.writeUInt16BE(width, at + 7);
      return copy;
    }
    at += 2 + copy.readUInt16BE(at + 2);
  }
  throw new Error('no frame header');
}

/** A JPEG whose header is padded with `count` segments of 64 KB of marker `marker` (APP1 EXIF-like, COM…). */
export function paddedJpegHeader(jpeg: Buffer, marker: number, count: number): Buffer {
  const segment = Buffer.alloc(65_535 + 2, 0x20);
  segment[0] = 0xff;
  segment[1] = marker;
  segment.writeUInt16BE(65_535, 2);
  if (marker === 0xe1) segment.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: count }, () => segment), jpeg.subarray(2)]);
}

/** A small progressive JPEG with its last scan repeated `copies` times: a "scan bomb" that stalls decoders. */
export async function jpegWithRepeatedScans(copies: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg({ progressive: true }).toBuffer();
  let lastScan = -1;
  for (let at = jpeg.indexOf(Buffer.from([0xff, 0xda])); at !== -1; at = jpeg.indexOf(Buffer.from([0xff, 0xda]), at + 2)) lastScan = at;
  const end = jpeg.lastIndexOf(Buffer.from([0xff, 0xd9]));
  const scan = jpeg.subarray(lastScan, end);
  return Buffer.concat([jpeg.subarray(0, end), ...Array.from({ length: copies }, () => scan), jpeg.subarray(end)]);
}

/**
 * The same baseline JPEG with restart markers every `interval` MCUs, as many cameras write them (what
 * `jpegtran -restart` does): the coded data is decoded symbol by symbol, the DC predictors are reset
 * at each interval and the data is coded again with the file's own Huffman tables, which must be the
 * standard ones (sharp: `optimiseCoding: false`, see `grainyJpeg`). Pixels unchanged.
 */
export function withRestartMarkers(jpeg: Buffer, interval: number): Buffer {
  type Code = { code: number; length: number };
  const decoders = new Map<number, Map<string, number>>(); // class<<4|id → "length:code" → symbol
  const encoders = new Map<number, Map<number, Code>>();
  let components: Array<{ id: number; h: number; v: number }> = [];
  let width = 0;
  let height = 0;
  let at = 2;
  let scan: Array<{ h: number; v: number; dc: number; ac: number }>;
  let dataStart: number;
  for (;;) {
    const marker = jpeg[at + 1]!;
    const length = jpeg.readUInt16BE(at + 2);
    const body = jpeg.subarray(at + 4, at + 2 + length);
    if (marker === 0xc0) {
      height = body.readUInt16BE(1);
      width = body.readUInt16BE(3);
      components = Array.from({ length: body[5]! }, (_, i) => ({ id: body[6 + 3 * i]!, h: body[7 + 3 * i]! >> 4, v: body[7 + 3 * i]! & 15 }));
    } else if (marker === 0xc4) {
      for (let p = 0; p < body.length; ) {
        const key = body[p]!;
        const counts = body.subarray(p + 1, p + 17);
        const decode = new Map<string, number>();
        const encode = new Map<number, Code>();
        let code = 0;
        let k = p + 17;
        for (let bits = 1; bits <= 16; bits++) {
          for (let i = 0; i < counts[bits - 1]!; i++) {
            decode.set(`${bits}:${code}`, body[k]!);
            encode.set(body[k++]!, { code, length: bits });
            code++;
          }
          code <<= 1;
        }
        decoders.set(key, decode);
        encoders.set(key, encode);
        p = k;
      }
    } else if (marker === 0xda) {
      scan = Array.from({ length: body[0]! }, (_, i) => {
        const component = components.find((c) => c.id === body[1 + 2 * i])!;
        return { h: component.h, v: component.v, dc: body[2 + 2 * i]! >> 4, ac: body[2 + 2 * i]! & 15 };
      });
      dataStart = at + 2 + length;
      break;
    }
    at += 2 + length;
  }
  const end = jpeg.lastIndexOf(Buffer.from([0xff, 0xd9]));
  // Un-stuff the coded data, then read it bit by bit.
  const data: number[] = [];
  for (let p = dataStart; p < end; p++) {
    data.push(jpeg[p]!);
    if (jpeg[p] === 0xff) p++;
  }
  let bitpos = 0;
  const bit = () => ((data[bitpos >> 3] ?? 0) >> (7 - (bitpos++ & 7))) & 1;
  const readBits = (count: number) => {
    let value = 0;
    for (let i = 0; i < count; i++) value = (value << 1) | bit();
    return value;
  };
  const readSymbol = (table: Map<string, number>) => {
    let code = 0;
    for (let bits = 1; bits <= 16; bits++) {
      code = (code << 1) | bit();
      const symbol = table.get(`${bits}:${code}`);
      if (symbol !== undefined) return symbol;
    }
    throw new Error('bad Huffman code');
  };
  const out: number[] = [];
  let acc = 0;
  let accBits = 0;
  const write = (value: number, count: number) => {
    for (let i = count - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++accBits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0);
        acc = 0;
        accBits = 0;
      }
    }
  };
  const padToByte = () => {
    while (accBits !== 0) write(1, 1);
  };
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  const mcus = Math.ceil(width / (8 * hMax)) * Math.ceil(height / (8 * vMax));
  const readPredictors = scan.map(() => 0);
  let writePredictors = scan.map(() => 0);
  for (let mcu = 0; mcu < mcus; mcu++) {
    if (mcu > 0 && mcu % interval === 0) {
      padToByte();
      out.push(0xff, 0xd0 + ((mcu / interval - 1) % 8));
      writePredictors = scan.map(() => 0);
    }
    scan.forEach((component, c) => {
      for (let block = 0; block < component.h * component.v; block++) {
        const size = readSymbol(decoders.get(component.dc)!);
        const raw = readBits(size);
        const diff = size === 0 ? 0 : raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
        readPredictors[c]! += diff;
        const newDiff = readPredictors[c]! - writePredictors[c]!;
        writePredictors[c] = readPredictors[c]!;
        const newSize = newDiff === 0 ? 0 : Math.floor(Math.log2(Math.abs(newDiff))) + 1;
        const dcCode = encoders.get(component.dc)!.get(newSize);
        if (dcCode === undefined) throw new Error('withRestartMarkers needs standard Huffman tables (optimiseCoding: false)');
        write(dcCode.code, dcCode.length);
        write(newDiff >= 0 ? newDiff : newDiff + (1 << newSize) - 1, newSize);
        for (let k = 1; k < 64; ) {
          const symbol = readSymbol(decoders.get(0x10 | component.ac)!);
          const acCode = encoders.get(0x10 | component.ac)!.get(symbol)!;
          write(acCode.code, acCode.length);
          const extra = symbol & 15;
          write(readBits(extra), extra);
          if (symbol === 0) break;
          k += symbol === 0xf0 ? 16 : (symbol >> 4) + 1;
        }
      }
    });
  }
  padToByte();
  const dri = Buffer.from([0xff, 0xdd, 0, 4, interval >> 8, interval & 0xff]);
  const sos = jpeg.lastIndexOf(Buffer.from([0xff, 0xda]), dataStart);
  return Buffer.concat([jpeg.subarray(0, sos), dri, jpeg.subarray(sos, dataStart), Buffer.from(out), Buffer.from([0xff, 0xd9])]);
}
