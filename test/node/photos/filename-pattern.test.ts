import { describe, expect, it } from 'vitest';
import { compileFilenamePattern, DEFAULT_FILENAME_PATTERN, parseFilename } from '../../../common/photos/filename-pattern';

describe('filename pattern', () => {
  it('reads hole, depths and image type with the default pattern', () => {
    expect(parseFilename('FF-DD-0012_102.0_106.8_Wet.jpg', DEFAULT_FILENAME_PATTERN)).toEqual({ hole: 'FF-DD-0012', from: 102, to: 106.8, imageType: 'Wet' });
    // Hole names may contain the separator; depths anchor the split.
    expect(parseFilename('RC_101_0_20_Dry.TIFF', DEFAULT_FILENAME_PATTERN)).toEqual({ hole: 'RC_101', from: 0, to: 20, imageType: 'Dry' });
  });

  it('accepts decimal commas, other orders, literal text and {any}', () => {
    expect(parseFilename('Wet-FF-DD-0013 (4,6 to 9,3).png', '{imageType}-{hole} ({from} to {to})')).toEqual({ hole: 'FF-DD-0013', from: 4.6, to: 9.3, imageType: 'Wet' });
    expect(parseFilename('IMG4411_FF-DD-0012_Wet.jpg', '{any}_{hole}_{imageType}')).toEqual({ hole: 'FF-DD-0012', imageType: 'Wet' });
    expect(parseFilename('tray.1+2.jpg', 'tray.{from}+{to}')).toEqual({ from: 1, to: 2 });
  });

  it('gives nothing when the name does not fit or From is not below To', () => {
    expect(parseFilename('IMG_4411.jpg', DEFAULT_FILENAME_PATTERN)).toBeNull();
    expect(parseFilename('FF-DD-0012_106.8_102.0_Wet.jpg', DEFAULT_FILENAME_PATTERN)).toBeNull();
    expect(parseFilename('FF-DD-0012_a_b_Wet.jpg', DEFAULT_FILENAME_PATTERN)).toBeNull();
  });

  it('refuses unusable patterns with a reason', () => {
    expect(compileFilenamePattern('{hole}_{depth}')).toEqual({ ok: false, reason: expect.stringContaining('unknown field {depth}') });
    expect(compileFilenamePattern('{hole}_{hole}')).toEqual({ ok: false, reason: '{hole} appears twice' });
    expect(compileFilenamePattern('photo_{any}')).toMatchObject({ ok: false });
    expect(parseFilename('x.jpg', '{nonsense}')).toBeNull();
  });
});
