/**
 * JPEG structure, read by Corelog itself rather than by libjpeg, for two things libvips cannot do:
 *
 * - **Bound the header before libvips sees it.** libjpeg keeps every APP1, APP2 and APP13 segment
 *   in memory (and libvips copies them), so a file of 64 KB segments costs twice its size in a
 *   plain `metadata()` call. `readJpegHeader`
 *   walks the markers up to the first scan with a bounded window and refuses such files, and gives
 *   the frame (size, progressive, sampling) the memory estimate needs.
 * - **Check the tail of a single-scan JPEG.** libvips never calls `jpeg_finish_decompress`, so the
 *   scan data of a baseline JPEG is never checked against its end: corrupt data that makes the
 *   decoder finish early ("N extraneous bytes before marker 0xd9") passes silently, and a warning in
 *   the last rows is raised after libvips' last check. `checkJpegBody` walks the Huffman-coded data
 *   of such a scan (symbols only: no coefficients, no IDCT) and requires it to end exactly where the
 *   file says. Multi-scan files (progressive) are read to the end by libjpeg itself, which then
 *   raises these warnings during the decode; for them the walk only counts scans and metadata.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { defaultConditioning, walkArithmeticScan, type ArithmeticConditioning } from './arithmetic-walker';
import { ByteSource, type FileDigest } from './byte-source';
import { acquireWalker, MAX_BLOCKS, WalkStatus, type DcGeometry, type HuffmanWalker, type WalkStep } from './huffman-walker';
import { formatCount, ImageDamage } from './image-damage';

/** How libjpeg will have to decode the frame. */
export type JpegProcess = 'baseline' | 'extended' | 'progressive' | 'lossless' | 'arithmetic' | 'hierarchical';

export interface JpegComponent {
  id: number;
  h: number;
  v: number;
  /** Which quantization table (0–3) scales its coefficients. */
  quantTable: number;
}

export interface JpegFrame {
  process: JpegProcess;
  /** The SOF marker (0xc0–0xcf), for what `process` does not tell apart (arithmetic sequential or progressive). */
  marker?: number;
  precision: number;
  width: number;
  height: number;
  components: JpegComponent[];
}

interface ScanComponent {
  index: number;
  dcTable: number;
  acTable: number;
}

export interface JpegHeader {
  frame: JpegFrame;
  /** Bytes of the APP1, APP2 and APP13 segments before the first scan, which libjpeg and libvips copy (EXIF, XMP, ICC, IPTC). */
  metadataBytes: number;
  /**
   * libjpeg must buffer every coefficient of the image before the first row comes out: progressive
   * files, and sequential ones whose first scan does not carry every component.
   */
  buffered: boolean;
  /** Estimated bytes of that coefficient buffer (0 when not buffered). */
  coefficientBytes: number;
  /** File offset where the first scan's coded data starts. */
  firstScanOffset: number;
  /** Needed to walk the first scan: tables and restart interval as they stood at the first SOS. */
  scan: {
    components: ScanComponent[];
    restartInterval: number;
    dc: Map<number, Uint16Array>;
    ac: Map<number, Uint16Array>;
    /** The first scan's spectral selection and approximation (Ss, Se, Ah, Al): 0, 63, 0, 0 in a sequential JPEG. */
    spectral?: [number, number, number, number];
    /** Per quantization table defined before the first scan, its DC step (the walk's DC image needs only that one). */
    dcQuant?: Map<number, number>;
    /** Arithmetic conditioning as the DAC segments before the first scan left it. */
    conditioning?: ArithmeticConditioning;
  };
  /** Markers that decide how libjpeg reads the colours: JFIF (APP0), Adobe (APP14), an ICC profile (APP2). */
  markers?: { jfif: boolean; adobe: boolean; icc: boolean };
}

export interface JpegBody {
  scans: number;
  /** Bytes after the end-of-image marker (camera trailers, motion-photo video…); harmless. */
  trailingBytes: number;
  /** The 1/8-scale image made from the DC values, when asked for (`dcImage`). */
  dcImage?: DcImage;
  /** The whole file's SHA-256, trailing bytes included, when asked for (`hash`). */
  content?: FileDigest;
}

/** Interleaved 8-bit pixels, 1 (grey) or 3 (RGB) channels: the picture at 1/8 scale, as libjpeg's 1/8 decode gives it. */
export interface DcImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** More than any camera or editor writes (EXIF ≤ 64 KB, ICC ≤ a few MB split over APP2, extended XMP). */
export const MAX_JPEG_METADATA_BYTES = 16 * 1024 * 1024;
/** A progressive photo has ~10 scans (mozjpeg ~20); thousands only stall the decoder. */
export const MAX_JPEG_SCANS = 300;

const SOI = 0xd8;
const DQT = 0xdb;
const EOI = 0xd9;
const SOS = 0xda;
const DHT = 0xc4;
const DRI = 0xdd;
/** Arithmetic conditioning (DAC). */
const DAC = 0xcc;
/** Extended sequential, arithmetic coding: the one arithmetic process walked (see arithmetic-walker.ts). */
const SOF_ARITHMETIC_SEQUENTIAL = 0xc9;
const isRst = (marker: number) => marker >= 0xd0 && marker <= 0xd7;
const isSof = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc;
/** The segments libvips asks libjpeg to keep in memory (EXIF and XMP, ICC, IPTC); others are skipped. */
const isKeptMetadata = (marker: number) => marker === 0xe1 || marker === 0xe2 || marker === 0xed;

function sofProcess(marker: number): JpegProcess {
  if (marker === 0xc0) return 'baseline';
  if (marker === 0xc1) return 'extended';
  if (marker === 0xc2) return 'progressive';
  if (marker === 0xc3) return 'lossless';
  if (marker >= 0xc9 && marker <= 0xcb) return 'arithmetic';
  return 'hierarchical';
}

const corrupt = (detail: string) => new ImageDamage(`its image data is corrupt (${detail})`);
const hex = (marker: number) => `0x${marker.toString(16)}`;

/** Compared a block at a time (a memcmp): megabytes of padding cost milliseconds, not an await a byte. */
const RUN_BLOCK = 4096;
const FILL_RUN = Buffer.alloc(RUN_BLOCK, 0xff);
const STUFFED_RUN = Buffer.from('ff00'.repeat(RUN_BLOCK / 2), 'hex');

/** The first index from `from` (before `end`) where `bytes` stops repeating `pattern`, whose period divides RUN_BLOCK. */
function endOfRun(bytes: Buffer, from: number, end: number, pattern: Buffer, period: number): number {
  let at = from;
  while (at + RUN_BLOCK <= end && bytes.compare(pattern, 0, RUN_BLOCK, at, at + RUN_BLOCK) === 0) at += RUN_BLOCK;
  while (at + period <= end && bytes.compare(pattern, 0, period, at, at + period) === 0) at += period;
  return at;
}

/**
 * Reads the next marker at the current position, skipping fill bytes; counts other bytes skipped
 * (coded data, stuffed 0xFF00 pairs, garbage). Scans the window synchronously and awaits only for
 * the next window: one await per 0xFF byte stalled the thread for seconds on 60 MB of padding.
 */
async function nextMarker(src: ByteSource): Promise<{ marker: number; skipped: number } | null> {
  let skipped = 0;
  for (;;) {
    if (src.available < 2) {
      await src.ensure(2);
      if (src.available < 2) return null;
    }
    const { bytes } = src;
    const end = bytes.length;
    let pos = src.pos;
    // Every branch moves `pos` on; the loop stops with one byte or none left, for the next window.
    while (pos + 1 < end) {
      if (bytes[pos] !== 0xff) {
        // Entropy-coded data or garbage: on to the next 0xFF.
        const found = bytes.indexOf(0xff, pos);
        const stop = found === -1 ? end : found;
        skipped += stop - pos;
        pos = stop;
        continue;
      }
      const marker = bytes[pos + 1]!;
      if (marker === 0xff) {
        // Fill bytes: keep the last 0xFF of the run, which the marker code follows.
        pos = endOfRun(bytes, pos + 1, end, FILL_RUN, 1) - 1;
        continue;
      }
      if (marker === 0x00) {
        // Stuffed 0xFF bytes inside coded data.
        const stop = endOfRun(bytes, pos, end, STUFFED_RUN, 2);
        skipped += stop - pos;
        pos = stop;
        continue;
      }
      src.pos = pos + 2;
      return { marker, skipped };
    }
    // One byte or none left in the window: the next turn loads more, or finds the file's end.
    src.pos = pos;
  }
}

async function readSegment(src: ByteSource, marker: number): Promise<Buffer> {
  await src.ensure(2);
  if (src.available < 2) throw new ImageDamage('the file ends inside its header');
  const length = src.bytes.readUInt16BE(src.pos);
  if (length < 2) throw new ImageDamage(`its header is corrupt (marker ${hex(marker)} has length ${length})`);
  await src.ensure(length);
  if (src.available < length) throw new ImageDamage('the file ends inside its header');
  const segment = src.bytes.subarray(src.pos + 2, src.pos + length);
  src.pos += length;
  return segment;
}

async function skipSegment(src: ByteSource, marker: number): Promise<number> {
  await src.ensure(2);
  if (src.available < 2) throw new ImageDamage('the file ends inside its header');
  const length = src.bytes.readUInt16BE(src.pos);
  if (length < 2) throw new ImageDamage(`its header is corrupt (marker ${hex(marker)} has length ${length})`);
  if (src.offset + length > src.size) throw new ImageDamage('the file ends inside its header');
  await src.skip(length);
  return length;
}

function parseFrame(marker: number, segment: Buffer): JpegFrame {
  if (segment.length < 6) throw new ImageDamage('its frame header is corrupt');
  const count = segment[5]!;
  if (count === 0 || segment.length < 6 + 3 * count) throw new ImageDamage('its frame header is corrupt');
  const components: JpegComponent[] = [];
  for (let i = 0; i < count; i++) {
    const sampling = segment[7 + 3 * i]!;
    const h = sampling >> 4;
    const v = sampling & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new ImageDamage('its frame header is corrupt (bad sampling factors)');
    components.push({ id: segment[6 + 3 * i]!, h, v, quantTable: segment[8 + 3 * i]! });
  }
  return { process: sofProcess(marker), marker, precision: segment[0]!, height: segment.readUInt16BE(1), width: segment.readUInt16BE(3), components };
}

/**
 * A 16-bit lookup table: for the next 16 bits of coded data, `(code length << 8) | symbol`, or 0
 * where no code starts with those bits (a "bad Huffman code").
 */
function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array, isDc: boolean): Uint16Array {
  // libjpeg refuses a DC table with a symbol above 15 (no difference needs more bits).
  if (isDc && symbols.some((symbol) => symbol > 15)) throw new ImageDamage('its header is corrupt (an invalid Huffman table)');
  const table = new Uint16Array(65536);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < counts[length - 1]!; i++) {
      if (code >= 1 << length) throw new ImageDamage('its header is corrupt (an invalid Huffman table)');
      const shift = 16 - length;
      table.fill((length << 8) | symbols[k++]!, code << shift, (code + 1) << shift);
      code++;
    }
    code <<= 1;
  }
  return table;
}

function parseHuffmanTables(segment: Buffer, dc: Map<number, Uint16Array>, ac: Map<number, Uint16Array>): void {
  let at = 0;
  while (at < segment.length) {
    if (at + 17 > segment.length) throw new ImageDamage('its header is corrupt (a truncated Huffman table)');
    const classAndId = segment[at]!;
    const counts = segment.subarray(at + 1, at + 17);
    const total = counts.reduce((sum, n) => sum + n, 0);
    if (total > 256 || at + 17 + total > segment.length) throw new ImageDamage('its header is corrupt (a truncated Huffman table)');
    const isDc = classAndId >> 4 === 0;
    (isDc ? dc : ac).set(classAndId & 15, buildHuffmanTable(counts, segment.subarray(at + 17, at + 17 + total), isDc));
    at += 17 + total;
  }
}

/** The first bytes of a segment's body (after its length), as Latin-1 text; the position does not move. */
async function segmentStart(src: ByteSource, count: number): Promise<string> {
  await src.ensure(2 + count);
  const end = Math.min(src.bytes.length, src.pos + 2 + count);
  return src.bytes.toString('latin1', Math.min(end, src.pos + 2), end);
}

/** Records each table's DC step (its first entry). A table cut short is left to libjpeg to refuse. */
function parseQuantTables(segment: Buffer, dcQuant: Map<number, number>): void {
  let at = 0;
  while (at < segment.length) {
    const precisionAndId = segment[at]!;
    const wide = precisionAndId >> 4 !== 0;
    const size = 1 + 64 * (wide ? 2 : 1);
    if (at + size > segment.length) return;
    dcQuant.set(precisionAndId & 15, wide ? segment.readUInt16BE(at + 1) : segment[at + 1]!);
    at += size;
  }
}

/** Coefficient buffer size: 64 coefficients of 2 bytes per 8×8 block, blocks padded to whole MCUs. */
function coefficientBytes(frame: JpegFrame): number {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const mcusX = Math.ceil(frame.width / (8 * hMax));
  const mcusY = Math.ceil(frame.height / (8 * vMax));
  return frame.components.reduce((sum, c) => sum + mcusX * c.h * mcusY * c.v * 64 * 2, 0);
}

/**
 * Walks the markers from SOI to the first scan: the frame, the metadata size and what the first
 * scan needs. Throws `ImageDamage` for a broken structure or too much metadata.
 */
export async function readJpegHeader(source: string | Buffer): Promise<JpegHeader> {
  const src = await ByteSource.open(source);
  try {
    await src.ensure(2);
    if (src.available < 2 || src.bytes[0] !== 0xff || src.bytes[1] !== SOI) throw new ImageDamage('it does not start with a JPEG start-of-image marker');
    src.pos = 2;
    let frame: JpegFrame | null = null;
    let metadataBytes = 0;
    let restartInterval = 0;
    const dc = new Map<number, Uint16Array>();
    const ac = new Map<number, Uint16Array>();
    const dcQuant = new Map<number, number>();
    const markers = { jfif: false, adobe: false, icc: false };
    const conditioning = defaultConditioning();
    for (;;) {
      const next = await nextMarker(src);
      if (next === null) throw new ImageDamage('the file ends before its image data');
      const { marker } = next;
      if (next.skipped > 0) throw new ImageDamage(`its header is corrupt (${formatCount(next.skipped)} stray bytes before marker ${hex(marker)})`);
      if (marker === EOI) throw new ImageDamage('it has no image data');
      if (marker === SOI || isRst(marker) || marker === 0x01) throw new ImageDamage(`its header is corrupt (unexpected marker ${hex(marker)})`);
      if (isSof(marker)) {
        if (frame !== null) throw new ImageDamage('its header is corrupt (two frame headers)');
        frame = parseFrame(marker, await readSegment(src, marker));
      } else if (marker === DHT) {
        parseHuffmanTables(await readSegment(src, marker), dc, ac);
      } else if (marker === DQT) {
        parseQuantTables(await readSegment(src, marker), dcQuant);
      } else if (marker === DAC) {
        const segment = await readSegment(src, marker);
        for (let at = 0; at + 1 < segment.length; at += 2) {
          const table = segment[at]! & 15;
          const value = segment[at + 1]!;
          if (segment[at]! >> 4 === 0) {
            conditioning.dcL[table] = value & 15;
            conditioning.dcU[table] = value >> 4;
          } else conditioning.acK[table] = value;
        }
      } else if (marker === DRI) {
        const segment = await readSegment(src, marker);
        if (segment.length < 2) throw new ImageDamage('its header is corrupt (a short restart interval)');
        restartInterval = segment.readUInt16BE(0);
      } else if (marker === SOS) {
        if (frame === null) throw new ImageDamage('its header is corrupt (image data before the frame header)');
        const segment = await readSegment(src, marker);
        const count = segment[0] ?? 0;
        if (count < 1 || count > 4 || segment.length < 1 + 2 * count + 3) throw new ImageDamage('its header is corrupt (a bad scan header)');
        const components: ScanComponent[] = [];
        for (let i = 0; i < count; i++) {
          const index = frame.components.findIndex((c) => c.id === segment[1 + 2 * i]);
          if (index === -1) throw new ImageDamage('its header is corrupt (a scan names a component the frame does not have)');
          const tables = segment[2 + 2 * i]!;
          components.push({ index, dcTable: tables >> 4, acTable: tables & 15 });
        }
        // libjpeg refuses more (JPEG's own limit); the walk's tables hold no more either.
        const sampling = frame.components;
        const blocks = count === 1 ? 1 : components.reduce((sum, c) => sum + sampling[c.index]!.h * sampling[c.index]!.v, 0);
        if (blocks > MAX_BLOCKS) throw new ImageDamage(`its header is corrupt (a scan needs ${formatCount(blocks)} blocks per unit of coded data; JPEG allows at most ${MAX_BLOCKS})`);
        const at = 1 + 2 * count;
        const spectral: [number, number, number, number] = [segment[at]!, segment[at + 1]!, segment[at + 2]! >> 4, segment[at + 2]! & 15];
        const sequential = frame.process === 'baseline' || frame.process === 'extended';
        const buffered = !sequential || count < frame.components.length;
        if (metadataBytes > MAX_JPEG_METADATA_BYTES) throw tooMuchMetadata(metadataBytes);
        return {
          frame,
          metadataBytes,
          buffered,
          coefficientBytes: buffered ? coefficientBytes(frame) : 0,
          firstScanOffset: src.offset,
          scan: { components, restartInterval, dc, ac, spectral, dcQuant, conditioning },
          markers,
        };
      } else {
        if (marker === 0xe0 || marker === 0xe2 || marker === 0xee) {
          const start = await segmentStart(src, 12);
          // libjpeg takes an APP0 for JFIF only with at least 14 bytes of data.
          if (marker === 0xe0 && start.startsWith('JFIF\0') && src.bytes.readUInt16BE(src.pos) >= 16) markers.jfif = true;
          if (marker === 0xe2 && start.startsWith('ICC_PROFILE\0')) markers.icc = true;
          if (marker === 0xee && start.startsWith('Adobe')) markers.adobe = true;
        }
        const length = await skipSegment(src, marker);
        if (isKeptMetadata(marker)) {
          metadataBytes += length;
          // Refused as soon as it is clear, without walking the rest of a hostile header.
          if (metadataBytes > MAX_JPEG_METADATA_BYTES) throw tooMuchMetadata(metadataBytes);
        }
      }
    }
  } finally {
    await src.close();
  }
}

function tooMuchMetadata(bytes: number): ImageDamage {
  return new ImageDamage(
    `its header holds more than ${formatCount(Math.floor(bytes / 1024 / 1024))} MB of metadata; a photo has at most a few MB`,
  );
}

/**
 * Checks everything after the header: for a single-scan (baseline) JPEG, the coded data block by
 * block to its exact end; for every JPEG, the markers up to the end-of-image marker, the number
 * of scans and the metadata between them. Throws `ImageDamage`.
 */
export async function checkJpegBody(source: string | Buffer, header: JpegHeader, options: { dcImage?: boolean; hash?: boolean } = {}): Promise<JpegBody> {
  const src = await ByteSource.open(source, { hash: options.hash === true });
  try {
    await src.skip(header.firstScanOffset);
    // Lossless coding is rare enough to leave to libjpeg alone; progressive files libjpeg reads to the end itself.
    const arithmetic = singleArithmeticScan(header);
    const walked = arithmetic || (!header.buffered && header.frame.process !== 'arithmetic' && header.frame.process !== 'lossless');
    const wantDc = options.dcImage === true && walked && !arithmetic && dcImageRefusal(header) === null;
    const dc = walked && !arithmetic ? await walkSequentialScan(src, header, wantDc) : null;
    const arithmeticEndReached = arithmetic ? await walkArithmetic(src, header) : false;
    let scans = 1;
    let metadataBytes = header.metadataBytes;
    for (;;) {
      const next = await nextMarker(src);
      if (next === null) throw new ImageDamage('the file ends before the image does (no end-of-image marker)');
      const { marker, skipped } = next;
      // Right after the walked scan nothing may come before the next marker. Elsewhere `skipped`
      // is coded data, which libjpeg checks as it reads every scan of a buffered file.
      if (walked && scans === 1) {
        if (skipped > 0 && !arithmeticEndReached) throw extraneous(skipped, marker);
        if (isRst(marker)) throw corrupt(`unexpected restart marker ${hex(marker)}`);
      }
      if (isRst(marker)) continue;
      if (marker === EOI) {
        const body: JpegBody = { scans, trailingBytes: src.size - src.offset };
        if (dc !== null) body.dcImage = dc;
        if (options.hash === true) body.content = await src.digest();
        return body;
      }
      if (marker === SOI || marker === 0x01 || isSof(marker)) throw corrupt(`unexpected marker ${hex(marker)}`);
      const length = await skipSegment(src, marker);
      if (marker === SOS) {
        scans++;
        if (scans > MAX_JPEG_SCANS) throw new ImageDamage(`it has more than ${formatCount(MAX_JPEG_SCANS)} scans; a photo has a few dozen at most`);
      } else if (isKeptMetadata(marker)) {
        metadataBytes += length;
        if (metadataBytes > MAX_JPEG_METADATA_BYTES) throw tooMuchMetadata(metadataBytes);
      }
      // DNL, DHT, DQT, DRI between scans are skipped like any other segment.
    }
  } finally {
    await src.close();
  }
}

/** Room kept after the walker's position: far more than one MCU can take (10 blocks of ≤ 256 bytes). */
const MARGIN = 8 * 1024;
/** Un-stuffed coded data held at a time. */
const CODED_BYTES = 1024 * 1024;
/** The walk lets the event loop run after this many bits of coded data (~0.5 MB, ~5 ms). */
const YIELD_EVERY_BITS = 4 * 1024 * 1024;
/** The coded data of one segment (a scan, or one restart interval), 0xFF00 un-stuffed, a window at a time. */
class CodedData {
  length = 0;
  /** The segment's end (a marker, or the end of the file) has been reached; zeros follow `length`. */
  ended = false;
  /** It ended because the file did, not at a marker. */
  atFileEnd = false;

  /** `data` has room for `CODED_BYTES` and `MARGIN` more (the walker's memory). */
  constructor(
    private readonly src: ByteSource,
    readonly data: Uint8Array,
  ) {}

  /** Drops the bytes before `from` and loads more, up to the window's size or the segment's end. */
  async refill(from: number): Promise<void> {
    this.data.copyWithin(0, from, this.length);
    this.length -= from;
    const { src } = this;
    while (!this.ended && this.length < CODED_BYTES) {
      // Awaited only when the window runs short: there is a stuffed 0xFF every few hundred bytes.
      if (src.available < 2) await src.ensure(2);
      if (src.available === 0) {
        this.ended = true;
        this.atFileEnd = true;
        break;
      }
      const { bytes, pos } = src;
      const ff = bytes.indexOf(0xff, pos);
      const stop = Math.min(ff === -1 ? bytes.length : ff, pos + CODED_BYTES - this.length);
      if (stop > pos) {
        // Buffer#copy is a plain memmove, also from shared memory (TypedArray#set is not).
        bytes.copy(this.data, this.length, pos, stop);
        this.length += stop - pos;
        src.pos = stop;
      } else if (src.available >= 2 && bytes[pos + 1] === 0) {
        this.data[this.length++] = 0xff;
        src.pos += 2;
      } else {
        // A marker, fill bytes before one, or 0xFF as the file's last byte: the segment ends here.
        this.ended = true;
        this.atFileEnd = src.available < 2;
      }
    }
    // A decoder that runs past the end reads zero bits, as libjpeg does.
    if (this.ended) this.data.fill(0, this.length, this.length + MARGIN);
  }

  /** Starts the next segment, after its marker has been read. */
  async restart(): Promise<void> {
    this.length = 0;
    this.ended = false;
    this.atFileEnd = false;
    await this.refill(0);
  }

  /** Bytes of the segment from `from` to its end, loading (and dropping) the rest of it. */
  async bytesFrom(from: number): Promise<number> {
    let count = Math.max(0, this.length - from);
    while (!this.ended) {
      await this.refill(this.length);
      count += this.length;
    }
    return count;
  }
}

/**
 * Decodes the Huffman symbols of the first (only) scan, MCU by MCU, honouring restart markers, and
 * leaves `src` at the marker after the scan. Finds what libjpeg warns about — a bad Huffman code,
 * data running out before the last block (libjpeg fills the rest with grey), bytes left over
 * before a marker — and a block claiming more than 64 coefficients, which libjpeg ignores.
 * Bounded memory: 1 MB of coded data at a time.
 */
async function walkSequentialScan(src: ByteSource, header: JpegHeader, wantDc: boolean): Promise<DcImage | null> {
  const { frame, scan } = header;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  // Per block of an MCU, the tables that decode it.
  const dcTables: Uint16Array[] = [];
  const acTables: Uint16Array[] = [];
  const defined = (codes: Uint16Array | undefined): Uint16Array => {
    if (codes === undefined) throw new ImageDamage('its header is corrupt (a scan uses a Huffman table that is not defined)');
    return codes;
  };
  for (const component of scan.components) {
    const { h, v } = scan.components.length === 1 ? { h: 1, v: 1 } : frame.components[component.index]!;
    for (let b = 0; b < h * v; b++) {
      dcTables.push(defined(scan.dc.get(component.dcTable)));
      acTables.push(defined(scan.ac.get(component.acTable)));
    }
  }
  let mcusX: number;
  let mcusY: number;
  if (scan.components.length === 1) {
    // A non-interleaved scan codes one block per MCU over that component's own size.
    const c = frame.components[scan.components[0]!.index]!;
    mcusX = Math.ceil(Math.ceil((frame.width * c.h) / hMax) / 8);
    mcusY = Math.ceil(Math.ceil((frame.height * c.v) / vMax) / 8);
  } else {
    mcusX = Math.ceil(frame.width / (8 * hMax));
    mcusY = Math.ceil(frame.height / (8 * vMax));
  }
  const totalMcus = mcusX * mcusY;
  const interval = scan.restartInterval;

  const walker = acquireWalker(CODED_BYTES, MARGIN);
  walker.useTables(dcTables, acTables);
  const planes = wantDc ? new DcPlanes(header) : null;
  if (planes !== null) walker.placeDc(planes.geometry);
  const coded = new CodedData(src, walker.coded);
  await coded.refill(0);
  const walk: McuWalk = { walker, mcu: 0, bitpos: 0 };
  let lastYield = 0;
  let restarts = 0;
  /** Whole bytes not used by the blocks, from the walker's position to the segment's end. */
  const leftOver = () => coded.bytesFrom(Math.ceil(walk.bitpos / 8));

  while (walk.mcu < totalMcus) {
    const { mcu, bitpos } = walk;
    if (interval > 0 && mcu > 0 && mcu % interval === 0) {
      const extra = await leftOver();
      const next = await nextMarker(src);
      const expected = 0xd0 + (restarts++ % 8);
      if (next === null) throw ranOut(coded);
      if (extra + next.skipped > 0) throw extraneous(extra + next.skipped, next.marker);
      if (next.marker !== expected) throw corrupt(`restart marker ${hex(expected)} missing, found ${hex(next.marker)}`);
      await coded.restart();
      walk.bitpos = 0;
      lastYield = 0;
    } else if (!coded.ended && (bitpos >>> 3) + MARGIN > coded.length) {
      await coded.refill(bitpos >>> 3);
      walk.bitpos &= 7;
      lastYield = 0;
    } else if (bitpos - lastYield > YIELD_EVERY_BITS) {
      lastYield = bitpos;
      await nextTurn();
    }
    // Up to the next restart marker, the end of the data loaded, or the next turn of the event loop.
    const stop = interval > 0 ? Math.min(totalMcus, (Math.floor(walk.mcu / interval) + 1) * interval) : totalMcus;
    walkMcus(walk, stop, coded.ended ? Infinity : coded.length - MARGIN, lastYield + YIELD_EVERY_BITS, coded);
  }
  // After the last block the rest of its byte is padding; nothing else may come before the marker.
  const extra = await leftOver();
  if (extra > 0) {
    const next = await nextMarker(src);
    throw extraneous(extra + (next?.skipped ?? 0), next?.marker ?? EOI);
  }
  return planes === null ? null : planes.image(walker);
}

/**
 * A sequential arithmetic-coded JPEG whose first scan carries every component: libjpeg then decodes
 * rows as it reads that one scan, and libvips stops before its end (see arithmetic-walker.ts).
 */
export function singleArithmeticScan(header: JpegHeader): boolean {
  const { frame, scan } = header;
  return frame.marker === SOF_ARITHMETIC_SEQUENTIAL && scan.components.length === frame.components.length && scan.spectral?.join(',') === '0,63,0,0';
}

/** Walks the first scan of a `singleArithmeticScan` JPEG; true when the decoder ran into the marker after it. */
async function walkArithmetic(src: ByteSource, header: JpegHeader): Promise<boolean> {
  const { frame, scan } = header;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const single = scan.components.length === 1;
  const blocks = scan.components.flatMap((component, position) => {
    const { h, v } = single ? { h: 1, v: 1 } : frame.components[component.index]!;
    return Array.from({ length: h * v }, () => ({ component: position, dcTable: component.dcTable, acTable: component.acTable }));
  });
  const first = frame.components[scan.components[0]!.index]!;
  const totalMcus = single
    ? Math.ceil(Math.ceil((frame.width * first.h) / hMax) / 8) * Math.ceil(Math.ceil((frame.height * first.v) / vMax) / 8)
    : Math.ceil(frame.width / (8 * hMax)) * Math.ceil(frame.height / (8 * vMax));
  const atRestart = async (expected: number, markerReached: boolean) => {
    const next = await nextMarker(src);
    if (next === null) throw new ImageDamage('the file ends before the image does (premature end of JPEG image)');
    if (next.skipped > 0 && !markerReached) throw extraneous(next.skipped, next.marker);
    if (next.marker !== expected) throw corrupt(`restart marker ${hex(expected)} missing, found ${hex(next.marker)}`);
  };
  const scanShape = { blocks, components: scan.components.length, totalMcus, restartInterval: scan.restartInterval };
  return walkArithmeticScan(src, scanShape, scan.conditioning ?? defaultConditioning(), atRestart);
}

/** Where the walk of a scan stands, and what it walks with; `walkMcus` moves it on. */
interface McuWalk {
  walker: HuffmanWalker;
  /** The next MCU to decode. */
  mcu: number;
  /** Bit position of the walker in the coded data. */
  bitpos: number;
}

/**
 * Decodes MCUs from `walk.mcu` until `stop`, or until the position passes `refillAt` (bytes) or
 * `yieldAt` (bits), in WebAssembly (huffman-walker.ts), and says what went wrong in the words
 * libjpeg would.
 */
function walkMcus(walk: McuWalk, stop: number, refillAt: number, yieldAt: number, coded: CodedData): void {
  const step: WalkStep = { mcu: walk.mcu, bitpos: walk.bitpos, stop, refillAt, yieldAt, endBits: coded.length * 8 };
  const status = walk.walker.walk(step);
  walk.mcu = step.mcu;
  walk.bitpos = step.bitpos;
  if (status === WalkStatus.BadCode) throw badCode(coded, step.bitpos);
  if (status === WalkStatus.TooManyCoefficients) throw corrupt('a block has more than 64 coefficients');
  if (status === WalkStatus.RanOut) throw ranOut(coded);
}

/**
 * Why the DC image cannot stand in for libjpeg's 1/8-scale decode of this JPEG, or null when it
 * can: a single-scan 8-bit Huffman JPEG in grey or YCbCr whose every quantization table is defined,
 * with standard scan parameters, no colour profile and no Adobe colour transform (those are left to
 * libjpeg and libvips, which know what to do with them).
 */
export function dcImageRefusal(header: JpegHeader): string | null {
  const { frame, scan, markers } = header;
  if (header.buffered || (frame.process !== 'baseline' && frame.process !== 'extended')) return 'not a single-scan sequential JPEG';
  if (frame.precision !== 8) return `${frame.precision}-bit samples`;
  if (frame.width === 0 || frame.height === 0) return 'no size in the frame header';
  if (frame.components.length !== 1 && frame.components.length !== 3) return `${frame.components.length} components`;
  if (markers === undefined || markers.adobe || markers.icc) return 'a colour profile or Adobe colour transform';
  const ids = frame.components.map((c) => c.id).join(',');
  if (frame.components.length === 3 && !markers.jfif && ids === '82,71,66') return 'RGB components';
  const spectral = scan.spectral?.join(',');
  if (spectral !== '0,63,0,0') return `scan parameters ${spectral ?? 'unknown'}`;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  if (frame.components.some((c) => hMax % c.h !== 0 || vMax % c.v !== 0)) return 'fractional sampling';
  if (scan.components.length > 1 && frame.components.reduce((sum, c) => sum + c.h * c.v, 0) > 10) return 'more than 10 blocks in an MCU';
  if (frame.components.some((c) => scan.dcQuant?.get(c.quantTable) === undefined)) return 'a quantization table is not defined';
  return null;
}

/**
 * Where the walk places a baseline JPEG's DC values (per component, one sample per block: what
 * libjpeg's 1×1 inverse DCT gives), and the picture at 1/8 scale made from them.
 */
class DcPlanes {
  readonly geometry: DcGeometry;
  /** Width of each plane, in blocks. */
  private readonly widths: number[];

  constructor(private readonly header: JpegHeader) {
    const { frame, scan } = header;
    const hMax = Math.max(...frame.components.map((c) => c.h));
    const vMax = Math.max(...frame.components.map((c) => c.v));
    const single = scan.components.length === 1;
    const first = frame.components[scan.components[0]!.index]!;
    const mcusX = single ? Math.ceil(Math.ceil((frame.width * first.h) / hMax) / 8) : Math.ceil(frame.width / (8 * hMax));
    const mcusY = single ? Math.ceil(Math.ceil((frame.height * first.v) / vMax) / 8) : Math.ceil(frame.height / (8 * vMax));
    // A non-interleaved scan (grey) codes one block per MCU.
    const mcuWidth = frame.components.map((c) => (single ? 1 : c.h));
    const mcuHeight = frame.components.map((c) => (single ? 1 : c.v));
    this.widths = mcuWidth.map((w) => mcusX * w);
    const blockPlane: number[] = [];
    const blockOffset: number[] = [];
    for (const component of scan.components) {
      const c = component.index;
      for (let b = 0; b < mcuWidth[c]! * mcuHeight[c]!; b++) {
        blockPlane.push(c);
        blockOffset.push(Math.floor(b / mcuWidth[c]!) * this.widths[c]! + (b % mcuWidth[c]!));
      }
    }
    this.geometry = {
      mcusX,
      interval: scan.restartInterval,
      planeBytes: frame.components.map((_, c) => this.widths[c]! * mcusY * mcuHeight[c]!),
      mcuWidth,
      mcuRowBytes: frame.components.map((_, c) => mcuHeight[c]! * this.widths[c]!),
      steps: frame.components.map((c) => scan.dcQuant!.get(c.quantTable)!),
      blockPlane,
      blockOffset,
    };
  }

  /** The picture at 1/8 scale: chroma repeated over the blocks it covers, YCbCr to RGB as libjpeg converts it. */
  image(walker: HuffmanWalker): DcImage {
    const { frame } = this.header;
    const { widths } = this;
    const width = Math.ceil(frame.width / 8);
    const height = Math.ceil(frame.height / 8);
    if (frame.components.length === 1) {
      const plane = walker.plane(0, this.geometry.planeBytes[0]!);
      const pixels = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) pixels.set(plane.subarray(y * widths[0]!, y * widths[0]! + width), y * width);
      return { width, height, channels: 1, pixels };
    }
    const hMax = Math.max(...frame.components.map((c) => c.h));
    const vMax = Math.max(...frame.components.map((c) => c.v));
    // Per output column and row, the block of each plane that covers it.
    const columns = frame.components.map((c) => Uint32Array.from({ length: width }, (_, x) => Math.floor((x * c.h) / hMax)));
    const rows = frame.components.map((c, i) => Uint32Array.from({ length: height }, (_, y) => Math.floor((y * c.v) / vMax) * widths[i]!));
    return { width, height, channels: 3, pixels: walker.dcRgb(width, height, columns, rows) };
  }
}

/** Data that ran out before the last block: at a marker (corrupt data) or at the end of the file (cut short). */
function ranOut(coded: CodedData): ImageDamage {
  return coded.atFileEnd ? new ImageDamage('the file ends before the image does (premature end of JPEG image)') : corrupt('premature end of data segment');
}

function extraneous(count: number, marker: number): ImageDamage {
  return corrupt(`${formatCount(count)} extraneous byte${count === 1 ? '' : 's'} before marker ${hex(marker)}`);
}

/** A bad code past the end of the data is the data running out, as libjpeg reports it. */
function badCode(coded: CodedData, bitpos: number): ImageDamage {
  return coded.ended && bitpos >= coded.length * 8 ? ranOut(coded) : corrupt('bad Huffman code');
}
