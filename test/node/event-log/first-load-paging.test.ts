/**
 * Paging through Dougal's event list when the server does not page as asked: it ignores the
 * offset but honours the limit (the same first page for every offset), or ignores paging
 * altogether. Main's `listAllEvents` and the renderer's first load (pull.ts) both end, with
 * every event once. Real HTTP to a small double; the renderer's bridge is main's handlers
 * behind the dispatcher, its IndexedDB a few in-memory stand-ins.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CorelogBridge } from '../../../common/bridge/contract';
import { createBridgeDispatcher, type BridgeDispatcher } from '../../../common/bridge/dispatch';
import { EventDouble, PROJECT } from './dougal-event-double';

const fake = vi.hoisted(() => ({
  dispatch: null as null | ((method: string, input: unknown) => Promise<unknown>),
  applied: [] as number[],
  syncState: new Map<string, unknown>(),
}));

vi.mock('../../../renderer/src/bridge/bridge', () => ({
  bridge: new Proxy({}, { get: (_t, method: string) => (input: unknown) => fake.dispatch!(method, input) }) as CorelogBridge,
}));
vi.mock('../../../renderer/src/event-log/event-log-db', () => ({
  eventLogDb: {
    syncState: {
      get: async (project: string) => fake.syncState.get(project),
      put: async (row: { project: string }) => void fake.syncState.set(row.project, row),
    },
  },
}));
vi.mock('../../../renderer/src/event-log/server-merge', () => ({
  applyServerVersions: async (_project: string, versions: { event: { id: number } }[]) => {
    fake.applied.push(...versions.map((v) => v.event.id));
    return [];
  },
}));
vi.mock('../../../renderer/src/event-log/survey/survey-pull', () => ({ pullSurvey: async () => undefined }));

const { pullEvents } = await import('../../../renderer/src/event-log/pull');

/** A double holding `count` events; the renderer's first load pages by 1,000. */
async function doubleWith(count: number, paging: { honoursOffset: boolean; honoursLimit: boolean }) {
  const dougal = await EventDouble.start(paging);
  for (let i = 0; i < count; i++) dougal.add({ tstamp: new Date(Date.UTC(2024, 5, 1, 0, i)).toISOString(), remarks: `e${i}` });
  const dispatch: BridgeDispatcher = createBridgeDispatcher(dougal.handlers().handlers);
  fake.dispatch = dispatch;
  return dougal;
}

const listRequests = (dougal: EventDouble) => dougal.log.filter((r) => r.method === 'GET' && r.path.endsWith('/event'));

beforeEach(() => {
  fake.applied = [];
  fake.syncState.clear();
});

describe('the renderer’s first load', () => {
  it('ends, with every event, on a server that ignores the offset but honours the limit; pages as before on one that pages', async () => {
    const ignoring = await doubleWith(2_300, { honoursOffset: false, honoursLimit: true });
    await pullEvents(PROJECT);
    // (The changes since the load began follow it and bring events again: that is the pull, not paging.)
    expect(new Set(fake.applied).size).toBe(2_300);
    // Two pages (the second repeats the first), then the whole list once.
    expect(listRequests(ignoring).map((r) => [r.query.get('offset'), r.query.get('limit')])).toEqual([
      ['0', '1000'],
      ['1000', '1000'],
      [null, null],
    ]);
    expect(fake.syncState.get(PROJECT)).toMatchObject({ loadedOffset: 0, cursor: expect.any(String) });

    fake.applied = [];
    fake.syncState.clear();
    const paging = await doubleWith(2_300, { honoursOffset: true, honoursLimit: true });
    await pullEvents(PROJECT);
    expect(new Set(fake.applied).size).toBe(2_300);
    expect(listRequests(paging).map((r) => r.query.get('offset'))).toEqual(['0', '1000', '2000']);
  });
});

describe('main’s listAllEvents', () => {
  it('reads the whole list once when the offset is ignored and the limit honoured', async () => {
    const dougal = await doubleWith(7, { honoursOffset: false, honoursLimit: true });
    const { client } = dougal.handlers();
    const events = await client.listAllEvents(PROJECT, {}, { pageSize: 5 });
    expect(events.map((e) => e.remarks)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('returns a server’s whole log of exactly one page size when it ignores paging altogether', async () => {
    const dougal = await doubleWith(5, { honoursOffset: false, honoursLimit: false });
    const { client } = dougal.handlers();
    const events = await client.listAllEvents(PROJECT, {}, { pageSize: 5 });
    expect(events).toHaveLength(5);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
  });
});
