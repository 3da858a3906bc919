/**
 * The intake check itself: is this file a photo Corelog can upload, is it intact, and what must
 * happen to it first? Runs wherever the decode runs — the service process for JPEG and PNG whose
 * cost is small, the decode worker for everything else (decode-placement.ts decides). Every
 * refusal is a `CorelogError` of kind `rejected` whose message a user can act on.
 */
import { lstat, open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CorelogError } from '../../../common/errors';
import type { FileDigest } from './byte-source';
import { hasImageExtension, sniffContentType, SNIFF_BYTES, type SniffedType } from './content-type';
import { FILE_CHANGED_REASON, FileChanged, formatCount, ImageDamage } from './image-damage';
import { checkJpegBody, dcImageRefusal, readJpegHeader, singleArithmeticScan, type JpegHeader } from './jpeg-structure';
import { readPngHeader, type PngHeader } from './png-structure';
import { checkStructureBody, StructureWalkFailed, StructureWalkTimeout, type WalkedStructure } from './structure-threads';
import {
  DECODE_TIMEOUT_SECONDS,
  JPEG_OUTPUT,
  openPhoto,
  PNG_OUTPUT,
  readHeader,
  renderThumbnail,
  renderThumbnailFromPixels,
  THUMBNAIL_LONG_SIDE,
  type Strictness,
  type WarningLog,
} from './sharp-setup';
import { decodeMemory, formatName, IMAGO_MAX_SIDE, limitViolation, planUpload, uprightSize, type ImageFacts, type UploadMimeType } from './upload-rules';

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

/** What Corelog read of the file's structure itself, before libvips decodes anything. */
export type PhotoStructure = { kind: 'jpeg'; header: JpegHeader } | { kind: 'png'; header: PngHeader } | { kind: 'other' };

/** What the header alone tells: enough to refuse a file or plan its upload, before any decoding. */
export interface CheckedPhoto {
  filePath: string;
  sniffed: SniffedType;
  facts: ImageFacts;
  structure: PhotoStructure;
  inspection: PhotoInspection;
}

export interface FileStart {
  bytes: number;
  sniffed: SniffedType;
}

/**
 * Formats the service process decodes itself: Corelog walks their structure before libvips opens
 * them, so their header cost is bounded and their decode cost is known. Everything else (TIFF,
 * WebP, GIF, HEIF…) is opened only in the decode worker.
 */
export function decodedInProcess(sniffed: SniffedType): boolean {
  return sniffed === 'jpeg' || sniffed === 'png';
}

/** libvips reads (and maps) the whole header to read the metadata: beyond this it is read in the worker. */
const IN_PROCESS_HEADER_BYTES = 16 * 1024 * 1024;

/**
 * Corelog's own structure walk of a JPEG or PNG, before libvips sees the file (null for other
 * formats), and whether the service process may open it: not when padding before the image data
 * (comment segments, say) would make libvips read tens of megabytes just for the header.
 */
export async function readPhotoStructure(filePath: string, sniffed: SniffedType): Promise<{ structure: PhotoStructure; openHere: boolean } | null> {
  if (!decodedInProcess(sniffed)) return null;
  const structure = await readStructure(filePath, sniffed);
  const headerBytes = structure.kind === 'jpeg' ? structure.header.firstScanOffset : structure.kind === 'png' ? structure.header.firstImageChunk : 0;
  return { structure, openHere: headerBytes <= IN_PROCESS_HEADER_BYTES };
}

/** Size and content type, from the first 4 KB; refuses empty files and non-images. */
export async function readStart(filePath: string): Promise<FileStart> {
  let handle;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw rejected('it is not a file');
    handle = await open(filePath, 'r');
    if (info.size === 0) {
      // A system file (/proc, /sys) reports size 0 and yet has content: not a photo on a disk.
      const { bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, 0);
      throw rejected(bytesRead === 0 ? 'the file is empty' : 'it is not a regular photo file (a system file that reports no size)');
    }
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
    throw rejected(await unreadableFile(error, filePath), error);
  } finally {
    await handle?.close();
  }
}

/**
 * Content sniffing, Corelog's own structure walk (JPEG, PNG), the header facts and the limits,
 * without decoding a pixel. Imago's limits (65,500 px a side; progressive JPEG ≤ 500 MP) and the
 * decompression-bomb budget are refused here.
 */
export async function checkPhotoHeader(filePath: string, start?: FileStart, walked?: PhotoStructure): Promise<CheckedPhoto> {
  const { bytes, sniffed } = start ?? (await readStart(filePath));
  const structure = walked ?? (await readStructure(filePath, sniffed));
  // From Corelog's own walk, before libvips: its messages for these are a decoder's, not the photographer's.
  const unreadable = structureRefusal(structure);
  if (unreadable !== null) throw rejected(unreadable);
  const facts = await readFacts(filePath, sniffed);
  const violation = limitViolation(facts);
  if (violation !== null) throw rejected(violation);
  const plan = planUpload(facts);
  return {
    filePath,
    sniffed,
    facts,
    structure,
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
 * What Corelog's own header walk already shows to be beyond Imago's limits or beyond what libjpeg
 * reads (12-bit samples, the hierarchical process), said as such rather than as a damaged file.
 */
export function structureRefusal(structure: PhotoStructure): string | null {
  if (structure.kind === 'other') return null;
  const { width, height } = structure.kind === 'jpeg' ? structure.header.frame : structure.header;
  const format = structure.kind;
  const sizeLimit = limitViolation({ format, width, height, orientation: 1, isProgressive: false, hasAlpha: false, highBitDepth: false, pages: 1, channels: 1 });
  if (sizeLimit !== null && Math.max(width, height) > IMAGO_MAX_SIDE) return sizeLimit;
  if (structure.kind !== 'jpeg') return null;
  const { frame } = structure.header;
  const exportAs = 'export the photo as an 8-bit baseline or progressive JPEG';
  if (frame.process === 'hierarchical') return `it is a hierarchical JPEG, which cannot be read here; ${exportAs}`;
  if (frame.precision !== 8) return `it is a ${formatCount(frame.precision)}-bit JPEG, which cannot be read here; ${exportAs}`;
  return null;
}

/** Peak memory of checking the photo, and of converting it too when `convert`. */
export function decodeCost(checked: CheckedPhoto, convert: boolean): number {
  const { structure } = checked;
  return decodeMemory({
    facts: checked.facts,
    fileBytes: checked.inspection.bytes,
    coefficientBytes: structure.kind === 'jpeg' ? structure.header.coefficientBytes : 0,
    keptMetadataBytes: structure.kind === 'jpeg' ? structure.header.metadataBytes : 0,
    interlaced: structure.kind === 'png' && structure.header.interlaced,
    convert: convert && checked.inspection.needsConversion,
  });
}

/**
 * The decode half of the check, which also makes the thumbnail: libvips decodes every byte of the
 * image data, and Corelog's own walk checks what libvips does not (the coded data of a baseline
 * JPEG to its very end, every PNG chunk's CRC, the end marker). `bytes` are the file's content
 * when the caller has already read it.
 */
export async function decodeCheck(checked: CheckedPhoto, strictness: Strictness, bytes?: Buffer): Promise<Buffer> {
  if (strictness === 'strict' && thumbnailFromWalk(checked)) return (await walkedCheck(checked)).thumbnail;
  decodeStats.libvips++;
  const source = bytes ?? checked.filePath;
  const warnings: WarningLog = [];
  const thumbnail = () => renderThumbnail(source, strictness, strictness === 'collect' ? warnings : undefined);
  const { structure } = checked;
  let outcome: [PromiseSettledResult<Buffer>, PromiseSettledResult<unknown>];
  if (structure.kind === 'jpeg' && structure.header.buffered && !singleArithmeticScan(structure.header)) {
    // libjpeg reads every scan of a progressive file before the first row: count the scans and
    // metadata first, so a file of ten thousand scans or a gigabyte of APP segments never reaches it.
    const body = await settle(checkJpegBody(source, structure.header));
    outcome = body.status === 'rejected' ? [{ status: 'fulfilled', value: Buffer.alloc(0) }, body] : [await settle(thumbnail()), body];
  } else {
    // Side by side: libvips on its thread, Corelog's walk on a structure-check thread. The walk reads
    // the file again (from the page cache) rather than share the bytes read once; see structure-threads.ts.
    const body = structure.kind === 'other' ? Promise.resolve(null) : checkStructureBody(structure, checked.filePath);
    outcome = await Promise.all([settle(thumbnail()), settle(body)]);
  }
  const [image, body] = outcome;
  // Corelog's own finding first: it names the problem more exactly than a decoder message.
  if (body.status === 'rejected') throw asRefusal(checked, body.reason);
  if (image.status === 'rejected') throw asRefusal(checked, image.reason);
  judgeWarnings(checked, warnings);
  return image.value;
}

/** How many intake decodes took each way, refused ones included (for tests and benchmarks). */
const decodeStats = { libvips: 0, walk: 0 };
export function intakeDecodeStats(): Readonly<typeof decodeStats> {
  return { ...decodeStats };
}

/**
 * Whether the thumbnail of this photo is made from the DC values Corelog's walk decodes anyway,
 * rather than by a libjpeg decode of its own. A big baseline JPEG's thumbnail is libjpeg's 1/8-scale
 * decode, which is its DC values and nothing else (the 1×1 inverse DCT); making it a second time
 * doubled the intake's CPU, as the walk reads every symbol of the coded data too. Only where the
 * walk's image is libjpeg's: plain grey or YCbCr without a colour profile, kept as is (EXIF
 * orientation 1), and big enough that libvips would shrink it by 8 on load (long side ≥ 2,880 px).
 * The walk is strict on its own (bad codes, >64 coefficients, data running out or left over,
 * restart markers); what it does not judge (an odd scan header, a colour profile…) goes to libjpeg.
 */
export function thumbnailFromWalk(checked: CheckedPhoto): boolean {
  const { structure, facts, inspection } = checked;
  if (structure.kind !== 'jpeg' || inspection.needsConversion || facts.orientation !== 1) return false;
  // sharp shrinks a JPEG by 8 on load only from 9 times the thumbnail's size up (from 8 to 9 it
  // shrinks by 4, for libjpeg's rounding); then its thumbnail is the 1/8 image, resized.
  if (Math.max(facts.width, facts.height) < 9 * THUMBNAIL_LONG_SIDE) return false;
  return dcImageRefusal(structure.header) === null && structure.header.frame.width === facts.width && structure.header.frame.height === facts.height;
}

/**
 * The thumbnail of a photo whose walk makes it (`thumbnailFromWalk`), and with `hash` the SHA-256
 * of the file as the walk read it: the walk reads every byte anyway, so the photo store need not
 * hash them a second time.
 */
export async function walkedCheck(checked: CheckedPhoto, options: { hash?: boolean } = {}): Promise<{ thumbnail: Buffer; content: FileDigest | null }> {
  decodeStats.walk++;
  let walked;
  try {
    walked = await checkStructureBody(checked.structure as WalkedStructure, checked.filePath, { dcImage: true, hash: options.hash === true });
  } catch (error) {
    throw asRefusal(checked, error);
  }
  const image = walked.dcImage;
  if (image === null) throw new CorelogError('internal', 'the structure walk made no DC image', { retryable: false });
  return { thumbnail: await renderThumbnailFromPixels(image.pixels, image.width, image.height, image.channels), content: walked.content };
}

/** Writes the upload version (upright, JPEG or PNG) of a photo that needs converting to `outputPath`. */
export async function convertPhoto(checked: CheckedPhoto, strictness: Strictness, outputPath: string, bytes?: Buffer): Promise<void> {
  const warnings: WarningLog = [];
  // EXIF (capture time, camera) is kept; autoOrient has removed its orientation tag.
  const image = openPhoto(bytes ?? checked.filePath, strictness, strictness === 'collect' ? warnings : undefined).keepExif();
  try {
    await (checked.inspection.uploadMimeType === 'image/png' ? image.png(PNG_OUTPUT) : image.jpeg(JPEG_OUTPUT)).toFile(outputPath);
  } catch (error) {
    throw asRefusal(checked, error);
  }
  judgeWarnings(checked, warnings);
}

/**
 * Thrown by a strict decode that failed only on a warning known to be harmless (an unknown JFIF
 * version, odd SOS parameters, a broken colour profile): the photo is checked again in the decode
 * worker, where each warning can be judged on its own.
 */
export class HarmlessWarningOnly extends Error {
  constructor(readonly warning: string) {
    super(warning);
    this.name = 'HarmlessWarningOnly';
  }
}

/**
 * Decoder warnings that say nothing about the pixels: metadata the decoder could not parse, odd
 * but valid headers. Every other warning counts as damage.
 */
const HARMLESS_WARNINGS: readonly RegExp[] = [
  /^read gave \d+ warnings?$/i, // libvips' count; the warning itself follows
  /^error in tile \d+ x \d+$/i, // libvips' note on an error reported on its own
  /unknown JFIF revision number/i,
  /unknown Adobe colou?r transform code/i,
  /Invalid SOS parameters for sequential JPEG/i,
  /bad ICC marker/i,
  /invalid (embedded )?profile/i,
  /known incorrect sRGB profile/i,
  /\b(exif|xmp|iptc)\b/i,
  /Unknown field with tag/i,
  /ASCII value for tag .* does not end in null byte/i,
];

/** Splits a sharp error or warning into libvips' lines, without the "VipsJpeg: " style prefixes. */
function messageLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^Vips\w*: |^vips\w*: |^\w+2vips: /, '').trim())
    .filter((line) => line !== '');
}

function isHarmless(line: string): boolean {
  return HARMLESS_WARNINGS.some((pattern) => pattern.test(line));
}

function judgeWarnings(checked: CheckedPhoto, warnings: WarningLog): void {
  const harmful = warnings.flatMap(messageLines).filter((line) => !isHarmless(line));
  if (harmful.length > 0) throw damaged(checked, describeDecoderProblem(harmful[0]!));
}

function asRefusal(checked: CheckedPhoto, error: unknown): Error {
  if (error instanceof CorelogError || error instanceof HarmlessWarningOnly) return error;
  if (error instanceof ImageDamage) return damaged(checked, error.what, error);
  if (error instanceof FileChanged) return fileChanged(error);
  if (error instanceof StructureWalkFailed) {
    return new CorelogError('internal', `Corelog could not check the ${formatName(checked.facts)}'s structure (an error of its own: ${error.message.slice(0, 200)})`, { retryable: false, cause: error });
  }
  if (error instanceof StructureWalkTimeout) {
    return rejected(`${error.message}, so it was stopped; the file may be on a drive that stopped answering or still being written — try again`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/^timeout: \d+% complete/m.test(message)) {
    const minutes = Math.round(DECODE_TIMEOUT_SECONDS / 60);
    return rejected(`the ${formatName(checked.facts)} took too long to decode (over ${minutes} minutes); it is damaged or far larger than a photo`, error);
  }
  let lines = messageLines(message);
  if (lines[0] === 'Warning treated as error due to failOn setting') {
    lines = lines.slice(1);
    const harmful = lines.filter((line) => !isHarmless(line));
    if (harmful.length === 0 && lines.length > 0) return new HarmlessWarningOnly(lines.join('; '));
    lines = harmful;
  } else if (lines.length > 0 && isHarmless(lines[0]!) && !/^read gave|^error in tile/i.test(lines[0]!)) {
    return new HarmlessWarningOnly(lines[0]!);
  }
  return damaged(checked, describeDecoderProblem(lines[0] ?? message), error);
}

/** A decoder's message, said in plain words with the decoder's own short text in brackets. */
export function describeDecoderProblem(line: string): string {
  const text = plainDecoderText(line);
  const corrupt = /^Corrupt JPEG data: (.*)$/i.exec(text);
  if (corrupt) return `its image data is corrupt (${corrupt[1]})`;
  if (/^(libpng read error|unknown error|)$/i.test(text)) return 'its image data is corrupt or ends early (the decoder could not read it)';
  if (/premature end of (JPEG|input) (image|file)|not enough data|unexpected end|read error( at scanline| on strip| on tile|;)|truncated|bad seek/i.test(text)) {
    return `the file ends before the image does (${text})`;
  }
  if (/CRC error|checksum|incorrect data check/i.test(text)) return `its image data is corrupt (${text})`;
  return `its image data does not decode cleanly (${text})`;
}

/**
 * A decoder's line as a photographer may read it: no file paths (the photo is named elsewhere, and a
 * path is noise), no "-1 as unsigned" row numbers, and thousands separators as in all our messages.
 */
export function plainDecoderText(line: string): string {
  return line
    .replace(/(?:^|\s)(?:\/[^\s:/]+)+\/?:\s*/g, ' ')
    .replace(/ at (scanline|strip|tile) 4294967295/gi, '')
    .replace(/(?<![\w.])\d{4,}(?![\w.])/g, (digits) => formatCount(Number(digits)))
    .trim()
    .slice(0, 200);
}

async function readStructure(filePath: string, sniffed: SniffedType): Promise<PhotoStructure> {
  try {
    if (sniffed === 'jpeg') return { kind: 'jpeg', header: await readJpegHeader(filePath) };
    if (sniffed === 'png') return { kind: 'png', header: await readPngHeader(filePath) };
    return { kind: 'other' };
  } catch (error) {
    if (error instanceof ImageDamage) throw rejected(`the ${formatName({ format: sniffed })} is damaged: ${error.what}`, error);
    if (error instanceof FileChanged) throw fileChanged(error);
    throw rejected(await unreadableFile(error, filePath), error);
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
    channels: metadata.channels,
  };
}

const UNSUPPORTED_NAMES: Partial<Record<SniffedType, string>> = {
  heic: 'HEIC', avif: 'AVIF', jp2: 'JPEG 2000', jxl: 'JPEG XL', bmp: 'BMP', pdf: 'PDF',
};

function unreadableReason(sniffed: SniffedType, error: unknown): string {
  const name = UNSUPPORTED_NAMES[sniffed];
  if (name === undefined) return `the ${formatName({ format: sniffed })} is damaged: its header cannot be read (${vipsMessage(error)})`;
  // Prebuilt libvips decodes HEIF only when AV1-coded (AVIF); HEVC needs a patent-encumbered codec.
  const why = sniffed === 'heic' ? 'this computer has no HEVC decoder' : `Corelog cannot read ${name} files`;
  return `${name} images cannot be read here (${why}); export the photo as JPEG, PNG or TIFF`;
}

function vipsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = (messageLines(message)[0] ?? '').replace(/^Input file has corrupt header: /, '');
  return plainDecoderText(first.replace(/^(Vips\w*|vips\w*|[a-z]\w*): /, ''));
}

function damaged(checked: CheckedPhoto, what: string, cause?: unknown): CorelogError {
  return rejected(`the ${formatName(checked.facts)} is damaged: ${what}`, cause);
}

/** Why the file system would not give the file, in words (never a code like EACCES, nor a path). */
export async function unreadableFile(error: unknown, filePath: string): Promise<string> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'the file cannot be read: permission denied';
    case 'ENOENT':
      return (await isLink(filePath)) ? 'the file is gone (a broken link: what it points to does not exist)' : 'the file is gone (moved or deleted)';
    case 'ELOOP':
      return 'the file cannot be read: it is a link loop (links that point to each other)';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENAMETOOLONG':
      return 'the file cannot be read: its name or folder path is too long';
    case 'EIO':
      return 'the file cannot be read: the disk reported a read error';
    case 'EMFILE':
    case 'ENFILE':
      return 'the file cannot be read now: too many files are open; try again';
    default:
      return 'the file cannot be read';
  }
}

async function isLink(filePath: string): Promise<boolean> {
  try {
    return (await lstat(filePath)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Not the photo's fault: it was cut while being read (still saving, copying). Worth another try. */
function fileChanged(cause: unknown): CorelogError {
  return new CorelogError('rejected', FILE_CHANGED_REASON, { retryable: true, cause });
}

export function rejected(reason: string, cause?: unknown): CorelogError {
  return new CorelogError('rejected', reason, { retryable: false, cause });
}

function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason: unknown) => ({ status: 'rejected', reason }) as const,
  );
}
