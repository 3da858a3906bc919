/**
 * What the navigator does to the plan and to sequences' remarks. Each action is one IndexedDB
 * transaction adding (or rewriting) an item in the event log's outbox, the same queue as events:
 * plan changes chain on `plan:<project>` (strictly in order: a renumber after an add must find
 * it), a sequence's remarks on `sequence:<project>:<n>`. Nothing is written to Dougal's copy here;
 * the screen lays the queued changes over it (survey-change.ts).
 */
import type { PlanBase, PlanChanges, PlanFields, SequenceChanges } from '../../../../common/bridge/survey-contract';
import { publishOutboxChanged } from '../change-feed';
import { eventLogDb, type OutboxItem } from '../event-log-db';
import { newClientKey } from '../event-model';
import { pullSurvey } from './survey-pull';
import { describeChange, planChainOf, sequenceChainOf, type PlanRow, type SequenceRow, type SurveyChange } from './survey-change';

const db = eventLogDb;
const PLAN_KEYS = ['fsp', 'lsp', 'ts0', 'ts1', 'name', 'remarks'] as const;

function queued(project: string, chain: string, kind: 'plan' | 'sequence', survey: SurveyChange): OutboxItem {
  return { project, eventKey: chain, kind, survey, label: describeChange(survey), state: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: new Date().toISOString() };
}

const sameValue = (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'string' && /^\d{4}-/.test(a) && /^\d{4}-/.test(b) ? Date.parse(a) === Date.parse(b) : a === b);

/** Queues a new planned sequence (numbered by the user). */
export async function addPlannedSequence(project: string, sequence: number, fields: PlanFields): Promise<void> {
  await db.outbox.add(queued(project, planChainOf(project), 'plan', { op: 'add', clientKey: newClientKey(), sequence, fields }));
  publishOutboxChanged();
}

/**
 * The queued add a row shows, when it is the row's only change and Dougal cannot have it: never
 * tried, or refused (a number taken, shot points Dougal did not take). Changing or removing such a
 * row changes or drops the add itself: an edit queued behind a refused add would wait for ever
 * (the add is refused again unchanged), and the user could fix nothing of it but its number.
 */
function unsentAdd(row: PlanRow): OutboxItem | null {
  const [item, ...later] = row.items;
  if (row.server !== null || !item || later.length > 0 || item.survey?.op !== 'add') return null;
  return (item.state === 'pending' && item.attempts === 0) || item.state === 'failed' || item.state === 'conflict' ? item : null;
}

/** Rewrites (or drops, `next` null) an add that has not reached Dougal; false when it is being sent or tried meanwhile. */
async function rewriteUnsentAdd(add: OutboxItem, next: { sequence: number; fields: PlanFields } | null): Promise<boolean> {
  let done = false;
  await db.transaction('rw', db.outbox, async () => {
    const item = await db.outbox.get(add.seq!);
    const change = item?.survey;
    if (!item || change?.op !== 'add') return;
    const untried = item.state === 'pending' && item.attempts === 0;
    if (!untried && item.state !== 'failed' && item.state !== 'conflict') return;
    done = true;
    if (!next) {
      await db.outbox.delete(add.seq!);
      return;
    }
    const revised: SurveyChange = { ...change, sequence: next.sequence, fields: next.fields };
    await db.outbox.update(add.seq!, { survey: revised, label: describeChange(revised), ...(untried ? {} : { state: 'pending', nextAttemptAt: null, lastError: null, failures: null }) });
  });
  if (done) publishOutboxChanged();
  return done;
}

/**
 * Queues the difference between a planned sequence as shown and what the user saved: only the
 * attributes that changed travel, each with the value the user started from. False: nothing changed.
 * A row that is only an add not yet on Dougal has the add itself rewritten.
 */
export async function editPlannedSequence(project: string, row: PlanRow, sequence: number, next: PlanFields): Promise<boolean> {
  const add = unsentAdd(row);
  if (add && (await rewriteUnsentAdd(add, { sequence, fields: next }))) return true;
  const changes: PlanChanges = {};
  // The line names the entry: should another one hold this number by the time it is sent, the
  // change is refused instead of landing on it.
  const base: PlanBase = { line: row.line };
  for (const key of PLAN_KEYS) {
    if (sameValue(next[key], row[key])) continue;
    (changes as Record<string, unknown>)[key] = next[key];
    (base as Record<string, unknown>)[key] = row[key];
  }
  const renumber = sequence !== row.sequence;
  if (!renumber && Object.keys(changes).length === 0) return false;
  await db.outbox.add(queued(project, planChainOf(project), 'plan', { op: 'edit', sequence: row.sequence, ...(renumber ? { to: sequence } : {}), changes, base }));
  publishOutboxChanged();
  return true;
}

export async function removePlannedSequence(project: string, row: PlanRow): Promise<void> {
  // An add that never reached Dougal is simply dropped: sending it to remove it next would be two
  // writes for nothing, and a refused one would hold the removal back for ever.
  const add = unsentAdd(row);
  if (add && (await rewriteUnsentAdd(add, null))) return;
  const base: Partial<PlanFields> = { line: row.line, fsp: row.fsp, lsp: row.lsp, name: row.name, remarks: row.remarks };
  await db.outbox.add(queued(project, planChainOf(project), 'plan', { op: 'remove', sequence: row.sequence, base }));
  publishOutboxChanged();
}

/**
 * Queues new remarks for a sequence. While the previous change of the same sequence has not left
 * this computer it is rewritten instead (its starting point stays), keeping the queue short.
 */
export async function editSequenceRemarks(project: string, row: SequenceRow, next: { remarks: string; remarksFinal: string }): Promise<boolean> {
  const changes: SequenceChanges = {};
  const base: { remarks?: string; remarksFinal?: string } = {};
  if (next.remarks !== row.remarks) [changes.remarks, base.remarks] = [next.remarks, row.remarks];
  if (next.remarksFinal !== row.remarksFinal) [changes.remarksFinal, base.remarksFinal] = [next.remarksFinal, row.remarksFinal];
  if (Object.keys(changes).length === 0) return false;
  const chain = sequenceChainOf(project, row.sequence);
  await db.transaction('rw', db.outbox, async () => {
    const last = (await db.outbox.where('eventKey').equals(chain).sortBy('seq')).at(-1);
    const change = last?.survey;
    // A refused one is rewritten too (and queued again): the user is fixing it. Its starting
    // point stays, so a change made on Dougal meanwhile is still caught.
    const refused = last?.state === 'failed';
    if (last && change?.op === 'remarks' && ((last.state === 'pending' && last.attempts === 0) || refused)) {
      const merged: SurveyChange = { ...change, changes: { ...change.changes, ...changes }, base: { ...base, ...change.base } };
      await db.outbox.update(last.seq!, { survey: merged, label: describeChange(merged), ...(refused ? { state: 'pending', nextAttemptAt: null, lastError: null, failures: null } : {}) });
      return;
    }
    await db.outbox.add(queued(project, chain, 'sequence', { op: 'remarks', sequence: row.sequence, changes, base }));
  });
  publishOutboxChanged();
  return true;
}

/**
 * Puts a refused change back in the queue, rewritten by the user (a free number, other shot
 * points, their text). `rebase` takes what Dougal holds now as the starting point: the user has
 * seen the other change and decided to send theirs over it.
 */
export async function reviseChange(seq: number, change: SurveyChange): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const item = await db.outbox.get(seq);
    if (!item || item.state === 'sending') throw new Error('This change is being sent; try again in a moment.');
    await db.outbox.update(seq, { survey: change, label: describeChange(change), state: 'pending', nextAttemptAt: null, lastError: null, failures: null });
  });
  publishOutboxChanged();
}

/** Gives up a queued change: Dougal's version is shown again. */
export async function dropChange(seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const item = await db.outbox.get(seq);
    if (item?.state === 'sending') throw new Error('This change is being sent; try again in a moment.');
    await db.outbox.delete(seq);
  });
  publishOutboxChanged();
}

/**
 * "Send mine anyway": reads Dougal's version now (the refusal named it), takes it as the starting
 * point and queues the change again, so it goes over theirs, knowingly. Needs Dougal reachable.
 *
 * The read takes a while (network), and the user may edit the same change meanwhile (another
 * remarks edit folds into this very item): so the item is read again after the read, inside the
 * transaction that rewrites it, and what is rebased is the change as it is then, never a copy
 * taken before the wait.
 */
export async function sendMineAnyway(seq: number): Promise<void> {
  const before = await db.outbox.get(seq);
  if (!before?.survey) return;
  await pullSurvey(before.project);
  await db.transaction('rw', db.outbox, db.survey, async () => {
    const item = await db.outbox.get(seq);
    // Dropped meanwhile: nothing to send.
    if (!item?.survey) return;
    if (item.state === 'sending') throw new Error('This change is being sent; try again in a moment.');
    const change = item.survey;
    const row = await db.survey.get(item.project);
    const now = change.op === 'remarks' ? row?.sequences.find((s) => s.sequence === change.sequence) : row?.plan.find((p) => p.sequence === change.sequence);
    const next = rebased(change, (now as unknown as Record<string, unknown> | undefined) ?? null);
    await db.outbox.update(seq, { survey: next, label: describeChange(next), state: 'pending', nextAttemptAt: null, lastError: null, failures: null });
  });
  publishOutboxChanged();
}

/** The change with its starting point moved to what Dougal holds now (for "send mine anyway"). */
export function rebased(change: SurveyChange, now: Record<string, unknown> | null): SurveyChange {
  if (!now) return change;
  switch (change.op) {
    case 'edit': {
      // The line is not rebased: it names the entry the user meant, not whichever holds the number now.
      const line = change.base.line === undefined ? {} : { line: change.base.line };
      return { ...change, base: { ...Object.fromEntries(Object.keys(change.changes).map((k) => [k, now[k] ?? ''])), ...line } as PlanBase };
    }
    case 'remove': {
      const line = change.base.line === undefined ? {} : { line: change.base.line };
      return { ...change, base: { ...Object.fromEntries(Object.keys(change.base).map((k) => [k, now[k] ?? ''])), ...line } as Partial<PlanFields> };
    }
    case 'remarks':
      return { ...change, base: Object.fromEntries(Object.keys(change.changes).map((k) => [k, now[k] ?? ''])) };
    default:
      return change;
  }
}
