/**
 * The loop over every Huffman symbol of a baseline JPEG, run in WebAssembly (wasm/jpeg-huffman.c):
 * the structure walk (jpeg-structure.ts) decodes every symbol of every photo taken in, ~11 million
 * for a 24 MP tray photo, and in JavaScript that loop cost as much CPU as libjpeg's whole decode,
 * which the walk exists to check. Runs wherever the walk runs (a structure-check thread, the
 * decode worker, or the service process).
 *
 * A walker is one module instance with its own memory: the window of coded data, the lookup tables
 * and the DC differences all live in it, so nothing is copied across. Walks can interleave on one
 * thread (each awaits its file), so each holds its own walker; idle ones are kept for reuse.
 */
import { JPEG_HUFFMAN_WASM } from './wasm/jpeg-huffman-wasm';

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

/** The fields of the C `Walk` record, as u32 indexes. */
const enum Field {
  Mcu = 0,
  Bitpos = 1,
  Stop = 2,
  RefillAt = 3,
  YieldAt = 4,
  MaxRecorded = 5,
  Blocks = 6,
  Record = 7,
  Recorded = 8,
  Data = 9,
  Differences = 10,
  EndBits = 11,
  Dc = 12,
  Ac = 12 + MAX_BLOCKS,
}

/** Where one walk stands and what it may do next: in and out of `HuffmanWalker.walk`. */
export interface WalkStep {
  mcu: number;
  bitpos: number;
  /** Stop before this MCU, or once past byte `refillAt`, bit `yieldAt`, or `maxRecorded` differences. */
  stop: number;
  refillAt: number;
  yieldAt: number;
  maxRecorded: number;
  /** Bits of coded data loaded; zeros follow (past them the data has run out). */
  endBits: number;
  /** Out: DC differences recorded into `differences` from index 0. */
  recorded: number;
}

/**
 * The part of the WebAssembly API used here. Node and Electron both have it; the main process's
 * type settings (Node types, no DOM) do not declare it.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
const idle: HuffmanWalker[] = [];
/** Idle walkers kept per thread: more than two walks at once on one thread is rare. */
const KEEP_IDLE = 2;

/** A walker for `codedBytes` of coded data at a time (plus `margin` bytes of zeros) and `maxDifferences` DC differences per step. */
export function acquireWalker(codedBytes: number, margin: number, maxDifferences: number): HuffmanWalker {
  const index = idle.findIndex((w) => w.fits(codedBytes, margin, maxDifferences));
  if (index !== -1) return idle.splice(index, 1)[0]!;
  return new HuffmanWalker(codedBytes, margin, maxDifferences);
}

/** Hands a walker back once its walk is over (finished or failed). */
export function releaseWalker(walker: HuffmanWalker): void {
  walker.forgetTables();
  if (idle.length < KEEP_IDLE) idle.push(walker);
}

export class HuffmanWalker {
  /** The window of un-stuffed coded data, with room for the zeros after it. */
  readonly coded: Uint8Array;
  /** DC differences of the last step (when recorded). */
  readonly differences: Int32Array;
  private readonly exports: { walk_mcus: (walk: number) => number };
  private readonly fields: Uint32Array;
  private readonly memory: WasmMemory;
  private readonly tablesAt: number;
  /** The tables built into memory for the current walk, by the codes they were built from. */
  private readonly slots = new Map<Uint16Array, number>();

  constructor(
    private readonly codedBytes: number,
    private readonly margin: number,
    private readonly maxDifferences: number,
  ) {
    // The module's own stack (unused by walk_mcus, but declared) takes the first 64 KiB.
    const walkAt = 128 * 1024;
    const differencesAt = walkAt + 256;
    this.tablesAt = align(differencesAt + 4 * (maxDifferences + MAX_BLOCKS + 1));
    const codedAt = align(this.tablesAt + MAX_TABLES * TABLE_ENTRIES * 2);
    const end = codedAt + codedBytes + margin + 16;
    this.memory = new wasm.Memory({ initial: Math.ceil(end / 65536), maximum: Math.ceil(end / 65536) });
    compiled ??= new wasm.Module(Buffer.from(JPEG_HUFFMAN_WASM, 'base64'));
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as HuffmanWalker['exports'];
    const { buffer } = this.memory;
    this.fields = new Uint32Array(buffer, walkAt, 64);
    this.differences = new Int32Array(buffer, differencesAt, maxDifferences + MAX_BLOCKS + 1);
    this.coded = new Uint8Array(buffer, codedAt, codedBytes + margin);
    this.fields[Field.Data] = codedAt;
    this.fields[Field.Differences] = differencesAt;
  }

  fits(codedBytes: number, margin: number, maxDifferences: number): boolean {
    return this.codedBytes === codedBytes && this.margin === margin && this.maxDifferences === maxDifferences;
  }

  /**
   * Sets the tables that decode each block of an MCU: `dc[b]` and `ac[b]` are the 16-bit code
   * lookups of block b's tables (see `readJpegHeader`); each distinct one is built once per walk.
   */
  useTables(dc: readonly Uint16Array[], ac: readonly Uint16Array[]): void {
    if (dc.length > MAX_BLOCKS || ac.length !== dc.length) throw new RangeError(`${dc.length} blocks in an MCU`);
    this.fields[Field.Blocks] = dc.length;
    dc.forEach((codes, b) => (this.fields[Field.Dc + b] = this.table(codes, true)));
    ac.forEach((codes, b) => (this.fields[Field.Ac + b] = this.table(codes, false)));
  }

  /** Decodes MCUs as far as `step` allows, recording DC differences when `record`; moves `step` on. */
  walk(step: WalkStep, record: boolean): WalkStatus {
    const { fields } = this;
    fields[Field.Mcu] = step.mcu;
    fields[Field.Bitpos] = step.bitpos;
    fields[Field.Stop] = step.stop;
    fields[Field.RefillAt] = clampU32(step.refillAt);
    fields[Field.YieldAt] = clampU32(step.yieldAt);
    fields[Field.MaxRecorded] = step.maxRecorded;
    fields[Field.Record] = record ? 1 : 0;
    fields[Field.EndBits] = clampU32(step.endBits);
    const status = this.exports.walk_mcus(this.fields.byteOffset) as WalkStatus;
    step.mcu = fields[Field.Mcu]!;
    step.bitpos = fields[Field.Bitpos]!;
    step.recorded = fields[Field.Recorded]!;
    return status;
  }

  forgetTables(): void {
    this.slots.clear();
  }

  private table(codes: Uint16Array, isDc: boolean): number {
    let at = this.slots.get(codes);
    if (at === undefined) {
      if (this.slots.size === MAX_TABLES) throw new RangeError('more than eight Huffman tables in one scan');
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
