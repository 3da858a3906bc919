/**
 * The Dougal API routes (paths per the reference; [I] ones are the guesses listed in BEHAVIOUR.md).
 */
import { HttpError, Router, type EmulatorRequest, type EmulatorResponse } from '../kit/http-kit';
import type { Access } from './access';
import type { DougalBehaviour } from './behaviour';
import { EventLog, type EventFilter } from './event-log';
import type { DougalState, JsonObject, LabelDefinition, PlanEntry, ProjectState, QueueItem } from './model';
import { DEFAULT_EVENT_CSV_FIELDS, project as projectRows, rootDocument, toCsv, wantsCsv } from './representations';
import { PlanConflict, requireObject, Survey } from './survey';
import { styleReply } from './value-styles';

export interface DougalContext {
  state: () => DougalState;
  behaviour: () => DougalBehaviour;
  access: Access;
  now: () => string;
  /** Called after every change so the state file follows. */
  changed: () => void;
}

interface ProjectScope {
  project: ProjectState;
  survey: Survey;
  events: EventLog;
}

type Handler = (req: EmulatorRequest, params: Record<string, string>) => Promise<EmulatorResponse> | EmulatorResponse;
type ProjectHandler = (req: EmulatorRequest, scope: ProjectScope, params: Record<string, string>) => Promise<EmulatorResponse> | EmulatorResponse;

const NO_CONTENT: EmulatorResponse = { status: 204 };

export function dougalRoutes(ctx: DougalContext): Router {
  const router = new Router();

  const scopeOf = (pid: string | undefined): ProjectScope => {
    const state = ctx.state();
    const project = state.projects.find((p) => p.pid === pid);
    if (!project) throw new HttpError(404, `project ${pid} does not exist`);
    return { project, survey: new Survey(project), events: new EventLog(project, ctx.behaviour, () => state.nextUid++) };
  };
  const read = (handler: Handler): Handler => (req, params) => {
    ctx.access.authenticate(req, false);
    return handler(req, params);
  };
  const write = (handler: Handler): Handler => async (req, params) => {
    ctx.access.authenticate(req, true);
    const response = await handler(req, params);
    ctx.changed();
    return response;
  };
  const inProject = (guard: (h: Handler) => Handler, handler: ProjectHandler): Handler => guard((req, params) => handler(req, scopeOf(params.project), params));
  const getP = (path: string, h: ProjectHandler) => router.get(`/project/:project${path}`, inProject(read, h));
  const onP = (method: string, path: string, h: ProjectHandler) => router.on(method, `/project/:project${path}`, inProject(write, h));
  const int = (value: string | undefined, name: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new HttpError(400, `${name} must be an integer`);
    return n;
  };
  const json = (body: unknown, status = 200): EmulatorResponse => ({ status, json: body });
  /**
   * Entity replies (projects, lines, sequences, plan, events) with the configured null and value
   * styles; a list named by `listName` is wrapped when `listWrapper` says so.
   */
  const entities = (body: unknown, status = 200, listName?: string): EmulatorResponse => json(styleReply(styleNulls(body, ctx.behaviour().nullStyle), ctx.behaviour(), listName), status);

  router.get('/', (req) => rootDocument(req));
  router.post('/login', (req) => ctx.access.login(req));
  router.get('/logout', () => ctx.access.logout());
  router.post('/logout', () => ctx.access.logout());

  router.get('/project', read(() => entities(ctx.state().projects.map((p) => new Survey(p).summary()), 200, 'projects')));
  getP('/summary', (_req, s) => entities(s.survey.summary()));

  const treeAt = (root: unknown, path: string | undefined): { found: boolean; value: unknown } => {
    let value = root;
    for (const key of (path ?? '').split('/').filter(Boolean)) {
      if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return { found: false, value: undefined };
      value = (value as JsonObject)[key];
    }
    return { found: true, value };
  };
  const configuration: ProjectHandler = (_req, s, params) => {
    const { found, value } = treeAt(s.project.configuration, params.path);
    if (!found) throw new HttpError(404, `configuration has no ${params.path}`);
    return json(value);
  };
  getP('/configuration', configuration);
  getP('/configuration/*path', configuration);
  getP('/info/*path', (_req, s, params) => {
    const keys = (params.path ?? '').split('/').filter(Boolean);
    if (keys.length === 0) throw new HttpError(400, 'an info key is required');
    const { found, value } = treeAt(s.project.info, params.path);
    if (found) return json(value);
    const keyMissing = !Object.hasOwn(s.project.info, keys[0]!);
    const rule = ctx.behaviour().infoMissing;
    if (rule === '404' || (rule === 'split' && keyMissing)) throw new HttpError(404, `data does not exist: ${params.path}`);
    return { status: 200, body: '' };
  });
  onP('PUT', '/meta', async (req, s) => {
    const b = requireObject(await req.readJson());
    if (b.point !== undefined && b.point !== null) throw new HttpError(400, 'per-point meta is not emulated');
    const type = (b.type as string | undefined) ?? 'raw';
    let holder: { meta: JsonObject } | { meta_final: JsonObject };
    let key: 'meta' | 'meta_final' = 'meta';
    if (typeof b.sequence === 'number') {
      const seq = s.survey.sequence(b.sequence);
      key = type === 'final' ? 'meta_final' : 'meta';
      holder = seq;
    } else if (typeof b.line === 'number') {
      holder = s.survey.line(b.line);
    } else {
      throw new HttpError(400, 'sequence or line is required');
    }
    const target = holder as Record<string, JsonObject>;
    const path = typeof b.path === 'string' ? b.path.split('/').filter(Boolean) : [];
    if (path.length === 0) {
      if (!b.value || typeof b.value !== 'object') throw new HttpError(400, 'value must be an object when no path is given');
      target[key] = b.value as JsonObject;
    } else {
      let node: JsonObject = (target[key] = structuredClone(target[key] ?? {}));
      for (const part of path.slice(0, -1)) node = (node[part] = node[part] && typeof node[part] === 'object' ? node[part] : {}) as JsonObject;
      node[path.at(-1)!] = b.value;
    }
    return NO_CONTENT;
  });

  getP('/label', (_req, s) => {
    const b = ctx.behaviour();
    const labels: { name: string; data?: unknown }[] = b.labelData === 'sparse' ? s.project.labels.map(sparseLabel) : s.project.labels;
    return b.labelShape === 'array' ? json(styleReply(labels, b, 'labels')) : json(Object.fromEntries(labels.map((l) => [l.name, l.data ?? null])));
  });

  getP('/line', (req, s) => entities(projectRows(s.project.lines.map((l) => s.survey.lineView(l)), req.query.get(ctx.behaviour().projectionParam)), 200, 'lines'));
  getP('/line/:line', (_req, s, p) => json(s.survey.linePoints(int(p.line, 'line'))));
  onP('PATCH', '/line/:line', async (req, s, p) => {
    s.survey.patchLine(int(p.line, 'line'), await req.readJson());
    return NO_CONTENT;
  });

  getP('/sequence', (req, s) => {
    const files = req.query.bool('files') ?? false;
    return entities(projectRows(s.project.sequences.map((q) => s.survey.sequenceView(q, files)), req.query.get(ctx.behaviour().projectionParam)), 200, 'sequences');
  });
  getP('/sequence/:sequence', (req, s, p) => {
    const shots = s.survey.shots(int(p.sequence, 'sequence'));
    return wantsCsv(req) ? toCsv(shots, req, ['sequence', 'line', 'point', 'tstamp']) : json(shots);
  });
  onP('PATCH', '/sequence/:sequence', async (req, s, p) => {
    s.survey.patchSequence(int(p.sequence, 'sequence'), await req.readJson());
    return NO_CONTENT;
  });

  getP('/plan', (_req, s) => entities(s.project.plan.map((e) => s.survey.planView(e)), 200, 'plan'));
  getP('/plan/:sequence', (_req, s, p) => entities(s.survey.planView(s.survey.planEntry(int(p.sequence, 'sequence')))));
  const planRules = () => ({ conflictStatus: ctx.behaviour().planConflictStatus, numbersTaken: ctx.behaviour().planNumbersTaken });
  /** A plan write: a taken number is refused in the configured body shape; the reply follows `planWriteResponse`. */
  const planWrite = (handler: ProjectHandler): ProjectHandler => async (req, s, p) => {
    try {
      return await handler(req, s, p);
    } catch (error) {
      if (error instanceof PlanConflict && ctx.behaviour().planConflictBody === 'text') {
        return { status: error.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: error.message };
      }
      throw error;
    }
  };
  const planReply = (s: ProjectScope, entry: PlanEntry | null): EmulatorResponse =>
    ctx.behaviour().planWriteResponse === 'ok-200-entry' && entry ? entities(s.survey.planView(entry)) : NO_CONTENT;
  onP(
    'POST',
    '/plan',
    planWrite(async (req, s) => {
      const entry = s.survey.addPlan(await req.readJson(), planRules());
      const location = { location: `/api/project/${s.project.pid}/plan/${entry.sequence}` };
      const reply = ctx.behaviour().planPostResponse;
      if (reply === 'empty-204') return { status: 204, headers: location };
      if (reply === 'created-201-empty') return { status: 201, headers: location };
      return { ...entities(s.survey.planView(entry), 201), headers: location };
    }),
  );
  onP('PUT', '/plan/:sequence', async (req, s, p) => planReply(s, s.survey.replacePlan(int(p.sequence, 'sequence'), await req.readJson())));
  onP(
    'PATCH',
    '/plan/:sequence',
    planWrite(async (req, s, p) => {
      // A server with only PUT and DELETE on plan entries: the path is unknown for PATCH.
      if (ctx.behaviour().planPatch === 'missing') throw new HttpError(404, `no route for ${req.path}`);
      return planReply(s, s.survey.patchPlan(int(p.sequence, 'sequence'), await req.readJson(), planRules()));
    }),
  );
  onP('DELETE', '/plan/:sequence', (_req, s, p) => {
    s.survey.deletePlan(int(p.sequence, 'sequence'));
    return NO_CONTENT;
  });

  getP('/event', (req, s) => {
    const b = ctx.behaviour();
    const filter: EventFilter = {};
    const sequence = req.query.get('sequence');
    if (sequence) filter.sequences = sequence.split(/[;,]/).filter(Boolean).map((n) => int(n, 'sequence'));
    const date0 = req.query.get('date0');
    const date1 = req.query.get('date1');
    for (const d of [date0, date1]) if (d !== undefined && Number.isNaN(Date.parse(d))) throw new HttpError(400, `"${d}" is not a date`);
    if (date0) filter.date0 = date0;
    if (date1) filter.date1 = date1;
    if (b.eventMetaFilter) {
      filter.meta = [...req.query.raw].filter(([k]) => k.startsWith('meta.')).map(([k, value]) => ({ path: k.slice(5).split('.'), value }));
    }
    let rows = s.events.list(filter);
    const offset = req.query.number(b.offsetParam) ?? 0;
    const limit = req.query.number(b.limitParam);
    rows = rows.slice(offset, limit === undefined ? undefined : offset + limit);
    if (wantsCsv(req)) return toCsv(rows as unknown as Record<string, unknown>[], req, DEFAULT_EVENT_CSV_FIELDS);
    // Never wrapped (`listWrapper`): paging counts the page's items, and Corelog's client counts them on the bare list.
    return entities(projectRows(rows, req.query.get(b.projectionParam)));
  });
  onP('POST', '/event', async (req, s) => {
    const event = s.events.create(await req.readJson(), ctx.now());
    const location = { location: `/api/project/${s.project.pid}/event/${event.id}` };
    const reply = ctx.behaviour().eventPostResponse;
    if (reply === 'empty-204') return { status: 204, headers: location };
    const body = reply === 'created-201-id-only' ? { id: event.id } : styleNulls(s.events.createdView(event), ctx.behaviour().nullStyle);
    return { status: 201, headers: location, json: styleReply(body, ctx.behaviour()) };
  });
  const changes: ProjectHandler = (req, s, p) => {
    // A server without the endpoint: the path is simply unknown (the kit's 404 wording).
    if (ctx.behaviour().changesEndpoint === 'missing') throw new HttpError(404, `no route for ${req.path}`);
    const since = p.since ?? req.query.get('since');
    if (!since) throw new HttpError(400, 'since is required');
    return entities(s.events.changes(since, req.query.has('unique') && req.query.get('unique') !== 'false'), 200, 'changes');
  };
  getP('/event/changes/:since', changes);
  getP('/event/changes', changes);
  getP('/event/:id', (_req, s, p) => {
    const current = s.events.current(int(p.id, 'id'));
    if (!current) throw new HttpError(404, `event ${p.id} does not exist or is deleted`);
    return entities(current);
  });
  getP('/event/:id/history', (_req, s, p) => entities(s.events.history(int(p.id, 'id')), 200, 'history'));
  onP('PUT', '/event/:id', async (req, s, p) => {
    s.events.update(int(p.id, 'id'), await req.readJson(), ctx.now());
    return NO_CONTENT;
  });
  onP('DELETE', '/event/:id', (_req, s, p) => {
    s.events.remove(int(p.id, 'id'), ctx.now());
    return NO_CONTENT;
  });

  getP('/qc/results', (_req, s) => json(qcTree(s)));
  onP('DELETE', '/qc/results', (_req, s) => {
    const now = ctx.now();
    for (const e of s.project.events) if (e.readonly && e.labels.includes('QC') && e.validity[2] === null) e.validity = ['[', e.validity[1], now, ')'];
    return NO_CONTENT;
  });
  onP('POST', '/qc/results/accept', async (req, s) => {
    s.events.setQcAccepted(await req.readJson(), true);
    return NO_CONTENT;
  });
  onP('POST', '/qc/results/unaccept', async (req, s) => {
    s.events.setQcAccepted(await req.readJson(), false);
    return NO_CONTENT;
  });

  router.get('/queue/outgoing/asaqc', read(() => json(ctx.state().queue)));
  router.post(
    '/queue/outgoing/asaqc',
    write(async (req) => {
      const body = await req.readJson();
      const state = ctx.state();
      // All or nothing: one bad item and nothing is queued.
      if (!Array.isArray(body) || body.length === 0) throw new HttpError(400, 'body must be a non-empty array of requests');
      body.forEach((item: { project?: unknown; sequence?: unknown }, i) => {
        if (!item || typeof item.project !== 'string' || !Number.isInteger(item.sequence)) throw new HttpError(400, `item ${i}: project (string) and sequence (integer) are required`);
      });
      const now = ctx.now();
      const queued: QueueItem[] = body.map((item: { project: string; sequence: number }) => ({
        item_id: state.nextQueueItem++,
        queue_id: 1,
        status: 'queued',
        payload: { project: item.project, sequence: item.sequence },
        results: null,
        created_on: now,
        updated_on: now,
        not_before: now,
        parent_id: null,
      }));
      state.queue.push(...queued);
      return json(queued, 202);
    }),
  );
  router.delete(
    '/queue/outgoing/asaqc/:id',
    write((_req, p) => {
      const state = ctx.state();
      const id = int(p.id, 'id');
      const item = state.queue.find((q) => q.item_id === id);
      if (!item || item.status === 'sent' || item.status === 'cancelled') throw new HttpError(404, `queue item ${id} does not exist or cannot be cancelled`);
      const now = ctx.now();
      const cancel = (q: QueueItem) => Object.assign(q, { status: 'cancelled', updated_on: now });
      if (item.status === 'queued') cancel(item);
      else for (const q of state.queue) if (q.parent_id === id && q.status === 'queued') cancel(q);
      return NO_CONTENT;
    }),
  );
  return router;
}

/** Keys an entity is identified by: never emptied to null. */
const IDENTITY_KEYS = new Set(['id', 'uid', 'pid', 'name', 'sequence', 'line', 'fsp', 'lsp', 'status', 'validity']);
const isEmpty = (v: unknown) => v === '' || v === false || (Array.isArray(v) && v.length === 0) || (!!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * `nullStyle` (behaviour.ts): `mixed` as stored; `omit` drops every attribute whose value is
 * null; `explicit-null` sends `null` for every empty optional attribute ("", [], {}, false).
 * Top-level attributes of each entity only: nested objects (meta, geometry) are data.
 */
function styleNulls(body: unknown, style: 'mixed' | 'omit' | 'explicit-null'): unknown {
  if (style === 'mixed') return body;
  if (Array.isArray(body)) return body.map((item) => styleNulls(item, style));
  if (!body || typeof body !== 'object') return body;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (style === 'omit' && value === null) continue;
    out[key] = style === 'explicit-null' && !IDENTITY_KEYS.has(key) && isEmpty(value) ? null : value;
  }
  return out;
}

/**
 * A label as a sparser Dougal might keep it (`labelData: 'sparse'`): by position, `data` null,
 * `data` missing, only a description, or a null colour with one flag. Names always stay.
 */
function sparseLabel(label: LabelDefinition, index: number): { name: string; data?: unknown } {
  switch (index % 4) {
    case 0:
      return { name: label.name, data: null };
    case 1:
      return { name: label.name };
    case 2:
      return { name: label.name, data: { view: { description: label.data.view.description } } };
    default:
      return { name: label.name, data: { view: { colour: null }, model: { multiple: label.data.model.multiple } } };
  }
}

/** QC results grouped by test; the real tree's structure was not recovered (reference §6). */
function qcTree(s: ProjectScope) {
  const accepted = new Set(s.project.qcAccepted);
  const tests = new Map<string, { id: string; name: string; results: unknown[] }>();
  for (const e of s.events.list({})) {
    const test = (e.meta.qc as { test?: string } | undefined)?.test;
    if (!e.readonly || !e.labels.includes('QC') || !test) continue;
    let entry = tests.get(test);
    if (!entry) tests.set(test, (entry = { id: test, name: test.replace(/_/g, ' '), results: [] }));
    entry.results.push({ event_id: e.id, sequence: e.sequence, point: e.point, tstamp: e.tstamp, remarks: e.remarks, accepted: accepted.has(e.id) });
  }
  return { project: s.project.pid, tests: [...tests.values()] };
}
