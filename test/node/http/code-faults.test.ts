/**
 * A request that fails inside Corelog (a value that cannot be turned into JSON, a stack overflow
 * while building the body) is a fault of ours, not "cannot be reached": the outbox would retry
 * it for ever while the connection strip blamed the link. Real HTTP to the Dougal emulator.
 */
import { describe, expect, it } from 'vitest';
import { waitsForRetry } from '../../../common/retry-policy';
import { CorelogError } from '../../../common/errors';
import { sendHttpRequest } from '../../../electron/services/http/http-request';
import { clientFor, PID, startDougal } from '../dougal/harness';

async function failureOf(promise: Promise<unknown>): Promise<CorelogError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CorelogError) return error;
    throw new Error(`expected a CorelogError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a failure');
}

describe('faults of our own code are not network failures', () => {
  it('a body JSON cannot hold (a BigInt, a cycle) is an internal, not-retried error; the server got nothing', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    await client.login('demo', 'demo');
    const before = dougal.server.log.lastSeq;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const meta of [{ n: 10n }, cyclic]) {
      const error = await failureOf(client.createEvent(PID, { tstamp: '2024-06-01T10:00:00.000Z', remarks: 'x', labels: [], meta } as never));
      expect(error.kind).toBe('internal');
      expect(error.retryable).toBe(false);
      expect(waitsForRetry(error)).toBe(false);
      expect(error.message).toMatch(/fault in Corelog, not in the connection/);
    }
    expect(dougal.server.log.list(before).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('sendHttpRequest says the same for a body it cannot build, and still says offline for a refused connection', async () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 200_000; i++) at = (at.next = {}) as Record<string, unknown>;
    const dougal = await startDougal();
    const built = await failureOf(sendHttpRequest({ system: 'dougal', method: 'POST', url: `${dougal.server.baseUrl}/login`, json: deep, timeoutMs: 2_000 } as never));
    expect(built).toMatchObject({ kind: 'internal', retryable: false });
    const refused = await failureOf(sendHttpRequest({ system: 'dougal', method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 2_000 } as never));
    expect(refused.kind).toBe('offline');
  });
});
