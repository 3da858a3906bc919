/**
 * The plan and sequences as the screen shows them: Dougal's last answer with the queued changes
 * laid over it in queue order (renderer/src/event-log/survey/survey-change.ts).
 */
import { describe, expect, it } from 'vitest';
import type { PlanEntry, SequenceDetail } from '../../../common/bridge/survey-contract';
import type { OutboxItem } from '../../../renderer/src/event-log/event-log-db';
import { describeChange, planWithChanges, rowState, sequencesWithChanges, type SurveyChange } from '../../../renderer/src/event-log/survey/survey-change';

const entry = (sequence: number, line: number, name = ''): PlanEntry => ({
  sequence,
  line,
  fsp: 1000,
  lsp: 1640,
  ts0: '2024-06-10T00:00:00.000Z',
  ts1: '2024-06-10T02:00:00.000Z',
  name,
  remarks: '',
  numPoints: 641,
  length: 16_000,
  clientKey: null,
  raw: {},
});

let seq = 0;
const item = (survey: SurveyChange, state: OutboxItem['state'] = 'pending'): OutboxItem => ({
  seq: ++seq,
  project: 'p',
  eventKey: survey.op === 'remarks' ? `sequence:p:${survey.sequence}` : 'plan:p',
  kind: survey.op === 'remarks' ? 'sequence' : 'plan',
  survey,
  label: describeChange(survey),
  state,
  attempts: 0,
  nextAttemptAt: null,
  lastError: state === 'failed' ? { kind: 'conflict', message: 'sequence 36 is already in the plan', retryable: false } : null,
  createdAt: '2024-06-10T00:00:00.000Z',
});

const FIELDS = { line: 1005, fsp: 1100, lsp: 1500, ts0: '2024-06-12T00:00:00.000Z', ts1: '2024-06-12T01:00:00.000Z', name: 'Infill', remarks: '' };

describe('the plan with queued changes', () => {
  it('applies adds, edits, renumbers and removals in queue order', () => {
    const server = [entry(33, 1041, 'a'), entry(34, 1045, 'b')];
    const items = [
      item({ op: 'add', clientKey: 'k1234567', sequence: 40, fields: FIELDS }),
      item({ op: 'edit', sequence: 34, to: 36, changes: {}, base: {} }, 'failed'),
      item({ op: 'edit', sequence: 40, to: 42, changes: { name: 'Infill B' }, base: { name: 'Infill' } }),
      item({ op: 'remove', sequence: 33, base: { name: 'a' } }),
    ];
    const { rows, unplaced } = planWithChanges(server, items);
    expect(unplaced).toEqual([]);
    expect(rows.map((r) => [r.sequence, r.name, r.removed, rowState(r.items)])).toEqual([
      [33, 'a', true, 'pending'],
      [36, 'b', false, 'failed'],
      [42, 'Infill B', false, 'pending'],
    ]);
    expect(rows[2]).toMatchObject({ server: null, numPoints: 401, line: 1005 });
    // Dougal's copy is not touched by the overlay.
    expect(server.map((e) => e.sequence)).toEqual([33, 34]);
  });

  it('marks an add whose number is taken here, and sets apart a change that finds no entry', () => {
    const { rows, unplaced } = planWithChanges([entry(33, 1041)], [item({ op: 'add', clientKey: 'k1234568', sequence: 33, fields: FIELDS }), item({ op: 'edit', sequence: 99, changes: { remarks: 'x' }, base: { remarks: '' } })]);
    expect(rows.filter((r) => r.sequence === 33).map((r) => r.clash)).toEqual([false, true]);
    expect(unplaced.map((i) => i.label)).toEqual(['Change planned sequence 99: remarks']);
  });

  it('lays queued remarks over the sequences', () => {
    const s: SequenceDetail = { sequence: 3, line: 1021, status: 'final', fsp: 1000, lsp: 1640, ts0: null, ts1: null, numPoints: 641, remarks: 'old', remarksFinal: '', hasFinal: true };
    const rows = sequencesWithChanges([s], [item({ op: 'remarks', sequence: 3, changes: { remarks: 'new' }, base: { remarks: 'old' } })]);
    expect(rows[0]).toMatchObject({ remarks: 'new', remarksFinal: '' });
    expect(rowState(rows[0]!.items)).toBe('pending');
    expect(s.remarks).toBe('old');
  });

  it('describes each change in plain words', () => {
    expect(describeChange({ op: 'edit', sequence: 34, to: 36, changes: {}, base: {} })).toBe('Renumber planned sequence 34 → 36');
    expect(describeChange({ op: 'edit', sequence: 34, to: 36, changes: { name: 'x' }, base: {} })).toBe('Renumber planned sequence 34 → 36 and change name');
    expect(describeChange({ op: 'add', clientKey: 'k', sequence: 40, fields: FIELDS })).toBe('Add planned sequence 40 (line 1005, 1100–1500)');
  });
});
