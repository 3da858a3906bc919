/**
 * Reading values the way a Node + Postgres Dougal may send them (electron/services/dougal/wire-values.ts):
 * every form that means one thing reads as that thing, and anything else is still refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { instantMs, readInstant, readLabelName, readNumber, readValidity, unwrapList } from '../../../electron/services/dougal/wire-values';

const TEN = '2024-06-01T10:00:00.000Z';

describe('readInstant', () => {
  const zoneBefore = process.env.TZ;
  afterEach(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  it.each([
    ['2024-06-01T10:00:00Z', TEN],
    ['2024-06-01T10:00:00.000Z', TEN],
    ['2024-06-01T10:00:00+00', TEN],
    ['2024-06-01 10:00:00+00', TEN],
    ['2024-06-01T12:00:00+02:00', TEN],
    ['2024-06-01T12:00:00+0200', TEN],
    ['2024-06-01 05:30:00-04:30', TEN],
    ['2024-06-01 10:00:00.123456+00', '2024-06-01T10:00:00.123Z'],
    ['2024-06-01T10:00:00.5Z', '2024-06-01T10:00:00.500Z'],
    ['Sat, 01 Jun 2024 10:00:00 GMT', TEN],
  ])('reads %s', (text, iso) => {
    expect(readInstant(text)).toBe(iso);
  });

  it('reads a time without a zone as UTC, whatever the workstation zone', () => {
    for (const zone of ['Europe/Oslo', 'America/St_Johns', 'Asia/Kolkata', 'UTC']) {
      process.env.TZ = zone;
      expect(readInstant('2024-06-01T09:00:00')).toBe('2024-06-01T09:00:00.000Z');
      expect(readInstant('2024-06-01 09:00:00.25')).toBe('2024-06-01T09:00:00.250Z');
      expect(readInstant('2024-06-01')).toBe('2024-06-01T00:00:00.000Z');
    }
  });

  it.each(['', 'now', 'infinity', '2024-02-31T10:00:00Z', '2024-06-01T25:00:00Z', '01/06/2024 10:00', '2024-06-01 10:00:00 Europe/Oslo', 'Sat, 01 Jun 2024 10:00:00'])('refuses %j', (text) => {
    expect(readInstant(text)).toBeNull();
  });

  it('refuses what is not text', () => {
    for (const value of [null, undefined, 1717236000000, {}, []]) expect(readInstant(value)).toBeNull();
  });

  it('gives instants to compare, NaN for garbage', () => {
    expect(instantMs('2024-06-01 10:00:00+00')).toBe(instantMs(TEN));
    expect(instantMs('soon')).toBeNaN();
  });
});

describe('readNumber', () => {
  it('reads numbers and numeric text (node-postgres bigint, numeric, count(*))', () => {
    expect(readNumber(401)).toBe(401);
    expect(readNumber('401')).toBe(401);
    expect(readNumber('5000.25')).toBe(5000.25);
    expect(readNumber('-90.5')).toBe(-90.5);
    expect(readNumber('1e3')).toBe(1000);
    expect(readNumber(' 12 ')).toBe(12);
  });

  it.each(['', ' ', 'NaN', 'Infinity', '12 m', '0x10', '1,5', 'true'])('refuses %j', (text) => {
    expect(readNumber(text)).toBeNull();
  });

  it('refuses non-numbers', () => {
    for (const value of [null, undefined, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY]) expect(readNumber(value)).toBeNull();
  });
});

describe('readValidity', () => {
  it('keeps the documented array, times as ISO UTC', () => {
    expect(readValidity(['[', '2024-06-01 10:00:00+00', null, ')'])).toEqual(['[', TEN, null, ')']);
    expect(readValidity(['[', TEN, '2024-06-01T11:00:00Z', ')'])).toEqual(['[', TEN, '2024-06-01T11:00:00.000Z', ')']);
  });

  it('reads infinity (either sign) and an empty bound as unbounded', () => {
    expect(readValidity(['[', TEN, 'infinity', ')'])).toEqual(['[', TEN, null, ')']);
    expect(readValidity(['(', '-infinity', '', ')'])).toEqual(['(', null, null, ')']);
  });

  it.each([
    ['["2024-06-01 10:00:00+00",)', ['[', TEN, null, ')']],
    ['[2024-06-01T10:00:00Z,)', ['[', TEN, null, ')']],
    ['["2024-06-01 10:00:00+00",infinity)', ['[', TEN, null, ')']],
    ['["2024-06-01 10:00:00+00","2024-06-01 11:00:00+00")', ['[', TEN, '2024-06-01T11:00:00.000Z', ')']],
    ['(,"2024-06-01 10:00:00+00"]', ['(', null, TEN, ']']],
    ['[ "2024-06-01 10:00:00.5+00" , ) ', ['[', '2024-06-01T10:00:00.500Z', null, ')']],
  ])('reads the range text %s', (text, validity) => {
    expect(readValidity(text)).toEqual(validity);
  });

  it.each([['empty'], ['[2024-06-01T10:00:00Z)'], ['{2024,2025}'], [['[', 'yesterday', null, ')']], [['[', TEN, null]], [['<', TEN, null, ')']], [42], [null]])('refuses %j', (value) => {
    expect(readValidity(value)).toBeNull();
  });
});

describe('readLabelName', () => {
  it('reads a name or an object naming it', () => {
    expect(readLabelName('Nav')).toBe('Nav');
    expect(readLabelName({ name: 'Nav', colour: 'red' })).toBe('Nav');
    expect(readLabelName({ label: 'QC' })).toBe('QC');
    expect(readLabelName({ text: 'Gun' })).toBe('Gun');
  });

  it('refuses what names no label', () => {
    for (const value of [null, Number.NaN, {}, { name: '' }, { name: Number.POSITIVE_INFINITY }, ['Nav'], true]) expect(readLabelName(value)).toBeNull();
  });

  it('reads a label named with digits only, sent as a number, as its name (the event would be refused for it)', () => {
    expect([7, { name: 3 }, { label: 0 }].map(readLabelName)).toEqual(['7', '3', '0']);
  });
});

describe('unwrapList', () => {
  it('finds the list under the common wrappers and the list names', () => {
    for (const key of ['data', 'items', 'results', 'rows', 'events', 'changes', 'history', 'sequences', 'plan', 'lines', 'labels', 'projects']) {
      expect(unwrapList({ [key]: [1, 2], count: 2 })).toEqual([1, 2]);
    }
  });

  it('is no wrapper for lists, objects keyed by name, or wrappers of something else', () => {
    expect(unwrapList([1])).toBeUndefined();
    expect(unwrapList({ Nav: { view: {} }, QC: null })).toBeUndefined();
    expect(unwrapList({ data: { Nav: {} } })).toBeUndefined();
    expect(unwrapList('data')).toBeUndefined();
  });
});
