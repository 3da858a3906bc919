/**
 * The Dougal dialect matrix: the event-log paths Corelog depends on — sign in, list projects,
 * load the reference data, create / edit / delete / undelete an event, pull the changes — run
 * through the main-process bridge handlers with a real DougalClient against every value of
 * every switch where Dougal's documents are silent, and a few combinations of them, including
 * the least forgiving one. Each path is checked on the emulator's stored state: each event
 * exactly once, every attribute kept after an edit or undelete (geometry and attributes Corelog
 * does not know included), the uid/validity history right, and no token presented after the
 * server replaced it and its grace ran out.
 *
 * Between paths the emulator's clock moves past the replaced-token grace period, so a client
 * that kept a token the server has rotated away would be refused at the next path.
 */
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { CLIENT_KEY_META, type EventFields, type ServerEvent } from '../../../common/bridge/event-log-contract';
import type { ServiceContext } from '../../../electron/services/app-services';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import type { ReplyProblem } from '../../../electron/services/http/system-client-options';
import { createEventLogModule } from '../../../electron/services/event-log/event-log-handlers';
import { toServerEvent } from '../../../electron/services/event-log/event-log-wire';
import { LEAST_FORGIVING_DOUGAL, type DougalBehaviour, type DougalEmulator } from '../../../emulators/dougal/index';
import type { EventInstance as StoredInstance } from '../../../emulators/dougal/model';
import { admin, PID, startDougal } from '../dougal/harness';

interface Dialect {
  name: string;
  /** Switches given when the emulator is created. */
  server: Partial<DougalBehaviour>;
  /** Switches changed at run time through `PATCH /__admin/dougal/options`, before signing in. */
  runtime?: Partial<DougalBehaviour>;
  /** The workstation's time zone for this row (`process.env.TZ`), where reading a time as local would show. */
  workstationTimeZone?: string;
}

/** Values as node-postgres hands them over when a handler sends rows as they come (value-styles.ts). */
const NODE_POSTGRES_AS_IS: Partial<DougalBehaviour> = {
  idStyle: 'string',
  timeStyle: 'postgres-text',
  validityStyle: 'range-string',
  numberStyle: 'string',
  eventLabelStyle: 'objects',
  listWrapper: 'data',
};

/** The least forgiving reading of every silent point at once (also the strict browser test's server). */
const STRICT_DOUGAL = LEAST_FORGIVING_DOUGAL;

const DIALECTS: Dialect[] = [
  { name: 'defaults (the emulator’s reading)', server: {} },
  { name: 'eventPostResponse: created-201-id-only', server: { eventPostResponse: 'created-201-id-only' } },
  { name: 'eventPostResponse: empty-204', server: { eventPostResponse: 'empty-204' } },
  { name: 'putMissingAttributes: defaults', server: { putMissingAttributes: 'defaults' } },
  { name: 'putMissingAttributes: reject with 422', server: { putMissingStatus: 422 } },
  { name: 'changesEndpoint: missing', server: { changesEndpoint: 'missing' } },
  { name: 'jwtRotateEvery: 2, grace 1 s', server: { jwtRotateEvery: 2, jwtReplacedGraceSeconds: 1 } },
  { name: 'jwtRotateEvery: 1, grace 0 s', server: { jwtRotateEvery: 1, jwtReplacedGraceSeconds: 0 } },
  { name: 'jwtRefresh: always', server: { jwtRefresh: 'always' } },
  { name: 'eventGeometry: stored', server: { eventGeometry: 'stored' } },
  { name: 'eventGeometry: stored (switched at run time)', server: {}, runtime: { eventGeometry: 'stored' } },
  { name: 'labelShape: object', server: { labelShape: 'object' } },
  { name: 'labelData: sparse', server: { labelData: 'sparse' } },
  { name: 'nullStyle: omit', server: { nullStyle: 'omit' } },
  { name: 'nullStyle: explicit-null', server: { nullStyle: 'explicit-null' } },
  { name: 'stored + defaults (a dropped attribute is silently reset)', server: { eventGeometry: 'stored', putMissingAttributes: 'defaults' } },
  {
    name: '201 {id} + stored + omit + object/sparse labels + rotate every 3rd',
    server: { eventPostResponse: 'created-201-id-only', eventGeometry: 'stored', nullStyle: 'omit', labelShape: 'object', labelData: 'sparse', jwtRotateEvery: 3, jwtReplacedGraceSeconds: 1 },
  },
  { name: 'idStyle: string (bigint ids)', server: { idStyle: 'string' } },
  { name: 'timeStyle: postgres-text', server: { timeStyle: 'postgres-text' } },
  { name: 'timeStyle: short-offset', server: { timeStyle: 'short-offset' } },
  { name: 'timeStyle: zoneless, workstation in Oslo', server: { timeStyle: 'zoneless' }, workstationTimeZone: 'Europe/Oslo' },
  { name: 'validityStyle: array-infinity', server: { validityStyle: 'array-infinity' } },
  { name: 'validityStyle: range-string', server: { validityStyle: 'range-string' } },
  { name: 'numberStyle: string', server: { numberStyle: 'string' } },
  { name: 'eventLabelStyle: objects', server: { eventLabelStyle: 'objects' } },
  { name: 'eventUid: history-only (plain event replies carry no uid)', server: { eventUid: 'history-only' } },
  { name: 'listWrapper: data', server: { listWrapper: 'data' } },
  { name: 'listWrapper: items', server: { listWrapper: 'items' } },
  { name: 'listWrapper: rows', server: { listWrapper: 'rows' } },
  { name: 'listWrapper: named', server: { listWrapper: 'named' } },
  { name: 'node-postgres as is (string ids and counts, Postgres time and range text, label objects, {data})', server: NODE_POSTGRES_AS_IS, workstationTimeZone: 'America/St_Johns' },
  { name: 'node-postgres as is + zoneless + infinity + least forgiving', server: { ...STRICT_DOUGAL, ...NODE_POSTGRES_AS_IS, timeStyle: 'zoneless', validityStyle: 'array-infinity' }, workstationTimeZone: 'Asia/Kolkata' },
  { name: 'least forgiving combination', server: STRICT_DOUGAL },
  { name: 'least forgiving combination (switched at run time)', server: {}, runtime: STRICT_DOUGAL },
];

const PATHS = ['sign in', 'list projects', 'reference load', 'create', 'edit', 'edit keeps attributes', 'delete', 'undelete', 'pull changes'] as const;
type PathName = (typeof PATHS)[number];

const results = new Map<string, Map<PathName, 'passed' | 'failed'>>();

afterAll(() => {
  // The matrix as a table, for the closing note.
  const lines = ['| dialect | ' + PATHS.join(' | ') + ' |', '|---|' + PATHS.map(() => '---').join('|') + '|'];
  for (const [name, row] of results) lines.push(`| ${name} | ${PATHS.map((p) => (row.get(p) === 'passed' ? 'pass' : row.get(p) === 'failed' ? 'FAIL' : '–')).join(' | ')} |`);
  console.log(`\nDougal dialect matrix\n${lines.join('\n')}\n`);
});

/** What main would run: the event-log module around a real client of this emulator. */
function mainFor(dougal: DougalEmulator, problems: ReplyProblem[]): { client: DougalClient; handlers: BridgeHandlers } {
  const client = new DougalClient({ baseUrl: dougal.server.baseUrl, timeoutMs: 5_000, credentials: async () => ({ user: 'demo', password: 'demo' }), onReplyProblem: (p) => problems.push(p) });
  const context = { clients: { dougal: () => client } } as unknown as ServiceContext;
  return { client, handlers: createEventLogModule(context).handlers as BridgeHandlers };
}

const instancesOf = (dougal: DougalEmulator, id: number): StoredInstance[] => dougal.project(PID).events.filter((e) => e.id === id).sort((a, b) => a.uid - b.uid);
const isOpen = (e: StoredInstance) => e.validity[2] === null;
const fieldsOf = (e: ServerEvent): EventFields => ({ tstamp: e.tstamp, sequence: e.sequence, point: e.point, remarks: e.remarks, labels: e.labels, meta: e.meta });

describe('Dougal dialect matrix', () => {
  for (const dialect of DIALECTS) {
    it(dialect.name, async () => {
      const row = new Map<PathName, 'passed' | 'failed'>();
      results.set(dialect.name, row);
      const path = async (name: PathName, run: () => Promise<void>) => {
        row.set(name, 'failed');
        const t0 = performance.now();
        await run();
        if (process.env.MATRIX_TIMING) console.log(dialect.name, name, Math.round(performance.now() - t0));
        row.set(name, 'passed');
        // Past the grace of every token replaced so far: a stale token would now be refused.
        dougal.server.clock.advance(1_500);
      };

      if (dialect.workstationTimeZone) {
        const before = process.env.TZ;
        process.env.TZ = dialect.workstationTimeZone;
        onTestFinished(() => {
          if (before === undefined) delete process.env.TZ;
          else process.env.TZ = before;
        });
      }
      const dougal = await startDougal(dialect.server);
      if (dialect.runtime) await admin(dougal, 'PATCH', '/dougal/options', dialect.runtime);
      const behaviour = dougal.behaviour;
      const stored = behaviour.eventGeometry === 'stored';
      const problems: ReplyProblem[] = [];
      const { client, handlers } = mainFor(dougal, problems);

      await path('sign in', async () => {
        await client.login('demo', 'demo');
        expect(client.session()).toMatchObject({ state: 'signed-in', user: 'demo', role: 'user' });
        expect(dougal.issuedTokens().filter((t) => t.reason === 'login')).toHaveLength(1);
      });

      await path('list projects', async () => {
        const { projects } = await handlers.eventLogProjects(undefined);
        expect(projects).toEqual(dougal.state.projects.map((p) => ({ pid: p.pid, name: p.name })));
      });

      await path('reference load', async () => {
        const reference = await handlers.eventLogReference({ project: PID });
        const project = dougal.project(PID);
        expect(reference.unavailable).toEqual([]);
        expect(reference.labels.map((l) => l.name)).toEqual(project.labels.map((l) => l.name));
        if (behaviour.labelData === 'full') expect(reference.labels.find((l) => l.name === 'SOL')).toMatchObject({ colour: '#66BB6A', multiple: false });
        expect(reference.sequences.map((s) => s.sequence)).toEqual(project.sequences.map((s) => s.sequence));
        expect(reference.plan.map((p) => p.sequence)).toEqual(project.plan.map((p) => p.sequence));
        expect(reference.lines).toHaveLength(project.lines.length);
      });

      // The pull's starting point, before anything changes (without the changes endpoint: a full listing).
      const since = dougal.server.clock.nowIso();
      const baseline = await handlers.eventLogChanges({ project: PID, since });
      expect(baseline.instances.length).toBe(behaviour.changesEndpoint === 'missing' ? dougal.project(PID).events.filter(isOpen).length : 0);

      const clientKey = `matrix-${dialect.name.length}-${dialect.name.replace(/\W+/g, '-').slice(0, 40)}`;
      const fields: EventFields = { tstamp: null, sequence: 17, point: 1350, remarks: 'Gun 12 dropout, string 2', labels: ['Gun'], meta: { watch: 'night' } };
      let created: ServerEvent | null = null;
      await path('create', async () => {
        const lookupSince = new Date(dougal.server.clock.now() - 3_600_000).toISOString();
        const reply = await handlers.eventLogCreate({ project: PID, clientKey, fields, lookupFirst: false, lookupSince });
        created = reply.event;
        const mine = dougal.project(PID).events.filter((e) => e.meta[CLIENT_KEY_META] === clientKey);
        expect(mine).toHaveLength(1);
        expect(created).toMatchObject({ id: mine[0]!.id, uid: mine[0]!.uid, clientKey, remarks: fields.remarks, labels: ['Gun'], meta: { watch: 'night', [CLIENT_KEY_META]: clientKey } });
        expect(mine[0]!.tstamp).not.toBeNull(); // filled from shot 17/1350
        expect(dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.endsWith('/event'))).toHaveLength(1);
        if (stored) expect(mine[0]!.attributes?.geometry).toMatchObject({ type: 'Point' });
      });
      const id = created!.id;

      let edited: ServerEvent | null = null;
      await path('edit', async () => {
        const outcome = await handlers.eventLogPut({ project: PID, id, expect: created!.uid, fields: { ...fieldsOf(created!), remarks: 'Gun 12 dropout, string 2, gun isolated', labels: ['Gun', 'Prod'] } });
        expect(outcome.status).toBe('applied');
        edited = outcome.status === 'applied' ? outcome.event : null;
        const versions = instancesOf(dougal, id);
        expect(versions.map(isOpen)).toEqual([false, true]);
        expect(versions[1]).toMatchObject({ uid: edited!.uid, remarks: 'Gun 12 dropout, string 2, gun isolated', labels: ['Gun', 'Prod'], meta: { watch: 'night', [CLIENT_KEY_META]: clientKey } });
        expect(versions[0]!.validity[2]).toBe(versions[1]!.validity[1]);
        if (stored) expect(versions[1]!.attributes).toEqual(versions[0]!.attributes);
      });

      await path('edit keeps attributes', async () => {
        // A seeded event (in stored mode one that another logger gave an attribute Corelog does not know).
        const project = dougal.project(PID);
        const seeded = project.events.find((e) => isOpen(e) && !e.readonly && e.sequence === 11 && (!stored || e.attributes?.source === 'nav-logger'))!;
        const before = structuredClone(seeded);
        // What the renderer holds of it (the first load's pages carry the same shape).
        const theirs = toServerEvent((await client.readEvent(PID, seeded.id)).value);
        if (stored) expect(theirs.extra).toMatchObject({ source: 'nav-logger', geometry: before.attributes!.geometry });
        const outcome = await handlers.eventLogPut({ project: PID, id: seeded.id, expect: theirs.uid, fields: { ...fieldsOf(theirs), remarks: `${theirs.remarks} (confirmed)` } });
        expect(outcome).toMatchObject({ status: 'applied', event: { remarks: `${before.remarks} (confirmed)` } });
        const now = instancesOf(dougal, seeded.id).filter(isOpen);
        expect(now).toHaveLength(1);
        expect(now[0]).toMatchObject({ tstamp: before.tstamp, sequence: before.sequence, point: before.point, labels: before.labels, meta: before.meta, remarks: `${before.remarks} (confirmed)` });
        if (stored) expect(now[0]!.attributes).toEqual(before.attributes);
      });

      await path('delete', async () => {
        expect(await handlers.eventLogDelete({ project: PID, id, expect: edited!.uid })).toEqual({ status: 'applied', event: null });
        expect(instancesOf(dougal, id).every((e) => !isOpen(e))).toBe(true);
        expect((await client.listEvents(PID, { sequence: 17 })).some((e) => e.id === id)).toBe(false);
      });

      await path('undelete', async () => {
        const { instances } = await handlers.eventLogHistory({ project: PID, id });
        const chosen = instances.find((i) => i.uid === edited!.uid)!;
        const outcome = await handlers.eventLogPut({ project: PID, id, expect: 'deleted', fields: fieldsOf(chosen), fromUid: chosen.uid });
        expect(outcome).toMatchObject({ status: 'applied', event: { id, remarks: 'Gun 12 dropout, string 2, gun isolated' } });
        const versions = instancesOf(dougal, id);
        expect(versions.map(isOpen)).toEqual([false, false, true]);
        expect(versions[1]!.validity[2]).not.toBeNull(); // the deletion stays on record
        expect(versions[2]).toMatchObject({ remarks: versions[1]!.remarks, labels: versions[1]!.labels, meta: versions[1]!.meta });
        if (stored) expect(versions[2]!.attributes).toEqual(versions[0]!.attributes);
        expect(dougal.project(PID).events.filter((e) => e.meta[CLIENT_KEY_META] === clientKey && isOpen(e))).toHaveLength(1);
      });

      await path('pull changes', async () => {
        const { instances } = await handlers.eventLogChanges({ project: PID, since });
        const mine = instances.filter((i) => i.id === id);
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ remarks: 'Gun 12 dropout, string 2, gun isolated', clientKey });
        expect(mine[0]!.validity[2]).toBeNull();
      });

      // Never signed in again, and never refused for a token: nothing the server replaced was
      // presented after its grace. With no grace at all, a request already on its way when the
      // token was replaced is refused; it is then sent again at once with the newest token.
      expect(dougal.issuedTokens().filter((t) => t.reason === 'login')).toHaveLength(1);
      const refused = dougal.tokenSightings().filter((s) => s.outcome !== 'valid');
      if (behaviour.jwtReplacedGraceSeconds > 0 || behaviour.jwtRotateEvery === 0) {
        expect(refused).toEqual([]);
        expect(dougal.server.log.list().filter((r) => r.status === 401)).toEqual([]);
      } else {
        expect(refused.every((s) => s.outcome === 'replaced' && s.method === 'GET')).toBe(true);
      }
      if (behaviour.jwtRotateEvery > 0) expect(dougal.issuedTokens().filter((t) => t.reason === 'rotate').length).toBeGreaterThan(3);
      // Reply oddities are expected only where the dialect makes them (the changes look-up fallback).
      expect(problems.filter((p) => !p.detail.includes('changes endpoint answered 404'))).toEqual([]);
    });
  }
});
