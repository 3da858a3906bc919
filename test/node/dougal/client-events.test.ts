import { describe, expect, it } from 'vitest';
import { eventPutBody, type DougalEventFields } from '../../../electron/services/dougal/dougal-client';
import { admin, clientFor, failureOf, PID, startDougal } from './harness';

const fieldsOf = (e: DougalEventFields): DougalEventFields => ({ tstamp: e.tstamp, sequence: e.sequence, point: e.point, remarks: e.remarks, labels: e.labels, meta: e.meta });

describe('DougalClient event log', () => {
  it('versions an event end to end: create, edit, delete, undelete, with the whole story in its history', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const created = await client.createEvent(PID, { sequence: 6, point: 1200, remarks: 'Gun 7 autofire at SP 1200', labels: ['Gun'] });
    expect(created).not.toBeNull();
    expect(created!.uid).toBe(created!.id);
    expect(created!.tstamp).not.toBeNull(); // filled from the shot
    expect(created!.geometry?.type).toBe('Point');
    const id = created!.id;

    await client.updateEvent(PID, id, { ...fieldsOf(created!), remarks: 'Gun 7 autofire at SP 1200, gun isolated' });
    const edited = await client.getEvent(PID, id);
    expect(edited.uid).not.toBe(id);
    expect(edited).toMatchObject({ id, remarks: 'Gun 7 autofire at SP 1200, gun isolated', has_edits: true });

    await client.deleteEvent(PID, id);
    expect((await client.listEvents(PID, { sequence: 6 })).some((e) => e.id === id)).toBe(false);
    expect(await failureOf(client.getEvent(PID, id))).toMatchObject({ kind: 'not-found', retryable: false });

    const history = await client.eventHistory(PID, id);
    expect(history.map((h) => h.uid)).toEqual([id, edited.uid]);
    expect(history.every((h) => h.validity[2] !== null)).toBe(true);

    await client.undeleteEvent(PID, history[1]!);
    const restored = await client.getEvent(PID, id);
    expect(restored.remarks).toBe('Gun 7 autofire at SP 1200, gun isolated');
    const after = await client.eventHistory(PID, id);
    expect(after).toHaveLength(3);
    expect(after[1]!.validity[2]).not.toBeNull(); // the deletion stays on record
    expect(after[2]!.validity[2]).toBeNull();
    expect((await client.listEvents(PID, { sequence: 6 })).filter((e) => e.id === id)).toHaveLength(1);
  });

  it('lists changes since a time: every version without unique, the newest per event with it', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const since = new Date(dougal.server.clock.now() - 1000);
    const a = (await client.createEvent(PID, { tstamp: '2024-06-06T01:00:00Z', remarks: 'Wind 25 kn from NW', labels: ['Weather'] }))!;
    const b = (await client.createEvent(PID, { tstamp: '2024-06-06T02:00:00Z', remarks: 'Crew change briefing', labels: ['Comment'] }))!;
    await client.updateEvent(PID, a.id, { ...fieldsOf(a), remarks: 'Wind 28 kn from NW' });
    await client.deleteEvent(PID, b.id);
    const all = await client.eventChanges(PID, since);
    expect(all.map((e) => e.id).sort()).toEqual([a.id, a.id, b.id].sort());
    const unique = await client.eventChanges(PID, since, { unique: true });
    expect(unique).toHaveLength(2);
    expect(unique.find((e) => e.id === a.id)).toMatchObject({ remarks: 'Wind 28 kn from NW', validity: ['[', expect.any(String), null, ')'] });
    expect(unique.find((e) => e.id === b.id)!.validity[2]).not.toBeNull();

    // The same through a `since` query parameter, for servers that take it that way.
    const queryStyle = clientFor(dougal, { paths: { eventChanges: '/project/{project}/event/changes' } });
    expect((await queryStyle.eventChanges(PID, since, { unique: true })).map((e) => e.uid)).toEqual(unique.map((e) => e.uid));
  });

  it('rejects a PUT without every attribute, quoting the missing ones (not retryable)', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const [event] = await client.listEvents(PID, { sequence: 8 }, { limit: 1 });
    const partial = { tstamp: event!.tstamp, sequence: event!.sequence, point: event!.point, remarks: 'only these' } as DougalEventFields;
    const error = await failureOf(client.updateEvent(PID, event!.id, partial));
    expect(error).toMatchObject({ kind: 'rejected', status: 400, retryable: false });
    expect(error.message).toContain('missing: labels, meta');
    expect((await client.getEvent(PID, event!.id)).uid).toBe(event!.uid);

    // The other plausible server: missing attributes revert to their defaults.
    await admin(dougal, 'PATCH', '/dougal/options', { putMissingAttributes: 'defaults' });
    await client.updateEvent(PID, event!.id, partial);
    expect(await client.getEvent(PID, event!.id)).toMatchObject({ remarks: 'only these', labels: [], meta: {} });
  });

  it('refuses to edit or delete read-only events (QC results, midnight shots)', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const events = await client.listAllEvents(PID);
    const readonly = events.filter((e) => e.readonly);
    expect(readonly.some((e) => e.labels.includes('Midnight'))).toBe(true);
    expect(readonly.some((e) => e.labels.includes('QC'))).toBe(true);
    const target = readonly[0]!;
    expect(await failureOf(client.updateEvent(PID, target.id, { ...fieldsOf(target), remarks: 'nope' }))).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(await failureOf(client.deleteEvent(PID, target.id))).toMatchObject({ kind: 'forbidden', status: 403 });
    await admin(dougal, 'PATCH', '/dougal/options', { readonlyStatus: 409 });
    expect(await failureOf(client.deleteEvent(PID, target.id))).toMatchObject({ kind: 'conflict', status: 409, retryable: false });
    expect((await client.getEvent(PID, target.id)).uid).toBe(target.uid);
  });

  it('moves a multiple:false label: the older holder in the sequence loses it by a new version', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const labels = await client.listLabels(PID);
    expect(labels.find((l) => l.name === 'FGSP')).toMatchObject({ multiple: false, user: true, description: 'First good shotpoint' });
    const before = (await client.listEvents(PID, { sequence: 9 })).find((e) => e.labels.includes('FGSP'))!;
    const moved = (await client.createEvent(PID, { sequence: 9, point: before.point! + 5 * 1, remarks: 'FGSP moved after gun fix', labels: ['FGSP', 'Gun'] }))!;
    const now = await client.listEvents(PID, { sequence: 9 });
    expect(now.filter((e) => e.labels.includes('FGSP')).map((e) => e.id)).toEqual([moved.id]);
    const old = now.find((e) => e.id === before.id)!;
    expect(old.uid).not.toBe(before.uid);
    expect(old.has_edits).toBe(true);
    // multiple:true labels stay where they are
    expect(now.filter((e) => e.labels.includes('Gun')).length).toBeGreaterThan(1);
  });

  it('filters by sequence list and dates, pages, and pages through everything', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const some = await client.listEvents(PID, { sequence: [1, 3, 7] });
    expect(new Set(some.map((e) => e.sequence))).toEqual(new Set([1, 3, 7]));
    const day = await client.listEvents(PID, { date0: '2024-06-04' });
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((e) => e.tstamp!.startsWith('2024-06-04'))).toBe(true);
    const span = await client.listEvents(PID, { date0: '2024-06-04', date1: '2024-06-05' });
    expect(span.length).toBeGreaterThan(day.length);
    const page = await client.listEvents(PID, {}, { offset: 10, limit: 5 });
    const first15 = await client.listEvents(PID, {}, { limit: 15 });
    expect(page.map((e) => e.id)).toEqual(first15.slice(10).map((e) => e.id));
    const all = await client.listAllEvents(PID, {}, { pageSize: 400 });
    expect(all.length).toBeGreaterThan(1900);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(dougal.server.log.list().filter((e) => e.path.endsWith('/event')).length).toBe(5 + Math.floor(all.length / 400) + 1);
  });

  it('does not loop when a server ignores the paging offset: the whole list is read once instead', async () => {
    const dougal = await startDougal({ offsetParam: 'skip' });
    const client = clientFor(dougal);
    const all = await client.listAllEvents(PID, {}, { pageSize: 300 });
    expect(all.length).toBeGreaterThan(1900);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    // Two pages (the second repeats the first), then one request without paging parameters.
    const lists = dougal.server.log.list().filter((e) => e.method === 'GET' && e.path.endsWith('/event'));
    expect(lists.map((e) => 'limit' in e.query)).toEqual([true, true, false]);
  });

  it('fills an event’s time when its shot is acquired later', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const pending = (await client.listEvents(PID, { sequence: 28 })).filter((e) => e.tstamp === null);
    expect(pending).toHaveLength(3);
    const ahead = (await client.createEvent(PID, { sequence: 28, point: pending[0]!.point! + 1, remarks: 'Streamer 4 feather 12°', labels: ['Streamer'] }))!;
    expect(ahead.tstamp).toBeNull();
    const { filled } = (await (await admin(dougal, 'POST', '/dougal/shots', { sequence: 28, point: ahead.point, tstamp: '2024-06-08T09:00:00Z' })).json()) as { filled: number };
    expect(filled).toBe(1);
    expect((await client.getEvent(PID, ahead.id)).tstamp).toBe('2024-06-08T09:00:00.000Z');
  });

  it('finds an event by its idempotency key after a lost response, by changes scan or by meta filter', async () => {
    const dougal = await startDougal();
    for (const lookup of ['changes', 'meta-filter'] as const) {
      const client = clientFor(dougal, { idempotency: { lookup } });
      const key = `corelog-${lookup}-42`;
      await client.listLabels(PID); // signed in, so the dropped response is the POST's
      await admin(dougal, 'PATCH', '/faults', { dropResponseNext: 1 });
      const lost = await failureOf(client.createEvent(PID, { tstamp: '2024-06-07T03:00:00Z', remarks: 'Marine mammal sighted', labels: ['Mammal'] }, { idempotencyKey: key }));
      expect(lost).toMatchObject({ kind: 'offline', retryable: true });
      const found = await client.findEventsByIdempotencyKey(PID, key);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ remarks: 'Marine mammal sighted', meta: { corelog_key: key } });
      expect(await client.findEventsByIdempotencyKey(PID, 'never-sent')).toEqual([]);
    }
  });

  it('learns the new event’s id and uid from every POST /event reply style, logging it once', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    for (const [style, n] of [['created-201', 1], ['created-201-id-only', 2], ['empty-204', 3]] as const) {
      dougal.setBehaviour({ eventPostResponse: style });
      const remarks = `Compressor ${n} tripped`;
      const created = await client.createEvent(PID, { tstamp: `2024-06-07T0${n}:00:00Z`, remarks, labels: ['Equipment'] }, { idempotencyKey: `k-${style}` });
      expect(created, style).toMatchObject({ remarks, labels: ['Equipment'], meta: { corelog_key: `k-${style}` } });
      const stored = dougal.project().events.filter((e) => e.remarks === remarks);
      expect(stored, style).toHaveLength(1);
      expect([created!.id, created!.uid], style).toEqual([stored[0]!.id, stored[0]!.uid]);
    }
    const posts = dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event'));
    expect(posts.map((r) => r.status)).toEqual([201, 201, 204]);
    expect(await failureOf(client.createEvent(PID, { remarks: 'no time' } as never))).toMatchObject({ kind: 'validation' });
  });

  it('starts a PUT from the event as Dougal sent it: geometry and unknown attributes survive edit and undelete', async () => {
    const dougal = await startDougal({ eventGeometry: 'stored' });
    const client = clientFor(dougal);
    const target = (await client.listEvents(PID, { sequence: 9 })).find((e) => e.source === 'nav-logger' && !e.readonly)!;
    const stored = () => dougal.project().events.filter((e) => e.id === target.id).sort((a, b) => a.uid - b.uid);
    const original = stored().at(-1)!.attributes;
    expect(original).toMatchObject({ geometry: { type: 'Point' }, source: 'nav-logger' });

    // Without the base, the strict server refuses: the PUT would reset geometry and source.
    const bare = await failureOf(client.updateEvent(PID, target.id, { ...fieldsOf(target), remarks: 'edited bare' }));
    expect(bare).toMatchObject({ kind: 'rejected', status: 400 });
    expect(bare.message).toContain('missing: source');

    const { raw } = await client.readEvent(PID, target.id);
    await client.updateEvent(PID, target.id, { ...fieldsOf(target), remarks: 'edited with everything' }, { base: raw });
    expect(stored().at(-1)).toMatchObject({ remarks: 'edited with everything', attributes: original, validity: ['[', expect.any(String), null, ')'] });

    await client.deleteEvent(PID, target.id);
    const history = await client.readEventHistory(PID, target.id);
    const deleted = history.at(-1)!;
    expect(deleted.value.validity[2]).not.toBeNull();
    await client.undeleteEvent(PID, deleted.value, deleted.raw);
    const versions = stored();
    expect(versions.map((v) => v.validity[2] === null)).toEqual([...versions.slice(0, -1).map(() => false), true]);
    expect(versions.at(-1)).toMatchObject({ remarks: 'edited with everything', attributes: original });
    expect(new Set(versions.map((v) => v.uid)).size).toBe(versions.length);
  });

  it('finds an event by its key through the event list when the server has no changes endpoint', async () => {
    const dougal = await startDougal({ changesEndpoint: 'missing', eventPostResponse: 'empty-204' });
    const problems: string[] = [];
    const client = clientFor(dougal, { onReplyProblem: (p) => problems.push(p.detail) });
    await client.listLabels(PID);
    const cases = [
      { key: 'timed-event-0001', event: { tstamp: new Date(dougal.server.clock.now()).toISOString(), remarks: 'Logged now', labels: ['Comment'] } },
      { key: 'shot-event-00002', event: { sequence: 28, point: 6100, remarks: 'Logged ahead of its shot', labels: ['Gun'] } },
    ];
    for (const { key, event } of cases) {
      await admin(dougal, 'PATCH', '/faults', { dropResponseNext: 1 });
      expect(await failureOf(client.createEvent(PID, event, { idempotencyKey: key }))).toMatchObject({ kind: 'offline' });
      const found = await client.findEventsByIdempotencyKey(PID, key, { near: event });
      expect(found.map((e) => e.remarks)).toEqual([event.remarks]);
    }
    // The list was asked narrowly: by the event's day window, then by its sequence.
    const lists = dougal.server.log.list().filter((r) => r.method === 'GET' && r.path.endsWith('/event'));
    expect(lists.map((r) => [r.query.date0 !== undefined, r.query.sequence ?? null])).toEqual([
      [true, null],
      [false, '28'],
    ]);
    expect(problems.filter((p) => p.includes('changes endpoint answered 404'))).toHaveLength(2);
    // And a 204 without the reply lost: the Location header names the event, no look-up needed.
    const created = await client.createEvent(PID, { tstamp: '2024-06-07T05:00:00Z', remarks: 'Plain 204' }, { idempotencyKey: 'plain-204-key-03' });
    expect(created).toMatchObject({ remarks: 'Plain 204', id: expect.any(Number) });
  });

  it('builds a PUT from the whole version: server-owned attributes stripped, unknown ones kept, the change on top', () => {
    const change: DougalEventFields = { tstamp: '2024-06-01T10:00:00.000Z', sequence: 6, point: 1200, remarks: 'Gun 3', labels: ['Gun', 'Nav'], meta: { a: 1, b: { c: 2 } } };
    const raw = { id: 5, uid: 9, validity: ['[', 'a', null, ')'], readonly: false, has_edits: true, edited: true, tstamp: '2024-06-01T10:00:00Z', sequence: 6, point: 1200, remarks: 'old', labels: ['Gun'], meta: { a: 1 }, source: 'nav-logger', geometry: { type: 'Point', coordinates: [2, 58] } };
    expect(eventPutBody(raw, { ...change, remarks: 'new' })).toEqual({ source: 'nav-logger', geometry: { type: 'Point', coordinates: [2, 58] }, ...change, remarks: 'new' });
    // A server that left out a null geometry still gets it back: a full PUT names every documented attribute.
    expect(eventPutBody({ id: 1, uid: 1 }, change)).toEqual({ geometry: null, ...change });
  });

  it('exports events as CSV with fields, delimiter and header options', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const csv = await client.exportEventsCsv(PID, { sequence: 2 }, { fields: ['timestamp', 'sequence', 'point', 'text'], delimiter: ';' });
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('timestamp;sequence;point;text');
    expect(rows[1]).toMatch(/^2024-06-03T[\d:.]+Z;2;\d{4};Start of line \d+, sequence 2$/);
    const bare = await client.exportEventsCsv(PID, { sequence: 2 }, { header: false, fields: ['id'] });
    expect(bare.trim().split('\r\n').length).toBe(rows.length - 1);
    expect(bare).toMatch(/^\d+\r\n/);
  });
});
