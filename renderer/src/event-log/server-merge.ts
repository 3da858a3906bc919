/**
 * Takes versions of events from Dougal into the local log. A row with queued changes keeps the
 * navigator's content (only its record of the server's version moves, which is what the
 * conflict check later compares against); every other row shows what the server has.
 */
import type { ServerEvent } from '../../../common/bridge/event-log-contract';
import { publishOutboxChanged, publishRows } from './change-feed';
import { eventLogDb, type LogEvent, type OutboxItem } from './event-log-db';
import { rowFromServer, sameExtra, sameFields, serverKeyOf, snapshotOf, syncStateOf } from './event-model';
import { settleMovesOnDougal } from './label-moves';

export interface ServerVersion {
  event: ServerEvent;
  deleted: boolean;
}

const db = eventLogDb;

function unchanged(row: LogEvent, v: ServerVersion): boolean {
  const server = row.server;
  return server !== null && server.uid === v.event.uid && server.deleted === v.deleted && sameFields(server, v.event) && sameExtra(server.extra, v.event.extra);
}

/** Applies `versions` in one transaction and returns the rows that changed. */
export async function applyServerVersions(project: string, versions: ServerVersion[]): Promise<LogEvent[]> {
  if (versions.length === 0) return [];
  const settled: number[] = [];
  const rewritten: OutboxItem[] = [];
  const changed = await db.transaction('rw', db.events, db.outbox, async () => {
    const keys = versions.map((v) => serverKeyOf(v.event));
    const found = await db.events.bulkGet(keys);
    // An event first seen without a client key keeps its `d:` row even if one appears later.
    const missingIds = versions.filter((_, i) => !found[i]).map((v) => [project, v.event.id] as [string, number]);
    const byId = new Map<number, LogEvent>();
    if (missingIds.length && (await db.events.count()) > 0) {
      for (const row of await db.events.where('[project+id]').anyOf(missingIds).toArray()) byId.set(row.id!, row);
    }
    const existing = versions.map((v, i) => found[i] ?? byId.get(v.event.id));
    const busyKeys = existing.filter((r): r is LogEvent => r !== undefined && r.sync !== 'synced').map((r) => r.key);
    const itemsByKey = new Map<string, OutboxItem[]>();
    if (busyKeys.length) {
      for (const item of await db.outbox.where('eventKey').anyOf(busyKeys).sortBy('seq')) {
        itemsByKey.set(item.eventKey, [...(itemsByKey.get(item.eventKey) ?? []), item]);
      }
    }
    const out: LogEvent[] = [];
    versions.forEach((v, i) => {
      const row = existing[i];
      if (!row) return out.push(rowFromServer(project, v.event, v.deleted));
      if (row.uid !== null && v.event.uid < row.uid) return; // an older answer overtaken by our own push
      if (unchanged(row, v)) return;
      const items = itemsByKey.get(row.key) ?? [];
      if (items.length === 0) return out.push(rowFromServer(project, v.event, v.deleted, row));
      // A once-per-sequence label moved off it here that Dougal has now moved too (label-moves.ts).
      const moved = settleMovesOnDougal(row, v.event.labels, items);
      rewritten.push(...moved.items);
      const next: LogEvent = { ...moved.row, server: snapshotOf(v.event, v.deleted), readonly: v.event.readonly, hasEdits: v.event.hasEdits, extra: v.event.extra ?? row.extra ?? {} };
      const create = items[0]?.kind === 'create' ? items[0] : undefined;
      if (row.id === null && create && create.state !== 'sending') {
        // Our create reached Dougal (its reply was lost): it is done, and later changes start from it.
        settled.push(create.seq!);
        const rest = items.slice(1);
        if (rest.length === 0) return out.push(rowFromServer(project, v.event, v.deleted, row));
        Object.assign(next, { id: v.event.id, uid: v.event.uid, sync: syncStateOf(rest) });
      }
      out.push(next);
    });
    await db.events.bulkPut(out);
    await db.outbox.bulkDelete(settled);
    await db.outbox.bulkPut(rewritten.filter((i) => !settled.includes(i.seq!)));
    return out;
  });
  publishRows(changed);
  if (settled.length || rewritten.length) publishOutboxChanged();
  return changed;
}
