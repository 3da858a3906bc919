/**
 * Reply shapes a Node + Postgres Dougal may plausibly send, read through the schemas and list
 * readers (schemas.ts, reply-items.ts) and the event-log wire (event-log-wire.ts): string ids and
 * counts, label objects, Postgres times and ranges, a missing uid, wrapped lists. Each reads as
 * the one form Corelog works with; the reply as sent is what a write starts from.
 */
import { describe, expect, it } from 'vitest';
import { eventInstanceSchema, eventSchema, plannedSequenceSchema, projectSummarySchema, sequenceSchema, UNKNOWN_UID } from '../../../electron/services/dougal/schemas';
import { parseItems, parseLabels, type ReportProblem } from '../../../electron/services/dougal/reply-items';
import { eventPutBody } from '../../../electron/services/dougal/dougal-client';
import { flattenQcResults, toEventInstance, toServerEvent } from '../../../electron/services/event-log/event-log-wire';

const EVENT = { id: 100, uid: 104, tstamp: '2024-06-01T10:00:00Z', sequence: 5, point: 110, remarks: 'seed', labels: ['Nav'], meta: { other: 1 }, geometry: null, readonly: false, has_edits: true };
const problems = (): { report: ReportProblem; seen: string[] } => {
  const seen: string[] = [];
  return { report: (p) => seen.push(p.detail), seen };
};

describe('events', () => {
  it('reads ids, uids and shot numbers sent as text (node-postgres bigint)', () => {
    const e = eventSchema.parse({ ...EVENT, id: '100', uid: '104', sequence: '5', point: '110' });
    expect(e).toMatchObject({ id: 100, uid: 104, sequence: 5, point: 110 });
  });

  it('refuses ids that are not whole numbers, or too large to tell apart', () => {
    for (const id of ['abc', '1.5', '', '9007199254740993', true]) expect(eventSchema.safeParse({ ...EVENT, id }).success).toBe(false);
  });

  it('reads labels given as objects naming them, and refuses a label it cannot name', () => {
    expect(eventSchema.parse({ ...EVENT, labels: [{ name: 'Nav' }, { label: 'QC' }, { text: 'Gun' }, 'Prod'] }).labels).toEqual(['Nav', 'QC', 'Gun', 'Prod']);
    // Dropping it would lose it on Dougal at the next PUT: the event is refused instead.
    expect(eventSchema.safeParse({ ...EVENT, labels: [{ colour: 'red' }] }).success).toBe(false);
  });

  it('reads remarks and label names sent as JSON numbers as the text they show, instead of losing the event', () => {
    const e = eventSchema.parse({ ...EVENT, remarks: 987654321, labels: [42, { name: 7 }, 'Nav'] });
    expect(e).toMatchObject({ remarks: '987654321', labels: ['42', '7', 'Nav'] });
    // Not a number JSON can hold as text, nor anything else: still refused rather than guessed.
    expect(eventSchema.safeParse({ ...EVENT, remarks: { text: 'x' } }).success).toBe(false);
  });

  it.each(['2024-06-01T10:00:00+00', '2024-06-01 10:00:00+00', '2024-06-01 10:00:00.000000+00', '2024-06-01T10:00:00', '2024-06-01T12:00:00+02'])('reads the time %s as the instant it names', (tstamp) => {
    expect(toServerEvent(eventSchema.parse({ ...EVENT, tstamp })).tstamp).toBe('2024-06-01T10:00:00.000Z');
  });

  it('keeps every attribute as sent for the write-back, whatever form the read took', () => {
    const raw = { ...EVENT, id: '100', uid: '104', labels: [{ name: 'Nav' }], tstamp: '2024-06-01 10:00:00+00', source: 'nav-logger', geometry: { type: 'Point', coordinates: [2.1, 60.3] } };
    const event = toServerEvent(eventSchema.parse(raw));
    expect(event.extra).toEqual({ source: 'nav-logger', geometry: { type: 'Point', coordinates: [2.1, 60.3] } });
    const body = eventPutBody(raw, { tstamp: event.tstamp, sequence: event.sequence, point: event.point, remarks: 'new', labels: event.labels, meta: event.meta });
    expect(body).toEqual({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 110, remarks: 'new', labels: ['Nav'], meta: { other: 1 }, source: 'nav-logger', geometry: { type: 'Point', coordinates: [2.1, 60.3] } });
  });

  describe('without a uid (the documents put it on changes and history only)', () => {
    const { uid: _uid, ...withoutUid } = EVENT;

    it('is its id when the reply says the event was never edited ("uid equals id until first edit")', () => {
      expect(eventSchema.parse({ ...withoutUid, has_edits: false }).uid).toBe(100);
      expect(eventSchema.parse({ ...withoutUid, has_edits: undefined, edited: false }).uid).toBe(100);
    });

    it('is unknown (0, no instance has it) when the event was edited or the reply does not say', () => {
      expect(eventSchema.parse({ ...withoutUid, has_edits: true }).uid).toBe(UNKNOWN_UID);
      expect(eventSchema.parse({ ...withoutUid, has_edits: null }).uid).toBe(UNKNOWN_UID);
      expect(UNKNOWN_UID).toBe(0);
    });

    it('is not an event when nothing but an id came back (a create answered with `{id}`)', () => {
      expect(eventSchema.safeParse({ id: 100 }).success).toBe(false);
      expect(eventSchema.safeParse({ id: '100', tstamp: '2024-06-01T10:00:00Z' }).success).toBe(false);
      expect(eventSchema.safeParse({ id: 100, sequence: 5, point: 110, remarks: null, labels: null, meta: null }).success).toBe(true);
    });
  });
});

describe('event instances', () => {
  it.each([
    ['the documented array', ['[', '2024-06-01T10:00:00Z', null, ')']],
    ['infinity as the upper bound', ['[', '2024-06-01T10:00:00Z', 'infinity', ')']],
    ['tstzrange text, quoted', '["2024-06-01 10:00:00+00",)'],
    ['tstzrange text, unquoted', '[2024-06-01T10:00:00Z,)'],
    ['tstzrange text, infinity', '["2024-06-01 10:00:00+00",infinity)'],
  ])('read %s as an open validity', (_name, validity) => {
    const instance = toEventInstance(eventInstanceSchema.parse({ ...EVENT, validity }));
    expect(instance.validity).toEqual(['[', '2024-06-01T10:00:00.000Z', null, ')']);
  });

  it('reads a closed range with both times normalised', () => {
    const instance = eventInstanceSchema.parse({ ...EVENT, validity: '["2024-06-01 10:00:00+00","2024-06-02 08:30:00.25+00")' });
    expect(instance.validity).toEqual(['[', '2024-06-01T10:00:00.000Z', '2024-06-02T08:30:00.250Z', ')']);
  });

  it('refuses a validity it cannot read', () => {
    for (const validity of ['empty', ['[', 'later', null, ')'], undefined]) expect(eventInstanceSchema.safeParse({ ...EVENT, validity }).success).toBe(false);
  });
});

describe('sequences, plan and project counts as node-postgres sends them', () => {
  it('reads counts and numeric values sent as text', () => {
    const s = sequenceSchema.parse({ sequence: '5', line: 1001, num_points: '401', missing_shots: '0', length: '5000.25', azimuth: '90.5', ts0: '2024-05-01 10:00:00+00' });
    expect(s).toMatchObject({ sequence: 5, num_points: 401, missing_shots: 0, length: 5000.25, azimuth: 90.5, ts0: '2024-05-01T10:00:00.000Z' });
    const p = plannedSequenceSchema.parse({ sequence: 10, line: 1001, fsp: '100', lsp: 500, num_points: '401', length: '5000.25', ts0: '2024-06-01 10:00:00+00' });
    expect(p).toMatchObject({ fsp: 100, num_points: 401, length: 5000.25, ts0: '2024-06-01T10:00:00.000Z' });
    const summary = projectSummarySchema.parse({ pid: 'p', name: 'P', total: '802', remaining: '400', shooting_rate: '5.4' });
    expect(summary).toMatchObject({ total: 802, remaining: 400, shooting_rate: 5.4 });
  });

  it('never takes garbage or a fraction for a count; where Dougal only shows the value, the item stays without it', () => {
    expect(sequenceSchema.parse({ sequence: 5, line: 1001, num_points: 'lots' }).num_points).toBeUndefined();
    expect(sequenceSchema.parse({ sequence: 5, line: 1001, num_points: '401.5' }).num_points).toBeUndefined();
    expect(plannedSequenceSchema.parse({ sequence: 10, line: 1001, fsp: 100, lsp: 500, length: 'NaN' }).length).toBeUndefined();
    // What names or places an item is still required.
    expect(sequenceSchema.safeParse({ sequence: '5.5', line: 1001 }).success).toBe(false);
    expect(plannedSequenceSchema.safeParse({ sequence: 10, line: 1001, fsp: 'lots', lsp: 500 }).success).toBe(false);
  });
});

describe('wrapped lists', () => {
  const items = [EVENT, { ...EVENT, id: 101, uid: 101 }];

  it.each(['data', 'items', 'results', 'rows', 'events', 'changes', 'history', 'sequences', 'plan', 'lines'])('reads a list wrapped in `%s`', (key) => {
    expect(parseItems(eventSchema, { [key]: items, count: 2 }, 'list events', 200).map((i) => i.value.id)).toEqual([100, 101]);
  });

  it('refuses an object that wraps no list', () => {
    expect(() => parseItems(eventSchema, { count: 2 }, 'list events', 200)).toThrow(/a list was expected/);
  });

  it('reads wrapped labels as labels, not as labels named "data" and "count"', () => {
    const labels = [{ name: 'Nav', data: { view: { colour: '#EF9A9A' } } }, { name: 'QC', data: null }];
    expect(parseLabels({ data: labels, count: 2 }, 'list labels', 200).map((l) => l.name)).toEqual(['Nav', 'QC']);
    expect(parseLabels({ labels }, 'list labels', 200).map((l) => l.name)).toEqual(['Nav', 'QC']);
  });

  it('reads labels keyed by name inside a wrapper, not as one label named after the wrapper', () => {
    const keyed = { Nav: { view: { colour: '#EF9A9A' } }, QC: { model: { user: false, multiple: false } } };
    for (const wrapper of ['data', 'labels']) {
      const labels = parseLabels({ [wrapper]: keyed, count: 2 }, 'list labels', 200);
      expect(labels.map((l) => l.name)).toEqual(['Nav', 'QC']);
      expect(labels[1]).toMatchObject({ user: false, multiple: false });
    }
    // A label really named "data" (its value is a label's data) stays a label.
    expect(parseLabels({ data: { view: { colour: 'red' } } }, 'list labels', 200)).toEqual([expect.objectContaining({ name: 'data', colour: 'red' })]);
  });

  it('reads a label, sequence, plan entry or project named or remarked with a number as that text', () => {
    expect(parseLabels([{ name: 7, data: { view: { colour: 'red', description: 12 } } }], 'list labels', 200)).toEqual([expect.objectContaining({ name: '7', colour: 'red', description: '12' })]);
    expect(sequenceSchema.parse({ sequence: 5, line: 1010, remarks: 31337, remarks_final: 0 })).toMatchObject({ remarks: '31337', remarks_final: '0' });
    expect(plannedSequenceSchema.parse({ sequence: 30, line: 1010, fsp: 1, lsp: 9, name: 1010, remarks: 2 })).toMatchObject({ name: '1010', remarks: '2' });
    expect(projectSummarySchema.parse({ pid: 2024, name: 2024 })).toMatchObject({ pid: '2024', name: '2024' });
  });

  it('still reads labels keyed by name, leaving out a value that is no label data', () => {
    const { report, seen } = problems();
    const labels = parseLabels({ Nav: { view: { colour: '#EF9A9A' } }, QC: null, count: 2 }, 'list labels', 200, report);
    expect(labels).toEqual([
      { name: 'Nav', colour: '#EF9A9A', description: null, user: true, multiple: true },
      { name: 'QC', colour: null, description: null, user: true, multiple: true },
    ]);
    expect(seen).toEqual(['left out "count": not a label\'s data']);
  });
});

describe('QC results', () => {
  it('reads event ids sent as text and times in Postgres form', () => {
    const results = flattenQcResults({ tests: [{ name: 'Gun timing', results: [{ event_id: '100', sequence: '5', point: 120, tstamp: '2024-06-01 10:00:00+00', accepted: false }] }] });
    expect(results).toEqual([{ test: 'Gun timing', eventId: 100, sequence: 5, point: 120, tstamp: '2024-06-01T10:00:00.000Z', remarks: '', accepted: false }]);
  });
});
