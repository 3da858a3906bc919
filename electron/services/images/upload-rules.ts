/**
 * What Imago accepts (reference §12 "POST /image"), how Corelog turns any readable photo into
 * that, and what decoding it will cost: pure decisions over header facts, so they are tested
 * without decoding anything.
 */
import { formatCount } from './image-damage';

/** Imago refuses PNG, TIFF and baseline JPEG with more than this many pixels on either side. */
export const IMAGO_MAX_SIDE = 65_500;
/** Imago refuses a progressive JPEG above this many pixels (422). */
export const IMAGO_MAX_PROGRESSIVE_PIXELS = 500_000_000;
/**
 * Corelog's own decode budget (width × height, passed to sharp as `limitInputPixels`). Far above
 * any tray photo (24–60 MP); it allows a 65,500 px line scan up to ~15,000 px tall. Beyond it a
 * small file that claims billions of pixels is refused as a decompression bomb instead of
 * occupying a core for minutes. Memory is bounded separately (`decodeMemory`).
 */
export const MAX_INPUT_PIXELS = 1_000_000_000;

export type UploadMimeType = 'image/jpeg' | 'image/png';

/** What the header says about an image; width and height as stored, before orientation. */
export interface ImageFacts {
  /** sharp's decoder name: jpeg, png, tiff, webp, heif, gif… */
  format: string;
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
  isProgressive: boolean;
  hasAlpha: boolean;
  /** More than 8 bits per sample. */
  highBitDepth: boolean;
  pages: number;
  /** For HEIF: `hevc` (HEIC) or `av1` (AVIF). */
  compression?: string | undefined;
  /** Samples per pixel, alpha included (sharp's `channels`). */
  channels: number;
}

export interface UploadPlan {
  mimeType: UploadMimeType;
  /** Why the file is re-encoded; empty when it is uploaded byte for byte. */
  reasons: string[];
}

/** The reason an image cannot be prepared at all, or null when it can. */
export function limitViolation(facts: ImageFacts): string | null {
  const longest = Math.max(facts.width, facts.height);
  if (longest > IMAGO_MAX_SIDE) {
    return `the image is ${formatCount(facts.width)} × ${formatCount(facts.height)} px; Imago accepts at most ${formatCount(IMAGO_MAX_SIDE)} px on each side`;
  }
  const pixels = facts.width * facts.height;
  if (facts.format === 'jpeg' && facts.isProgressive && pixels > IMAGO_MAX_PROGRESSIVE_PIXELS) {
    // Re-encoding it as baseline would first need its whole coefficient buffer (≈ 3 bytes a pixel).
    return `the image is a progressive JPEG of ${megapixels(pixels)} megapixels; Imago accepts progressive JPEGs of at most ${formatCount(IMAGO_MAX_PROGRESSIVE_PIXELS / 1e6)} megapixels (save it as a baseline JPEG)`;
  }
  if (pixels > MAX_INPUT_PIXELS) {
    return `the image has ${megapixels(pixels)} megapixels; Corelog handles at most ${formatCount(MAX_INPUT_PIXELS / 1e6)} megapixels per photo`;
  }
  return null;
}

function megapixels(pixels: number): string {
  return formatCount(Math.round(pixels / 1e6));
}

/** Which type the upload will be and why it must be re-encoded, if it must. */
export function planUpload(facts: ImageFacts): UploadPlan {
  const reasons: string[] = [];
  let mimeType: UploadMimeType;
  if (facts.format === 'jpeg') {
    // Progressive ones over Imago's 500 MP limit never get here (`limitViolation`).
    mimeType = 'image/jpeg';
  } else if (facts.format === 'png') {
    mimeType = 'image/png';
  } else {
    // Transparency and 16-bit samples survive only in PNG; everything else is a photo, and JPEG
    // keeps it a tenth of the size.
    mimeType = facts.hasAlpha || facts.highBitDepth ? 'image/png' : 'image/jpeg';
    reasons.push(`${formatName(facts)} converted to ${mimeType === 'image/png' ? 'PNG' : 'JPEG'}`);
    if (facts.pages > 1) reasons.push(`only the first of ${facts.pages} pages kept`);
  }
  // Imago shows pixels as stored and ignores the EXIF orientation tag.
  if (facts.orientation !== 1) reasons.push(`EXIF orientation ${facts.orientation} applied to the pixels`);
  return { mimeType, reasons };
}

/** Width and height as the image is meant to be seen (orientations 5–8 swap the sides). */
export function uprightSize(facts: Pick<ImageFacts, 'width' | 'height' | 'orientation'>): { width: number; height: number } {
  return facts.orientation >= 5 ? { width: facts.height, height: facts.width } : { width: facts.width, height: facts.height };
}

const FORMAT_NAMES: Record<string, string> = {
  jpeg: 'JPEG', png: 'PNG', tiff: 'TIFF', webp: 'WebP', gif: 'GIF', jp2k: 'JPEG 2000', jxl: 'JPEG XL', svg: 'SVG', pdf: 'PDF',
};

/** The name a user knows the format by. */
export function formatName(facts: Pick<ImageFacts, 'format' | 'compression'>): string {
  if (facts.format === 'heif') return facts.compression === 'av1' ? 'AVIF' : 'HEIC';
  return FORMAT_NAMES[facts.format] ?? facts.format.toUpperCase();
}

/**
 * What decoding a photo costs in memory, estimated from its header (see PIPELINE.md, "Memory").
 * The estimates were measured against sharp 0.35 / libvips 8.18 and err on the high side.
 */
export interface DecodeCostInput {
  facts: ImageFacts;
  /** Size of the file: libvips maps or reads all of it, so it counts once. */
  fileBytes: number;
  /** libjpeg's whole-image coefficient buffer, when the JPEG needs one (progressive, multi-scan). */
  coefficientBytes: number;
  /** Metadata segments the decoder keeps in memory (JPEG APP1/APP2/APP13), which libvips copies once more. */
  keptMetadataBytes: number;
  /** A PNG stored interlaced, which libpng decodes whole. */
  interlaced: boolean;
  /** The operation also turns or converts the full-size image, not just the thumbnail. */
  convert: boolean;
}

/** libvips' strip buffers, the thumbnail, the JPEG or PNG encoder: measured 6–17 MB, rounded up. */
export const DECODE_OVERHEAD_BYTES = 24 * 1024 * 1024;

/**
 * Decoded rows of a (non-interlaced) PNG that libvips holds at once while it shrinks it to a
 * thumbnail or preview: measured ~1,010 rows for 65,000 px wide RGB 8-bit and RGBA 16-bit line scans
 * (+197 MB and +528 MB), i.e. about five times the shrink factor, which is at most ~205 for a side of
 * 65,500 px. libpng has no shrink-on-load, so a 0.7 MB file of wide rows costs hundreds of MB.
 */
export const PNG_ROWS_HELD = 1_100;

/** Peak memory (bytes, above the process's own) of checking and preparing one photo. */
export function decodeMemory({ facts, fileBytes, coefficientBytes, keptMetadataBytes, interlaced, convert }: DecodeCostInput): number {
  const pixels = facts.width * facts.height;
  const bytesPerSample = facts.highBitDepth ? 2 : 1;
  const wholeImage = pixels * Math.max(1, facts.channels) * bytesPerSample;
  let bytes = DECODE_OVERHEAD_BYTES + fileBytes + coefficientBytes + 2 * keptMetadataBytes;
  const streamable = facts.format === 'jpeg' || facts.format === 'png';
  // Turning (orientation 2–8) needs the whole decoded image, and so do interlaced PNGs; other PNGs
  // the rows libvips holds while shrinking (`PNG_ROWS_HELD`). Decoders of the other formats work
  // on whole frames or strips of any size (TIFF, WebP, GIF, HEIF), often in a buffer of their own
  // that libvips then copies: counted twice.
  if (!streamable) bytes += 2 * wholeImage;
  else if (interlaced || (convert && facts.orientation !== 1)) bytes += wholeImage;
  else if (facts.format === 'png') bytes += facts.width * Math.max(1, facts.channels) * bytesPerSample * Math.min(facts.height, PNG_ROWS_HELD);
  return bytes;
}
