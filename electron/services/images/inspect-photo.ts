/**
 * Intake check: is this file a photo Corelog can upload, and what must happen to it first?
 * Every refusal is a `CorelogError` of kind `rejected` whose message a user can act on.
 */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CorelogError } from '../../../common/errors';
import { hasImageExtension, sniffContentType, SNIFF_BYTES, type SniffedType } from './content-type';
import { readHeader, renderThumbnail } from './sharp-setup';
import { formatName, limitViolation, planUpload, uprightSize, type ImageFacts, type UploadMimeType } from './upload-rules';

/** The header facts that matter to callers, with width and height as the photo is meant to be seen. */
export interface PhotoInspection extends Pick<ImageFacts, 'format' | 'orientation' | 'isProgressive' | 'hasAlpha'> {
  filePath: string;
  bytes: number;
  /** After EXIF orientation. */
  width: number;
  height: number;
  /** The type the upload will have. */
  uploadMimeType: UploadMimeType;
  needsConversion: boolean;
  /** Why it is re-encoded ("TIFF converted to JPEG; EXIF orientation 6 applied to the pixels"), or null. */
  conversion: string | null;
}

/** Checks a file from its content, decoding it once (at thumbnail size) to prove it is intact. */
export async function inspectPhoto(filePath: string): Promise<PhotoInspection> {
  return (await examinePhoto(filePath)).inspection;
}

/** `inspectPhoto` plus the thumbnail its decode check produced. */
export async function examinePhoto(filePath: string): Promise<{ inspection: PhotoInspection; thumbnailJpeg: Buffer }> {
  const checked = await checkPhotoHeader(filePath);
  return { inspection: checked.inspection, thumbnailJpeg: await decodeThumbnail(checked) };
}

/** What the header alone tells: enough to refuse a file or plan its upload, before any decoding. */
export interface CheckedPhoto {
  filePath: string;
  facts: ImageFacts;
  inspection: PhotoInspection;
}

/** Content sniffing, header facts and size limits, without decoding pixels. */
export async function checkPhotoHeader(filePath: string): Promise<CheckedPhoto> {
  const { bytes, sniffed } = await readStart(filePath);
  const facts = await readFacts(filePath, sniffed);
  const violation = limitViolation(facts);
  if (violation !== null) throw rejected(violation);
  const plan = planUpload(facts);
  return {
    filePath,
    facts,
    inspection: {
      filePath,
      bytes,
      format: facts.format,
      ...uprightSize(facts),
      orientation: facts.orientation,
      isProgressive: facts.isProgressive,
      hasAlpha: facts.hasAlpha,
      uploadMimeType: plan.mimeType,
      needsConversion: plan.reasons.length > 0,
      conversion: plan.reasons.length > 0 ? plan.reasons.join('; ') : null,
    },
  };
}

/**
 * Decodes the photo at thumbnail size: the proof that it is intact, and the picture for the UI.
 * `bytes` are the file's content when the caller has already read it.
 */
export async function decodeThumbnail({ filePath, facts }: CheckedPhoto, bytes?: Buffer): Promise<Buffer> {
  try {
    return await renderThumbnail(bytes ?? filePath);
  } catch (error) {
    throw rejected(`the ${formatName(facts)} image is damaged or incomplete (${vipsMessage(error)})`, error);
  }
}

async function readStart(filePath: string): Promise<{ bytes: number; sniffed: SniffedType }> {
  let handle;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw rejected('it is not a file');
    if (info.size === 0) throw rejected('the file is empty');
    handle = await open(filePath, 'r');
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sniffed = sniffContentType(head.subarray(0, bytesRead));
    if (sniffed === 'text' || sniffed === 'unknown') {
      const extension = extname(filePath);
      const although = hasImageExtension(extension) ? `, although the name ends in ${extension}` : '';
      throw rejected(`not an image: the content is ${sniffed}${although}`);
    }
    return { bytes: info.size, sniffed };
  } catch (error) {
    if (error instanceof CorelogError) throw error;
    throw rejected(`the file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  } finally {
    await handle?.close();
  }
}

async function readFacts(filePath: string, sniffed: SniffedType): Promise<ImageFacts> {
  let metadata;
  try {
    metadata = await readHeader(filePath);
  } catch (error) {
    throw rejected(unreadableReason(sniffed, error), error);
  }
  return {
    format: metadata.format,
    width: metadata.width,
    height: metadata.height,
    orientation: metadata.orientation ?? 1,
    isProgressive: metadata.isProgressive,
    hasAlpha: metadata.hasAlpha,
    highBitDepth: metadata.depth !== 'uchar' && metadata.depth !== 'char',
    pages: metadata.pages ?? 1,
    compression: metadata.compression,
  };
}

const UNSUPPORTED_NAMES: Partial<Record<SniffedType, string>> = {
  heic: 'HEIC', avif: 'AVIF', jp2: 'JPEG 2000', jxl: 'JPEG XL', bmp: 'BMP', pdf: 'PDF',
};

function unreadableReason(sniffed: SniffedType, error: unknown): string {
  const name = UNSUPPORTED_NAMES[sniffed];
  if (name === undefined) return `the ${sniffed.toUpperCase()} image is damaged or unreadable (${vipsMessage(error)})`;
  // Prebuilt libvips decodes HEIF only when AV1-coded (AVIF); HEVC needs a patent-encumbered codec.
  const why = sniffed === 'heic' ? 'this computer has no HEVC decoder' : `Corelog cannot read ${name} files`;
  return `${name} images cannot be read here (${why}); export the photo as JPEG, PNG or TIFF`;
}

function vipsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').replace(/^Vips\w*: /, '').trim().slice(0, 200);
}

function rejected(reason: string, cause?: unknown): CorelogError {
  return new CorelogError('rejected', reason, { retryable: false, cause });
}
