/** Archive patterns (common/photos/archive-pattern.ts): paths with folders, extensions, image types. */
import { describe, expect, it } from 'vitest';
import { compileArchivePattern, compileArchivePatterns, matchArchivePath, parseDepth, type CompiledArchivePattern } from '../../../common/photos/archive-pattern';
import { compileFilenamePattern, parseFilename } from '../../../common/photos/filename-pattern';

function compiled(...patterns: string[]): CompiledArchivePattern[] {
  const result = compileArchivePatterns(patterns);
  if (!result.ok) throw new Error(result.reason);
  return result.compiled;
}

const TYPES = ['Wet', 'Dry'];

describe('archive patterns', () => {
  it('reads a folder per hole at any depth below the archive folder', () => {
    const p = compiled('{hole}/{from}-{to}_{imageType}');
    expect(matchArchivePath('FF-DD-0012/102.0-106.8_Wet.jpg', p, TYPES)).toEqual({ ok: true, pattern: '{hole}/{from}-{to}_{imageType}', fields: { hole: 'FF-DD-0012', from: 102, to: 106.8, imageType: 'Wet' } });
    expect(matchArchivePath('shares/2018/FF-DD-0012/102.0-106.8_Wet.JPG', p, TYPES)).toMatchObject({ ok: true, fields: { hole: 'FF-DD-0012' } });
    // Not enough folders for the pattern: no match.
    expect(matchArchivePath('102.0-106.8_Wet.jpg', p, TYPES)).toMatchObject({ ok: false });
  });

  it('reads a file name in any folder with a one-segment pattern, and a type folder with a three-segment one', () => {
    expect(matchArchivePath('2019/x/RC_101_0_20_dry.jpeg', compiled('{hole}_{from}_{to}_{imageType}'), TYPES)).toMatchObject({ ok: true, fields: { hole: 'RC_101', from: 0, to: 20, imageType: 'Dry' } });
    expect(matchArchivePath('2020/AR-1/Wet/10.00_15.00.JPG', compiled('{hole}/{imageType}/{from}_{to}'), TYPES)).toMatchObject({ ok: true, fields: { hole: 'AR-1', from: 10, to: 15, imageType: 'Wet' } });
  });

  it('ignores the extension unless the pattern names one, and keeps decimal depths of a name without one', () => {
    const noExt = compiled('{hole}/{imageType}/{from}_{to}');
    expect(matchArchivePath('AR-1/Wet/10.00_15.00', noExt, TYPES)).toMatchObject({ ok: true, fields: { from: 10, to: 15 } });
    const withExt = compiled('{hole}_{from}_{to}_{imageType}.jpg');
    expect(withExt[0]!.withExtension).toBe(true);
    expect(matchArchivePath('H_1_2_Wet.JPG', withExt, TYPES)).toMatchObject({ ok: true });
    expect(matchArchivePath('H_1_2_Wet.png', withExt, TYPES)).toMatchObject({ ok: false });
  });

  it('accepts decimal commas and {any}, and literal text in any case', () => {
    expect(matchArchivePath('Box 3 - H7 (4,6 to 9,3) WET.tif', compiled('Box {any} - {hole} ({from} to {to}) {imageType}'), TYPES)).toMatchObject({
      ok: true,
      fields: { hole: 'H7', from: 4.6, to: 9.3, imageType: 'Wet' },
    });
    expect(parseDepth('12,5')).toBe(12.5);
    expect(parseDepth('-1')).toBeNull();
    expect(parseDepth('1e3')).toBeNull();
  });

  it('tries patterns in order; the first whose values make sense wins', () => {
    const p = compiled('{hole}_{from}_{to}_{imageType}', '{imageType}/{hole}_{from}_{to}_{any}');
    expect(matchArchivePath('X_1_2_Wet.jpg', p, TYPES)).toMatchObject({ ok: true, pattern: '{hole}_{from}_{to}_{imageType}', fields: { hole: 'X' } });
    // The first fits the shape but reads the type "UV"; the second reads the type from the folder.
    expect(matchArchivePath('Dry/H1_3_9_UV.jpg', p, TYPES)).toEqual({ ok: true, pattern: '{imageType}/{hole}_{from}_{to}_{any}', fields: { hole: 'H1', from: 3, to: 9, imageType: 'Dry' } });
    // Neither makes sense: the reason names the first pattern that fitted and what was wrong.
    expect(matchArchivePath('UV/H1_3_9_UV.jpg', p, TYPES)).toEqual({ ok: false, reason: 'The name fits {hole}_{from}_{to}_{imageType}: "UV" is not an image type of this imagery type (Wet, Dry).' });
  });

  it('says why: no pattern fits, From not below To, unknown image type', () => {
    const p = compiled('{hole}_{from}_{to}_{imageType}');
    expect(matchArchivePath('IMG_0042.jpg', p, TYPES)).toEqual({ ok: false, reason: expect.stringMatching(/^No pattern fits this name \(tried \{hole\}_\{from\}_\{to\}_\{imageType\}\)\.$/) });
    expect(matchArchivePath('H_20_15_Wet.jpg', p, TYPES)).toEqual({ ok: false, reason: expect.stringContaining('From (20) is not less than To (15)') });
    expect(matchArchivePath('H_15_15_Wet.jpg', p, TYPES)).toMatchObject({ ok: false });
    expect(matchArchivePath('H_1_2_Wet.jpg', [], TYPES)).toEqual({ ok: false, reason: expect.stringContaining('No filename pattern') });
  });

  it('refuses patterns that cannot place a photo, with a reason and the pattern number', () => {
    expect(compileArchivePattern('{hole}_{from}_{to}')).toEqual({ ok: false, reason: expect.stringContaining('{imageType}') });
    expect(compileArchivePattern('{hole}/{hole}_{from}_{to}_{imageType}')).toEqual({ ok: false, reason: '{hole} appears twice' });
    expect(compileArchivePattern('{hole}//{from}_{to}_{imageType}')).toMatchObject({ ok: false });
    expect(compileArchivePattern('{depth}_{hole}')).toEqual({ ok: false, reason: expect.stringContaining('unknown field {depth}') });
    expect(compileArchivePattern('  ')).toEqual({ ok: false, reason: 'the pattern is empty' });
    expect(compileArchivePatterns(['{hole}_{from}_{to}_{imageType}', '{hole}'])).toEqual({ ok: false, index: 1, reason: expect.stringMatching(/^Pattern 2 \(\{hole\}\): /) });
    // Backslashes (typed on Windows) are folders too.
    expect(compileArchivePattern('{hole}\\{from}-{to}_{imageType}')).toMatchObject({ ok: true, compiled: { segments: 2 } });
  });

  it('leaves the interactive filename pattern as it was', () => {
    expect(compileFilenamePattern('{hole}_{from}_{to}').ok).toBe(true);
    expect(parseFilename('FF-DD-0012_102.0_106.8_Wet.jpg', '{hole}_{from}_{to}_{imageType}')).toEqual({ hole: 'FF-DD-0012', from: 102, to: 106.8, imageType: 'Wet' });
  });
});
