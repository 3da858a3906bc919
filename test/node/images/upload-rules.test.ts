import { describe, expect, it } from 'vitest';
import { hasImageExtension, sniffContentType } from '../../../electron/services/images/content-type';
import {
  IMAGO_MAX_SIDE,
  limitViolation,
  planUpload,
  uprightSize,
  type ImageFacts,
} from '../../../electron/services/images/upload-rules';

const hex = (value: string) => Buffer.from(value, 'hex');
const photo = (overrides: Partial<ImageFacts> = {}): ImageFacts => ({
  format: 'jpeg', width: 6000, height: 4000, orientation: 1, isProgressive: false, hasAlpha: false, highBitDepth: false, pages: 1,
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

  it('refuses a decode over the 1,000 MP budget but not a 600 MP progressive JPEG', () => {
    expect(limitViolation(photo({ width: 40_000, height: 40_000 }))).toBe(
      'the image has 1,600 megapixels; Corelog handles at most 1,000 megapixels per photo',
    );
    expect(limitViolation(photo({ width: 30_000, height: 20_000, isProgressive: true }))).toBeNull();
  });
});

describe('planUpload', () => {
  it('keeps JPEG and PNG as they are when nothing needs fixing', () => {
    expect(planUpload(photo())).toEqual({ mimeType: 'image/jpeg', reasons: [] });
    expect(planUpload(photo({ isProgressive: true }))).toEqual({ mimeType: 'image/jpeg', reasons: [] });
    expect(planUpload(photo({ format: 'png', hasAlpha: true, highBitDepth: true }))).toEqual({ mimeType: 'image/png', reasons: [] });
  });

  it('re-encodes a progressive JPEG over 500 MP as baseline', () => {
    expect(planUpload(photo({ width: 30_000, height: 20_000, isProgressive: true })).reasons).toEqual([
      'progressive JPEG over 500 megapixels re-encoded as baseline',
    ]);
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
