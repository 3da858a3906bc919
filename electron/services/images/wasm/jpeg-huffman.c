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
typedef long long i64;

#define FAST_BITS 10
#define SLOW 0xffff
#define EOB (1 << 10)
#define MAX_BLOCKS 10

enum { OK = 0, BAD_CODE = 1, TOO_MANY_COEFFICIENTS = 2, RAN_OUT = 3 };

typedef struct {
  /* In and out: the next MCU, and the bit position in `data`. */
  u32 mcu;
  u32 bitpos;
  /* In: stop before this MCU, or once past this byte, or this bit. */
  u32 stop;
  u32 refill_at;
  u32 yield_at;
  /* In: blocks per MCU; whether to place each block's DC value in the DC planes. */
  u32 blocks;
  u32 place_dc;
  /* In: offset (in this memory) of the coded data. */
  u32 data;
  /* In: the bits of coded data loaded; zeros follow them (past them the data has run out). */
  u32 end_bits;
  /* In: per block of an MCU, the offsets of its DC and AC tables (fast, then full 64 Ki entries after it). */
  u32 dc[MAX_BLOCKS];
  u32 ac[MAX_BLOCKS];
  /*
   * The DC planes (place_dc): per component a plane of one sample per block, which is what
   * libjpeg's 1/8-scale decode (its 1x1 inverse DCT) makes of the block. MCUs per row, the
   * restart interval (predictions start from zero at each), and per block of an MCU its component
   * and its offset in that component's plane from the MCU's first block.
   */
  u32 mcus_x;
  u32 interval;
  u32 block_plane[MAX_BLOCKS];
  u32 block_offset[MAX_BLOCKS];
  /* Per component: its plane's offset, the plane's row of MCUs (bytes), blocks across an MCU, quantization step of DC. */
  u32 plane[4];
  u32 mcu_row_bytes[4];
  u32 mcu_width[4];
  i32 step[4];
  i64 predictor[4];
} Walk;

/* huffman-walker.ts writes these records by 32-bit index: keep the layout it knows. */
_Static_assert(__builtin_offsetof(Walk, mcus_x) == 29 * 4, "Walk layout");
_Static_assert(__builtin_offsetof(Walk, predictor) == 68 * 4, "Walk layout");
_Static_assert(sizeof(Walk) == 76 * 4, "Walk layout");

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
  const u32 blocks = walk->blocks;
  const u32 stop = walk->stop;
  const u32 refill_at = walk->refill_at;
  const u32 yield_at = walk->yield_at;
  const u32 place_dc = walk->place_dc;
  const u32 end_bits = walk->end_bits;
  u32 mcu = walk->mcu;
  /* A call never runs past a restart marker (the caller stops it there), so predictions reset only here. */
  if (place_dc && walk->interval != 0 && mcu % walk->interval == 0) {
    for (u32 c = 0; c < 4; c++) walk->predictor[c] = 0;
  }
  u32 row = place_dc ? mcu / walk->mcus_x : 0;
  u32 column = place_dc ? mcu - row * walk->mcus_x : 0;
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
      if (place_dc) {
        /* The difference's bits follow the code (length + size <= 27 bits, all in the buffer). */
        u32 size = (entry >> 5) & 15;
        u32 length = entry >> 9;
        i32 difference = 0;
        if (size != 0) {
          u32 value = (u32)((bits << length) >> (64 - size));
          difference = value < (1u << (size - 1)) ? (i32)value - (i32)(1u << size) + 1 : (i32)value;
        }
        u32 c = walk->block_plane[block];
        i64 predicted = walk->predictor[c] + difference;
        walk->predictor[c] = predicted;
        /* libjpeg's 1x1 inverse DCT: dequantized, descaled by 8, centred on 128, clamped. A hostile
           photo's value may wrap around 32 bits (as in the JavaScript this replaced): its thumbnail
           is then wrong, nothing else. */
        i32 sample = ((i32)(u32)(u64)(predicted * walk->step[c] + 4) >> 3) + 128;
        u8 *plane = (u8 *)(unsigned long)walk->plane[c];
        plane[row * walk->mcu_row_bytes[c] + column * walk->mcu_width[c] + walk->block_offset[block]] =
            (u8)(sample < 0 ? 0 : sample > 255 ? 255 : sample);
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
    if (++column == walk->mcus_x) {
      column = 0;
      row++;
    }
    if (mcu >= stop || (bitpos >> 3) > refill_at || bitpos > yield_at) break;
  }
out:
  walk->mcu = mcu;
  walk->bitpos = pos * 8 - count;
  return status;
}

typedef struct {
  /* In: the picture's size (at 1/8 scale), and its luma and two chroma planes. */
  u32 width;
  u32 height;
  u32 plane[3];
  /* In: per component, for each output column, the column of its plane that covers it; for each
     output row, the offset of the row of its plane that covers it. */
  u32 columns[3];
  u32 rows[3];
  /* In: where the RGB pixels go, and room for four tables of 256 i32. */
  u32 out;
  u32 tables;
} DcRgb;

_Static_assert(sizeof(DcRgb) == 13 * 4, "DcRgb layout");

static inline u8 clamp(i32 value) {
  return (u8)(value < 0 ? 0 : value > 255 ? 255 : value);
}

#define SCALEBITS 16
#define ONE_HALF ((i32)1 << (SCALEBITS - 1))
#define FIX(x) ((i32)((x) * (1 << SCALEBITS) + 0.5))

/* The DC planes of a YCbCr photo as RGB pixels, converted as libjpeg converts them (jdcolor.c's
   fixed-point tables, so the pixels are libjpeg's to the last bit). */
__attribute__((export_name("dc_rgb"))) void dc_rgb(DcRgb *job) {
  i32 *cr_r = (i32 *)(unsigned long)job->tables;
  i32 *cb_b = cr_r + 256;
  i32 *cr_g = cr_r + 512;
  i32 *cb_g = cr_r + 768;
  for (i32 i = 0, x = -128; i < 256; i++, x++) {
    cr_r[i] = (FIX(1.40200) * x + ONE_HALF) >> SCALEBITS;
    cb_b[i] = (FIX(1.77200) * x + ONE_HALF) >> SCALEBITS;
    cr_g[i] = -FIX(0.71414) * x;
    cb_g[i] = -FIX(0.34414) * x + ONE_HALF;
  }
  const u8 *luma = (const u8 *)(unsigned long)job->plane[0];
  const u8 *blue = (const u8 *)(unsigned long)job->plane[1];
  const u8 *red = (const u8 *)(unsigned long)job->plane[2];
  const u32 *luma_columns = (const u32 *)(unsigned long)job->columns[0];
  const u32 *blue_columns = (const u32 *)(unsigned long)job->columns[1];
  const u32 *red_columns = (const u32 *)(unsigned long)job->columns[2];
  const u32 *luma_rows = (const u32 *)(unsigned long)job->rows[0];
  const u32 *blue_rows = (const u32 *)(unsigned long)job->rows[1];
  const u32 *red_rows = (const u32 *)(unsigned long)job->rows[2];
  u8 *out = (u8 *)(unsigned long)job->out;
  for (u32 y = 0; y < job->height; y++) {
    const u8 *l_row = luma + luma_rows[y];
    const u8 *b_row = blue + blue_rows[y];
    const u8 *r_row = red + red_rows[y];
    for (u32 x = 0; x < job->width; x++) {
      i32 l = l_row[luma_columns[x]];
      u32 b = b_row[blue_columns[x]];
      u32 r = r_row[red_columns[x]];
      *out++ = clamp(l + cr_r[r]);
      *out++ = clamp(l + ((cb_g[b] + cr_g[r]) >> SCALEBITS));
      *out++ = clamp(l + cb_b[b]);
    }
  }
}
