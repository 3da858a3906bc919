/**
 * A create is never logged twice because the look-up was uncertain: an item carrying our key that
 * cannot be read, a read-back that misses the new event, a server that does not keep `meta`.
 * Real HTTP to a small double (dougal-event-double.ts); the renderer's retry is played by hand:
 * after a first attempt it always looks first (sync-engine.ts: `lookupFirst: attempts > 0`).
 */
import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import type { EventFields } from '../../../common/bridge/event-log-contract';
import { EventDouble, PROJECT } from './dougal-event-double';

const fields = (remarks: string, more: Partial<EventFields> = {}): EventFields => ({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks, labels: ['Nav', 'QC'], meta: {}, ...more });
const since = '2024-01-01T00:00:00.000Z';

/** One attempt of the renderer's outbox: the bridge's answer (ok or a typed error). */
function attempt(handlers: BridgeHandlers, clientKey: string, f: EventFields, lookupFirst: boolean) {
  return createBridgeDispatcher(handlers)('eventLogCreate', { project: PROJECT, clientKey, fields: f, lookupFirst, lookupSince: since });
}

/** An event no schema can read, however tolerant: a time that is no time, remarks that are no text. */
const unreadable = (e: Record<string, unknown>) => ({ ...e, tstamp: 'shortly after ten', remarks: { text: e.remarks } });

describe('the idempotency look-up never answers "none" for an event it could not read', () => {
  it('an unreadable event carrying our key stops every retry from posting again (changes endpoint); other keys still go', async () => {
    const ours = (e: Record<string, unknown>) => (e.meta as Record<string, unknown>).corelog_key === 'key-00000001';
    const dougal = await EventDouble.start({ shape: (e) => (ours(e) ? unreadable(e) : e) });
    const { handlers } = dougal.handlers();
    const first = await attempt(handlers, 'key-00000001', fields('hello'), false);
    expect(first).toMatchObject({ ok: false, error: { retryable: true } });
    for (let retry = 0; retry < 3; retry++) {
      const again = await attempt(handlers, 'key-00000001', fields('hello'), true);
      expect(again).toMatchObject({ ok: false, error: { kind: 'malformed-response', retryable: true } });
      if (!again.ok) expect(again.error.message).toContain('does not log it a second time');
    }
    expect(dougal.posts()).toBe(1);
    expect(dougal.currents()).toHaveLength(1);
    // The unreadable item is not ours to this key: it is created, and its own retry settles.
    expect(await attempt(handlers, 'key-00000003', fields('fresh'), true)).toMatchObject({ ok: true, value: { existed: false, event: { clientKey: 'key-00000003' } } });
    expect(await attempt(handlers, 'key-00000003', fields('fresh'), true)).toMatchObject({ ok: true, value: { existed: true } });
    expect(dougal.posts()).toBe(2);
  });

  it('the same where the look-up searches the event list (no changes endpoint), and in a wrapped reply', async () => {
    const dougal = await EventDouble.start({ changes: false, shape: unreadable });
    const { handlers } = dougal.handlers();
    await attempt(handlers, 'key-00000002', fields('from the list'), false);
    expect(await attempt(handlers, 'key-00000002', fields('from the list'), true)).toMatchObject({ ok: false, error: { retryable: true } });
    // `meta` sent as json text, inside a `{data: [...]}` wrapper: still found before any schema.
    dougal.options.shape = (e) => ({ ...unreadable(e), meta: JSON.stringify(e.meta) });
    dougal.faults.push((r, res) => {
      if (r.method !== 'GET' || !r.path.endsWith('/event')) return false;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: dougal.currents().map((e) => dougal.serialise(e)), count: 1 }));
      return true;
    });
    expect(await attempt(handlers, 'key-00000002', fields('from the list'), true)).toMatchObject({ ok: false, error: { retryable: true } });
    expect(dougal.posts()).toBe(1);
  });
});

describe('a create Dougal answered with an id is never reported "not found"', () => {
  it('201 {id}, then the read-back answers 404 once: the key finds it, posted once', async () => {
    const dougal = await EventDouble.start({ post: 'id' });
    const { handlers } = dougal.handlers();
    dougal.faults.push((r, res) => {
      if (r.method !== 'GET' || !/\/event\/\d+$/.test(r.path)) return false;
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return true;
    });
    const created = await attempt(handlers, 'key-00000004', fields('d'), false);
    expect(created).toMatchObject({ ok: true, value: { existed: false, event: { id: 100, remarks: 'd', clientKey: 'key-00000004' } } });
    expect(dougal.posts()).toBe(1);
  });

  it('when neither the read-back nor the key finds it: a retryable error, and the retry looks up instead of posting', async () => {
    const dougal = await EventDouble.start({ post: 'id' });
    const { handlers } = dougal.handlers();
    // The new event shows neither by id nor in the changes until a little later (a replica behind).
    let hidden = true;
    dougal.faults.push(function hide(r, res) {
      if (!hidden || r.method !== 'GET' || !(/\/event\/\d+$/.test(r.path) || r.path.includes('/event/changes/'))) return false;
      dougal.faults.push(hide);
      if (r.path.includes('/changes/')) res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return true;
    });
    const first = await attempt(handlers, 'key-00000005', fields('e'), false);
    expect(first).toMatchObject({ ok: false, error: { retryable: true } });
    if (!first.ok) expect(first.error.kind).not.toBe('not-found');
    hidden = false;
    const retry = await attempt(handlers, 'key-00000005', fields('e'), true);
    expect(retry).toMatchObject({ ok: true, value: { existed: true, event: { id: 100 } } });
    expect(dougal.posts()).toBe(1);
  });
});

describe('a server that does not keep Corelog’s key', () => {
  it('answers 204 without Location and drops meta: found by its content, each retry posts nothing', async () => {
    const dougal = await EventDouble.start({ post: '204', dropMeta: true });
    const { handlers } = dougal.handlers();
    dougal.add({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks: 'hello, but different', labels: ['Nav'] });
    const first = await attempt(handlers, 'key-00000006', fields('hello'), false);
    expect(first).toMatchObject({ ok: true, value: { existed: false, event: { remarks: 'hello', id: 101 } } });
    // Labels are compared as a set: Dougal may send them in another order.
    for (let retry = 0; retry < 2; retry++) {
      expect(await attempt(handlers, 'key-00000006', fields('hello', { labels: ['QC', 'Nav'] }), true)).toMatchObject({ ok: true, value: { existed: true, event: { id: 101 } } });
    }
    expect(dougal.posts()).toBe(1);
    expect(dougal.currents()).toHaveLength(2);

    // Once the server keeps keys (events Corelog logged carry theirs), an event of the same content
    // without ours is someone else's: ours is logged.
    dougal.options.dropMeta = false;
    dougal.options.post = 'full';
    dougal.add({ tstamp: '2024-06-01T08:00:00.000Z', remarks: 'logged by Corelog', meta: { corelog_key: 'key-older-0001' } });
    const twin = await attempt(handlers, 'key-00000008', fields('hello'), true);
    expect(twin).toMatchObject({ ok: true, value: { existed: false, event: { clientKey: 'key-00000008' } } });
    expect(dougal.posts()).toBe(2);
  });

  it('an event sent without a time (Dougal fills it in) is matched by its shot', async () => {
    const dougal = await EventDouble.start({ post: '204', dropMeta: true });
    const { handlers } = dougal.handlers();
    dougal.faults.push((r) => {
      // Dougal takes the time from the shot.
      if (r.method === 'POST') (r.body as { tstamp?: string }).tstamp = '2024-06-01T10:20:30.000Z';
      return false;
    });
    const noTime = fields('at the shot', { tstamp: null });
    expect(await attempt(handlers, 'key-00000007', noTime, false)).toMatchObject({ ok: true, value: { event: { point: 120, tstamp: '2024-06-01T10:20:30.000Z' } } });
    expect(await attempt(handlers, 'key-00000007', noTime, true)).toMatchObject({ ok: true, value: { existed: true } });
    expect(dougal.posts()).toBe(1);
  });
});

describe('a create only looked up (the user deleted the event after it was tried)', () => {
  const lookOnly = (handlers: BridgeHandlers, clientKey: string, f: EventFields) =>
    createBridgeDispatcher(handlers)('eventLogCreate', { project: PROJECT, clientKey, fields: f, lookupFirst: true, lookupSince: since, lookupOnly: true });

  it('never posts: not on Dougal answers no event, on Dougal answers that event', async () => {
    const dougal = await EventDouble.start({});
    const { handlers } = dougal.handlers();
    expect(await lookOnly(handlers, 'key-00000010', fields('never sent'))).toEqual({ ok: true, value: { event: null, existed: false } });
    expect(dougal.posts()).toBe(0);
    await attempt(handlers, 'key-00000011', fields('landed'), false);
    expect(await lookOnly(handlers, 'key-00000011', fields('landed'))).toMatchObject({ ok: true, value: { existed: true, event: { clientKey: 'key-00000011' } } });
    expect(dougal.posts()).toBe(1);
  });

  it('an event carrying the key that cannot be read is an error to retry, never "not on Dougal"', async () => {
    const dougal = await EventDouble.start({ shape: unreadable });
    const { handlers } = dougal.handlers();
    await attempt(handlers, 'key-00000012', fields('unreadable'), false);
    expect(await lookOnly(handlers, 'key-00000012', fields('unreadable'))).toMatchObject({ ok: false, error: { retryable: true } });
    expect(dougal.posts()).toBe(1);
  });
});
