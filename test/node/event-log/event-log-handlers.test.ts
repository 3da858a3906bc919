/**
 * The event log's main-side handlers against the Dougal emulator: the conflict check before a
 * write, the idempotent create, and the shapes the renderer stores.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { EventFields } from '../../../common/bridge/event-log-contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import { flattenQcResults } from '../../../electron/services/event-log/event-log-wire';
import { clientFor, PID, startDougal } from '../dougal/harness';

async function handlersFor() {
  const dougal = await startDougal();
  const client = clientFor(dougal);
  const context = { clients: { dougal: () => client } } as unknown as ServiceContext;
  return { dougal, client, handlers: createEventLogModule(context).handlers as BridgeHandlers };
}

const fields = (remarks: string): EventFields => ({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 6, point: 1200, remarks, labels: ['Gun'], meta: {} });
const since = '2024-01-01T00:00:00.000Z';

describe('event log handlers', () => {
  it('a create retried after a lost reply returns the event already logged instead of logging it twice', async () => {
    const { dougal, handlers } = await handlersFor();
    const first = await handlers.eventLogCreate({ project: PID, clientKey: 'key-0000000001', fields: fields('Gun 3 autofire'), lookupFirst: false, lookupSince: since });
    expect(first.event).toMatchObject({ remarks: 'Gun 3 autofire', clientKey: 'key-0000000001', readonly: false });
    const again = await handlers.eventLogCreate({ project: PID, clientKey: 'key-0000000001', fields: fields('Gun 3 autofire'), lookupFirst: true, lookupSince: since });
    expect(again).toEqual({ event: first.event, existed: true });
    const posts = dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event'));
    expect(posts).toHaveLength(1);
  });

  it('a create answered with 204 still tells the renderer the new id (found by its key)', async () => {
    const { dougal, handlers } = await handlersFor();
    dougal.setBehaviour({ eventPostResponse: 'empty-204' });
    const created = await handlers.eventLogCreate({ project: PID, clientKey: 'key-0000000002', fields: fields('Start of line'), lookupFirst: false, lookupSince: since });
    expect(created.event?.id).toEqual(expect.any(Number));
    expect(created.existed).toBe(false);
  });

  it('writes go through only against the version they were made on; otherwise the server version comes back', async () => {
    const { client, handlers } = await handlersFor();
    const { event } = await handlers.eventLogCreate({ project: PID, clientKey: 'key-0000000003', fields: fields('Mine'), lookupFirst: false, lookupSince: since });
    const id = event!.id;

    const applied = await handlers.eventLogPut({ project: PID, id, expect: event!.uid, fields: { ...fields('Mine, edited'), meta: event!.meta } });
    expect(applied.status).toBe('applied');
    const newUid = applied.status === 'applied' ? applied.event!.uid : -1;
    expect(newUid).not.toBe(event!.uid);

    const stale = await handlers.eventLogPut({ project: PID, id, expect: event!.uid, fields: fields('Mine again') });
    expect(stale).toEqual({ status: 'conflict', theirs: expect.objectContaining({ uid: newUid, remarks: 'Mine, edited' }) });
    expect((await client.getEvent(PID, id)).remarks).toBe('Mine, edited');

    expect((await handlers.eventLogDelete({ project: PID, id, expect: event!.uid })).status).toBe('conflict');
    expect(await handlers.eventLogDelete({ project: PID, id, expect: newUid })).toEqual({ status: 'applied', event: null });
    // Deleting again (a retry after a lost reply) is done, not an error.
    expect(await handlers.eventLogDelete({ project: PID, id, expect: newUid })).toEqual({ status: 'applied', event: null });

    const undeleted = await handlers.eventLogPut({ project: PID, id, expect: 'deleted', fields: { ...fields('Back'), meta: event!.meta } });
    expect(undeleted).toMatchObject({ status: 'applied', event: { id, remarks: 'Back' } });
    const history = await handlers.eventLogHistory({ project: PID, id });
    expect(history.instances.map((i) => i.remarks)).toEqual(['Mine', 'Mine, edited', 'Back']);
  });

  it('pages, changes and reference data come in the shapes the renderer stores', async () => {
    const { handlers } = await handlersFor();
    const page = await handlers.eventLogPage({ project: PID, offset: 0, limit: 50 });
    expect(page.events).toHaveLength(50);
    expect(Object.keys(page.events[0]!).sort()).toEqual(['clientKey', 'hasEdits', 'id', 'labels', 'meta', 'point', 'readonly', 'remarks', 'sequence', 'tstamp', 'uid']);
    const changes = await handlers.eventLogChanges({ project: PID, since });
    expect(changes.instances.length).toBeGreaterThan(0);
    const reference = await handlers.eventLogReference({ project: PID });
    expect(reference.labels.find((l) => l.name === 'SOL')).toMatchObject({ multiple: false, user: true });
    expect(reference.sequences.length).toBeGreaterThan(10);
    const qc = await handlers.eventLogQcResults({ project: PID });
    expect(qc.results.length).toBeGreaterThan(0);
    await handlers.eventLogQcAccept({ project: PID, eventIds: [qc.results[0]!.eventId], accepted: true });
    expect((await handlers.eventLogQcResults({ project: PID })).results[0]!.accepted).toBe(true);
  });

  it('flattens QC trees tolerantly and skips results without an event id', () => {
    expect(flattenQcResults({ tests: [{ name: 'gap', results: [{ event_id: 4, remarks: 'x', accepted: true }, { remarks: 'no id' }] }] })).toEqual([
      { test: 'gap', eventId: 4, sequence: null, point: null, tstamp: null, remarks: 'x', accepted: true },
    ]);
    expect(flattenQcResults([{ name: 'bare', event_id: 9 }])).toHaveLength(1);
    expect(flattenQcResults({ unexpected: true })).toEqual([]);
  });
});
