/**
 * Turns DougalClient replies into the event-log bridge shapes: the fields the renderer works
 * with, every other attribute the server sent kept aside in `extra` (so nothing it sent is
 * dropped on the way to the local store), and the QC tree (whose real structure was never
 * recovered) flattened tolerantly.
 */
import { CLIENT_KEY_META, type EventInstance, type LineSummary, type PlannedSequenceSummary, type QcResult, type SequenceSummary, type ServerEvent } from '../../../common/bridge/event-log-contract';
import type { DougalEvent, DougalEventInstance, DougalLine, DougalPlannedSequence, DougalQcResults, DougalSequence } from '../dougal/dougal-client';
import { readInstant, readNumber, unwrapList } from '../dougal/wire-values';

/** Attributes the renderer has fields for (or the server owns): everything else goes into `extra`. */
const MAPPED_ATTRIBUTES = new Set(['id', 'uid', 'tstamp', 'sequence', 'point', 'remarks', 'labels', 'meta', 'readonly', 'has_edits', 'edited', 'validity']);

export function extraAttributesOf(e: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([key, value]) => !MAPPED_ATTRIBUTES.has(key) && value !== undefined));
}

export function toServerEvent(e: DougalEvent): ServerEvent {
  return {
    id: e.id,
    uid: e.uid,
    // Already ISO UTC from the schema (a zoneless Postgres time read as UTC, never as local time).
    tstamp: e.tstamp,
    sequence: e.sequence,
    point: e.point,
    remarks: e.remarks,
    labels: e.labels,
    meta: e.meta,
    readonly: e.readonly,
    hasEdits: e.has_edits ?? e.edited ?? false,
    clientKey: typeof e.meta[CLIENT_KEY_META] === 'string' ? e.meta[CLIENT_KEY_META] : null,
    extra: extraAttributesOf(e),
  };
}

export function toEventInstance(e: DougalEventInstance): EventInstance {
  return { ...toServerEvent(e), validity: e.validity };
}

export function toSequenceSummary(s: DougalSequence): SequenceSummary {
  return {
    sequence: s.sequence,
    line: s.line,
    status: s.status ?? 'unknown',
    fsp: s.fsp ?? null,
    lsp: s.lsp ?? null,
    ts0: s.ts0 ?? null,
    ts1: s.ts1 ?? null,
    numPoints: s.num_points ?? null,
  };
}

export function toPlannedSummary(p: DougalPlannedSequence): PlannedSequenceSummary {
  return { sequence: p.sequence, line: p.line, fsp: p.fsp, lsp: p.lsp, ts0: p.ts0 ?? null, name: p.name ?? null };
}

export function toLineSummary(l: DougalLine): LineSummary {
  return { line: l.line, fsp: l.fsp ?? null, lsp: l.lsp ?? null, ntba: l.ntba ?? false, remarks: l.remarks ?? null };
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An integer, also from numeric text (node-postgres sends `bigint` ids as strings). */
const intOrNull = (v: unknown) => {
  const n = readNumber(v);
  return n !== null && Number.isInteger(n) ? n : null;
};

/**
 * The tests of a QC tree, however it is laid out: `{tests: [{name, results}]}` (the emulator's
 * guess), a bare array (of tests or of results), a list wrapped the way servers wrap lists
 * (`{data: [...]}`), or an object keyed by test name (`{"Gun timing": [results]}`, or
 * `{"Gun timing": {results}}`). The structure was never recovered (reference §6), and reading a
 * layout as "no results" would hide every QC result from the navigator.
 */
function qcTests(tree: DougalQcResults): Loose[] {
  if (Array.isArray(tree)) return tree.filter(isObject);
  if (Array.isArray(tree.tests)) return tree.tests.filter(isObject);
  const wrapped = unwrapList(tree);
  if (wrapped) return wrapped.filter(isObject);
  return Object.entries(tree).flatMap(([name, value]): Loose[] => {
    if (Array.isArray(value)) return [{ name, results: value }];
    if (isObject(value)) return [{ name, ...value }];
    return [];
  });
}

/** Flattens the QC tree into results; anything without an integer event id is skipped rather than invented. */
export function flattenQcResults(tree: DougalQcResults): QcResult[] {
  const out: QcResult[] = [];
  for (const test of qcTests(tree)) {
    const name = String(test.name ?? test.id ?? 'QC');
    const results = Array.isArray(test.results) ? test.results : [test];
    for (const r of results) {
      if (!isObject(r)) continue;
      const eventId = intOrNull(r.event_id ?? r.id);
      if (eventId === null) continue;
      out.push({
        test: name,
        eventId,
        sequence: intOrNull(r.sequence),
        point: intOrNull(r.point),
        tstamp: readInstant(r.tstamp),
        remarks: typeof r.remarks === 'string' ? r.remarks : '',
        accepted: r.accepted === true,
      });
    }
  }
  return out;
}
