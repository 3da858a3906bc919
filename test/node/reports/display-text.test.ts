import { describe, expect, it } from 'vitest';
import { inkOn, parseColour, safeCssColour } from '../../../common/css-colour';
import { displayText } from '../../../common/display-text';

describe('text shown that Corelog did not write', () => {
  it('keeps ordinary text, markup and line breaks exactly (React shows markup as text)', () => {
    for (const text of ['Gun 3 autofire', '<img src=x onerror=alert(1)></script>', 'a\tb\nc', 'Ø 5 µm °C', '👩‍🔬 e\u0301']) expect(displayText(text)).toBe(text);
  });

  it('shows characters that hide or reorder text as U+FFFD, one for one', () => {
    expect(displayText('evil\u202Efdp.exe')).toBe('evil\uFFFDfdp.exe');
    expect(displayText('DH\u200B-01\uFEFF\u2060')).toBe('DH\uFFFD-01\uFFFD\uFFFD');
    expect(displayText('a\u0000b\u0007c\u009b')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(displayText('x\u2067y\u2069z\u202Aw')).toBe('x\uFFFDy\uFFFDz\uFFFDw');
    expect(displayText('half\uD800pair \uDC00 end')).toBe('half\uFFFDpair \uFFFD end');
    // ZWJ and ZWNJ are parts of words and emoji: kept.
    expect(displayText('👨\u200D👩\u200D👧 می\u200Cخواهم')).toContain('👨\u200D👩\u200D👧');
  });

  it('isolates right-to-left text so it cannot reorder Corelog’s words beside it', () => {
    expect(displayText('שלום 12')).toBe('\u2068שלום 12\u2069');
    expect(displayText('بئر-3')).toBe('\u2068بئر-3\u2069');
    expect(displayText('DH-01')).toBe('DH-01');
  });

  it('shows numbers, flags and objects from a server as text instead of failing', () => {
    expect(displayText(42)).toBe('42');
    expect(displayText(false)).toBe('false');
    expect(displayText(null)).toBe('');
    expect(displayText(undefined)).toBe('');
    expect(displayText({ a: 1 })).toBe('{"a":1}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(displayText(cycle)).toBe('[object Object]');
  });

  it('cuts long text at whole characters and says how much is left, never half an emoji or accent', () => {
    const long = 'W'.repeat(100_000);
    expect(displayText(long, { maxCharacters: 600 })).toBe(`${'W'.repeat(600)}… (+99,400 characters)`);
    expect(displayText('ab👩‍🔬cd', { maxCharacters: 3 })).toBe('ab👩‍🔬… (+2 characters)');
    expect(displayText('e\u0301e\u0301e\u0301', { maxCharacters: 2 })).toBe('e\u0301e\u0301… (+2 characters)');
    expect(displayText('short', { maxCharacters: 600 })).toBe('short');
    // Where there is no room to say how much (a strip log column): only an ellipsis, still at a whole character.
    expect(displayText('ab👩‍🔬cd', { maxCharacters: 3, cutMark: 'ellipsis' })).toBe('ab👩‍🔬…');
    expect(displayText('😀😀😀😀', { maxCharacters: 1, cutMark: 'ellipsis' })).toBe('😀…');
    // Exactly the limit in characters but more UTF-16 units: nothing is cut.
    expect(displayText('😀😀😀', { maxCharacters: 3 })).toBe('😀😀😀');
  });

  it('is quick on 100,000 characters', () => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) displayText('W'.repeat(100_000) + '\u202E', { maxCharacters: 600 });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('colours a server gives', () => {
  it('draws plain colours, reduced to #rrggbb', () => {
    expect(safeCssColour('#90CAF9')).toBe('#90caf9');
    expect(safeCssColour('#abc')).toBe('#aabbcc');
    expect(safeCssColour('#abcd')).toBe('#aabbcc');
    expect(safeCssColour('#11223344')).toBe('#112233');
    expect(safeCssColour(' Red ')).toBe('#ff0000');
    expect(safeCssColour('rgb(255, 128, 0)')).toBe('#ff8000');
    expect(safeCssColour('rgba(10 20 30 / 50%)')).toBe('#0a141e');
    expect(safeCssColour('rgb(100%, 0%, 0%)')).toBe('#ff0000');
  });

  it('draws nothing that is not plainly a colour', () => {
    for (const hostile of [
      'red;background:url(http://127.0.0.1:9/x)',
      'url(http://127.0.0.1:9/x)',
      'expression(alert(1))',
      '#ff0000;background:red',
      '#ff0000"/><script>',
      'var(--x)',
      'rgb(1,2,3);x:y',
      'javascript:alert(1)',
      '#gg0000',
      '',
      '#' + 'f'.repeat(100_000),
      'notacolour',
    ])
      expect(safeCssColour(hostile), hostile.slice(0, 40)).toBeNull();
    for (const wrongType of [0xff0000, null, undefined, ['#fff'], { r: 1 }]) expect(safeCssColour(wrongType)).toBeNull();
  });

  it('picks text that reads on the colour', () => {
    expect(inkOn('#ffffff')).toBe('#111111');
    expect(inkOn('#000080')).toBe('#ffffff');
    expect(inkOn('#90caf9')).toBe('#111111');
    expect(parseColour('#ef5350')).toEqual({ r: 0xef, g: 0x53, b: 0x50 });
  });
});
