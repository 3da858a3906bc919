/**
 * The event log's main-side handlers against the Dougal emulator: the conflict check before a
 * write, the idempotent create, and the shapes the renderer stores.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import type { EventFields } from '../../../common/bridge/event-log-contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import { flattenQcResults } from '../../../electron/services/event-log/event-log-wire';
import type { DougalEmulatorOptions } from '../../../emulators/dougal/index';
import { clientFor, PID, startDougal } from '../dougal/harness';

async function handlersFor(options: DougalEmulatorOptions = {}, clientOptions: Parameters<typeof clientFor>[1] = {}) {
  const dougal = await startDougal(options);
  const client = clientFor(dougal, clientOptions);
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

  it('two copies of one create arriving together (a window retried while main still sent the first) log it once', async () => {
    const { dougal, handlers } = await handlersFor();
    // Slow Dougal: the second copy arrives while the first is still on its way.
    dougal.server.faults.latencyMs = 300;
    const input = { project: PID, clientKey: 'key-0000000009', fields: fields('Streamer noise'), lookupSince: since };
    const [first, second] = await Promise.all([handlers.eventLogCreate({ ...input, lookupFirst: false }), handlers.eventLogCreate({ ...input, lookupFirst: true })]);
    dougal.server.faults.latencyMs = 0;
    expect(first.existed).toBe(false);
    expect(second).toEqual({ event: first.event, existed: true });
    const posts = dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event'));
    expect(posts).toHaveLength(1);
    const stored = dougal.state.projects[0]!.events.filter((e) => e.meta?.corelog_key === 'key-0000000009');
    expect(new Set(stored.map((e) => e.id)).size).toBe(1);
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
    expect(Object.keys(page.events[0]!).sort()).toEqual(['clientKey', 'extra', 'hasEdits', 'id', 'labels', 'meta', 'point', 'readonly', 'remarks', 'sequence', 'tstamp', 'uid']);
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

  it('every PUT starts from the server’s whole version: edit, conflict resolution and undelete keep geometry and unknown attributes', async () => {
    const { dougal, client, handlers } = await handlersFor({ eventGeometry: 'stored', putMissingAttributes: 'reject' });
    const [target] = (await handlers.eventLogPage({ project: PID, offset: 0, limit: 2000 })).events.filter((e) => e.extra?.source === 'nav-logger' && !e.readonly && e.sequence === 12);
    expect(target!.extra).toMatchObject({ source: 'nav-logger', geometry: { type: 'Point' } });
    const attributes = () => dougal.project().events.filter((e) => e.id === target!.id).map((e) => e.attributes);
    const original = attributes()[0];
    const mine = (remarks: string): EventFields => ({ tstamp: target!.tstamp, sequence: target!.sequence, point: target!.point, remarks, labels: target!.labels, meta: target!.meta });

    const edited = await handlers.eventLogPut({ project: PID, id: target!.id, expect: target!.uid, fields: mine('edited here') });
    expect(edited).toMatchObject({ status: 'applied', event: { remarks: 'edited here', extra: target!.extra } });

    // Someone else edits; ours conflicts, then the user keeps theirs' attributes with mine on top.
    const { raw } = await client.readEvent(PID, target!.id);
    await client.updateEvent(PID, target!.id, { ...mine('theirs'), labels: ['Nav'] }, { base: { ...raw, source: 'bridge' } });
    const conflict = await handlers.eventLogPut({ project: PID, id: target!.id, expect: target!.uid, fields: mine('mine again') });
    expect(conflict).toMatchObject({ status: 'conflict', theirs: { remarks: 'theirs', extra: { source: 'bridge' } } });
    const theirs = conflict.status === 'conflict' ? conflict.theirs! : null;
    const resolved = await handlers.eventLogPut({ project: PID, id: target!.id, expect: theirs!.uid, fields: mine('mine again') });
    expect(resolved).toMatchObject({ status: 'applied', event: { remarks: 'mine again', extra: { source: 'bridge', geometry: original!.geometry } } });

    // Delete, then undelete two ways: the version the user picked (fromUid), and by content.
    const history = (await handlers.eventLogHistory({ project: PID, id: target!.id })).instances;
    const firstEdit = history.find((i) => i.remarks === 'edited here')!;
    const current = resolved.status === 'applied' ? resolved.event! : null;
    expect(await handlers.eventLogDelete({ project: PID, id: target!.id, expect: current!.uid })).toEqual({ status: 'applied', event: null });
    const undeleted = await handlers.eventLogPut({ project: PID, id: target!.id, expect: 'deleted', fields: mine('edited here'), fromUid: firstEdit.uid });
    expect(undeleted).toMatchObject({ status: 'applied', event: { remarks: 'edited here', extra: { source: 'nav-logger' } } });
    const again = undeleted.status === 'applied' ? undeleted.event! : null;
    await handlers.eventLogDelete({ project: PID, id: target!.id, expect: again!.uid });
    const byContent = await handlers.eventLogPut({ project: PID, id: target!.id, expect: 'deleted', fields: { ...mine('theirs'), labels: ['Nav'] } });
    expect(byContent).toMatchObject({ status: 'applied', event: { remarks: 'theirs', extra: { source: 'bridge' } } });
    // Every version kept its geometry; none lost an attribute it had.
    expect(attributes().every((a) => JSON.stringify(a!.geometry) === JSON.stringify(original!.geometry))).toBe(true);
    expect(attributes().map((a) => a!.source)).toEqual(['nav-logger', 'nav-logger', 'bridge', 'bridge', 'nav-logger', 'bridge']);
  });

  it('without a changes endpoint, changes come from the event list: new, edited and deleted events all arrive', async () => {
    const { client, handlers } = await handlersFor({ changesEndpoint: 'missing' });
    const first = await handlers.eventLogChanges({ project: PID, since });
    expect(first.instances.length).toBeGreaterThan(1900);
    expect(first.instances.every((i) => i.validity[2] === null)).toBe(true);
    expect((await handlers.eventLogChanges({ project: PID, since })).instances).toEqual([]);

    // Another client on the vessel logs, edits and deletes.
    const added = (await client.createEvent(PID, { tstamp: '2024-06-09T10:00:00Z', remarks: 'from the bridge', labels: ['Nav'] }))!;
    const [edit, gone] = await client.listEvents(PID, { sequence: 14 }, { limit: 2 });
    await client.updateEvent(PID, edit!.id, { ...edit!, remarks: `${edit!.remarks} (checked)` }, { base: (await client.readEvent(PID, edit!.id)).raw });
    await client.deleteEvent(PID, gone!.id);
    const changes = await handlers.eventLogChanges({ project: PID, since });
    const byId = new Map(changes.instances.map((i) => [i.id, i]));
    expect(changes.instances).toHaveLength(3);
    expect(byId.get(added.id)).toMatchObject({ remarks: 'from the bridge', validity: ['[', null, null, ')'] });
    expect(byId.get(edit!.id)).toMatchObject({ remarks: `${edit!.remarks} (checked)` });
    expect(byId.get(gone!.id)!.validity[2]).not.toBeNull();
  });

  it('the reference loads with sparse labels, and without labels at all when Dougal cannot give them', async () => {
    const sparse = await handlersFor({ labelData: 'sparse', labelShape: 'object', nullStyle: 'explicit-null' });
    const reference = await sparse.handlers.eventLogReference({ project: PID });
    expect(reference.labels).toHaveLength(14);
    expect(reference.labels.find((l) => l.name === 'Nav')).toEqual({ name: 'Nav', colour: null, description: null, user: true, multiple: true });
    expect(reference.labels.find((l) => l.name === 'Streamer')?.description).toBe('Streamer and in-sea equipment');
    expect([reference.unavailable, reference.notes]).toEqual([[], []]);
    expect(reference.sequences.length).toBeGreaterThan(20);

    const missing = await handlersFor({}, { paths: { labels: '/project/{project}/labels-not-here' } });
    const without = await missing.handlers.eventLogReference({ project: PID });
    expect(without.labels).toEqual([]);
    expect(without.unavailable).toEqual(['labels']);
    expect(without.notes[0]).toMatch(/^Labels could not be read from Dougal, so the event log opens without them\. Dougal refused to list labels \(HTTP 404\)/);
    expect(without.sequences.length).toBeGreaterThan(20);

    // Offline is not "this server has no labels": the whole load fails and the cached reference stays.
    await missing.dougal.server.close();
    await expect(missing.handlers.eventLogReference({ project: PID })).rejects.toMatchObject({ kind: 'offline' });
  });

  it('a create answered 201 {id} or 204 learns the event without posting twice, also with no changes endpoint', async () => {
    for (const eventPostResponse of ['created-201-id-only', 'empty-204'] as const) {
      const { dougal, handlers } = await handlersFor({ eventPostResponse, changesEndpoint: 'missing' });
      const key = `key-${eventPostResponse}`;
      const created = await handlers.eventLogCreate({ project: PID, clientKey: key, fields: fields('Weather standby'), lookupFirst: false, lookupSince: since });
      const stored = dougal.project().events.filter((e) => e.meta.corelog_key === key);
      expect(stored).toHaveLength(1);
      expect(created).toMatchObject({ existed: false, event: { id: stored[0]!.id, uid: stored[0]!.uid, clientKey: key } });
      // A retry (the engine could not tell whether the first attempt landed) finds it by its key.
      const retried = await handlers.eventLogCreate({ project: PID, clientKey: key, fields: fields('Weather standby'), lookupFirst: true, lookupSince: since });
      expect(retried).toEqual({ event: created.event, existed: true });
      expect(dougal.project().events.filter((e) => e.meta.corelog_key === key)).toHaveLength(1);
    }
  });

  it('refuses remarks with NUL or other controls at the bridge, with the message the form shows', async () => {
    const { handlers } = await handlersFor();
    const dispatch = createBridgeDispatcher(handlers);
    const result = await dispatch('eventLogCreate', { project: PID, clientKey: 'key-controls', fields: fields('Gun 3\u0000 autofire'), lookupFirst: false, lookupSince: since });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(JSON.stringify(result)).toContain('Remarks contains a NUL character at position 6');
    const long = await dispatch('eventLogPut', { project: PID, id: 1, expect: 1, fields: fields('x'.repeat(20_001)) });
    expect(JSON.stringify(long)).toContain('Remarks is 20,001 characters long; at most 20,000 can be sent.');
    const crlf = await dispatch('eventLogCreate', { project: PID, clientKey: 'key-crlf-ok', fields: fields('line one\r\nline two'), lookupFirst: false, lookupSince: since });
    expect(crlf).toMatchObject({ ok: true, value: { event: { remarks: 'line one\nline two' } } });
  });

  it('refuses a project id with a broken (lone surrogate) or control character as input, never as an internal error', async () => {
    const { dougal, handlers } = await handlersFor();
    const dispatch = createBridgeDispatcher(handlers);
    for (const project of ['\ud800', 'eq\udc00x', 'eq24301\u0000']) {
      const result = await dispatch('eventLogQcAccept', { project, eventIds: [1], accepted: true });
      expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    }
    expect(dougal.server.log.list().filter((r) => r.method === 'POST')).toEqual([]);
    // The real project id still goes through.
    expect(await dispatch('eventLogQcResults', { project: 'eq24301' })).toMatchObject({ ok: true });
  });

  it('flattens QC trees tolerantly and skips results without an event id', () => {
    expect(flattenQcResults({ tests: [{ name: 'gap', results: [{ event_id: 4, remarks: 'x', accepted: true }, { remarks: 'no id' }] }] })).toEqual([
      { test: 'gap', eventId: 4, sequence: null, point: null, tstamp: null, remarks: 'x', accepted: true },
    ]);
    expect(flattenQcResults([{ name: 'bare', event_id: 9 }])).toHaveLength(1);
    expect(flattenQcResults({ unexpected: true })).toEqual([]);
  });
});
