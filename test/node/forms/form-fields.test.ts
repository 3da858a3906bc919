/**
 * The field definitions shared by the forms and the bridge (common/forms): what each accepts and
 * refuses when typed, and that the bridge's schema refuses the same value with the same words.
 */
import { describe, expect, it } from 'vitest';
import { dateField, readEventTime, timestampProblem, timestampSchema } from '../../../common/forms/date-fields';
import { depthRangeProblem, fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import { eventTimingProblem } from '../../../common/forms/event-fields';
import { fieldProblem, fieldValue, type FormField } from '../../../common/forms/form-field';
import { formatDepthRange, lengthUnitSymbol, lengthUnitWords, withLengthUnit } from '../../../common/forms/length-units';
import { decimalField, sequenceField, shotPointField, wholeNumberField } from '../../../common/forms/number-fields';
import { colourField, filenamePatternProblem, filenamePatternSchema, holeNameField, holeNameProblem } from '../../../common/forms/text-fields';

type Case<T> = [text: string, expected: { value: T | null } | { problem: string }];

/** Checks each typed text, and that the schema agrees on every value the text stands for. */
function table<T>(field: FormField<T>, cases: Case<T>[], valueOfText: (text: string) => unknown = (text) => text) {
  for (const [text, expected] of cases) {
    const reading = field.read(text);
    if ('value' in expected) {
      expect(reading, `read ${JSON.stringify(text)}`).toEqual({ ok: true, value: expected.value });
      if (expected.value !== null) expect(field.schema.safeParse(expected.value).success, `schema accepts ${JSON.stringify(expected.value)}`).toBe(true);
    } else {
      expect(reading, `read ${JSON.stringify(text)}`).toEqual({ ok: false, problem: expected.problem });
      const candidate = valueOfText(text.trim());
      // Where the text is a value of the bridge's type (12.7 for a shot point), main refuses it with the field's words.
      const parsed = field.schema.safeParse(candidate);
      if (typeof candidate === 'number' ? Number.isFinite(candidate) : typeof candidate === 'string') {
        if (field.check(candidate as T) !== null) expect(parsed.error?.issues.map((i) => i.message), `schema refuses ${JSON.stringify(candidate)}`).toEqual([expected.problem]);
      }
    }
  }
}

const asNumber = (text: string) => Number(text);

describe('whole-number fields (sequence, shot point)', () => {
  it('accepts whole numbers and refuses 12.7, abc, 5,5, negatives and more than Dougal can store', () => {
    table(
      shotPointField,
      [
        ['1200', { value: 1200 }],
        ['  0042 ', { value: 42 }],
        ['+7', { value: 7 }],
        ['', { value: null }],
        ['   ', { value: null }],
        ['12.7', { problem: 'Shot point must be a whole number, not 12.7.' }],
        ['12.0', { problem: 'Shot point must be a whole number, not 12.0.' }],
        ['5,5', { problem: 'Shot point must be a whole number, not 5,5.' }],
        ['abc', { problem: 'Shot point must be a whole number; “abc” is not a number.' }],
        ['1e3', { problem: 'Shot point must be a whole number; “1e3” is not a number.' }],
        ['0x10', { problem: 'Shot point must be a whole number; “0x10” is not a number.' }],
        ['-5', { problem: 'Shot point cannot be negative.' }],
        ['2147483647', { value: 2_147_483_647 }],
        ['2147483648', { problem: 'Shot point must be at most 2,147,483,647.' }],
      ],
      asNumber,
    );
    table(
      sequenceField,
      [
        ['28', { value: 28 }],
        ['28.5', { problem: 'Sequence must be a whole number, not 28.5.' }],
        ['twenty', { problem: 'Sequence must be a whole number; “twenty” is not a number.' }],
      ],
      asNumber,
    );
  });

  it('the bridge refuses a fraction with the words the field uses for it', () => {
    expect(shotPointField.schema.safeParse(12.7).error?.issues.map((i) => i.message)).toEqual([fieldProblem(shotPointField, '12.7')]);
    expect(sequenceField.schema.safeParse(-1).error?.issues.map((i) => i.message)).toEqual(['Sequence cannot be negative.']);
    expect(sequenceField.schema.safeParse('12').success).toBe(false);
    expect(sequenceField.schema.safeParse(Number.NaN).success).toBe(false);
    expect(wholeNumberField('Count', { min: 1, max: 10 }).read('0')).toEqual({ ok: false, problem: 'Count must be at least 1.' });
  });

  it('quotes at most a short piece of what was typed', () => {
    expect(fieldProblem(sequenceField, 'x'.repeat(500))).toBe(`Sequence must be a whole number; “${'x'.repeat(23)}…” is not a number.`);
  });
});

describe('depth fields (From, To)', () => {
  it('accepts decimals with a point and refuses a comma, negatives, words and absurd depths', () => {
    table(
      fromDepthField,
      [
        ['102.5', { value: 102.5 }],
        ['0', { value: 0 }],
        ['.5', { value: 0.5 }],
        ['7.', { value: 7 }],
        ['', { value: null }],
        ['5,5', { problem: 'From: use a point for decimals (5.5, not 5,5).' }],
        ['0,25', { problem: 'From: use a point for decimals (0.25, not 0,25).' }],
        ['1,250.5', { problem: 'From: write the number without group separators, with a point for decimals (e.g. 1250.5).' }],
        ['1.250,5', { problem: 'From: write the number without group separators, with a point for decimals (e.g. 1250.5).' }],
        ['-2', { problem: 'From cannot be negative.' }],
        ['-0.5', { problem: 'From cannot be negative.' }],
        ['deep', { problem: 'From: enter a depth as a number, e.g. 12.5.' }],
        ['12 m', { problem: 'From: enter a depth as a number, e.g. 12.5.' }],
        ['100000', { value: 100_000 }],
        ['100001', { problem: 'From must be at most 100,000.' }],
      ],
      asNumber,
    );
    expect(fieldProblem(toDepthField, '5,5')).toBe('To: use a point for decimals (5.5, not 5,5).');
  });

  it('the bridge refuses a negative depth and NaN, and the range rule is one function', () => {
    expect(toDepthField.schema.safeParse(-1).error?.issues.map((i) => i.message)).toEqual(['To cannot be negative.']);
    expect(toDepthField.schema.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
    expect(toDepthField.schema.safeParse('5,5').success).toBe(false);
    expect(depthRangeProblem(1, 2)).toBeNull();
    expect(depthRangeProblem(2, 2)).toBe('From must be less than To.');
    expect(depthRangeProblem(3, 2)).toBe('From must be less than To.');
  });
});

describe('decimal fields (number attributes)', () => {
  it('accepts negative and decimal numbers, never reads a comma as a point', () => {
    table(
      decimalField('RQD %'),
      [
        ['82', { value: 82 }],
        ['-3.25', { value: -3.25 }],
        ['82,5', { problem: 'RQD %: use a point for decimals (82.5, not 82,5).' }],
        ['twelve', { problem: 'RQD %: enter a number.' }],
      ],
      asNumber,
    );
    expect(decimalField('X').schema.safeParse(Number.NaN).success).toBe(false);
  });
});

describe('date fields', () => {
  it('accepts calendar days and refuses 2024-02-30, month 13 and other spellings', () => {
    const logged = dateField('Logged');
    table(logged, [
      ['2024-02-29', { value: '2024-02-29' }],
      ['1998-09-02', { value: '1998-09-02' }],
      ['2024-02-30', { problem: 'Logged: 2024-02-30 is not a date (February 2024 has 29 days).' }],
      ['2023-02-29', { problem: 'Logged: 2023-02-29 is not a date (February 2023 has 28 days).' }],
      ['2024-04-31', { problem: 'Logged: 2024-04-31 is not a date (April 2024 has 30 days).' }],
      ['2024-13-01', { problem: 'Logged: 2024-13-01 is not a date (there is no month 13).' }],
      ['2024-00-10', { problem: 'Logged: 2024-00-10 is not a date (there is no month 0).' }],
      ['2024-01-00', { problem: 'Logged: 2024-01-00 is not a date (January 2024 has 31 days).' }],
      ['2024-2-3', { problem: 'Logged: enter a date as YYYY-MM-DD.' }],
      ['03/02/2024', { problem: 'Logged: enter a date as YYYY-MM-DD.' }],
    ]);
    // `Date.parse` would have taken 2024-02-30 for 1 March: that is exactly what the field must not do.
    expect(Number.isNaN(Date.parse('2024-02-30'))).toBe(false);
  });

  it('reads event times in UTC or local time, refusing days and times that do not exist', () => {
    expect(readEventTime('2024-05-01 12:00:00', 'utc')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(readEventTime('2024-05-01T12:00', 'utc')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(readEventTime('2024-05-01 12:00:00Z', 'local')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(readEventTime('2024-05-01 14:00:00+02:00', 'utc')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(readEventTime('2024-05-01 12:00:00', 'local')).toEqual({ ok: true, value: new Date(2024, 4, 1, 12, 0, 0).toISOString() });
    expect(readEventTime('  ', 'utc')).toEqual({ ok: true, value: null });
    expect(readEventTime('2024-02-30 10:00:00', 'utc')).toEqual({ ok: false, problem: 'Time: 2024-02-30 is not a date (February 2024 has 29 days).' });
    expect(readEventTime('2024-05-01 25:00:00', 'utc')).toEqual({ ok: false, problem: 'Time: 25:00:00 is not a time of day.' });
    expect(readEventTime('2024-05-01 12:60', 'utc')).toEqual({ ok: false, problem: 'Time: 12:60:0 is not a time of day.' });
    expect(readEventTime('yesterday', 'utc')).toEqual({ ok: false, problem: 'Time: write it as YYYY-MM-DD HH:MM:SS.' });
  });

  it('the bridge refuses timestamps of days that do not exist, with the words of the form, and keeps other spellings a server may send', () => {
    const messages = (value: unknown) => timestampSchema.safeParse(value).error?.issues.map((i) => i.message) ?? [];
    const atField = readEventTime('2024-02-30 10:00:00', 'utc');
    expect(messages('2024-02-30T10:00:00.000Z')).toEqual([atField.ok ? 'the field accepted it' : atField.problem]);
    expect(messages('2024-06-01T24:30:00Z')).toEqual(['Time: “2024-06-01T24:30:00Z” is not a timestamp.']);
    expect(messages('not a time')).toEqual(['Time: “not a time” is not a timestamp.']);
    for (const good of ['2024-06-01T10:00:00.000Z', '2024-06-01T10:00:00.123456+00:00', '2024-06-01 10:00:00+0000', '2024-06-01', 'Sat, 01 Jun 2024 10:00:00 GMT']) {
      expect(timestampProblem(good), good).toBeNull();
    }
  });
});

describe('text fields with a shape', () => {
  it('colours: #RGB or #RRGGBB, read in capitals', () => {
    table(colourField('Lithology colour'), [
      ['#4a5a3c', { value: '#4A5A3C' }],
      ['#abc', { value: '#ABC' }],
      ['4A5A3C', { problem: 'Lithology colour: enter a colour as #RGB or #RRGGBB.' }],
      ['#4A5A3', { problem: 'Lithology colour: enter a colour as #RGB or #RRGGBB.' }],
    ]);
  });

  it('new hole names: one line, at most 100 characters, no slashes; the bridge trims them', () => {
    expect(holeNameProblem('FF-DD-0200')).toBeNull();
    expect(holeNameProblem('FF/DD')).toBe('A hole name cannot contain / or \\.');
    expect(holeNameProblem('  ')).toBe('Enter a hole name.');
    expect(holeNameField.schema.safeParse('FF\\DD').error?.issues.map((i) => i.message)).toEqual(['A hole name cannot contain / or \\.']);
    expect(fieldValue(holeNameField, ' FF-DD-0200 ')).toBe('FF-DD-0200');
  });

  it('file-name patterns: known fields only, each once; the bridge says the same', () => {
    expect(filenamePatternProblem('{hole}_{from}_{to}_{imageType}')).toBeNull();
    expect(filenamePatternProblem('')).toBe('File name pattern: enter a pattern such as {hole}_{from}_{to}_{imageType}.');
    expect(filenamePatternProblem('{hole}_{depth}')).toBe('File name pattern: unknown field {depth}; use {hole}, {from}, {to}, {imageType} or {any}.');
    expect(filenamePatternProblem('{from}_{from}')).toBe('File name pattern: {from} appears twice.');
    expect(filenamePatternProblem('{any}')).toBe('File name pattern: use at least one of {hole}, {from}, {to}, {imageType}.');
    expect(filenamePatternSchema.safeParse('{hole}_{depth}').error?.issues.map((i) => i.message)).toEqual([filenamePatternProblem('{hole}_{depth}')]);
    expect(filenamePatternSchema.parse('  {hole}_{from}  ')).toBe('{hole}_{from}');
  });
});

describe('event timing', () => {
  it('a shot point needs its sequence; an event needs a time or both', () => {
    expect(eventTimingProblem({ tstamp: '2024-06-01T10:00:00Z', sequence: null, point: null })).toBeNull();
    expect(eventTimingProblem({ tstamp: null, sequence: 6, point: 1200 })).toBeNull();
    expect(eventTimingProblem({ tstamp: '2024-06-01T10:00:00Z', sequence: null, point: 1200 })).toBe('A shot point needs its sequence.');
    expect(eventTimingProblem({ tstamp: null, sequence: 6, point: null })).toBe('An event needs a time, or a sequence and shot point.');
  });
});

describe('length units', () => {
  it.each([
    ['metres', 'm', 'metres'],
    ['Meters', 'm', 'metres'],
    ['m', 'm', 'metres'],
    ['feet', 'ft', 'feet'],
    ['FT', 'ft', 'feet'],
    ['foot', 'ft', 'feet'],
    ['chains', 'chains', 'chains'],
    ['  yards ', 'yards', 'yards'],
    ['', '', ''],
    [undefined, '', ''],
  ])('%s → %s, %s', (units, symbol, words) => {
    expect(lengthUnitSymbol(units)).toBe(symbol);
    expect(lengthUnitWords(units)).toBe(words);
  });

  it('labels and ranges carry the unit, and never a guessed one', () => {
    expect(formatDepthRange(0, 15, 'feet')).toBe('0.00–15.00 ft');
    expect(formatDepthRange(102, 106.8, 'metres')).toBe('102.00–106.80 m');
    expect(formatDepthRange(1, 2, 'chains')).toBe('1.00–2.00 chains');
    expect(formatDepthRange(1, 2, undefined)).toBe('1.00–2.00');
    expect(withLengthUnit('From', 'feet')).toBe('From (ft)');
    expect(withLengthUnit('To', null)).toBe('To');
  });
});
