/**
 * Dougal's `multiple: false` rule (a label such as SOL lives on one event per sequence), shown on
 * this computer before Dougal applies it. When an event takes such a label here, the other events
 * of the sequence show without it at once, but the move is Dougal's to make: it makes it when the
 * taking event arrives (reference §5), and only then. So each event that lost a label here
 * remembers which event took it (`labelsMovedAway`, an extra property of the row: no index, so no
 * schema change), and:
 *
 * - the move is undone here when the taking event will never bring the label to Dougal (deleted
 *   before any attempt to send it, its changes discarded or replaced by theirs, edited to drop
 *   the label before it was sent);
 * - an edit of the event that lost it still sends the label while Dougal has it there and the
 *   taking event has not arrived: a PUT never carries a removal the user did not make;
 * - once Dougal's own version of the event comes without the label, the move is Dougal's and is
 *   forgotten (and a label we had put back into its queued edit is taken out again).
 *
 * Everything here runs inside the caller's transaction on `events` (and `outbox` where it says).
 */
import type { EventLabel } from '../../../common/bridge/event-log-contract';
import { eventLogDb, type LogEvent, type OutboxItem } from './event-log-db';
import { singleLabelsIn } from './event-model';

/** A label another event (`by`, its key) took from this one on this computer. */
export interface LabelMove {
  label: string;
  by: string;
}

type RowWithMoves = LogEvent & { labelsMovedAway?: LabelMove[] };

const db = eventLogDb;

export function labelMovesOf(row: LogEvent): LabelMove[] {
  return (row as RowWithMoves).labelsMovedAway ?? [];
}

function withMoves<T extends LogEvent>(row: T, moves: LabelMove[]): T {
  const next = { ...row } as T & RowWithMoves;
  if (moves.length) next.labelsMovedAway = moves;
  else delete next.labelsMovedAway;
  return next;
}

/** `row` without the record of moves of labels it carries again (the user gave one back to it). */
export function withoutMovesOfHeldLabels<T extends LogEvent>(row: T): T {
  const moves = labelMovesOf(row);
  const kept = moves.filter((m) => !row.labels.includes(m.label));
  return kept.length === moves.length ? row : withMoves(row, kept);
}

/**
 * The other events of `row`'s sequence lose its once-per-sequence labels on screen now; each
 * remembers that `row` took them. Nothing is queued for them: Dougal moves the label itself.
 */
export async function takeSingleLabels(row: LogEvent, known: EventLabel[]): Promise<LogEvent[]> {
  const singles = singleLabelsIn(row.labels, known);
  if (singles.length === 0 || row.sequence === null || row.deleted) return [];
  const holders = await db.events
    .where('[project+sequence]')
    .equals([row.project, row.sequence])
    .filter((e) => e.key !== row.key && !e.deleted && e.labels.some((l) => singles.includes(l)))
    .toArray();
  const changed = holders.map((e) => {
    const taken = e.labels.filter((l) => singles.includes(l));
    const moves = [...labelMovesOf(e).filter((m) => !taken.includes(m.label)), ...taken.map((label) => ({ label, by: row.key }))];
    return withMoves({ ...e, labels: e.labels.filter((l) => !singles.includes(l)) }, moves);
  });
  await db.events.bulkPut(changed);
  return changed;
}

/**
 * Whether `taker` still takes `label` in `sequence`: it carries it there here, or Dougal has it
 * there (then Dougal moved it too), or a change of it that carries it there is still queued (it
 * goes first, so Dougal will move the label even if a later change drops it or deletes the event).
 */
function moveStands(taker: LogEvent | undefined, queued: readonly OutboxItem[], label: string, sequence: number): boolean {
  if (!taker) return false;
  const here = !taker.deleted && taker.sequence === sequence && taker.labels.includes(label);
  const onDougal = taker.server !== null && taker.server.sequence === sequence && taker.server.labels.includes(label);
  const onItsWay = queued.some((i) => i.fields?.sequence === sequence && i.fields.labels.includes(label));
  return here || onDougal || onItsWay;
}

/**
 * Gives labels back to the events `takerKey` took them from, where it no longer takes them and
 * Dougal never will see it take them (see moveStands). Call after the taker's row and queue were
 * written or removed (in a transaction on events and outbox), with the sequences it was and is in. When another event of the sequence holds the label
 * now, the label stays off and that event is recorded as the one that took it.
 */
export async function undoStaleLabelMoves(project: string, takerKey: string, sequences: readonly (number | null)[]): Promise<LogEvent[]> {
  const taker = await db.events.get(takerKey);
  const queued = taker ? await db.outbox.where('eventKey').equals(takerKey).toArray() : [];
  const changed: LogEvent[] = [];
  for (const sequence of new Set(sequences)) {
    if (sequence === null) continue;
    const rows = await db.events.where('[project+sequence]').equals([project, sequence]).toArray();
    for (const row of rows) {
      const moves = labelMovesOf(row);
      const stale = moves.filter((m) => m.by === takerKey && !moveStands(taker, queued, m.label, sequence));
      if (stale.length === 0) continue;
      let labels = row.labels;
      const kept = moves.filter((m) => !stale.includes(m));
      for (const { label } of stale) {
        const holder = rows.find((r) => r.key !== row.key && r.key !== takerKey && !r.deleted && r.labels.includes(label));
        if (holder) kept.push({ label, by: holder.key });
        else if (!labels.includes(label)) labels = [...labels, label];
      }
      changed.push(withMoves({ ...row, labels }, kept));
    }
  }
  await db.events.bulkPut(changed);
  return changed;
}

/**
 * The labels an edit of `row` sends: the user's `labels`, plus those another event took from it
 * here that Dougal still has on it while that event's change has not reached Dougal. The user
 * never saw them (they were shown as moved) and did not remove them.
 */
export async function labelsToSend(row: LogEvent, labels: string[]): Promise<string[]> {
  const back: string[] = [];
  for (const { label, by } of labelMovesOf(row)) {
    if (labels.includes(label) || back.includes(label)) continue;
    if (!row.server || row.server.deleted || !row.server.labels.includes(label)) continue;
    const taker = await db.events.get(by);
    const arrived = taker?.server != null && taker.server.sequence === row.server.sequence && taker.server.labels.includes(label);
    if (!arrived) back.push(label);
  }
  return back.length ? [...labels, ...back] : labels;
}

/**
 * `row` (kept with the user's content; `server` still the version before this one) now that
 * Dougal's version of it carries `serverLabels`:
 * moves of labels Dougal no longer has on it are Dougal's now and are forgotten, and such a label
 * is taken out of its queued changes that have not left (labelsToSend had put it back).
 */
export function settleMovesOnDougal(row: LogEvent, serverLabels: readonly string[], items: readonly OutboxItem[]): { row: LogEvent; items: OutboxItem[] } {
  const moves = labelMovesOf(row);
  // Only a label Dougal had on it and has no longer: one the user had given it in a change still
  // queued (and another event took here since) was never Dougal's to move.
  const gone = moves.filter((m) => row.server?.labels.includes(m.label) === true && !serverLabels.includes(m.label)).map((m) => m.label);
  if (gone.length === 0) return { row, items: [] };
  const rewritten = items
    .filter((i) => i.state === 'pending' && i.attempts === 0 && i.fields && i.fields.labels.some((l) => gone.includes(l)))
    .map((i) => ({ ...i, fields: { ...i.fields!, labels: i.fields!.labels.filter((l) => !gone.includes(l)) } }));
  return { row: withMoves(row, moves.filter((m) => !gone.includes(m.label))), items: rewritten };
}
