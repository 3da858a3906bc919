/**
 * The one place sharp is configured and opened, so every decode in the pipeline has the same
 * memory and safety settings. Runs in the main process or plain Node, never in a renderer.
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

/** Opens a photo (a path, or its bytes already read) for one full decode: upright, sequential, refusing truncated data and pixel bombs. */
export function openPhoto(source: string | Buffer): Sharp {
  configureSharp();
  return sharp(source, {
    autoOrient: true,
    // 'error' stops on truncated or undecodable data but lets through the harmless warnings some
    // cameras' JPEGs raise (extraneous bytes before a marker), which 'warning' would reject.
    failOn: 'error',
    limitInputPixels: MAX_INPUT_PIXELS,
    sequentialRead: true,
  });
}

/** Reads only the header. No pixel limit here: the limits are checked on what it returns. */
export function readHeader(filePath: string): Promise<Metadata> {
  configureSharp();
  return sharp(filePath, { limitInputPixels: false }).metadata();
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

/** A small upright JPEG for the UI; also the cheapest full decode, so it proves the file is intact. */
export function renderThumbnail(source: string | Buffer): Promise<Buffer> {
  return openPhoto(source)
    .resize({ width: THUMBNAIL_LONG_SIDE, height: THUMBNAIL_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg(THUMBNAIL_JPEG)
    .toBuffer();
}
