/**
 * What Imago accepts (reference §12 "POST /image") and how Corelog turns any readable photo into
 * that: pure decisions over header facts, so they are tested without decoding anything.
 */

/** Imago refuses PNG, TIFF and baseline JPEG with more than this many pixels on either side. */
export const IMAGO_MAX_SIDE = 65_500;
/** Imago refuses a progressive JPEG above this many pixels; a baseline re-encode is accepted. */
export const IMAGO_MAX_PROGRESSIVE_PIXELS = 500_000_000;
/**
 * Corelog's own decode budget (width × height, passed to sharp as `limitInputPixels`). Well above
 * any tray photo (24–60 MP) and above the 500 MP progressive limit so those can still be re-encoded,
 * and it allows a 65,500 px line scan up to ~15,000 px tall; beyond it a small file that claims
 * billions of pixels is refused as a decompression bomb instead of occupying a core for minutes.
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
  if (pixels > MAX_INPUT_PIXELS) {
    return `the image has ${formatCount(Math.round(pixels / 1e6))} megapixels; Corelog handles at most ${formatCount(MAX_INPUT_PIXELS / 1e6)} megapixels per photo`;
  }
  return null;
}

/** Which type the upload will be and why it must be re-encoded, if it must. */
export function planUpload(facts: ImageFacts): UploadPlan {
  const reasons: string[] = [];
  let mimeType: UploadMimeType;
  if (facts.format === 'jpeg') {
    mimeType = 'image/jpeg';
    if (facts.isProgressive && facts.width * facts.height > IMAGO_MAX_PROGRESSIVE_PIXELS) {
      reasons.push('progressive JPEG over 500 megapixels re-encoded as baseline');
    }
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

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
