/**
 * The walk of a sequential arithmetic-coded JPEG scan (SOF9), decision by decision, as ITU-T T.81
 * Annex D and F.2.4 define the decoder. libvips never calls `jpeg_finish_decompress`, so for a
 * single-scan arithmetic JPEG nothing checks that its coded data ends where the last block does:
 * bytes left over or damage near the end decoded "cleanly". This walk decodes every decision (not
 * the coefficients' values beyond what the decoding needs) to find where the data really ends.
 *
 * What it judges, in libjpeg's words: bytes left over before a marker ("N extraneous bytes"), a
 * restart marker missing, a magnitude or run past its limit ("bad arithmetic code"). Arithmetic
 * coding lets a decoder run on past a marker reading zeros, so data cut short decodes too; the walk
 * refuses it when the decoder needs more than `MAX_ZERO_PADDING` bytes past the marker (an encoder
 * drops at most a few trailing zero bytes), a heuristic: see PIPELINE.md.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ByteSource } from './byte-source';
import { ImageDamage } from './image-damage';

/**
 * T.81 Table D.2, per state: Qe, next state after an MPS, after an LPS, and whether an LPS swaps
 * the MPS sense. The last row (113) is the fixed 0.5 estimate for sign bits (T.851).
 */
// prettier-ignore
const QE_TABLE: ReadonlyArray<readonly [number, number, number, number]> = [
  [0x5a1d, 1, 1, 1], [0x2586, 2, 14, 0], [0x1114, 3, 16, 0], [0x080b, 4, 18, 0], [0x03d8, 5, 20, 0],
  [0x01da, 6, 23, 0], [0x00e5, 7, 25, 0], [0x006f, 8, 28, 0], [0x0036, 9, 30, 0], [0x001a, 10, 33, 0],
  [0x000d, 11, 35, 0], [0x0006, 12, 9, 0], [0x0003, 13, 10, 0], [0x0001, 13, 12, 0], [0x5a7f, 15, 15, 1],
  [0x3f25, 16, 36, 0], [0x2cf2, 17, 38, 0], [0x207c, 18, 39, 0], [0x17b9, 19, 40, 0], [0x1182, 20, 42, 0],
  [0x0cef, 21, 43, 0], [0x09a1, 22, 45, 0], [0x072f, 23, 46, 0], [0x055c, 24, 48, 0], [0x0406, 25, 49, 0],
  [0x0303, 26, 51, 0], [0x0240, 27, 52, 0], [0x01b1, 28, 54, 0], [0x0144, 29, 56, 0], [0x00f5, 30, 57, 0],
  [0x00b7, 31, 59, 0], [0x008a, 32, 60, 0], [0x0068, 33, 62, 0], [0x004e, 34, 63, 0], [0x003b, 35, 32, 0],
  [0x002c, 9, 33, 0], [0x5ae1, 37, 37, 1], [0x484c, 38, 64, 0], [0x3a0d, 39, 65, 0], [0x2ef1, 40, 67, 0],
  [0x261f, 41, 68, 0], [0x1f33, 42, 69, 0], [0x19a8, 43, 70, 0], [0x1518, 44, 72, 0], [0x1177, 45, 73, 0],
  [0x0e74, 46, 74, 0], [0x0bfb, 47, 75, 0], [0x09f8, 48, 77, 0], [0x0861, 49, 78, 0], [0x0706, 50, 79, 0],
  [0x05cd, 51, 48, 0], [0x04de, 52, 50, 0], [0x040f, 53, 50, 0], [0x0363, 54, 51, 0], [0x02d4, 55, 52, 0],
  [0x025c, 56, 53, 0], [0x01f8, 57, 54, 0], [0x01a4, 58, 55, 0], [0x0160, 59, 56, 0], [0x0125, 60, 57, 0],
  [0x00f6, 61, 58, 0], [0x00cb, 62, 59, 0], [0x00ab, 63, 61, 0], [0x008f, 32, 61, 0], [0x5b12, 65, 65, 1],
  [0x4d04, 66, 80, 0], [0x412c, 67, 81, 0], [0x37d8, 68, 82, 0], [0x2fe8, 69, 83, 0], [0x293c, 70, 84, 0],
  [0x2379, 71, 86, 0], [0x1edf, 72, 87, 0], [0x1aa9, 73, 87, 0], [0x174e, 74, 72, 0], [0x1424, 75, 72, 0],
  [0x119c, 76, 74, 0], [0x0f6b, 77, 74, 0], [0x0d51, 78, 75, 0], [0x0bb6, 79, 77, 0], [0x0a40, 48, 77, 0],
  [0x5832, 81, 80, 1], [0x4d1c, 82, 88, 0], [0x438e, 83, 89, 0], [0x3bdd, 84, 90, 0], [0x34ee, 85, 91, 0],
  [0x2eae, 86, 92, 0], [0x299a, 87, 93, 0], [0x2516, 71, 86, 0], [0x5570, 89, 88, 1], [0x4ca9, 90, 95, 0],
  [0x44d9, 91, 96, 0], [0x3e22, 92, 97, 0], [0x3824, 93, 99, 0], [0x32b4, 94, 99, 0], [0x2e17, 86, 93, 0],
  [0x56a8, 96, 95, 1], [0x4f46, 97, 101, 0], [0x47e5, 98, 102, 0], [0x41cf, 99, 103, 0], [0x3c3d, 100, 104, 0],
  [0x375e, 93, 99, 0], [0x5231, 102, 105, 0], [0x4c0f, 103, 106, 0], [0x4639, 104, 107, 0], [0x415e, 99, 103, 0],
  [0x5627, 106, 105, 1], [0x50e7, 107, 108, 0], [0x4b85, 103, 109, 0], [0x5597, 109, 110, 0], [0x504f, 107, 111, 0],
  [0x5a10, 111, 110, 1], [0x5522, 109, 112, 0], [0x59eb, 111, 112, 1], [0x5a1d, 113, 113, 0],
];
/** The same table, flat for the decoder's inner loop: Qe, and the next states as bytes ready to store. */
const QE = Int32Array.from(QE_TABLE, (row) => row[0]);
const AFTER_MPS = Uint8Array.from(QE_TABLE, (row) => row[1]);
/** Next state after an LPS, with the swap of the MPS sense in bit 7 (to XOR into the stored byte). */
const AFTER_LPS = Uint8Array.from(QE_TABLE, (row) => row[2] | (row[3] << 7));
const FIXED_STATE = 113;
/** The walk lets the event loop run after this many MCUs (a few ms of decoding). */
const YIELD_EVERY_MCUS = 512;
/** Arithmetic conditioning tables a scan may name (4 bits). */
const TABLES = 16;

/** More zero bytes past a marker than any encoder leaves off: the data was cut short. */
export const MAX_ZERO_PADDING = 64;
/** Kept in the window before each MCU: far more than one MCU of ten blocks can use. */
const MCU_LOOKAHEAD = 64 * 1024;

/** Conditioning from the DAC segments (T.81 F.1.4.4): per table, DC bounds L and U, AC split K. */
export interface ArithmeticConditioning {
  dcL: number[];
  dcU: number[];
  acK: number[];
}

export function defaultConditioning(): ArithmeticConditioning {
  return { dcL: new Array<number>(TABLES).fill(0), dcU: new Array<number>(TABLES).fill(1), acK: new Array<number>(TABLES).fill(5) };
}

/** A scan's blocks: per block of an MCU, its component's index in the scan and its tables. */
export interface ArithmeticScan {
  blocks: Array<{ component: number; dcTable: number; acTable: number }>;
  components: number;
  totalMcus: number;
  restartInterval: number;
}

const corrupt = (detail: string) => new ImageDamage(`its image data is corrupt (${detail})`);

/** The decoder of T.81 Annex D over a ByteSource; a marker stops its input, after which it reads zeros. */
class ArithmeticDecoder {
  private c = 0;
  private a = 0;
  private ct = -16;
  /** A marker (or the file's end) was reached; `src` stands at its 0xFF. */
  markerReached = false;
  /** Zero bytes supplied past the marker. */
  zeroPadding = 0;
  /** The data ended with the file, not at a marker. */
  atFileEnd = false;

  constructor(private readonly src: ByteSource) {}

  reset(): void {
    this.c = 0;
    this.a = 0;
    this.ct = -16;
    this.markerReached = false;
    this.zeroPadding = 0;
  }

  private nextByte(): number {
    const { src } = this;
    if (this.markerReached) {
      this.zeroPadding++;
      return 0;
    }
    const { bytes } = src;
    if (src.available === 0) {
      this.atFileEnd = true;
      return this.stopAtMarker();
    }
    const value = bytes[src.pos]!;
    if (value !== 0xff) {
      src.pos++;
      return value;
    }
    let at = src.pos + 1;
    while (at < bytes.length && bytes[at] === 0xff) at++;
    if (at < bytes.length && bytes[at] === 0) {
      src.pos = at + 1;
      return 0xff;
    }
    // A marker (fill bytes before it kept for nextMarker), or the window's end at a run of 0xFF.
    return this.stopAtMarker();
  }

  private stopAtMarker(): number {
    this.markerReached = true;
    this.zeroPadding++;
    return 0;
  }

  /** One binary decision with the adaptive estimate in `stats[at]` (MPS sense in bit 7, state below). */
  decode(stats: Uint8Array, at: number): number {
    while (this.a < 0x8000) {
      if (--this.ct < 0) {
        this.c = this.c * 256 + this.nextByte();
        this.ct += 8;
        // The first two bytes after a (re)start: then A starts at 0x10000.
        if (this.ct < 0 && ++this.ct === 0) this.a = 0x8000;
      }
      this.a *= 2;
    }
    let sv = stats[at]!;
    const state = sv & 0x7f;
    const qe = QE[state]!;
    this.a -= qe;
    const split = this.a * 2 ** this.ct;
    if (this.c >= split) {
      this.c -= split;
      if (this.a < qe) {
        this.a = qe;
        stats[at] = (sv & 0x80) | AFTER_MPS[state]!;
      } else {
        this.a = qe;
        stats[at] = (sv & 0x80) ^ AFTER_LPS[state]!;
        sv ^= 0x80;
      }
    } else if (this.a < 0x8000) {
      if (this.a < qe) {
        stats[at] = (sv & 0x80) ^ AFTER_LPS[state]!;
        sv ^= 0x80;
      } else {
        stats[at] = (sv & 0x80) | AFTER_MPS[state]!;
      }
    }
    return sv >> 7;
  }
}

/**
 * Walks the scan at `src` (just after its SOS segment) to its last MCU, and through the restart
 * markers between; leaves `src` where libjpeg would stop reading. Throws `ImageDamage`. Returns
 * whether the decoder ran into the marker after the scan (then nothing can be left over).
 */
export async function walkArithmeticScan(
  src: ByteSource,
  scan: ArithmeticScan,
  conditioning: ArithmeticConditioning,
  atRestart: (expected: number, markerReached: boolean) => Promise<void>,
): Promise<boolean> {
  const decoder = new ArithmeticDecoder(src);
  const dcStats = Array.from({ length: TABLES }, () => new Uint8Array(64));
  const acStats = Array.from({ length: TABLES }, () => new Uint8Array(256));
  const fixed = Uint8Array.of(FIXED_STATE);
  const dcContext = new Array<number>(scan.components).fill(0);
  const resetStatistics = () => {
    for (const stats of [...dcStats, ...acStats]) stats.fill(0);
    dcContext.fill(0);
  };
  let restarts = 0;
  for (let mcu = 0; mcu < scan.totalMcus; mcu++) {
    if (scan.restartInterval > 0 && mcu > 0 && mcu % scan.restartInterval === 0) {
      await atRestart(0xd0 + (restarts++ % 8), decoder.markerReached);
      tooMuchPadding(decoder);
      decoder.reset();
      resetStatistics();
    }
    if (!decoder.markerReached && src.available < MCU_LOOKAHEAD) await src.ensure(MCU_LOOKAHEAD);
    else if (mcu % YIELD_EVERY_MCUS === YIELD_EVERY_MCUS - 1) await nextTurn();
    for (const block of scan.blocks) {
      decodeBlock(decoder, dcStats[block.dcTable]!, acStats[block.acTable]!, fixed, dcContext, block, conditioning);
    }
    tooMuchPadding(decoder);
  }
  return decoder.markerReached;
}

function tooMuchPadding(decoder: ArithmeticDecoder): void {
  if (decoder.zeroPadding <= MAX_ZERO_PADDING) return;
  throw decoder.atFileEnd ? new ImageDamage('the file ends before the image does (premature end of JPEG image)') : corrupt('premature end of data segment');
}

/** One block: the DC difference (F.2.4.1) and the AC coefficients (F.2.4.2), values discarded. */
function decodeBlock(
  d: ArithmeticDecoder,
  dc: Uint8Array,
  ac: Uint8Array,
  fixed: Uint8Array,
  dcContext: number[],
  block: { component: number; dcTable: number; acTable: number },
  conditioning: ArithmeticConditioning,
): void {
  const table = block.dcTable;
  let at = dcContext[block.component]!;
  if (d.decode(dc, at) === 0) dcContext[block.component] = 0;
  else {
    const sign = d.decode(dc, at + 1);
    at += 2 + sign;
    let m = d.decode(dc, at);
    if (m !== 0) {
      at = 20;
      while (d.decode(dc, at)) {
        if ((m <<= 1) === 0x8000) throw corrupt('bad arithmetic code');
        at++;
      }
    }
    if (m < (1 << conditioning.dcL[table]!) >> 1) dcContext[block.component] = 0;
    else if (m > (1 << conditioning.dcU[table]!) >> 1) dcContext[block.component] = 12 + sign * 4;
    else dcContext[block.component] = 4 + sign * 4;
    at += 14;
    while ((m >>= 1)) d.decode(dc, at);
  }
  const k0 = conditioning.acK[block.acTable]!;
  for (let k = 1; k <= 63; k++) {
    at = 3 * (k - 1);
    if (d.decode(ac, at)) break; // end of block
    while (d.decode(ac, at + 1) === 0) {
      at += 3;
      if (++k > 63) throw corrupt('bad arithmetic code');
    }
    d.decode(fixed, 0); // sign
    at += 2;
    let m = d.decode(ac, at);
    if (m !== 0 && d.decode(ac, at)) {
      m <<= 1;
      at = k <= k0 ? 189 : 217;
      while (d.decode(ac, at)) {
        if ((m <<= 1) === 0x8000) throw corrupt('bad arithmetic code');
        at++;
      }
    }
    at += 14;
    while ((m >>= 1)) d.decode(ac, at);
  }
}
