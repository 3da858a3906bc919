/**
 * Pure rules of the event log, shared by the writers, the sync engine and the UI (no Dexie, no
 * React), so they can be tested in Node.
 */
import type { EventFields, EventLabel, ServerEvent } from '../../../common/bridge/event-log-contract';
import type { EventSyncState, LogEvent, OutboxItem, ServerSnapshot } from './event-log-db';

export function fieldsOf(e: EventFields): EventFields {
  return { tstamp: e.tstamp, sequence: e.sequence, point: e.point, remarks: e.remarks, labels: [...e.labels], meta: { ...e.meta } };
}

/** Same content as far as Dougal is concerned (label order and key order do not matter). */
export function sameFields(a: EventFields, b: EventFields): boolean {
  const time = (t: string | null) => (t === null ? null : Date.parse(t));
  return (
    time(a.tstamp) === time(b.tstamp) &&
    a.sequence === b.sequence &&
    a.point === b.point &&
    a.remarks === b.remarks &&
    [...a.labels].sort().join('\u0000') === [...b.labels].sort().join('\u0000') &&
    stableJson(a.meta) === stableJson(b.meta)
  );
}

/** Same other attributes (absent counts as none). */
export function sameExtra(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  return stableJson(a ?? {}) === stableJson(b ?? {});
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function snapshotOf(e: ServerEvent, deleted = false): ServerSnapshot {
  return { ...fieldsOf(e), uid: e.uid, deleted, extra: e.extra ?? {} };
}

export function serverKeyOf(e: ServerEvent): string {
  return e.clientKey ? `c:${e.clientKey}` : `d:${e.id}`;
}

/** A row showing exactly what the server has. */
export function rowFromServer(project: string, e: ServerEvent, deleted: boolean, previous?: LogEvent): LogEvent {
  return {
    ...fieldsOf(e),
    key: previous?.key ?? serverKeyOf(e),
    project,
    id: e.id,
    uid: e.uid,
    sortKey: e.tstamp ?? previous?.loggedAt ?? '',
    readonly: e.readonly,
    hasEdits: e.hasEdits,
    deleted: deleted ? 1 : 0,
    sync: 'synced',
    server: snapshotOf(e, deleted),
    loggedAt: previous?.loggedAt ?? null,
    extra: e.extra ?? {},
  };
}

/**
 * The server's other attributes, one line each for showing (`geometry` as its coordinates);
 * empty when there are none. Long values are shortened.
 */
export function describeExtra(extra: Record<string, unknown> | undefined): { name: string; value: string }[] {
  return Object.entries(extra ?? {})
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      const point = name === 'geometry' && isPoint(value) ? `${value.coordinates[1]!.toFixed(6)}, ${value.coordinates[0]!.toFixed(6)}` : null;
      const text = point ?? (typeof value === 'string' ? value : JSON.stringify(value));
      return { name, value: text.length > 120 ? `${text.slice(0, 117)}…` : text };
    });
}

function isPoint(value: unknown): value is { type: 'Point'; coordinates: number[] } {
  const v = value as { type?: unknown; coordinates?: unknown };
  return v?.type === 'Point' && Array.isArray(v.coordinates) && v.coordinates.length >= 2 && v.coordinates.every((c) => typeof c === 'number');
}

/** The row's badge, from its queued changes: a conflict or failure needs the user and wins. */
export function syncStateOf(items: Pick<OutboxItem, 'state'>[]): EventSyncState {
  if (items.some((i) => i.state === 'conflict')) return 'conflict';
  if (items.some((i) => i.state === 'failed')) return 'failed';
  return items.length > 0 ? 'pending' : 'synced';
}

/**
 * Dougal's rule for `multiple: false` labels (reference §4.5): the event that gets one takes it
 * away from every other event of the same sequence. Returns the names this event takes.
 */
export function singleLabelsIn(labels: string[], known: EventLabel[]): string[] {
  return labels.filter((name) => known.find((l) => l.name === name)?.multiple === false);
}

/**
 * A starting point for the merged remarks of a conflict: their text, then each line of mine they
 * do not already have. The user edits it before choosing it.
 */
export function mergeRemarks(mine: string, theirs: string): string {
  if (theirs.includes(mine)) return theirs;
  if (mine.includes(theirs)) return mine;
  const theirLines = new Set(theirs.split('\n').map((l) => l.trim()));
  const extra = mine.split('\n').filter((l) => l.trim() && !theirLines.has(l.trim()));
  return [theirs, ...extra].join('\n');
}

const CLIENT_KEY_BYTES = 16;

/** A random key for a new event; it travels in Dougal's `meta` so a retried create is recognised. */
export function newClientKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CLIENT_KEY_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function describeEvent(fields: Pick<EventFields, 'remarks' | 'sequence' | 'point'>): string {
  const text = fields.remarks.trim() || (fields.sequence !== null ? `seq ${fields.sequence}${fields.point !== null ? ` SP ${fields.point}` : ''}` : '(no remarks)');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
