/**
 * The plan and sequences' remarks on this computer: Dougal's last answer (`SurveyRow`) with the
 * queued changes laid over it, in queue order. A change lives in the outbox until Dougal has it,
 * so a pull never overwrites it and a refusal keeps it there, with its reason, for the user to
 * fix or drop.
 */
import type { LineDetail, PlanBase, PlanChanges, PlanEntry, PlanFields, ProjectCounts, SequenceChanges, SequenceDetail, SurveyPart } from '../../../../common/bridge/survey-contract';
import type { BridgeError } from '../../../../common/errors';
import type { OutboxItem } from '../event-log-db';

/** Dougal's plan, sequences, lines and counts as last read (one row per project). */
export interface SurveyRow {
  project: string;
  plan: PlanEntry[];
  sequences: SequenceDetail[];
  lines: LineDetail[];
  counts: ProjectCounts | null;
  /** Parts Dougal could not give at the last read (what was here before is kept), and why. */
  unavailable: SurveyPart[];
  notes: string[];
  fetchedAt: string;
}

/** A queued change of the plan (outbox kind `plan`), or of a sequence's remarks (kind `sequence`). */
export type SurveyChange =
  | { op: 'add'; clientKey: string; sequence: number; fields: PlanFields }
  /** `base`: the changed attributes' values the user started from, and the entry's line; `to`: a new number. */
  | { op: 'edit'; sequence: number; to?: number; changes: PlanChanges; base: PlanBase }
  | { op: 'remove'; sequence: number; base: Partial<PlanFields> }
  | { op: 'remarks'; sequence: number; changes: SequenceChanges; base: { remarks?: string; remarksFinal?: string } };

export const planChainOf = (project: string) => `plan:${project}`;
export const sequenceChainOf = (project: string, sequence: number) => `sequence:${project}:${sequence}`;

export const isSurveyItem = (item: OutboxItem): boolean => item.kind === 'plan' || item.kind === 'sequence';

/** What the user sees of a queued change: waiting, being sent, or refused (with Dougal's reason). */
export type ChangeState = 'pending' | 'failed';
export const changeStateOf = (item: OutboxItem): ChangeState => (item.state === 'failed' || item.state === 'conflict' ? 'failed' : 'pending');

/** A planned sequence as shown: Dougal's entry with the queued changes on top. */
export interface PlanRow extends PlanFields {
  sequence: number;
  numPoints: number | null;
  /** Dougal's entry this row started from; null for one added here and not yet on Dougal. */
  server: PlanEntry | null;
  /** The queued changes that touch it, oldest first. */
  items: OutboxItem[];
  removed: boolean;
  /** A queued add whose number another entry holds here (Dougal will refuse it). */
  clash: boolean;
}

export const fieldsOfEntry = (e: PlanEntry): PlanFields => ({
  line: e.line,
  fsp: e.fsp,
  lsp: e.lsp,
  ts0: e.ts0 ?? '',
  ts1: e.ts1 ?? '',
  name: e.name ?? '',
  remarks: e.remarks ?? '',
});

/** The plan with the queued plan changes applied; changes that find no entry are returned apart. */
export function planWithChanges(server: PlanEntry[], items: OutboxItem[]): { rows: PlanRow[]; unplaced: OutboxItem[] } {
  const rows: PlanRow[] = server.map((e) => ({ ...fieldsOfEntry(e), sequence: e.sequence, numPoints: e.numPoints, server: e, items: [], removed: false, clash: false }));
  const unplaced: OutboxItem[] = [];
  const live = (n: number) => rows.find((r) => r.sequence === n && !r.removed);
  for (const item of items) {
    const change = item.survey;
    if (item.kind !== 'plan' || !change) continue;
    if (change.op === 'add') {
      const clash = live(change.sequence) !== undefined;
      rows.push({ ...change.fields, sequence: change.sequence, numPoints: Math.abs(change.fields.lsp - change.fields.fsp) + 1, server: null, items: [item], removed: false, clash });
      continue;
    }
    if (change.op === 'remarks') continue;
    const row = live(change.sequence);
    if (!row) {
      unplaced.push(item);
      continue;
    }
    row.items.push(item);
    if (change.op === 'remove') {
      row.removed = true;
      continue;
    }
    Object.assign(row, change.changes);
    if (change.to !== undefined) row.sequence = change.to;
    row.numPoints = Math.abs(row.lsp - row.fsp) + 1;
  }
  rows.sort((a, b) => a.sequence - b.sequence);
  return { rows, unplaced };
}

/** A sequence as shown: Dougal's with the queued remarks on top. */
export interface SequenceRow extends SequenceDetail {
  items: OutboxItem[];
}

export function sequencesWithChanges(server: SequenceDetail[], items: OutboxItem[]): SequenceRow[] {
  const rows = server.map((s) => ({ ...s, items: [] as OutboxItem[] }));
  const byNumber = new Map(rows.map((r) => [r.sequence, r]));
  for (const item of items) {
    const change = item.survey;
    if (item.kind !== 'sequence' || change?.op !== 'remarks') continue;
    const row = byNumber.get(change.sequence);
    if (!row) continue;
    row.items.push(item);
    if (change.changes.remarks !== undefined) row.remarks = change.changes.remarks;
    if (change.changes.remarksFinal !== undefined) row.remarksFinal = change.changes.remarksFinal;
  }
  return rows;
}

/** The worst state among a row's queued changes, or null when it is as on Dougal. */
export function rowState(items: OutboxItem[]): ChangeState | null {
  if (items.length === 0) return null;
  return items.some((i) => changeStateOf(i) === 'failed') ? 'failed' : 'pending';
}

/** The reason a refused change carries, in the user's words. */
export function refusalOf(item: OutboxItem): BridgeError | null {
  return changeStateOf(item) === 'failed' ? item.lastError : null;
}

/** A short description of a change, for the outbox list and the sync strip. */
export function describeChange(change: SurveyChange): string {
  switch (change.op) {
    case 'add':
      return `Add planned sequence ${change.sequence} (line ${change.fields.line}, ${change.fields.fsp}–${change.fields.lsp})`;
    case 'edit': {
      const renumber = change.to !== undefined && change.to !== change.sequence;
      const what = Object.keys(change.changes);
      if (renumber && what.length === 0) return `Renumber planned sequence ${change.sequence} → ${change.to}`;
      return `${renumber ? `Renumber planned sequence ${change.sequence} → ${change.to} and change` : `Change planned sequence ${change.sequence}:`} ${what.join(', ')}`;
    }
    case 'remove':
      return `Remove planned sequence ${change.sequence}`;
    case 'remarks':
      return `Remarks of sequence ${change.sequence}`;
  }
}
