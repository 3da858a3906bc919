import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { CorelogError } from '../../../common/errors';

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
});
