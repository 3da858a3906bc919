/**
 * After a write commits, the rows it changed go to the in-memory index of this window and, over
 * a BroadcastChannel, to every other Corelog window (which re-reads them from IndexedDB). The
 * outbox status listeners hear about every outbox change the same way.
 */
import { eventLogDb, type LogEvent } from './event-log-db';
import { eventIndex } from './event-index';

type ChangeMessage = { type: 'rows'; keys: string[] } | { type: 'removed'; keys: string[] } | { type: 'outbox' };

const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('corelog-eventlog-changes');
const outboxListeners = new Set<() => void>();

function outboxChangedHere(): void {
  for (const listener of [...outboxListeners]) listener();
}

if (channel) {
  channel.onmessage = (message: MessageEvent<ChangeMessage>) => {
    const data = message.data;
    if (data.type === 'outbox') return outboxChangedHere();
    if (data.type === 'removed') return eventIndex.remove(data.keys);
    void eventLogDb.events.bulkGet(data.keys).then((rows) => eventIndex.apply(rows.filter((r): r is LogEvent => r !== undefined)));
  };
}

/** Rows committed to IndexedDB: show them here and tell the other windows. */
export function publishRows(rows: LogEvent[]): void {
  if (rows.length === 0) return;
  eventIndex.apply(rows);
  channel?.postMessage({ type: 'rows', keys: rows.map((r) => r.key) } satisfies ChangeMessage);
}

export function publishRemoved(keys: string[]): void {
  if (keys.length === 0) return;
  eventIndex.remove(keys);
  channel?.postMessage({ type: 'removed', keys } satisfies ChangeMessage);
}

export function publishOutboxChanged(): void {
  outboxChangedHere();
  channel?.postMessage({ type: 'outbox' } satisfies ChangeMessage);
}

export function onOutboxChanged(listener: () => void): () => void {
  outboxListeners.add(listener);
  return () => outboxListeners.delete(listener);
}
