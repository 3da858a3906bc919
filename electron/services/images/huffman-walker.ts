/**
 * The loop over every Huffman symbol of a baseline JPEG, run in WebAssembly (wasm/jpeg-huffman.c):
 * the structure walk (jpeg-structure.ts) decodes every symbol of every photo taken in, ~11 million
 * for a 24 MP tray photo, and in JavaScript that loop cost as much CPU as libjpeg's whole decode,
 * which the walk exists to check. Runs wherever the walk runs (a structure-check thread, the
 * decode worker, or the service process).
 *
 * A walker is one module instance with its own memory: the window of coded data, the lookup tables
 * and the DC planes all live in it, so nothing is copied across but the finished RGB picture. Walks can interleave on one
 * thread (each awaits its file), so each has its own walker.
 */
import { JPEG_HUFFMAN_WASM } from './wasm/jpeg-huffman-wasm';
import { ImageDamage } from './image-damage';

/** Codes up to this many bits are found in a small table that stays in the CPU's L1 cache. */
export const FAST_BITS = 10;
const SLOW = 0xffff;
/** An AC entry's end-of-block flag. */
const EOB = 1 << 10;
/** Blocks in an MCU at most (the JPEG standard's limit). */
export const MAX_BLOCKS = 10;
/** Distinct Huffman tables a scan can use: four DC and four AC. */
const MAX_TABLES = 8;
const TABLE_ENTRIES = (1 << FAST_BITS) + 65536;

/** What `walk_mcus` returns. */
export const enum WalkStatus {
  Ok = 0,
  BadCode = 1,
  TooManyCoefficients = 2,
  RanOut = 3,
}

/** The fields of the C `Walk` record, as u32 indexes (the C asserts the layout). */
const enum Field {
  Mcu = 0,
  Bitpos = 1,
  Stop = 2,
  RefillAt = 3,
  YieldAt = 4,
  Blocks = 5,
  PlaceDc = 6,
  Data = 7,
  EndBits = 8,
  Dc = 9,
  Ac = 9 + MAX_BLOCKS,
  McusX = 29,
  Interval = 30,
  BlockPlane = 31,
  BlockOffset = 31 + MAX_BLOCKS,
  Plane = 51,
  McuRowBytes = 55,
  McuWidth = 59,
  Step = 63,
  Predictor = 68,
  Size = 76,
}

/** The fields of the C `DcRgb` record. */
const enum RgbField {
  Width = 0,
  Height = 1,
  Plane = 2,
  Columns = 5,
  Rows = 8,
  Out = 11,
  Tables = 12,
  Size = 13,
}

/** Where one walk stands and what it may do next: in and out of `HuffmanWalker.walk`. */
export interface WalkStep {
  mcu: number;
  bitpos: number;
  /** Stop before this MCU, or once past byte `refillAt` or bit `yieldAt`. */
  stop: number;
  refillAt: number;
  yieldAt: number;
  /** Bits of coded data loaded; zeros follow (past them the data has run out). */
  endBits: number;
}

/**
 * Where a baseline JPEG's DC values go (see `HuffmanWalker.placeDc`): one plane per component of
 * one sample per block, which is what libjpeg's 1/8-scale decode makes of each block.
 */
export interface DcGeometry {
  mcusX: number;
  /** The restart interval in MCUs (0: none); predictions start from zero at each. */
  interval: number;
  /** Per component: plane size in bytes, blocks across an MCU, bytes per row of MCUs, DC quantization step. */
  planeBytes: number[];
  mcuWidth: number[];
  mcuRowBytes: number[];
  steps: number[];
  /** Per block of an MCU: its component, and its offset in that plane from the MCU's first block. */
  blockPlane: number[];
  blockOffset: number[];
}

/**
 * The part of the WebAssembly API used here. Node and Electron both have it; the main process's
 * type settings (Node types, no DOM) do not declare it.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

/**
 * A walker for `codedBytes` of coded data at a time, followed by `margin` bytes of room; one per
 * walk. (Idle walkers kept for reuse held the pages their walks had touched: the archive dry run,
 * eight files at a time, peaked 70–90 MB higher than with a fresh walker per walk, whose memory
 * the garbage collector returns.)
 */
export function acquireWalker(codedBytes: number, margin: number): HuffmanWalker {
  return new HuffmanWalker(codedBytes, margin);
}

export class HuffmanWalker {
  /** The window of coded data, with room for the zeros after it. Valid until `placeDc` or `dcRgb` grows the memory. */
  coded!: Uint8Array;
  private fields!: Uint32Array;
  private readonly exports: { walk_mcus: (walk: number) => number; dc_rgb: (job: number) => void };
  private readonly memory: WasmMemory;
  private readonly walkAt = 128 * 1024;
  private readonly rgbAt = this.walkAt + Field.Size * 4;
  private readonly tablesAt = align(this.rgbAt + RgbField.Size * 4);
  private readonly codedAt = align(this.tablesAt + MAX_TABLES * TABLE_ENTRIES * 2);
  /** Start of the memory handed out per walk (DC planes, RGB pixels); `top` is its end. */
  private readonly dynamicAt: number;
  private top: number;
  /** The tables built into memory for the current walk, by the codes they were built from. */
  private readonly slots = new Map<Uint16Array, number>();
  private planes: number[] = [];

  constructor(
    private readonly codedBytes: number,
    private readonly margin: number,
  ) {
    this.dynamicAt = align(this.codedAt + codedBytes + margin + 16);
    this.top = this.dynamicAt;
    // The module's own stack (unused, but declared) takes the first 64 KiB.
    this.memory = new wasm.Memory({ initial: Math.ceil(this.dynamicAt / 65536) });
    compiled ??= new wasm.Module(Buffer.from(JPEG_HUFFMAN_WASM, 'base64'));
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as HuffmanWalker['exports'];
    this.refreshViews();
  }

  /**
   * Sets the tables that decode each block of an MCU: `dc[b]` and `ac[b]` are the 16-bit code
   * lookups of block b's tables (see `readJpegHeader`); each distinct one is built once per walk.
   */
  useTables(dc: readonly Uint16Array[], ac: readonly Uint16Array[]): void {
    if (dc.length > MAX_BLOCKS || ac.length !== dc.length) throw new ImageDamage(`its structure is corrupt (a scan needs ${dc.length} blocks per unit of coded data; JPEG allows at most ${MAX_BLOCKS})`);
    this.fields[Field.Blocks] = dc.length;
    dc.forEach((codes, b) => (this.fields[Field.Dc + b] = this.table(codes, true)));
    ac.forEach((codes, b) => (this.fields[Field.Ac + b] = this.table(codes, false)));
  }

  /** Makes the walk place every block's DC value in planes laid out as `geometry` says. Call before the walk reads coded data. */
  placeDc(geometry: DcGeometry): void {
    this.planes = geometry.planeBytes.map((bytes) => this.reserve(bytes));
    const { fields } = this;
    fields[Field.PlaceDc] = 1;
    fields[Field.McusX] = geometry.mcusX;
    fields[Field.Interval] = geometry.interval;
    geometry.blockPlane.forEach((c, b) => (fields[Field.BlockPlane + b] = c));
    geometry.blockOffset.forEach((offset, b) => (fields[Field.BlockOffset + b] = offset));
    this.planes.forEach((at, c) => {
      fields[Field.Plane + c] = at;
      fields[Field.McuRowBytes + c] = geometry.mcuRowBytes[c]!;
      fields[Field.McuWidth + c] = geometry.mcuWidth[c]!;
      fields[Field.Step + c] = geometry.steps[c]!;
    });
    fields.fill(0, Field.Predictor, Field.Size);
  }

  /** Component `c`'s DC plane, as far as the walk has filled it. */
  plane(c: number, bytes: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.planes[c]!, bytes);
  }

  /**
   * RGB pixels (a copy, this thread's own) of a YCbCr photo's DC planes: `columns[c][x]` is the
   * column of plane c covering output column x, `rows[c][y]` the offset of its row covering row y.
   */
  dcRgb(width: number, height: number, columns: Uint32Array[], rows: Uint32Array[]): Uint8Array {
    const columnsAt = columns.map((table) => this.reserve(table.byteLength));
    const rowsAt = rows.map((table) => this.reserve(table.byteLength));
    const out = this.reserve(width * height * 3);
    const tables = this.reserve(4 * 256 * 4);
    const { buffer } = this.memory;
    columns.forEach((table, c) => new Uint32Array(buffer, columnsAt[c]!, table.length).set(table));
    rows.forEach((table, c) => new Uint32Array(buffer, rowsAt[c]!, table.length).set(table));
    const job = new Uint32Array(buffer, this.rgbAt, RgbField.Size);
    job[RgbField.Width] = width;
    job[RgbField.Height] = height;
    for (let c = 0; c < 3; c++) {
      job[RgbField.Plane + c] = this.planes[c]!;
      job[RgbField.Columns + c] = columnsAt[c]!;
      job[RgbField.Rows + c] = rowsAt[c]!;
    }
    job[RgbField.Out] = out;
    job[RgbField.Tables] = tables;
    this.exports.dc_rgb(this.rgbAt);
    return new Uint8Array(buffer.slice(out, out + width * height * 3));
  }

  /** Decodes MCUs as far as `step` allows; moves `step` on. */
  walk(step: WalkStep): WalkStatus {
    const { fields } = this;
    fields[Field.Mcu] = step.mcu;
    fields[Field.Bitpos] = step.bitpos;
    fields[Field.Stop] = step.stop;
    fields[Field.RefillAt] = clampU32(step.refillAt);
    fields[Field.YieldAt] = clampU32(step.yieldAt);
    fields[Field.EndBits] = clampU32(step.endBits);
    const status = this.exports.walk_mcus(this.walkAt) as WalkStatus;
    step.mcu = fields[Field.Mcu]!;
    step.bitpos = fields[Field.Bitpos]!;
    return status;
  }

  /** `bytes` of memory for this walk, growing the memory (and renewing the views on it) if need be. */
  private reserve(bytes: number): number {
    const at = this.top;
    this.top = align(at + bytes);
    const missing = this.top - this.memory.buffer.byteLength;
    if (missing > 0) {
      this.memory.grow(Math.ceil(missing / 65536));
      this.refreshViews();
    }
    return at;
  }

  private refreshViews(): void {
    const { buffer } = this.memory;
    this.fields = new Uint32Array(buffer, this.walkAt, Field.Size);
    this.coded = new Uint8Array(buffer, this.codedAt, this.codedBytes + this.margin);
    this.fields[Field.Data] = this.codedAt;
  }

  private table(codes: Uint16Array, isDc: boolean): number {
    let at = this.slots.get(codes);
    if (at === undefined) {
      if (this.slots.size === MAX_TABLES) throw new ImageDamage('its structure is corrupt (a scan uses more than eight Huffman tables)');
      at = this.tablesAt + this.slots.size * TABLE_ENTRIES * 2;
      buildTable(codes, isDc, new Uint16Array(this.memory.buffer, at, TABLE_ENTRIES));
      this.slots.set(codes, at);
    }
    return at;
  }
}

/**
 * Fills `table` for one Huffman table: the fast 2^FAST_BITS entries, then one per possible next 16
 * bits. Each holds the bits the symbol takes with the value after it (the value itself does not
 * matter to the walk, except a DC difference for the DC image), how far it moves through the 64
 * coefficients, and whether it ends the block; 0 is a bad code. `codes[i]` is the code length << 8
 * | symbol of the code the 16 bits `i` start with, 0 for none.
 */
function buildTable(codes: Uint16Array, isDc: boolean, table: Uint16Array): void {
  const full = table.subarray(1 << FAST_BITS);
  for (let i = 0; i < 65536; i++) {
    const entry = codes[i]!;
    if (entry === 0) {
      full[i] = 0;
      continue;
    }
    const length = entry >> 8;
    const symbol = entry & 0xff;
    const size = symbol & 15;
    const run = symbol >> 4;
    // DC: the code's length and the size of the difference that follows, kept apart for the DC image.
    if (isDc) full[i] = (length + symbol) | (symbol << 5) | (length << 9);
    else if (size !== 0) full[i] = (length + size) | ((run + 1) << 5);
    else if (run === 15) full[i] = length | (16 << 5); // sixteen zeros
    else full[i] = length | EOB;
  }
  for (let i = 0; i < 1 << FAST_BITS; i++) {
    const at = i << (16 - FAST_BITS);
    table[i] = codes[at] === 0 ? 0 : codes[at]! >> 8 > FAST_BITS ? SLOW : full[at]!;
  }
}

function align(offset: number): number {
  return Math.ceil(offset / 64) * 64;
}

function clampU32(value: number): number {
  return value >= 0xffffffff ? 0xffffffff : value;
}
