/**
 * PNG structure, read by Corelog itself: every chunk's length, type and CRC, from the signature to
 * IEND. libpng checks the CRC of the image data but only warns about a bad ancillary chunk (a
 * damaged text or colour-profile chunk passes), and libvips stops reading after the last row, so
 * chunks after the image data and a missing end are never looked at. Bounded memory: the file is
 * walked through a 1 MB window.
 */
import { crc32 } from 'node:zlib';
import { ByteSource } from './byte-source';
import { formatCount, ImageDamage } from './image-damage';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** Adam7: libpng then decodes the whole image at once. */
  interlaced: boolean;
  /** Bytes of the chunks before the image data other than IHDR/PLTE (text, ICC profile, EXIF…). */
  metadataBytes: number;
  /** File offset of the first IDAT chunk. */
  firstImageChunk: number;
}

export interface PngBody {
  /** Bytes after IEND; harmless. */
  trailingBytes: number;
}

const SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
/** The PNG specification's limit for a chunk length. */
const MAX_CHUNK_LENGTH = 0x7fffffff;
/** More than any camera or editor writes before the image data (ICC, EXIF, XMP, text). */
export const MAX_PNG_METADATA_BYTES = 16 * 1024 * 1024;

interface Chunk {
  type: string;
  length: number;
  offset: number;
}

/** Reads the next chunk's header, checks its CRC while skipping its data, and returns the data only when asked. */
async function readChunk(src: ByteSource, wantData: boolean): Promise<{ chunk: Chunk; data: Buffer | null } | null> {
  await src.ensure(8);
  if (src.available === 0) return null;
  if (src.available < 8) throw new ImageDamage('the file ends before the image does (in a chunk header)');
  const offset = src.offset;
  const length = src.bytes.readUInt32BE(src.pos);
  const type = src.bytes.toString('latin1', src.pos + 4, src.pos + 8);
  if (!/^[A-Za-z]{4}$/.test(type) || length > MAX_CHUNK_LENGTH) throw new ImageDamage(`its structure is corrupt (a bad chunk header at byte ${formatCount(offset)})`);
  if (offset + 12 + length > src.size) throw new ImageDamage(`the file ends before the image does (inside its ${type} chunk)`);
  let crc = crc32(src.bytes.subarray(src.pos + 4, src.pos + 8));
  src.pos += 8;
  const parts: Buffer[] = [];
  for (let left = length; left > 0; ) {
    await src.ensure(Math.min(left, 1024 * 1024));
    // Checked against the size at open above; ensure() throws when the file was cut since. Still,
    // a read that brings nothing must end the loop, never spin.
    if (src.available === 0) throw new ImageDamage(`the file ends before the image does (inside its ${type} chunk)`);
    const part = src.bytes.subarray(src.pos, src.pos + Math.min(left, src.available));
    crc = crc32(part, crc);
    if (wantData) parts.push(Buffer.from(part));
    src.pos += part.length;
    left -= part.length;
  }
  await src.ensure(4);
  if (src.available < 4) throw new ImageDamage(`the file ends before the image does (inside its ${type} chunk)`);
  const stored = src.bytes.readUInt32BE(src.pos);
  src.pos += 4;
  if (stored !== crc >>> 0) {
    const which = type === 'IDAT' ? 'its image data is corrupt' : `its ${type} chunk is corrupt`;
    throw new ImageDamage(`${which} (${type}: CRC error)`);
  }
  return { chunk: { type, length, offset }, data: wantData ? Buffer.concat(parts) : null };
}

/** Walks from the signature to the first IDAT chunk, checking each CRC. Throws `ImageDamage`. */
export async function readPngHeader(source: string | Buffer): Promise<PngHeader> {
  const src = await ByteSource.open(source);
  try {
    await src.ensure(SIGNATURE.length);
    if (!src.bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new ImageDamage('it does not start with the PNG signature');
    src.pos = SIGNATURE.length;
    const first = await readChunk(src, true);
    if (first === null || first.chunk.type !== 'IHDR' || first.data === null || first.data.length !== 13) {
      throw new ImageDamage('its header is corrupt (no IHDR chunk first)');
    }
    const ihdr = first.data;
    const header = {
      width: ihdr.readUInt32BE(0),
      height: ihdr.readUInt32BE(4),
      bitDepth: ihdr[8]!,
      colourType: ihdr[9]!,
      interlaced: ihdr[12] === 1,
    };
    let metadataBytes = 0;
    for (;;) {
      await src.ensure(8);
      if (src.available >= 8 && src.bytes.toString('latin1', src.pos + 4, src.pos + 8) === 'IDAT') {
        return { ...header, metadataBytes, firstImageChunk: src.offset };
      }
      const next = await readChunk(src, false);
      if (next === null) throw new ImageDamage('the file ends before the image does (no image data)');
      if (next.chunk.type === 'IEND') throw new ImageDamage('it has no image data');
      if (next.chunk.type !== 'PLTE') metadataBytes += next.chunk.length + 12;
      if (metadataBytes > MAX_PNG_METADATA_BYTES) {
        throw new ImageDamage(`it holds more than ${formatCount(Math.floor(metadataBytes / 1024 / 1024))} MB of metadata before the image; a photo has at most a few MB`);
      }
    }
  } finally {
    await src.close();
  }
}

/** Walks from the first IDAT to IEND, checking every CRC and that the image data is in one run. */
export async function checkPngBody(source: string | Buffer, header: PngHeader): Promise<PngBody> {
  const src = await ByteSource.open(source);
  try {
    await src.skip(header.firstImageChunk);
    let imageDataEnded = false;
    for (;;) {
      const next = await readChunk(src, false);
      if (next === null) throw new ImageDamage('the file ends before its end marker (no IEND chunk)');
      const { type } = next.chunk;
      if (type === 'IEND') return { trailingBytes: src.size - src.offset };
      if (type === 'IDAT') {
        if (imageDataEnded) throw new ImageDamage('its structure is corrupt (image data split by other chunks)');
      } else imageDataEnded = true;
    }
  } finally {
    await src.close();
  }
}
