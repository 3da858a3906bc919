/**
 * An undelete queued in the renderer carries the server's attributes as last seen (the row's
 * `extra`), so main can start the PUT from them when Dougal's history cannot be read. The
 * renderer's IndexedDB is a few in-memory stand-ins here; the item is checked against the
 * bridge contract's own input schema, as main would check it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventLogMethods, UNDELETE_BASE_MAX_CHARS, type EventFields } from '../../../common/bridge/event-log-contract';
import type { LogEvent, OutboxItem } from '../../../renderer/src/event-log/event-log-db';

const store = vi.hoisted(() => ({ rows: new Map<string, LogEvent>(), outbox: [] as OutboxItem[] }));

vi.mock('../../../renderer/src/event-log/change-feed', () => ({ publishRows: () => undefined, publishRemoved: () => undefined, publishOutboxChanged: () => undefined }));
vi.mock('../../../renderer/src/event-log/event-log-db', () => ({
  eventLogDb: {
    events: {
      get: async (key: string) => store.rows.get(key),
      put: async (row: LogEvent) => void store.rows.set(row.key, row),
      bulkPut: async (rows: LogEvent[]) => void rows.forEach((row) => store.rows.set(row.key, row)),
      // `[project+sequence]`: the rows a once-per-sequence label may have moved between.
      where: () => ({ equals: ([project, sequence]: [string, number | null]) => ({ toArray: async () => [...store.rows.values()].filter((r) => r.project === project && r.sequence === sequence) }) }),
    },
    outbox: {
      where: () => ({
        equals: (key: string) => {
          const queued = async () => store.outbox.filter((i) => i.eventKey === key);
          return { sortBy: queued, toArray: queued };
        },
      }),
      add: async (item: OutboxItem) => {
        store.outbox.push({ ...item, seq: store.outbox.length + 1 });
        return store.outbox.length;
      },
    },
    transaction: async (_mode: string, ...rest: unknown[]) => (rest.at(-1) as () => Promise<unknown>)(),
  },
}));

const { undeleteEvent } = await import('../../../renderer/src/event-log/event-writes');

const fields: EventFields = { tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks: 'orig', labels: ['Nav'], meta: {} };

function deletedRow(extra: Record<string, unknown> | undefined): LogEvent {
  return { ...fields, key: 'd:100', project: 'p1', id: 100, uid: 100, sortKey: fields.tstamp!, readonly: false, hasEdits: false, deleted: 1, sync: 'synced', server: { ...fields, uid: 100, deleted: true, ...(extra ? { extra } : {}) }, loggedAt: null, ...(extra ? { extra } : {}) };
}

beforeEach(() => {
  store.rows.clear();
  store.outbox = [];
});

describe('an undelete in the outbox', () => {
  it('carries the server attributes last seen, in a shape main accepts', async () => {
    const extra = { geometry: { type: 'Point', coordinates: [2.1, 60.3] }, qc_ref: 'abc' };
    store.rows.set('d:100', deletedRow(extra));
    await undeleteEvent('d:100', fields, [], 100);
    const [item] = store.outbox;
    expect(item).toMatchObject({ kind: 'undelete', expect: 'deleted', fromUid: 100, base: extra });
    // What sync-engine.ts sends for it (pushMarked's eventLogPut call, with `base` passed on).
    const input = { project: item!.project, id: 100, expect: item!.expect, fields: item!.fields, fromUid: item!.fromUid, base: item!.base };
    expect(eventLogMethods.eventLogPut.input.safeParse(input).success).toBe(true);

    // None to carry, or too large to send: the undelete goes without them.
    store.rows.set('d:100', deletedRow(undefined));
    await undeleteEvent('d:100', fields, []);
    store.rows.set('d:100', deletedRow({ notes: 'x'.repeat(UNDELETE_BASE_MAX_CHARS) }));
    await undeleteEvent('d:100', fields, []);
    expect(store.outbox.map((i) => 'base' in i)).toEqual([true, false, false]);
  });
});
