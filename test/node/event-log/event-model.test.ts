/** The event log's pure rules (renderer code without Dexie or React), in Node. */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../renderer/src/event-log/event-log-db';
import { eventsToCsv } from '../../../renderer/src/event-log/csv-export';
import { describeExtra, mergeRemarks, rowFromServer, sameExtra, sameFields, singleLabelsIn, syncStateOf } from '../../../renderer/src/event-log/event-model';
import { formatEventTime, parseEventTime } from '../../../renderer/src/event-log/event-time';

const base = { tstamp: '2024-06-01T10:00:00.000Z', sequence: 6, point: 1200, remarks: 'Gun 3', labels: ['Gun', 'Nav'], meta: { a: 1, b: { c: 2 } } };

describe('event model', () => {
  it('compares content as Dougal sees it: label order, key order and time notation do not matter', () => {
    expect(sameFields(base, { ...base, tstamp: '2024-06-01T10:00:00Z', labels: ['Nav', 'Gun'], meta: { b: { c: 2 }, a: 1 } })).toBe(true);
    expect(sameFields(base, { ...base, remarks: 'Gun 4' })).toBe(false);
    expect(sameFields(base, { ...base, meta: { a: 1 } })).toBe(false);
  });

  it('keeps the server’s other attributes on the row and its snapshot, and shows them in plain lines', () => {
    const extra = { geometry: { type: 'Point', coordinates: [2.051234, 58.551234] }, source: 'nav-logger', note: null };
    const row = rowFromServer('p', { ...base, id: 5, uid: 9, readonly: false, hasEdits: true, clientKey: null, extra }, false);
    expect(row.extra).toEqual(extra);
    expect(row.server?.extra).toEqual(extra);
    expect(sameExtra(extra, { source: 'nav-logger', note: null, geometry: { coordinates: [2.051234, 58.551234], type: 'Point' } })).toBe(true);
    expect(sameExtra(extra, { ...extra, source: 'bridge' })).toBe(false);
    expect(sameExtra(undefined, {})).toBe(true);
    expect(describeExtra(extra)).toEqual([
      { name: 'geometry', value: '58.551234, 2.051234' },
      { name: 'source', value: 'nav-logger' },
    ]);
    expect(describeExtra({ blob: 'x'.repeat(500) })[0]!.value).toHaveLength(118);
  });

  it('merges remarks: theirs first, then the lines of mine they lack', () => {
    expect(mergeRemarks('Gun 3 autofire', 'Gun 3 autofire, isolated')).toBe('Gun 3 autofire, isolated');
    expect(mergeRemarks('Gun 3 autofire\nswell 2 m', 'Gun 3 isolated')).toBe('Gun 3 isolated\nGun 3 autofire\nswell 2 m');
  });

  it('a conflict or failure outranks pending in the row badge', () => {
    expect(syncStateOf([])).toBe('synced');
    expect(syncStateOf([{ state: 'pending' }, { state: 'waiting-retry' }])).toBe('pending');
    expect(syncStateOf([{ state: 'failed' }, { state: 'conflict' }])).toBe('conflict');
  });

  it('finds the labels that Dougal allows once per sequence', () => {
    const labels = [
      { name: 'SOL', colour: null, description: null, user: true, multiple: false },
      { name: 'Gun', colour: null, description: null, user: true, multiple: true },
    ];
    expect(singleLabelsIn(['Gun', 'SOL', 'Unknown'], labels)).toEqual(['SOL']);
  });

  it('exports CSV with quoting, and defuses cells a spreadsheet would run as formulas', () => {
    const row = { ...base, id: 7, remarks: '=HYPERLINK("x"), "quoted"\nnext line', deleted: 0, sync: 'pending' } as unknown as LogEvent;
    expect(eventsToCsv([row], 'utc')).toBe(
      'id,time,sequence,point,remarks,labels,status\r\n7,2024-06-01 10:00:00Z,6,1200,"\'=HYPERLINK(""x""), ""quoted""\nnext line",Gun;Nav,pending\r\n',
    );
  });

  it('reads and writes times in UTC unless told otherwise', () => {
    expect(formatEventTime('2024-06-01T10:00:00.000Z', 'utc')).toBe('2024-06-01 10:00:00Z');
    expect(parseEventTime('2024-06-01 10:00:00', 'utc')).toBe('2024-06-01T10:00:00.000Z');
    expect(parseEventTime('', 'utc')).toBeNull();
    expect(() => parseEventTime('yesterday-ish', 'utc')).toThrow(/not a time/);
  });
});
