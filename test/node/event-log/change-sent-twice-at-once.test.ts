/**
 * One change of an event reaching main twice at once: a window killed (or whose socket to main
 * dropped) while main was still sending its edit comes back and sends the edit again; the first
 * copy is still between its check and its PUT. Real HTTP to the Dougal emulator, slowed down so
 * both copies are in flight together, through the bridge dispatcher.
 *
 * Side by side, both checks saw the version the edit started from and both PUTs went: the edit
 * became two versions on Dougal, and the change queued after it could meet a "conflict" with the
 * extra version. In turn, the second copy finds the first one's version: a conflict whose
 * content is its own, which the sync engine settles as done (sameFields).
 */
import { expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import type { EventFields, ServerEvent } from '../../../common/bridge/event-log-contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import { PID, startDougal } from '../dougal/harness';

const LATENCY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventOnSlowDougal(remarks: string) {
  const dougal = await startDougal();
  const client = new DougalClient({ baseUrl: dougal.server.baseUrl, timeoutMs: 5_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
  const dispatch = createBridgeDispatcher(createEventLogModule({ clients: { dougal: () => client } } as unknown as ServiceContext).handlers as BridgeHandlers);
  const fields: EventFields = { tstamp: '2024-06-01T10:00:00.000Z', sequence: null, point: null, remarks, labels: ['Nav'], meta: {} };
  const reply = await dispatch('eventLogCreate', { project: PID, clientKey: 'twice-at-once-0001', fields, lookupFirst: false, lookupSince: '2024-01-01T00:00:00Z' });
  const event = reply.ok ? (reply.value as { event: ServerEvent | null }).event : null;
  if (!event) throw new Error(`the event was not created: ${JSON.stringify(reply)}`);
  dougal.server.faults = { ...dougal.server.faults, latencyMs: LATENCY_MS };
  const versions = () =>
    dougal
      .project(PID)
      .events.filter((e) => e.id === event.id)
      .sort((a, b) => a.uid - b.uid)
      .map((e) => ({ remarks: e.remarks, open: e.validity[2] === null }));
  return { dispatch, event, fields, versions };
}

it('an edit sent again while its first copy is still on its way lands once, and the second copy hears it as its own', async () => {
  const { dispatch, event, fields, versions } = await eventOnSlowDougal('before the edit');
  const edited = { ...fields, remarks: 'edited once' };
  const put = () => dispatch('eventLogPut', { project: PID, id: event.id, expect: event.uid, fields: edited });
  const first = put();
  // The first copy's check is on its way; the retry arrives before its PUT is.
  await sleep(LATENCY_MS / 2);
  const [firstAnswer, secondAnswer] = await Promise.all([first, put()]);

  expect(versions()).toEqual([
    { remarks: 'before the edit', open: false },
    { remarks: 'edited once', open: true },
  ]);
  expect(firstAnswer).toMatchObject({ ok: true, value: { status: 'applied', event: { remarks: 'edited once' } } });
  const newest = firstAnswer.ok ? (firstAnswer.value as { event: ServerEvent }).event : null;
  // What the sync engine reads as its own change landed (the same content), never someone else's.
  expect(secondAnswer).toMatchObject({ ok: true, value: { status: 'conflict', theirs: { uid: newest!.uid, remarks: 'edited once', labels: ['Nav'] } } });
});

it('a delete sent again while its first copy is on its way closes the event once and is done', async () => {
  const { dispatch, event, versions } = await eventOnSlowDougal('to be deleted');
  const remove = () => dispatch('eventLogDelete', { project: PID, id: event.id, expect: event.uid });
  const first = remove();
  await sleep(LATENCY_MS / 2);
  const answers = await Promise.all([first, remove()]);
  expect(answers).toEqual([
    { ok: true, value: { status: 'applied', event: null } },
    { ok: true, value: { status: 'applied', event: null } },
  ]);
  expect(versions()).toEqual([{ remarks: 'to be deleted', open: false }]);
});
