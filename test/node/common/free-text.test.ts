import { describe, expect, it } from 'vitest';
import { cleanFreeText, firstForbiddenCharacter, freeTextProblem, freeTextSchema } from '../../../common/free-text';

describe('free text sent to servers', () => {
  it('refuses NUL and other C0 controls with the position, but keeps tab and newline in multi-line text', () => {
    expect(freeTextProblem('gun 3\tautofire\nrecovered', { maxLength: 100 })).toBeNull();
    expect(freeTextProblem('gun\u00003', { maxLength: 100, label: 'Remarks' })).toBe(
      'Remarks contains a NUL character at position 4, which the server cannot store. Remove it (pasting again cleans it).',
    );
    expect(firstForbiddenCharacter('ok\u001bx')).toEqual({ index: 2, codePoint: 'U+001B' });
    expect(firstForbiddenCharacter('del\u007f')).toEqual({ index: 3, codePoint: 'U+007F' });
  });

  it('normalises Windows line ends instead of refusing them, and refuses breaks in single-line fields', () => {
    expect(freeTextProblem('a\r\nb\rc', { maxLength: 100 })).toBeNull();
    expect(freeTextSchema({ maxLength: 100 }).parse('a\r\nb\rc')).toBe('a\nb\nc');
    expect(freeTextProblem('FF-DD\n0012', { maxLength: 100, multiline: false, label: 'Hole' })).toMatch(/^Hole contains a line break or tab at position 6/);
  });

  it('cleans pasted text: strips controls, keeps the rest', () => {
    expect(cleanFreeText('a\u0000b\u0007c\r\nd')).toBe('abc\nd');
    expect(cleanFreeText('a\tb\nc', false)).toBe('a b c');
  });

  it('says how much too long a text is instead of cutting it', () => {
    expect(freeTextProblem('x'.repeat(25), { maxLength: 20, label: 'Remarks' })).toBe('Remarks is 25 characters long; at most 20 can be sent. Shorten it by 5.');
    const result = freeTextSchema({ maxLength: 20, label: 'Remarks' }).safeParse('x'.repeat(21));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at most 20/);
  });
});

describe('broken characters', () => {
  it('refuses a lone UTF-16 surrogate (it cannot be sent as UTF-8 or put in a URL), keeps real pairs', () => {
    expect(freeTextProblem('core \ud83e\udea8 tray', { maxLength: 100 })).toBeNull();
    expect(freeTextProblem('FF-DD\ud800', { maxLength: 100, multiline: false, label: 'The name' })).toBe(
      'The name contains a broken character (U+D800, half of a pair) at position 6, which the server cannot store. Remove it (pasting again cleans it).',
    );
    expect(firstForbiddenCharacter('a\udc00b')).toEqual({ index: 1, codePoint: 'U+DC00' });
    expect(cleanFreeText('a\ud800b\udc00c')).toBe('abc');
  });
});
