import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { CorelogError } from '../../../common/errors';
import { MAX_INPUT_DEPTH } from '../../../common/bridge/dispatch';

function handlers(overrides: Partial<BridgeHandlers>): BridgeHandlers {
  return new Proxy(overrides as BridgeHandlers, {
    get: (target, key: string) => target[key as keyof BridgeHandlers] ?? (() => Promise.reject(new Error(`unexpected call ${key}`))),
  });
}

describe('bridge dispatcher', () => {
  it('validates input against the contract before the handler runs', async () => {
    let calls = 0;
    const dispatch = createBridgeDispatcher(handlers({ ping: async ({ message }) => (calls++, { message, receivedAt: 'now' }) }));
    expect(await dispatch('ping', { message: 'hello' })).toEqual({ ok: true, value: { message: 'hello', receivedAt: 'now' } });
    const bad = await dispatch('ping', { message: 42 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, issues: [{ path: 'message' }] } });
    const tooLong = await dispatch('ping', { message: 'x'.repeat(201) });
    expect(tooLong).toMatchObject({ ok: false, error: { kind: 'validation', issues: [{ message: 'at most 200 characters' }] } });
    expect(calls).toBe(1);
  });

  it('refuses unknown methods, including prototype names', async () => {
    const dispatch = createBridgeDispatcher(handlers({}));
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      expect(await dispatch(name, undefined)).toMatchObject({ ok: false, error: { kind: 'validation' } });
    }
  });

  it('turns thrown errors into typed results instead of rejecting', async () => {
    const dispatch = createBridgeDispatcher(
      handlers({
        checkConnection: async () => {
          throw new CorelogError('offline', 'Dougal cannot be reached.', { system: 'dougal' });
        },
        getConnections: async () => {
          throw new TypeError('boom');
        },
      }),
    );
    expect(await dispatch('checkConnection', { system: 'dougal' })).toEqual({
      ok: false,
      error: { kind: 'offline', message: 'Dougal cannot be reached.', retryable: true, system: 'dougal' },
    });
    expect(await dispatch('getConnections', undefined)).toMatchObject({ ok: false, error: { kind: 'internal', retryable: false, message: expect.stringContaining('boom') } });
  });

  it('never lets a password through validation errors', async () => {
    const dispatch = createBridgeDispatcher(handlers({}));
    const result = await dispatch('signIn', { system: 'imago', username: '', password: 'hunter2', remember: 'yes' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('refuses input nested too deep for the code behind it, before any handler runs', async () => {
    let reached = 0;
    const dispatch = createBridgeDispatcher(handlers({ eventLogCreate: async () => (reached++, { event: null, existed: false }) }));
    const nested = (depth: number): unknown => {
      let value: unknown = null;
      for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
      return value;
    };
    const create = (meta: unknown) => ({
      project: 'p',
      clientKey: 'client-key-1',
      fields: { tstamp: '2024-01-01T00:00:00Z', sequence: null, point: null, remarks: '', labels: [], meta },
      lookupFirst: false,
      lookupSince: '2024-01-01T00:00:00Z',
    });
    // A z.unknown() field (an event's meta) accepted any depth; a million levels overflowed JSON.stringify on the way to Dougal.
    const deep = await dispatch('eventLogCreate', create({ x: nested(1_000_000) }));
    expect(deep).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, message: `Invalid input for eventLogCreate: it is nested deeper than ${MAX_INPUT_DEPTH} levels.` } });
    // A self-reference (IPC carries them) is infinitely deep.
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(await dispatch('eventLogCreate', create(loop))).toMatchObject({ ok: false, error: { kind: 'validation' } });
    // Shared references that would expand to 2^60 values as JSON: refused after a bounded walk.
    let shared: unknown = 1;
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    const started = Date.now();
    expect(await dispatch('eventLogCreate', create({ shared }))).toMatchObject({ ok: false, error: { kind: 'validation', message: expect.stringContaining('more than 1,000,000 values') } });
    expect(Date.now() - started).toBeLessThan(5_000);
    // Real nesting still passes.
    expect(await dispatch('eventLogCreate', create({ a: nested(MAX_INPUT_DEPTH - 10) }))).toMatchObject({ ok: true });
    expect(reached).toBe(1);
  });

  it('gives handlers the plain JSON browser mode would, and names what IPC carried that is not plain data', async () => {
    const seen: unknown[] = [];
    const dispatch = createBridgeDispatcher(
      handlers({
        eventLogCreate: async (input) => (seen.push(input.fields.meta), { event: null, existed: false }),
        ping: async ({ message }) => ({ message, receivedAt: 'now' }),
      }),
    );
    const create = (meta: Record<string, unknown>) => ({
      project: 'p',
      clientKey: 'client-key-1',
      fields: { tstamp: '2024-01-01T00:00:00Z', sequence: null, point: null, remarks: '', labels: [], meta },
      lookupFirst: false,
      lookupSince: '2024-01-01T00:00:00Z',
    });
    for (const [what, value] of [
      ['Map', new Map([['a', 1]])],
      ['Set', new Set([1])],
      ['Uint8Array', new Uint8Array(4)],
      ['RegExp', /x/],
      ['bigint', 10n ** 30n],
    ] as const) {
      const result = await dispatch('eventLogCreate', create({ when: { value } }));
      expect(result, what).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, issues: [{ path: 'fields.meta.when.value' }] } });
      expect(!result.ok && result.error.message, what).toBe(`Invalid input for eventLogCreate: fields.meta.when.value is a ${what}; only plain data (text, numbers, true/false, lists and objects) can be sent.`);
    }
    expect(seen).toEqual([]);
    // What JSON can express arrives as browser mode's JSON would carry it.
    const at = new Date('2024-03-01T10:00:00Z');
    expect(await dispatch('eventLogCreate', create({ at, gone: undefined, nan: NaN }))).toMatchObject({ ok: true });
    expect(seen).toEqual([{ at: '2024-03-01T10:00:00.000Z', nan: null }]);
    expect(await dispatch('ping', { message: 'hi', extra: undefined })).toMatchObject({ ok: true, value: { message: 'hi' } });
  });

  it('says each field problem once, in one sentence with one full stop', async () => {
    const dispatch = createBridgeDispatcher(handlers({}));
    const result = await dispatch('eventLogCreate', {
      project: 'p',
      clientKey: 'client-key-1',
      fields: { tstamp: null, sequence: null, point: null, remarks: '', labels: [], meta: {} },
      lookupFirst: false,
      lookupSince: '2024-01-01T00:00:00Z',
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation', issues: [{ path: 'fields', message: expect.stringMatching(/\.$/) }] } });
    const message = !result.ok ? result.error.message : '';
    expect(message).toMatch(/^Invalid input for eventLogCreate: fields: .+[^.]\.$/);
  });
});

