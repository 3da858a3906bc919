/*
 * The inner loop of Corelog's JPEG structure walk (jpeg-structure.ts), compiled to WebAssembly
 * because it runs once per Huffman symbol of every photo taken in: ~11 million symbols for a
 * 24 MP tray photo. The same loop in JavaScript cost as much CPU as libjpeg's whole decode; here
 * it keeps a 64-bit bit buffer and runs without bounds checks.
 *
 * Build: `npm run build:wasm` (scripts/build-wasm.mjs, clang 14 + wasm-ld), which writes the
 * module into jpeg-huffman-wasm.ts. No libc, no stack, no globals: every input and output is in
 * the `Walk` record, whose offset the caller passes.
 *
 * Table entries (built by walkTable in jpeg-structure.ts), per possible next 16 bits:
 * - bits 0–4: bits taken by the code and the value after it;
 * - AC: bits 5–9, how far it moves through the 64 coefficients; bit 10, end of block;
 * - DC: bits 5–8, the size of the difference; bits 9–13, the code's own length;
 * - 0: a bad code. The `fast` table (10 bits) holds 0xFFFF where the code is longer.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;

#define FAST_BITS 10
#define SLOW 0xffff
#define EOB (1 << 10)
#define MAX_BLOCKS 10

enum { OK = 0, BAD_CODE = 1, TOO_MANY_COEFFICIENTS = 2, RAN_OUT = 3 };

typedef struct {
  /* In and out: the next MCU, and the bit position in `data`. */
  u32 mcu;
  u32 bitpos;
  /* In: stop before this MCU, or once past this byte, or this bit, or with this many differences recorded. */
  u32 stop;
  u32 refill_at;
  u32 yield_at;
  u32 max_recorded;
  /* In: blocks per MCU; whether to record each block's DC difference. */
  u32 blocks;
  u32 record;
  /* Out: differences recorded. */
  u32 recorded;
  /* In: offsets (in this memory) of the coded data and of the differences (i32). */
  u32 data;
  u32 differences;
  /* In: the bits of coded data loaded; zeros follow them (past them the data has run out). */
  u32 end_bits;
  /* In: per block of an MCU, the offsets of its DC and AC tables (fast, then full 64 Ki entries after it). */
  u32 dc[MAX_BLOCKS];
  u32 ac[MAX_BLOCKS];
} Walk;

#define TABLE(offset) ((const u16 *)(unsigned long)(offset))
#define FULL(offset) ((const u16 *)(unsigned long)(offset) + (1 << FAST_BITS))

/* Fills the buffer to at least 32 bits: the longest code and value take 27. */
#define REFILL()                                                                                  \
  if (count < 32) {                                                                               \
    u32 word = ((u32)data[pos] << 24) | ((u32)data[pos + 1] << 16) | ((u32)data[pos + 2] << 8) | \
               (u32)data[pos + 3];                                                                \
    bits |= (u64)word << (32 - count);                                                            \
    count += 32;                                                                                  \
    pos += 4;                                                                                     \
  }

/*
 * Decodes MCUs from walk->mcu until walk->stop or a limit, as walkMcus in jpeg-structure.ts did.
 * On return walk->mcu and walk->bitpos say where it stopped: after the last whole MCU, at the
 * symbol that was bad (BAD_CODE) or took a block past 64 coefficients (TOO_MANY_COEFFICIENTS), or
 * after an MCU that ended beyond the data loaded (RAN_OUT).
 */
__attribute__((export_name("walk_mcus"))) i32 walk_mcus(Walk *walk) {
  const u8 *data = (const u8 *)(unsigned long)walk->data;
  i32 *differences = (i32 *)(unsigned long)walk->differences;
  const u32 blocks = walk->blocks;
  const u32 stop = walk->stop;
  const u32 refill_at = walk->refill_at;
  const u32 yield_at = walk->yield_at;
  const u32 max_recorded = walk->max_recorded;
  const u32 record = walk->record;
  const u32 end_bits = walk->end_bits;
  u32 mcu = walk->mcu;
  u32 recorded = 0;
  /* The buffer holds `count` bits from bit `pos * 8 - count`, most significant first. */
  u32 pos = walk->bitpos >> 3;
  u64 bits = 0;
  u32 count = 0;
  REFILL();
  bits <<= walk->bitpos & 7;
  count -= walk->bitpos & 7;
  i32 status = OK;
  u32 bitpos;
  for (;;) {
    for (u32 block = 0; block < blocks; block++) {
      REFILL();
      u32 entry = TABLE(walk->dc[block])[bits >> (64 - FAST_BITS)];
      if (entry == SLOW) entry = FULL(walk->dc[block])[bits >> 48];
      if (entry == 0) {
        status = BAD_CODE;
        goto out;
      }
      if (record) {
        u32 size = (entry >> 5) & 15;
        u32 length = entry >> 9;
        i32 difference = 0;
        if (size != 0) {
          u32 value = (u32)((bits << length) >> (64 - size));
          difference = value < (1u << (size - 1)) ? (i32)value - (i32)(1u << size) + 1 : (i32)value;
        }
        differences[recorded++] = difference;
      }
      bits <<= entry & 31;
      count -= entry & 31;
      const u16 *fast = TABLE(walk->ac[block]);
      const u16 *full = FULL(walk->ac[block]);
      for (u32 k = 1;;) {
        REFILL();
        entry = fast[bits >> (64 - FAST_BITS)];
        if (entry == SLOW) entry = full[bits >> 48];
        if (entry == 0) {
          status = BAD_CODE;
          goto out;
        }
        bits <<= entry & 31;
        count -= entry & 31;
        if (entry & EOB) break;
        k += (entry >> 5) & 31;
        if (k >= 64) {
          if (k > 64) {
            /* Report the position of the symbol itself, as the JavaScript walk did. */
            count += entry & 31;
            status = TOO_MANY_COEFFICIENTS;
            goto out;
          }
          break;
        }
      }
    }
    bitpos = pos * 8 - count;
    /* Checked per MCU: one MCU cannot run further past the data than the zeros after it. */
    if (bitpos > end_bits) {
      status = RAN_OUT;
      break;
    }
    mcu++;
    if (mcu >= stop || (bitpos >> 3) > refill_at || bitpos > yield_at || recorded > max_recorded) break;
  }
out:
  walk->mcu = mcu;
  walk->bitpos = pos * 8 - count;
  walk->recorded = recorded;
  return status;
}
