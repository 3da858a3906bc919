/**
 * What the navigator does to the log. Each action is one IndexedDB transaction that changes the
 * event row and queues the change in the outbox, so the row shows at once with its pending badge
 * and the sync engine picks it up from there. Queued changes of one event are folded together
 * while none of them has been sent, which keeps the outbox short after a long time offline.
 */
import { undeleteBaseSchema, type EventFields, type EventLabel } from '../../../common/bridge/event-log-contract';
import { publishOutboxChanged, publishRemoved, publishRows } from './change-feed';
import { eventLogDb, type LogEvent, type OutboxItem, type QcRow } from './event-log-db';
import { describeEvent, fieldsOf, newClientKey, rowFromServer, syncStateOf } from './event-model';
import { labelsToSend, takeSingleLabels, undoStaleLabelMoves, withoutMovesOfHeldLabels } from './label-moves';

export interface NewEventInput {
  sequence: number | null;
  point: number | null;
  remarks: string;
  labels: string[];
  /** A time given at entry ("-2m", "12:34"): the event carries it even with a sequence and shot point. */
  tstamp?: string;
}

const db = eventLogDb;

function queued(project: string, eventKey: string, kind: OutboxItem['kind'], label: string, extra: Partial<OutboxItem>): OutboxItem {
  return { project, eventKey, kind, label, state: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: new Date().toISOString(), ...extra };
}

async function itemsOf(eventKey: string): Promise<OutboxItem[]> {
  return db.outbox.where('eventKey').equals(eventKey).sortBy('seq');
}

/** A queued change that has never left this computer can still be rewritten. */
function unsent(item: OutboxItem | undefined): item is OutboxItem {
  return item !== undefined && item.state === 'pending' && item.attempts === 0;
}

async function rowOrThrow(key: string): Promise<LogEvent> {
  const row = await db.events.get(key);
  if (!row) throw new Error('This event is no longer on this computer.');
  return row;
}

/** The event about to change (refused when Dougal marks it read-only) and its queued changes. */
async function changing(key: string): Promise<{ current: LogEvent; items: OutboxItem[]; last: OutboxItem | undefined }> {
  const current = await rowOrThrow(key);
  if (current.readonly) throw new Error('Dougal marks this event read-only (QC results, midnight shots): it cannot be edited or deleted.');
  const items = await itemsOf(key);
  return { current, items, last: items.at(-1) };
}

function finish(rows: LogEvent[]): void {
  publishRows(rows);
  publishOutboxChanged();
}

/** Logs a new event: at `tstamp` when given, else "now" unless a sequence and shot point say when (Dougal fills the time in). */
export async function logEvent(project: string, input: NewEventInput, known: EventLabel[]): Promise<LogEvent> {
  const now = new Date().toISOString();
  const clientKey = newClientKey();
  const fields: EventFields = {
    tstamp: input.tstamp ?? (input.sequence !== null && input.point !== null ? null : now),
    sequence: input.sequence,
    point: input.point,
    remarks: input.remarks,
    labels: [...new Set(input.labels)],
    meta: {},
  };
  const row: LogEvent = {
    ...fields,
    key: `c:${clientKey}`,
    project,
    id: null,
    uid: null,
    sortKey: fields.tstamp ?? now,
    readonly: false,
    hasEdits: false,
    deleted: 0,
    sync: 'pending',
    server: null,
    loggedAt: now,
  };
  const changed = await db.transaction('rw', db.events, db.outbox, async () => {
    await db.events.add(row);
    await db.outbox.add(queued(project, row.key, 'create', `Log “${describeEvent(fields)}”`, { fields }));
    return takeSingleLabels(row, known);
  });
  finish([row, ...changed]);
  return row;
}

/** Saves new content for an event; all fields travel, as Dougal's PUT requires. */
export async function editEvent(key: string, fields: EventFields, known: EventLabel[]): Promise<void> {
  const rows = await db.transaction('rw', db.events, db.outbox, async () => {
    const { current, items, last } = await changing(key);
    const label = `Edit “${describeEvent(fields)}”`;
    // What goes to Dougal keeps labels another event took here before Dougal has moved them (label-moves.ts).
    const sent: EventFields = { ...fields, labels: await labelsToSend(current, fields.labels) };
    if (unsent(last) && last.kind !== 'delete') {
      await db.outbox.update(last.seq!, { fields: sent, ...(last.kind === 'create' ? {} : { label }) });
    } else {
      // After an earlier queued change, this one starts from whatever that change produces.
      const item = queued(current.project, key, 'update', label, { fields: sent, expect: items.length ? null : current.uid });
      await db.outbox.add(item);
      items.push(item);
    }
    const row = withoutMovesOfHeldLabels<LogEvent>({ ...current, ...fieldsOf(fields), sortKey: fields.tstamp ?? current.loggedAt ?? current.sortKey, sync: syncStateOf(items) });
    await db.events.put(row);
    const taken = await takeSingleLabels(row, known);
    // Edited to drop the label, or into another sequence, before Dougal saw it take it: given back.
    const givenBack = await undoStaleLabelMoves(current.project, key, [current.sequence, row.sequence]);
    return [row, ...taken, ...givenBack];
  });
  finish(rows);
}

export async function deleteEvent(key: string): Promise<void> {
  const { row, givenBack } = await db.transaction('rw', db.events, db.outbox, async () => {
    const { current, items, last } = await changing(key);
    if (unsent(last) && last.kind === 'create') {
      // Never reached Dougal: forget it entirely, and give back any once-per-sequence label it took here.
      await db.outbox.bulkDelete(items.map((i) => i.seq!));
      await db.events.delete(key);
      return { row: null, givenBack: await undoStaleLabelMoves(current.project, key, [current.sequence]) };
    }
    const item = queued(current.project, key, 'delete', `Delete “${describeEvent(current)}”`, { expect: items.length ? null : current.uid });
    await db.outbox.add(item);
    const next: LogEvent = { ...current, deleted: 1, sync: syncStateOf([...items, item]) };
    await db.events.put(next);
    // Its changes before the delete still go (in order): a label they move on Dougal stays moved.
    return { row: next, givenBack: await undoStaleLabelMoves(current.project, key, [current.sequence]) };
  });
  finishOne(key, row, givenBack);
}

/**
 * The server's attributes of an event as last seen here, for an undelete to start from when
 * Dougal cannot show its history (else the PUT resets geometry and attributes Corelog does not
 * know); undefined when there are none or they are too large to send.
 */
function lastKnownAttributes(row: LogEvent): Record<string, unknown> | undefined {
  const extra = row.extra ?? row.server?.extra;
  if (!extra || Object.keys(extra).length === 0) return undefined;
  return undeleteBaseSchema.safeParse(extra).success ? extra : undefined;
}

/**
 * Brings a deleted event back with the content of one of its versions (Dougal keeps the deletion
 * in the history). `fromUid` names that version, so main can start the PUT from everything the
 * server stored with it (geometry, attributes Corelog does not know).
 */
export async function undeleteEvent(key: string, fields: EventFields, known: EventLabel[], fromUid?: number): Promise<void> {
  const rows = await db.transaction('rw', db.events, db.outbox, async () => {
    const { current, items, last } = await changing(key);
    // A delete that never left this computer is simply taken back.
    const cancelled = unsent(last) && last.kind === 'delete';
    if (cancelled) {
      await db.outbox.delete(last.seq!);
      items.pop();
    } else {
      const base = lastKnownAttributes(current);
      const item = queued(current.project, key, 'undelete', `Restore “${describeEvent(fields)}”`, {
        fields,
        expect: 'deleted',
        ...(fromUid === undefined ? {} : { fromUid }),
        ...(base ? { base } : {}),
      });
      await db.outbox.add(item);
      items.push(item);
    }
    const row = withoutMovesOfHeldLabels<LogEvent>({ ...current, ...(cancelled ? {} : fieldsOf(fields)), deleted: 0, sync: syncStateOf(items) });
    row.sortKey = row.tstamp ?? row.loggedAt ?? row.sortKey;
    await db.events.put(row);
    const taken = await takeSingleLabels(row, known);
    return [row, ...taken, ...(await undoStaleLabelMoves(current.project, key, [current.sequence, row.sequence]))];
  });
  finish(rows);
}

/**
 * Settles a conflict. 'theirs' drops this event's queued changes and shows the server's version;
 * 'mine' and 'merged' send mine again (with the merged remarks), now against their version.
 */
export async function resolveConflict(key: string, choice: 'mine' | 'theirs' | 'merged', mergedRemarks = ''): Promise<void> {
  const { row, givenBack } = await db.transaction('rw', db.events, db.outbox, async () => {
    const current = await rowOrThrow(key);
    const items = await itemsOf(key);
    const conflict = items.find((i) => i.state === 'conflict');
    if (!conflict) return { row: current, givenBack: [] };
    const theirs = conflict.theirs ?? null;
    if (choice === 'theirs') return revertToServer(current, items, theirs ? rowFromServer(current.project, theirs, false, current) : null);
    const fields = conflict.fields ? { ...conflict.fields, remarks: choice === 'merged' ? mergedRemarks : conflict.fields.remarks } : undefined;
    await db.outbox.update(conflict.seq!, {
      ...(fields ? { fields } : {}),
      expect: theirs ? theirs.uid : 'deleted',
      state: 'pending',
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      theirs: undefined,
    });
    const rest = items.map((i) => (i.seq === conflict.seq ? { ...i, state: 'pending' as const } : i));
    const next: LogEvent = { ...current, ...(fields ? fieldsOf(fields) : {}), uid: theirs?.uid ?? current.uid, sync: syncStateOf(rest) };
    await db.events.put(next);
    return { row: next, givenBack: [] };
  });
  finishOne(key, row, givenBack);
}

/** Gives up this event's failed changes: it shows the server's version again (or goes, if it never got there). */
export async function discardChanges(key: string): Promise<void> {
  const { row, givenBack } = await db.transaction('rw', db.events, db.outbox, async () => {
    const current = await rowOrThrow(key);
    const all = await itemsOf(key);
    // A change on its way ("Retry now" pressed meanwhile) may land whatever is decided here: the
    // discard waits for its answer rather than forgetting an event Dougal is about to have.
    if (all.some((i) => i.state === 'sending')) throw new Error('This event is being sent to Dougal right now. Discard its changes once Dougal has answered.');
    const items = all;
    const server = current.server;
    return revertToServer(current, items, server ? { ...current, ...fieldsOf(server), uid: server.uid, deleted: server.deleted ? 1 : 0, sync: 'synced' } : null);
  });
  finishOne(key, row, givenBack);
}

function finishOne(key: string, row: LogEvent | null, others: LogEvent[] = []): void {
  if (row) return finish([row, ...others]);
  publishRemoved([key]);
  if (others.length) publishRows(others);
  publishOutboxChanged();
}

/**
 * Drops the event's queued changes and shows `server` (or removes the event, if Dougal never had
 * it). A once-per-sequence label it took here but Dougal never saw it take goes back.
 */
async function revertToServer(current: LogEvent, items: OutboxItem[], server: LogEvent | null): Promise<{ row: LogEvent | null; givenBack: LogEvent[] }> {
  await db.outbox.bulkDelete(items.map((i) => i.seq!));
  let row: LogEvent | null = null;
  if (server === null && current.id === null) {
    await db.events.delete(current.key);
  } else {
    row = withoutMovesOfHeldLabels(server ?? { ...current, deleted: 1, sync: 'synced', server: current.server ? { ...current.server, deleted: true } : null });
    row.sortKey = row.tstamp ?? row.loggedAt ?? row.sortKey;
    await db.events.put(row);
  }
  return { row, givenBack: await undoStaleLabelMoves(current.project, current.key, [current.sequence, row?.sequence ?? null]) };
}

/** Failed changes are never retried silently: this puts them back in the queue. */
export async function retryFailed(seq: number): Promise<void> {
  const item = await db.outbox.get(seq);
  if (!item || item.state !== 'failed') return;
  await db.transaction('rw', db.events, db.outbox, async () => {
    await db.outbox.update(seq, { state: 'pending', nextAttemptAt: null, lastError: null });
    if (item.eventKey) await refreshSyncState(item.eventKey);
  });
  const row = item.eventKey ? await db.events.get(item.eventKey) : undefined;
  finish(row ? [row] : []);
}

/** Re-derives a row's badge from its queued changes (inside the caller's transaction). */
export async function refreshSyncState(eventKey: string): Promise<LogEvent | undefined> {
  const row = await db.events.get(eventKey);
  if (!row) return undefined;
  const sync = syncStateOf(await itemsOf(eventKey));
  if (sync === row.sync) return row;
  const next = { ...row, sync };
  await db.events.put(next);
  return next;
}

/**
 * Caches QC results read from Dougal with the accepts still queued laid over them, in queue order:
 * Dougal does not know them yet, and showing its answer would undo the user's tick until they land.
 */
export async function cacheQcResults(project: string, results: QcRow['results']): Promise<void> {
  await db.transaction('rw', db.outbox, db.qc, async () => {
    // In primary-key (queue) order; the outbox has no index on kind, and a QC refresh is rare.
    const queuedChanges = await db.outbox.filter((item) => item.kind === 'qc' && item.project === project && !!item.qc).toArray();
    let merged = results;
    for (const { qc } of queuedChanges) {
      const ids = new Set(qc!.eventIds);
      merged = merged.map((r) => (ids.has(r.eventId) ? { ...r, accepted: qc!.accepted } : r));
    }
    await db.qc.put({ project, results: merged, fetchedAt: new Date().toISOString() });
  });
}

/** Accepts or un-accepts QC results (queued like every other change; the cached list updates now). */
export async function queueQcAcceptance(project: string, eventIds: number[], accepted: boolean): Promise<void> {
  await db.transaction('rw', db.outbox, db.qc, async () => {
    await db.outbox.add(queued(project, '', 'qc', `${accepted ? 'Accept' : 'Un-accept'} ${eventIds.length} QC result${eventIds.length === 1 ? '' : 's'}`, { qc: { eventIds, accepted } }));
    const cached = await db.qc.get(project);
    if (cached) {
      const ids = new Set(eventIds);
      await db.qc.put({ ...cached, results: cached.results.map((r) => (ids.has(r.eventId) ? { ...r, accepted } : r)) });
    }
  });
  publishOutboxChanged();
}
