/**
 * The watch and sequence report model (renderer/src/event-log/reports/report-model.ts): what is in
 * the range, grouping, counts, sequences started/ended, QC with queued changes on top, what waits
 * to be sent, and that the CSV holds the same cells as the page (quoted, formula-guarded).
 */
import { describe, expect, it } from 'vitest';
import type { SequenceSummary } from '../../../common/bridge/event-log-contract';
import type { LogEvent } from '../../../renderer/src/event-log/event-log-db';
import { reportToCsv, sequenceReport, watchReport, type LocalState } from '../../../renderer/src/event-log/reports/report-model';

function event(id: number | null, tstamp: string, sequence: number | null, labels: string[], remarks: string, sync: LogEvent['sync'] = 'synced', deleted: 0 | 1 = 0): LogEvent {
  return { key: id === null ? `c:${remarks}` : `d:${id}`, project: 'p', id, uid: id, tstamp, sequence, point: sequence === null ? null : 1000 + (id ?? 0), remarks, labels, meta: {}, sortKey: tstamp, readonly: false, hasEdits: false, deleted, sync, server: null, loggedAt: null };
}
const seq = (sequence: number, status: string, ts0: string, ts1: string | null): SequenceSummary => ({ sequence, line: 1000 + sequence, status, fsp: 1001, lsp: 1480, ts0, ts1, numPoints: 480 });
const state = (over: Partial<LocalState> = {}): LocalState => ({
  project: 'p',
  projectName: 'North Sea',
  sequences: [seq(4, 'raw', '2024-06-01T00:00:00.000Z', '2024-06-01T08:30:00.000Z'), seq(5, 'online', '2024-06-01T09:00:00.000Z', null), seq(3, 'final', '2024-05-31T00:00:00.000Z', '2024-05-31T06:00:00.000Z')],
  referenceFetchedAt: '2024-06-01T11:00:00.000Z',
  outbox: [],
  lastPullAt: '2024-06-01T11:30:00.000Z',
  madeAt: '2024-06-01T12:00:00.000Z',
  zone: 'utc',
  ...over,
});
const WATCH = { from: '2024-06-01T08:00:00.000Z', to: '2024-06-01T12:00:00.000Z' };
const EVENTS = [
  event(1, '2024-06-01T07:59:59.000Z', 4, ['Gun'], 'before the watch'),
  event(2, '2024-06-01T08:10:00.000Z', 4, ['Gun', 'Gun'], 'gun 3 autofire'),
  event(3, '2024-06-01T08:30:00.000Z', 4, ['EOL'], 'End of line'),
  event(4, '2024-06-01T08:45:00.000Z', null, ['Weather'], 'wind 25 kn'),
  event(5, '2024-06-01T09:00:00.000Z', 5, ['SOL'], '=SUM(A1) start, "quoted"'),
  event(6, '2024-06-01T09:30:00.000Z', 5, ['Gun'], 'deleted one', 'synced', 1),
  event(null, '2024-06-01T11:59:00.000Z', 5, [], 'logged offline', 'pending'),
];

describe('watch report', () => {
  it('takes the range’s live events, groups them by sequence in watch order and counts labels once per event', () => {
    const report = watchReport(state({ outbox: [{ seq: 1, state: 'pending', kind: 'create' }] }), EVENTS, WATCH);
    expect(report.total).toBe(5);
    expect(report.groups.map((g) => g.title)).toEqual(['Sequence 4 (line 1004) · 2 events', 'Not on a sequence · 1 event', 'Sequence 5 (line 1005) · 2 events']);
    expect(report.labelCounts).toEqual([
      { label: 'EOL', count: 1 },
      { label: 'Gun', count: 1 },
      { label: 'SOL', count: 1 },
      { label: 'Weather', count: 1 },
    ]);
    expect(report.unlabelled).toBe(1);
    expect(report.sequences).toEqual([
      ['4', '1004', 'raw', 'before the watch', '2024-06-01 08:30:00Z', '1001–1480', '480', '2'],
      ['5', '1005', 'online', '2024-06-01 09:00:00Z', 'still online', '1001–1480', '480', '2'],
    ]);
    expect(report.notes[0]).toBe('1 change is still waiting to be sent to Dougal.');
    expect(report.notes[1]).toBe('1 event in this report is not on Dougal yet (see State).');
    expect(report.groups[2]!.lines[1]!.cells.at(-1)).toBe('waiting to be sent');
  });

  it('says when nothing waits, and when sequences were never loaded; a sequence known only from the log still shows', () => {
    const report = watchReport(state({ sequences: undefined, lastPullAt: null }), EVENTS.slice(0, 5), WATCH);
    expect(report.notes).toContain('Nothing is waiting to be sent to Dougal.');
    expect(report.notes.join(' ')).toMatch(/not been brought up to date from Dougal yet.*sequences have not been loaded/);
    expect(report.sequences.map((r) => r.slice(0, 5))).toEqual([
      ['4', '', 'not known here yet', '', '2024-06-01 08:30:00Z (by the log)'],
      ['5', '', 'not known here yet', '2024-06-01 09:00:00Z (by the log)', ''],
    ]);
  });

  it('writes the same cells as CSV, quoted and formula-guarded', () => {
    const csv = reportToCsv(watchReport(state(), EVENTS, WATCH)).split('\r\n');
    expect(csv[0]).toBe('Watch report: 2024-06-01 08:00:00Z to 2024-06-01 12:00:00Z');
    expect(csv).toContain(`Sequence 5 (line 1005) · 2 events,2024-06-01 09:00:00Z,5,1005,"'=SUM(A1) start, ""quoted""",SOL,on Dougal`);
    expect(csv).toContain('All events,5');
    expect(csv).toContain('4,1004,raw,before the watch,2024-06-01 08:30:00Z,1001–1480,480,2');
  });
});

describe('sequence report', () => {
  it('gives first and last shot, the events of the sequence, and QC results with queued accepts on top', () => {
    const qc = {
      fetchedAt: '2024-06-01T11:00:00.000Z',
      results: [
        { test: 'gun_depth', eventId: 41, sequence: 4, point: 1100, tstamp: '2024-06-01T02:00:00.000Z', remarks: 'Gun depth', accepted: false },
        { test: 'gun_timing', eventId: 42, sequence: 4, point: 1200, tstamp: '2024-06-01T03:00:00.000Z', remarks: 'Timing', accepted: true },
        { test: 'gun_timing', eventId: 43, sequence: 5, point: 1300, tstamp: '2024-06-01T10:00:00.000Z', remarks: 'other sequence', accepted: true },
      ],
    };
    const report = sequenceReport(state({ outbox: [{ seq: 7, state: 'pending', kind: 'qc', qc: { eventIds: [41], accepted: true } }] }), 4, EVENTS, qc);
    expect(report.title).toBe('Sequence report: sequence 4, line 1004');
    expect(report.facts.find((f) => f.term === 'First shot')?.value).toBe('SP 1001 at 2024-06-01 00:00:00Z');
    expect(report.facts.find((f) => f.term === 'Last shot')?.value).toBe('SP 1480 at 2024-06-01 08:30:00Z');
    expect(report.events.map((e) => e.cells[3])).toEqual(['before the watch', 'gun 3 autofire', 'End of line']);
    expect(report.qc.map((q) => [q.cells[1], q.accepted, q.waiting, q.cells[5]])).toEqual([
      ['41', true, true, 'accepted (waiting to be sent)'],
      ['42', true, false, 'accepted'],
    ]);
    const online = sequenceReport(state(), 5, EVENTS, undefined);
    expect(online.facts.find((f) => f.term === 'Last shot')?.value).toMatch(/still online/);
    expect(online.notes).toContain('QC results have not been read from Dougal on this computer yet.');
  });
});
