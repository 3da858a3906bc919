import { describe, expect, it } from 'vitest';
import { hasImageExtension, sniffContentType } from '../../../electron/services/images/content-type';
import {
  DECODE_OVERHEAD_BYTES,
  decodeMemory,
  IMAGO_MAX_SIDE,
  limitViolation,
  planUpload,
  uprightSize,
  type DecodeCostInput,
  type ImageFacts,
} from '../../../electron/services/images/upload-rules';

const hex = (value: string) => Buffer.from(value, 'hex');
const photo = (overrides: Partial<ImageFacts> = {}): ImageFacts => ({
  format: 'jpeg', width: 6000, height: 4000, orientation: 1, isProgressive: false, hasAlpha: false, highBitDepth: false, pages: 1, channels: 3,
  ...overrides,
});

describe('sniffContentType', () => {
  it('recognises image signatures from the first bytes', () => {
    expect(sniffContentType(hex('ffd8ffe000104a464946'))).toBe('jpeg');
    expect(sniffContentType(hex('89504e470d0a1a0a0000000d49484452'))).toBe('png');
    expect(sniffContentType(hex('49492a0008000000'))).toBe('tiff');
    expect(sniffContentType(hex('4d4d002a00000008'))).toBe('tiff');
    expect(sniffContentType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffContentType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('gif');
    expect(sniffContentType(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'))).toBe('heic');
    expect(sniffContentType(Buffer.from('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf', 'latin1'))).toBe('avif');
    expect(sniffContentType(Buffer.from('\0\0\0\x18ftypmif1\0\0\0\0mif1avif', 'latin1'))).toBe('avif');
  });

  it('tells text from unknown binary', () => {
    expect(sniffContentType(Buffer.from('Hole DD-042, tray 7\r\n\tdepth 12.5–13.9 m\n'))).toBe('text');
    expect(sniffContentType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('text');
    expect(sniffContentType(hex('00010203fffefd'))).toBe('unknown');
    expect(sniffContentType(hex('c3'))).toBe('text'); // a UTF-8 sequence cut off by the sample
    expect(sniffContentType(hex('ff41ff42'))).toBe('unknown'); // not UTF-8
  });

  it('knows image extensions in any case', () => {
    expect(hasImageExtension('.JPG')).toBe(true);
    expect(hasImageExtension('.txt')).toBe(false);
  });
});

describe('limitViolation', () => {
  it('allows 65,500 px on a side and refuses one more, whatever the orientation', () => {
    expect(limitViolation(photo({ format: 'png', width: IMAGO_MAX_SIDE, height: 100 }))).toBeNull();
    expect(limitViolation(photo({ format: 'png', width: 100, height: 65_501 }))).toBe(
      'the image is 100 × 65,501 px; Imago accepts at most 65,500 px on each side',
    );
  });

  it('refuses a decode over the 1,000 MP budget', () => {
    expect(limitViolation(photo({ width: 40_000, height: 40_000 }))).toBe(
      'the image has 1,600 megapixels; Corelog handles at most 1,000 megapixels per photo',
    );
    expect(limitViolation(photo({ width: 30_000, height: 20_000 }))).toBeNull(); // 600 MP baseline: Imago takes it
  });

  it('refuses a progressive JPEG over Imago\'s 500 MP, and not one at 500 MP or a PNG that size', () => {
    expect(limitViolation(photo({ width: 30_000, height: 20_000, isProgressive: true }))).toBe(
      'the image is a progressive JPEG of 600 megapixels; Imago accepts progressive JPEGs of at most 500 megapixels (save it as a baseline JPEG)',
    );
    expect(limitViolation(photo({ width: 25_000, height: 20_000, isProgressive: true }))).toBeNull();
    expect(limitViolation(photo({ format: 'png', width: 30_000, height: 20_000, isProgressive: true }))).toBeNull(); // an interlaced PNG
  });
});

describe('decodeMemory', () => {
  const cost = (overrides: Partial<DecodeCostInput>) =>
    decodeMemory({ facts: photo(), fileBytes: 10e6, coefficientBytes: 0, keptMetadataBytes: 0, interlaced: false, convert: false, ...overrides });

  it('counts the file and a fixed overhead for a baseline JPEG kept as it is', () => {
    expect(cost({})).toBe(DECODE_OVERHEAD_BYTES + 10e6);
  });

  it('adds the whole image when it is turned, and the coefficient buffer of a progressive JPEG', () => {
    const turned = photo({ orientation: 6 });
    expect(cost({ facts: turned, convert: true })).toBe(DECODE_OVERHEAD_BYTES + 10e6 + 6000 * 4000 * 3);
    expect(cost({ facts: turned, convert: false })).toBe(DECODE_OVERHEAD_BYTES + 10e6); // the thumbnail turns after shrinking
    expect(cost({ coefficientBytes: 72e6, keptMetadataBytes: 1e6 })).toBe(DECODE_OVERHEAD_BYTES + 10e6 + 72e6 + 2e6);
  });

  it('counts a whole image for interlaced PNGs, twice for formats decoded whole (TIFF, WebP…)', () => {
    expect(cost({ facts: photo({ format: 'png', channels: 4, highBitDepth: true }), interlaced: true })).toBe(DECODE_OVERHEAD_BYTES + 10e6 + 6000 * 4000 * 8);
    expect(cost({ facts: photo({ format: 'tiff' }) })).toBe(DECODE_OVERHEAD_BYTES + 10e6 + 2 * 6000 * 4000 * 3);
  });
});

describe('planUpload', () => {
  it('keeps JPEG and PNG as they are when nothing needs fixing', () => {
    expect(planUpload(photo())).toEqual({ mimeType: 'image/jpeg', reasons: [] });
    expect(planUpload(photo({ isProgressive: true }))).toEqual({ mimeType: 'image/jpeg', reasons: [] });
    expect(planUpload(photo({ format: 'png', hasAlpha: true, highBitDepth: true }))).toEqual({ mimeType: 'image/png', reasons: [] });
  });

  it('applies EXIF orientation to JPEG and PNG alike', () => {
    expect(planUpload(photo({ orientation: 6 })).reasons).toEqual(['EXIF orientation 6 applied to the pixels']);
    expect(planUpload(photo({ format: 'png', orientation: 3 }))).toEqual({
      mimeType: 'image/png',
      reasons: ['EXIF orientation 3 applied to the pixels'],
    });
  });

  it('converts other formats: photos to JPEG, transparency and 16-bit to PNG', () => {
    expect(planUpload(photo({ format: 'tiff' }))).toEqual({ mimeType: 'image/jpeg', reasons: ['TIFF converted to JPEG'] });
    expect(planUpload(photo({ format: 'tiff', highBitDepth: true, pages: 3 }))).toEqual({
      mimeType: 'image/png',
      reasons: ['TIFF converted to PNG', 'only the first of 3 pages kept'],
    });
    expect(planUpload(photo({ format: 'webp', hasAlpha: true })).mimeType).toBe('image/png');
    expect(planUpload(photo({ format: 'heif', compression: 'hevc', orientation: 8 })).reasons).toEqual([
      'HEIC converted to JPEG',
      'EXIF orientation 8 applied to the pixels',
    ]);
    expect(planUpload(photo({ format: 'heif', compression: 'av1' })).reasons).toEqual(['AVIF converted to JPEG']);
  });

  it('swaps width and height for orientations 5 to 8', () => {
    expect(uprightSize({ width: 6000, height: 4000, orientation: 6 })).toEqual({ width: 4000, height: 6000 });
    expect(uprightSize({ width: 6000, height: 4000, orientation: 3 })).toEqual({ width: 6000, height: 4000 });
  });
});
