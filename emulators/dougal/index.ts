/**
 * An offline Dougal for tests and local development: the API of reference §2 with the behaviour
 * of §4, every guess switchable (behaviour.ts, BEHAVIOUR.md), on top of the shared emulator kit.
 */
import { join } from 'node:path';
import { EmulatorClock } from '../kit/clock';
import type { FaultSettings } from '../kit/faults';
import { applyJsonUpdate, createEmulatorServer, HttpError, Router, type EmulatorServer } from '../kit/http-kit';
import { JsonStateFile } from '../kit/state-file';
import { Access, type TokenIssue, type TokenSighting } from './access';
import { applyBehaviourUpdate, defaultBehaviour, type DougalBehaviour } from './behaviour';
import { EventLog } from './event-log';
import { isOpen, type DougalState, type ProjectState } from './model';
import { dougalRoutes } from './routes';
import { SEED_PID, seedState } from './seed';
import { Survey } from './survey';

export type { DougalBehaviour } from './behaviour';
export { LEAST_FORGIVING_DOUGAL } from './behaviour';
export type { TokenIssue, TokenSighting } from './access';
export { SEED_PID } from './seed';
export { ACCOUNTS } from './tokens';

export interface DougalEmulatorOptions extends Partial<DougalBehaviour> {
  /** Persist state under `<dataDir>/dougal/`; null or absent keeps it in memory. */
  dataDir?: string | null;
  clock?: EmulatorClock;
  faults?: Partial<FaultSettings>;
  /** Random source for `jwtRefreshRate`. */
  random?: () => number;
  /** `/__admin` endpoints and fault injection (default on; off for the app's sample systems). */
  adminEndpoints?: boolean;
}

export interface AddShotInput {
  project?: string;
  sequence: number;
  point: number;
  tstamp?: string;
  /** Line for a sequence that does not exist yet. */
  line?: number;
}

export interface DougalEmulator {
  server: EmulatorServer;
  readonly behaviour: DougalBehaviour;
  setBehaviour(update: Partial<DougalBehaviour>): DougalBehaviour;
  /** The live state (mutating it changes what the API serves). */
  readonly state: DougalState;
  project(pid?: string): ProjectState;
  /** A new shot (what a P1 import would do); returns how many pending events got their tstamp. */
  addShot(input: AddShotInput): { filled: number };
  /** Tokens presented by requests, oldest first (by `jti`, never the token). */
  tokenSightings(): TokenSighting[];
  issuedTokens(): TokenIssue[];
  /** Writes pending state to disk now. */
  flush(): void;
  listen(port?: number): Promise<void>;
  /** Flushes state and stops the server. */
  close(): Promise<void>;
}

export async function createDougalEmulator(options: DougalEmulatorOptions = {}): Promise<DougalEmulator> {
  const { dataDir, clock = new EmulatorClock(), faults, random, adminEndpoints = true, ...behaviourOptions } = options;
  let behaviour = applyBehaviourUpdate(defaultBehaviour(), behaviourOptions as Record<string, unknown>);
  const file = new JsonStateFile<DougalState>(dataDir ? join(dataDir, 'dougal', 'state.json') : null);
  let state = file.load() ?? seedState();
  const save = () => file.save(state);
  /** `eventGeometry: 'stored'` needs every instance to carry its stored attributes (seeded or switched to at run time). */
  const storeAttributesIfNeeded = () => {
    if (behaviour.eventGeometry !== 'stored') return;
    for (const project of state.projects) new EventLog(project, () => behaviour, () => state.nextUid++).storeAttributes();
  };
  const changeBehaviour = (update: Record<string, unknown>) => {
    behaviour = applyBehaviourUpdate(behaviour, update);
    storeAttributesIfNeeded();
    save();
    return behaviour;
  };
  storeAttributesIfNeeded();
  save();
  const access = new Access(() => behaviour, clock, random);

  const projectOf = (pid = SEED_PID): ProjectState => {
    const project = state.projects.find((p) => p.pid === pid);
    if (!project) throw new HttpError(404, `project ${pid} does not exist`);
    return project;
  };
  const addShot = (input: AddShotInput) => {
    if (!Number.isInteger(input.sequence) || !Number.isInteger(input.point)) throw new HttpError(400, 'sequence and point must be integers');
    const tstamp = input.tstamp ?? clock.nowIso();
    if (Number.isNaN(Date.parse(tstamp))) throw new HttpError(400, 'tstamp must be ISO-8601');
    const project = projectOf(input.project);
    new Survey(project).addShot(input.sequence, input.point, new Date(tstamp).toISOString(), input.line);
    const filled = new EventLog(project, () => behaviour, () => state.nextUid++).fillPendingFor(input.sequence);
    save();
    return { filled };
  };

  const admin = new Router()
    .get('/dougal/options', () => ({ status: 200, json: behaviour }))
    .patch('/dougal/options', async (req) => {
      await applyJsonUpdate(req, 'options update', changeBehaviour);
      return { status: 200, json: behaviour };
    })
    .get('/dougal/state', () => ({
      status: 200,
      json: {
        behaviour,
        queue: state.queue,
        projects: state.projects.map((p) => ({
          pid: p.pid,
          lines: p.lines.length,
          sequences: p.sequences.length,
          plan: p.plan.map((e) => e.sequence),
          eventInstances: p.events.length,
          currentEvents: p.events.filter(isOpen).length,
          qcAccepted: p.qcAccepted,
        })),
      },
    }))
    .post('/dougal/shots', async (req) => ({ status: 200, json: addShot((await req.readJson()) as AddShotInput) }))
    .get('/dougal/tokens', () => ({ status: 200, json: { sightings: access.sightings, issued: access.issued } }));

  const server = createEmulatorServer({
    name: 'dougal',
    basePath: '/api',
    router: dougalRoutes({ state: () => state, behaviour: () => behaviour, access, now: () => clock.nowIso(), changed: save }),
    adminRouter: admin,
    adminEndpoints,
    clock,
    ...(faults ? { faults } : {}),
    decorateResponse: (req, res) => access.decorate(req, res),
    reset: () => {
      state = seedState();
      storeAttributesIfNeeded();
      save();
    },
  });

  return {
    server,
    get behaviour() {
      return behaviour;
    },
    setBehaviour(update) {
      return changeBehaviour(update as Record<string, unknown>);
    },
    get state() {
      return state;
    },
    project: projectOf,
    addShot,
    tokenSightings: () => [...access.sightings],
    issuedTokens: () => [...access.issued],
    flush: () => file.flush(),
    listen: (port) => server.listen(port),
    async close() {
      file.flush();
      await server.close();
    },
  };
}
