/**
 * Turns DougalClient replies into the event-log bridge shapes: the fields the renderer works
 * with, every other attribute the server sent kept aside in `extra` (so nothing it sent is
 * dropped on the way to the local store), and the QC tree (whose real structure was never
 * recovered) flattened tolerantly.
 */
import { CLIENT_KEY_META, type EventInstance, type LineSummary, type PlannedSequenceSummary, type QcResult, type SequenceSummary, type ServerEvent } from '../../../common/bridge/event-log-contract';
import type { DougalEvent, DougalEventInstance, DougalLine, DougalPlannedSequence, DougalQcResults, DougalSequence } from '../dougal/dougal-client';
import { readInstant, readNumber } from '../dougal/wire-values';

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
 * Flattens `{tests: [{name, results: [{event_id, …}]}]}` (the emulator's guess) or a bare array of
 * results; anything without an integer event id is skipped rather than invented.
 */
export function flattenQcResults(tree: DougalQcResults): QcResult[] {
  const tests: unknown[] = Array.isArray(tree) ? tree : Array.isArray(tree.tests) ? tree.tests : [];
  const out: QcResult[] = [];
  for (const test of tests) {
    if (!isObject(test)) continue;
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
