/**
 * What a file really is, from its first bytes rather than its name: a photo renamed to `.jpg`, or a
 * text file saved with an image extension, must be recognised before libvips is asked to decode it.
 */
export type SniffedType =
  | 'jpeg'
  | 'png'
  | 'tiff'
  | 'webp'
  | 'gif'
  | 'heic'
  | 'avif'
  | 'jp2'
  | 'jxl'
  | 'bmp'
  | 'pdf'
  | 'text'
  | 'unknown';

/** How many leading bytes `sniffContentType` needs to tell text from binary with confidence. */
export const SNIFF_BYTES = 4096;

const SIGNATURES: ReadonlyArray<[SniffedType, number, string]> = [
  ['jpeg', 0, 'ffd8ff'],
  ['png', 0, '89504e470d0a1a0a'],
  ['tiff', 0, '49492a00'],
  ['tiff', 0, '4d4d002a'],
  ['tiff', 0, '49492b00'], // BigTIFF
  ['tiff', 0, '4d4d002b'],
  ['gif', 0, '474946383761'],
  ['gif', 0, '474946383961'],
  ['jxl', 0, 'ff0a'],
  ['jxl', 0, '0000000c4a584c200d0a870a'],
  ['jp2', 0, '0000000c6a5020200d0a870a'],
  ['jp2', 0, 'ff4fff51'],
  ['bmp', 0, '424d'],
  ['pdf', 0, '25504446'],
];

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** The type of a file's content, judged from its first bytes (pass at least `SNIFF_BYTES`). */
export function sniffContentType(head: Buffer): SniffedType {
  for (const [type, offset, hex] of SIGNATURES) {
    const signature = Buffer.from(hex, 'hex');
    if (head.length >= offset + signature.length && head.subarray(offset, offset + signature.length).equals(signature)) {
      return type;
    }
  }
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  const heif = sniffHeifBrand(head);
  if (heif !== null) return heif;
  return looksLikeText(head) ? 'text' : 'unknown';
}

/** ISO-BMFF (`ftyp` box): the major and compatible brands say whether it is HEVC or AV1 coded. */
function sniffHeifBrand(head: Buffer): 'heic' | 'avif' | null {
  if (head.length < 16 || head.toString('latin1', 4, 8) !== 'ftyp') return null;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString('latin1', 8, 12)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(head.toString('latin1', offset, offset + 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
  return null;
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  for (const byte of head) {
    // Tab, line feed, form feed, carriage return and escape occur in text; other control bytes do not.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) return false;
  }
  try {
    // `stream: true` tolerates a multi-byte character cut off at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

const IMAGE_EXTENSIONS = new Set([
  '.jpg', '.jpeg', '.jpe', '.png', '.tif', '.tiff', '.webp', '.gif', '.heic', '.heif', '.avif', '.jp2', '.jxl', '.bmp',
]);

/** True when a file name promises an image, so a mismatch with the content is worth pointing out. */
export function hasImageExtension(extension: string): boolean {
  return IMAGE_EXTENSIONS.has(extension.toLowerCase());
}
