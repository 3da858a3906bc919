/**
 * The one place sharp is configured and opened, so every decode in the pipeline has the same
 * memory and safety settings. Runs in the main process, plain Node or the decode worker, never in
 * a renderer.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { MAX_INPUT_PIXELS } from './upload-rules';

let configured = false;

/**
 * libvips' operation cache keeps decoded tiles of earlier photos alive; each photo here is read once,
 * so the cache only costs memory. sharp's thread count stays at its default (1 on glibc without
 * jemalloc, to limit heap fragmentation); the pipeline gets parallelism from running jobs side by side.
 */
function configureSharp(): void {
  if (configured) return;
  sharp.cache(false);
  configured = true;
}

/** No photo takes this long to decode here (a 65,500 px line scan: ~1 min); a stuck decoder is stopped. */
export const DECODE_TIMEOUT_SECONDS = 300;

/**
 * How strictly libvips decodes:
 * - `strict`: any decoder warning fails the decode (sharp's `failOn: 'warning'`). libvips checks
 *   warnings per strip and this is decided per decode, so it is safe with decodes side by side.
 * - `collect`: only errors fail it; warnings are returned to be judged one by one. sharp reports
 *   warnings from one queue shared by the whole process, so this is used only where one decode
 *   runs at a time (the decode worker).
 */
export type Strictness = 'strict' | 'collect';

/** A decode's libvips warnings, filled in as they arrive (`collect`). */
export type WarningLog = string[];

/** Opens a photo (a path, or its bytes already read) for one full, upright, sequential decode. */
export function openPhoto(source: string | Buffer, strictness: Strictness = 'strict', warnings?: WarningLog): Sharp {
  configureSharp();
  const image = sharp(source, {
    autoOrient: true,
    failOn: strictness === 'strict' ? 'warning' : 'error',
    limitInputPixels: MAX_INPUT_PIXELS,
    sequentialRead: true,
  }).timeout({ seconds: DECODE_TIMEOUT_SECONDS });
  if (warnings !== undefined) image.on('warning', (warning: string) => warnings.push(warning));
  return image;
}

/** Reads only the header. No pixel limit here: the limits are checked on what it returns. */
export function readHeader(source: string | Buffer): Promise<Metadata> {
  configureSharp();
  return sharp(source, { limitInputPixels: false }).metadata();
}

/**
 * JPEG output for converted photos. Huffman optimisation is off on purpose: libjpeg then needs a
 * whole-image coefficient buffer, which doubled peak memory for a 24 MP photo (≈165 MB → ≈95 MB
 * above baseline) for a file only ~5 % smaller. mozjpeg's trellis search is off for speed.
 */
export const JPEG_OUTPUT = { quality: 92, progressive: false, mozjpeg: false, optimiseCoding: false } as const;
export const PNG_OUTPUT = { compressionLevel: 6, adaptiveFiltering: false } as const;

export const THUMBNAIL_LONG_SIDE = 320;
const THUMBNAIL_JPEG = { quality: 75, progressive: false, mozjpeg: false } as const;

/**
 * A small upright JPEG for the UI; also the cheapest decode that reads every byte of the image data
 * (JPEG shrink-on-load skips the inverse DCT of most coefficients, never the coded data), so it is
 * the decode half of the intake check.
 */
export function renderThumbnail(source: string | Buffer, strictness: Strictness = 'strict', warnings?: WarningLog): Promise<Buffer> {
  return openPhoto(source, strictness, warnings)
    .resize({ width: THUMBNAIL_LONG_SIDE, height: THUMBNAIL_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg(THUMBNAIL_JPEG)
    .toBuffer();
}

/**
 * The same thumbnail from pixels already decoded at 1/8 scale (Corelog's walk of a baseline JPEG's
 * coded data, see `dcImageRefusal`): what libvips does after its own 1/8 shrink-on-load decode.
 */
export function renderThumbnailFromPixels(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> {
  configureSharp();
  return sharp(pixels, { raw: { width, height, channels } })
    .resize({ width: THUMBNAIL_LONG_SIDE, height: THUMBNAIL_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg(THUMBNAIL_JPEG)
    .toBuffer();
}

/** A larger upright JPEG of a stored photo for the viewer: it was checked at intake, so warnings are let through. */
export function renderPreview(source: string, width: number): Promise<Buffer> {
  return openPhoto(source, 'collect')
    .resize({ width, height: 2048, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toBuffer();
}
