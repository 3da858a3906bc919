/**
 * `eventLogCreateMany` against the Dougal emulator: a batch of creates from the sync engine, each
 * sent as `eventLogCreate` would send it, a few at a time, and answered one by one.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import type { EventFields } from '../../../common/bridge/event-log-contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import { WriteLanes } from '../../../electron/services/event-log/write-lanes';
import { clientFor, PID, startDougal } from '../dougal/harness';
import { serve, stopServer } from '../../support/local-http-server';

async function handlersFor() {
  const dougal = await startDougal();
  const client = clientFor(dougal);
  const context = { clients: { dougal: () => client } } as unknown as ServiceContext;
  return { dougal, handlers: createEventLogModule(context).handlers as BridgeHandlers };
}

const since = '2024-01-01T00:00:00.000Z';
const fields = (i: number): EventFields => ({ tstamp: new Date(Date.UTC(2024, 5, 1, 10) + i * 60_000).toISOString(), sequence: 6, point: 1200 + i, remarks: `Batch ${i}`, labels: [], meta: {} });
const create = (i: number, lookupFirst = false) => ({ clientKey: `batch-key-${String(i).padStart(6, '0')}`, fields: fields(i), lookupFirst, lookupSince: since });
const postsTo = (dougal: Awaited<ReturnType<typeof startDougal>>) => dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event'));
const storedWith = (dougal: Awaited<ReturnType<typeof startDougal>>, key: string) => dougal.state.projects[0]!.events.filter((e) => e.meta?.corelog_key === key);

describe('eventLogCreateMany', () => {
  it('logs every create of the batch once, in its own POST, and answers each with its event', async () => {
    const { dougal, handlers } = await handlersFor();
    const creates = Array.from({ length: 12 }, (_, i) => create(i));
    const { results } = await handlers.eventLogCreateMany({ project: PID, creates });
    expect(results).toHaveLength(12);
    results.forEach((result, i) => expect(result).toMatchObject({ status: 'created', existed: false, event: { remarks: `Batch ${i}`, clientKey: creates[i]!.clientKey } }));
    expect(postsTo(dougal)).toHaveLength(12);
    for (const c of creates) expect(storedWith(dougal, c.clientKey)).toHaveLength(1);
  });

  it('a batch retried after its reply was lost finds what already landed and logs only the rest', async () => {
    const { dougal, handlers } = await handlersFor();
    // The first two land; the third is handled but its reply never arrives.
    await handlers.eventLogCreateMany({ project: PID, creates: [create(0), create(1)] });
    dougal.server.faults.dropResponseNext = 1;
    const lost = await handlers.eventLogCreateMany({ project: PID, creates: [create(2)] });
    expect(lost.results[0]).toMatchObject({ status: 'failed', error: { kind: 'offline' } });
    // The engine counted the attempts: all three are looked up first now, with a fourth never sent.
    const again = await handlers.eventLogCreateMany({ project: PID, creates: [create(0, true), create(1, true), create(2, true), create(3, true)] });
    expect(again.results.map((r) => r.status === 'created' && r.existed)).toEqual([true, true, true, false]);
    for (let i = 0; i < 4; i++) expect(storedWith(dougal, create(i).clientKey)).toHaveLength(1);
    expect(postsTo(dougal)).toHaveLength(4);
  });

  it('after a failure of the path the creates not yet started are not sent at all', async () => {
    const { dougal, handlers } = await handlersFor();
    dougal.server.faults.down = true;
    const { results } = await handlers.eventLogCreateMany({ project: PID, creates: Array.from({ length: 10 }, (_, i) => create(i)) });
    dougal.server.faults.down = false;
    const failed = results.filter((r) => r.status === 'failed');
    const notSent = results.filter((r) => r.status === 'not-sent');
    // Only the ones already on their way when the first failed (at most the four lanes) were tried.
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(4);
    expect(failed.every((r) => r.status === 'failed' && r.error.kind === 'offline')).toBe(true);
    expect(notSent).toHaveLength(10 - failed.length);
    expect(dougal.state.projects[0]!.events.filter((e) => String(e.meta?.corelog_key ?? '').startsWith('batch-key-'))).toHaveLength(0);
  });

  it('a create Dougal cannot place fails alone; the rest of the batch is logged', async () => {
    const { dougal, handlers } = await handlersFor();
    const bad = { ...create(1), fields: { ...fields(1), tstamp: null, point: null } };
    const { results } = await handlers.eventLogCreateMany({ project: PID, creates: [create(0), bad, create(2)] });
    expect(results.map((r) => r.status)).toEqual(['created', 'failed', 'created']);
    expect(results[1]).toMatchObject({ status: 'failed', error: { kind: 'validation', retryable: false } });
    expect(postsTo(dougal)).toHaveLength(2);
  });

  it('the bridge refuses a batch with a create whose text breaks the rules, before anything is sent', async () => {
    const { dougal, handlers } = await handlersFor();
    const dispatch = createBridgeDispatcher(handlers);
    const broken = { ...create(1), fields: { ...fields(1), remarks: 'bad \u0000 text' } };
    const result = await dispatch('eventLogCreateMany', { project: PID, creates: [create(0), broken] });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(postsTo(dougal)).toHaveLength(0);
  });

  it('sends at most four creates to Dougal at once, however large the batch', async () => {
    const dougal = await startDougal();
    dougal.server.faults.latencyMs = 40;
    // A proxy in front of the emulator counts the requests open at once, as a server sees them.
    let inFlight = 0;
    let most = 0;
    const proxy = await serve((req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const upstream = httpRequest(new URL(req.url!, dougal.server.origin), { method: req.method, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode!, reply.headers);
        reply.pipe(res);
        reply.on('end', () => (inFlight -= 1));
      });
      req.pipe(upstream);
    });
    const client = clientFor(dougal, { baseUrl: proxy + new URL(dougal.server.baseUrl).pathname });
    const handlers = createEventLogModule({ clients: { dougal: () => client } } as unknown as ServiceContext).handlers as BridgeHandlers;
    try {
      await Promise.all([
        handlers.eventLogCreateMany({ project: PID, creates: Array.from({ length: 10 }, (_, i) => create(i)) }),
        handlers.eventLogCreateMany({ project: PID, creates: Array.from({ length: 10 }, (_, i) => create(100 + i)) }),
      ]);
    } finally {
      dougal.server.faults.latencyMs = 0;
      await stopServer();
    }
    expect(postsTo(dougal)).toHaveLength(20);
    expect(most).toBe(4);
  });
});

describe('WriteLanes', () => {
  it('runs at most its size at once, the rest in the order they came', async () => {
    const lanes = new WriteLanes(2);
    const order: number[] = [];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        lanes.run(async () => {
          running += 1;
          most = Math.max(most, running);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lanes.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a task that throws frees its lane', async () => {
    const lanes = new WriteLanes(1);
    await expect(lanes.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(lanes.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
