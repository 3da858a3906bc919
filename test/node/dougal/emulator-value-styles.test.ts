/**
 * The emulator speaking values the way a Node + Postgres Dougal may (emulators/dougal/value-styles.ts),
 * over raw HTTP, and Corelog's main process reading each: string ids and counts, Postgres time and
 * range text, zoneless times, label objects, a uid only on changes and history, wrapped lists.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import type { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { createSurveyModule } from '../../../electron/services/event-log/survey-handlers';
import { styleTime } from '../../../emulators/dougal/value-styles';
import { admin, bearer, clientFor, PID, rawLogin, startDougal } from './harness';

type Json = Record<string, unknown>;

async function session(options: Parameters<typeof startDougal>[0] = {}) {
  const dougal = await startDougal(options);
  const token = await rawLogin(dougal);
  const get = async (path: string) => (await fetch(`${dougal.server.baseUrl}/project/${PID}${path}`, { headers: bearer(token) })).json() as Promise<unknown>;
  return { dougal, get };
}

const surveyOf = (client: DougalClient) => createSurveyModule({ clients: { dougal: () => client } } as unknown as ServiceContext).handlers as Pick<BridgeHandlers, 'surveyRead' | 'surveyPlanEdit'>;

describe('Dougal emulator value styles', () => {
  it('writes times in each style', () => {
    const iso = '2024-06-01T10:00:00.120Z';
    expect(styleTime(iso, 'iso-z')).toBe(iso);
    expect(styleTime(iso, 'postgres-text')).toBe('2024-06-01 10:00:00.12+00');
    expect(styleTime(iso, 'short-offset')).toBe('2024-06-01T10:00:00.12+00');
    expect(styleTime('2024-06-01T10:00:00.000Z', 'zoneless')).toBe('2024-06-01T10:00:00');
  });

  it('sends ids, counts, times, validity and labels as node-postgres would', async () => {
    const { get } = await session({ idStyle: 'string', numberStyle: 'string', timeStyle: 'postgres-text', validityStyle: 'range-string', eventLabelStyle: 'objects' });
    const [event] = (await get('/event?limit=1')) as Json[];
    expect(event).toMatchObject({ id: expect.stringMatching(/^\d+$/), uid: expect.stringMatching(/^\d+$/), tstamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/) });
    expect((event!.labels as unknown[]).every((l) => typeof l === 'object' && typeof (l as Json).name === 'string')).toBe(true);
    const [change] = (await get('/event/changes/2000-01-01T00:00:00Z')) as Json[];
    expect(change!.validity).toMatch(/^\["\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00",("[^"]+")?\)$/);
    const [plan] = (await get('/plan')) as Json[];
    expect(plan).toMatchObject({ num_points: expect.stringMatching(/^\d+$/), length: expect.any(String), sequence: expect.any(Number) });
  });

  it('sends infinity for an open validity, and no uid outside changes and history', async () => {
    const { get } = await session({ validityStyle: 'array-infinity', eventUid: 'history-only' });
    const [event] = (await get('/event?limit=1')) as Json[];
    expect(event).not.toHaveProperty('uid');
    const history = (await get(`/event/${String(event!.id)}/history`)) as Json[];
    expect(history.at(-1)).toMatchObject({ uid: expect.any(Number), validity: ['[', expect.any(String), 'infinity', ')'] });
  });

  it('wraps lists, but never the event list page', async () => {
    const { dougal, get } = await session({ listWrapper: 'data' });
    const count = dougal.project(PID).sequences.length;
    expect(await get('/sequence')).toMatchObject({ data: expect.any(Array), count });
    await admin(dougal, 'PATCH', '/dougal/options', { listWrapper: 'named' });
    expect(Object.keys((await get('/plan')) as Json)).toEqual(['plan']);
    expect(Array.isArray(await get('/event?limit=2'))).toBe(true);
  });

  it('reads every style back through the client: events, labels, sequences and plan all there', async () => {
    const dougal = await startDougal({ idStyle: 'string', numberStyle: 'string', timeStyle: 'short-offset', validityStyle: 'range-string', eventLabelStyle: 'objects', listWrapper: 'rows', eventUid: 'history-only' });
    const problems: string[] = [];
    const client = clientFor(dougal, { onReplyProblem: (p) => problems.push(p.detail) });
    const project = dougal.project(PID);
    expect((await client.listEvents(PID, {}, { limit: 50 })).length).toBe(50);
    expect((await client.listLabels(PID)).map((l) => l.name)).toEqual(project.labels.map((l) => l.name));
    const sequences = await client.listSequences(PID);
    expect(sequences.map((s) => s.sequence)).toEqual(project.sequences.map((s) => s.sequence));
    expect(sequences.every((s) => typeof s.num_points === 'number' && typeof s.length === 'number')).toBe(true);
    expect((await client.listPlan(PID)).length).toBe(project.plan.length);
    const changes = await client.eventChanges(PID, '2000-01-01T00:00:00Z', { unique: true });
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.uid > 0 && (c.validity[2] === null || !Number.isNaN(Date.parse(c.validity[2]))))).toBe(true);
    // A plain reply without uid: the unedited event's uid is its id; an edited one's comes from its history's open version, never its first version's.
    const current = project.events.filter((e) => e.validity[2] === null && !e.readonly);
    const unedited = current.find((e) => project.events.filter((x) => x.id === e.id).length === 1)!;
    expect((await client.getEvent(PID, unedited.id)).uid).toBe(unedited.id);
    await client.updateEvent(PID, unedited.id, { tstamp: unedited.tstamp, sequence: unedited.sequence, point: unedited.point, remarks: 'edited', labels: unedited.labels, meta: unedited.meta });
    const openVersion = project.events.filter((e) => e.id === unedited.id && e.validity[2] === null);
    expect(openVersion).toHaveLength(1);
    expect(openVersion[0]!.uid).not.toBe(unedited.id);
    expect((await client.getEvent(PID, unedited.id)).uid).toBe(openVersion[0]!.uid);
    expect(problems).toEqual([]);
  });

  it('plan times in Postgres text are no conflict with the same instant in ISO', async () => {
    const dougal = await startDougal({ timeStyle: 'postgres-text' });
    const survey = surveyOf(clientFor(dougal));
    const { plan } = await survey.surveyRead({ project: PID });
    const first = plan[0]!;
    expect(first.ts0).toMatch(/Z$/);
    const moved = new Date(Date.parse(first.ts0!) - 3_600_000).toISOString();
    const edited = await survey.surveyPlanEdit({ project: PID, sequence: first.sequence, changes: { ts0: moved }, base: { ts0: first.ts0 ?? undefined }, lookupFirst: false });
    expect(edited.entry).toMatchObject({ sequence: first.sequence, ts0: moved });
    expect(dougal.project(PID).plan.find((p) => p.sequence === first.sequence)!.ts0).toBe(moved);
  });

  it('refuses unknown values of the new switches', async () => {
    const dougal = await startDougal();
    for (const body of [{ idStyle: 'bigint' }, { timeStyle: 'local' }, { validityStyle: 'json' }, { numberStyle: 'text' }, { eventLabelStyle: 'ids' }, { eventUid: 'never' }, { listWrapper: 'results' }]) {
      await expect(admin(dougal, 'PATCH', '/dougal/options', body)).rejects.toThrow(/400/);
    }
  });
});
