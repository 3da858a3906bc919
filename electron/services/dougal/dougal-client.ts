/**
 * The main process's Dougal client: the endpoints Corelog uses, typed and validated. Session
 * handling lives in DougalTransport, path guesses in paths.ts, reply shapes in schemas.ts;
 * ENDPOINTS.md says which paths are documented and which are guesses.
 */
import { z } from 'zod';
import { CorelogError } from '../../../common/errors';
import { DougalTransport, parseReply, type DougalCredentials } from './dougal-transport';
import { DEFAULT_DOUGAL_PATHS, DEFAULT_DOUGAL_QUERY_NAMES, fillPath, type DougalPaths, type DougalQueryNames } from './paths';
import {
  eventInstanceSchema,
  eventSchema,
  labelListSchema,
  lineSchema,
  plannedSequenceSchema,
  projectSummarySchema,
  qcResultsSchema,
  sequenceSchema,
  type DougalEvent,
  type DougalEventFields,
  type DougalEventInstance,
  type DougalNewEvent,
  type DougalPlanInput,
  type DougalSequencePatch,
} from './schemas';
import type { DougalSessionInfo } from './session';
import type { SystemClientOptions } from '../http/system-client-options';

export type { DougalSessionInfo } from './session';
export type { DougalCredentials } from './dougal-transport';
export type * from './schemas';
export { DEFAULT_DOUGAL_PATHS, DEFAULT_DOUGAL_QUERY_NAMES, type DougalPaths, type DougalQueryNames } from './paths';

/** `timeoutMs` defaults to 20 s; `baseUrl` e.g. `http://127.0.0.1:4020/api`. */
export interface DougalClientOptions extends SystemClientOptions<DougalSessionInfo> {
  /** The stored login, read from the credential vault when a (re-)login is needed. Never logged. */
  credentials?: () => Promise<DougalCredentials | null>;
  /** Rely on Dougal's network (IP/host) login instead of credentials. */
  implicit?: boolean;
  paths?: Partial<DougalPaths>;
  query?: Partial<DougalQueryNames>;
  idempotency?: {
    /** The `meta` attribute that carries Corelog's idempotency key. */
    metaKey?: string;
    /** How to find an event by key: scan the changes endpoint (documented) or filter the list (a guess). */
    lookup?: 'changes' | 'meta-filter';
  };
}

export interface DougalEventFilter {
  /** One sequence or several (sent as `1;3;7`). */
  sequence?: number | number[];
  /** A day (YYYY-MM-DD), or the start of a day interval with `date1`. */
  date0?: string;
  date1?: string;
}

export interface DougalPage {
  offset?: number;
  limit?: number;
}

export interface DougalCsvOptions {
  fields?: string[];
  delimiter?: string;
  header?: boolean;
}

const projectList = z.array(projectSummarySchema);
const eventList = z.array(eventSchema);
const instanceList = z.array(eventInstanceSchema);
const DAY_MS = 86_400_000;

export class DougalClient {
  private readonly transport: DougalTransport;
  private readonly paths: DougalPaths;
  private readonly query: DougalQueryNames;
  private readonly now: () => number;
  private readonly metaKey: string;
  private readonly lookup: 'changes' | 'meta-filter';

  constructor(options: DougalClientOptions) {
    this.paths = { ...DEFAULT_DOUGAL_PATHS, ...options.paths };
    this.query = { ...DEFAULT_DOUGAL_QUERY_NAMES, ...options.query };
    this.now = options.now ?? Date.now;
    this.metaKey = options.idempotency?.metaKey ?? 'corelog_key';
    this.lookup = options.idempotency?.lookup ?? 'changes';
    this.transport = new DougalTransport({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 20_000,
      credentials: options.credentials ?? (async () => null),
      implicit: options.implicit ?? false,
      now: this.now,
      loginPath: this.paths.login,
      logoutPath: this.paths.logout,
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
      ...(options.onSessionChange ? { onSessionChange: options.onSessionChange } : {}),
    });
  }

  // --- session ---------------------------------------------------------------------------

  login(user: string, password: string): Promise<void> {
    return this.transport.login(user, password);
  }

  loginImplicitly(): Promise<void> {
    return this.transport.loginImplicitly(this.paths.probe);
  }

  logout(): Promise<void> {
    return this.transport.logout();
  }

  session(): DougalSessionInfo {
    return this.transport.sessionInfo();
  }

  /** Resolves when Dougal answers at all (any status); throws offline/timeout otherwise. */
  probe(): Promise<void> {
    return this.transport.probe(this.paths.probe);
  }

  // --- project, preplots, sequences ------------------------------------------------------------

  listProjects() {
    return this.transport.json({ action: 'list projects', method: 'GET', path: this.paths.projects }, projectList);
  }

  projectSummary(project: string) {
    return this.transport.json({ action: 'read the project summary', method: 'GET', path: this.path('projectSummary', { project }) }, projectSummarySchema);
  }

  listLabels(project: string) {
    return this.transport.json({ action: 'list labels', method: 'GET', path: this.path('labels', { project }) }, labelListSchema);
  }

  listLines(project: string) {
    return this.transport.json({ action: 'list preplot lines', method: 'GET', path: this.path('lines', { project }) }, z.array(lineSchema));
  }

  listSequences(project: string, options: { files?: boolean } = {}) {
    return this.transport.json(
      { action: 'list sequences', method: 'GET', path: this.path('sequences', { project }), query: { files: options.files ? 'true' : undefined } },
      z.array(sequenceSchema),
    );
  }

  /** Only the given properties change; `*_final` ones only where processed data exists. */
  updateSequence(project: string, sequence: number, patch: DougalSequencePatch): Promise<void> {
    return this.transport.noContent({ action: `update sequence ${sequence}`, method: 'PATCH', path: this.path('sequence', { project, sequence }), json: patch });
  }

  // --- plan --------------------------------------------------------------------------------

  listPlan(project: string) {
    return this.transport.json({ action: 'list the plan', method: 'GET', path: this.path('plan', { project }) }, z.array(plannedSequenceSchema));
  }

  /** Adds a planned sequence; returns it when Dougal echoes it, null when it answers 204. */
  async createPlannedSequence(project: string, entry: DougalPlanInput) {
    const response = await this.transport.send({ action: 'add a planned sequence', method: 'POST', path: this.path('plan', { project }), json: entry });
    return this.optionalReply(response, plannedSequenceSchema, 'add a planned sequence');
  }

  /** Replaces a planned sequence; `line` cannot change (Dougal ignores it). */
  replacePlannedSequence(project: string, sequence: number, entry: Omit<DougalPlanInput, 'sequence'>): Promise<void> {
    return this.transport.noContent({ action: `replace planned sequence ${sequence}`, method: 'PUT', path: this.path('planItem', { project, sequence }), json: entry });
  }

  /** Partial update; `sequence` in the patch renumbers (409 → conflict when the number is taken). */
  updatePlannedSequence(project: string, sequence: number, patch: Partial<Omit<DougalPlanInput, 'line'>>): Promise<void> {
    return this.transport.noContent({ action: `update planned sequence ${sequence}`, method: 'PATCH', path: this.path('planItem', { project, sequence }), json: patch });
  }

  deletePlannedSequence(project: string, sequence: number): Promise<void> {
    return this.transport.noContent({ action: `remove planned sequence ${sequence}`, method: 'DELETE', path: this.path('planItem', { project, sequence }) });
  }

  // --- event log ---------------------------------------------------------------------------

  listEvents(project: string, filter: DougalEventFilter = {}, page: DougalPage = {}): Promise<DougalEvent[]> {
    return this.transport.json(
      {
        action: 'list events',
        method: 'GET',
        path: this.path('events', { project }),
        query: { ...this.filterQuery(filter), [this.query.offset]: page.offset, [this.query.limit]: page.limit },
      },
      eventList,
    );
  }

  /** Every current event matching `filter`, page by page (bounded, and safe against servers that ignore paging). */
  async listAllEvents(project: string, filter: DougalEventFilter = {}, options: { pageSize?: number; maxPages?: number } = {}): Promise<DougalEvent[]> {
    const pageSize = options.pageSize ?? 500;
    const maxPages = options.maxPages ?? 1000;
    const all: DougalEvent[] = [];
    let previousFirst: number | undefined;
    for (let page = 0; page < maxPages; page++) {
      const events = await this.listEvents(project, filter, { offset: page * pageSize, limit: pageSize });
      if (events.length > pageSize) return events; // the server ignored `limit` and sent everything
      if (page > 0 && events.length > 0 && events[0]!.id === previousFirst) {
        throw new CorelogError('malformed-response', `Dougal ignored the paging offset "${this.query.offset}"; set the right parameter name for this server.`, { system: 'dougal', retryable: false });
      }
      previousFirst = events[0]?.id;
      all.push(...events);
      if (events.length < pageSize) return all;
    }
    throw new CorelogError('internal', `Stopped listing Dougal events after ${maxPages} pages.`, { system: 'dougal' });
  }

  async getEvent(project: string, id: number): Promise<DougalEvent> {
    return this.transport.json({ action: `read event ${id}`, method: 'GET', path: this.path('event', { project, id }) }, eventSchema);
  }

  /**
   * Logs a new event. With `idempotencyKey` the key is stored in `meta`, so a retry after a lost
   * response can find the event instead of logging it twice. Returns the event, or null when
   * Dougal answers 204 (then `findEventsByIdempotencyKey` finds it).
   */
  async createEvent(project: string, event: DougalNewEvent, options: { idempotencyKey?: string } = {}): Promise<DougalEvent | null> {
    const hasTime = typeof event.tstamp === 'string';
    const hasShot = typeof event.sequence === 'number' && typeof event.point === 'number';
    if (!hasTime && !hasShot) throw new CorelogError('validation', 'An event needs a time, or a sequence and shot point.', { system: 'dougal' });
    const body = { ...event, meta: { ...event.meta, ...(options.idempotencyKey ? { [this.metaKey]: options.idempotencyKey } : {}) } };
    const response = await this.transport.send({ action: 'log an event', method: 'POST', path: this.path('events', { project }), json: body });
    return this.optionalReply(response, eventSchema, 'log an event');
  }

  /** PUT with every attribute: Dougal closes the current version and stores a new one (new uid). */
  updateEvent(project: string, id: number, event: DougalEventFields): Promise<void> {
    const { tstamp, sequence, point, remarks, labels, meta } = event;
    return this.transport.noContent({ action: `edit event ${id}`, method: 'PUT', path: this.path('event', { project, id }), json: { tstamp, sequence, point, remarks, labels, meta } });
  }

  /** Closes the event's validity: it leaves the lists but stays in its history. */
  deleteEvent(project: string, id: number): Promise<void> {
    return this.transport.noContent({ action: `delete event ${id}`, method: 'DELETE', path: this.path('event', { project, id }) });
  }

  /** Restores an event by PUTting an earlier version's content; the deletion stays in the history. */
  undeleteEvent(project: string, instance: DougalEventInstance | DougalEvent): Promise<void> {
    return this.updateEvent(project, instance.id, instance);
  }

  /** Every version opened or closed since `since`; with `unique`, only the newest per event. */
  eventChanges(project: string, since: Date | string, options: { unique?: boolean } = {}): Promise<DougalEventInstance[]> {
    const sinceIso = typeof since === 'string' ? since : since.toISOString();
    const templated = this.paths.eventChanges.includes('{since}');
    return this.transport.json(
      {
        action: 'read event changes',
        method: 'GET',
        path: this.path('eventChanges', templated ? { project, since: sinceIso } : { project }),
        query: { ...(templated ? {} : { since: sinceIso }), [this.query.unique]: options.unique ? 'true' : undefined },
      },
      instanceList,
    );
  }

  eventHistory(project: string, id: number): Promise<DougalEventInstance[]> {
    return this.transport.json({ action: `read the history of event ${id}`, method: 'GET', path: this.path('eventHistory', { project, id }) }, instanceList);
  }

  /**
   * Current events carrying `key` (from `createEvent`'s idempotencyKey). `since` bounds the scan
   * of the changes endpoint (default: the last 7 days). Always re-checked here, so a server that
   * ignores the guessed filter only costs bandwidth, never a wrong answer.
   */
  async findEventsByIdempotencyKey(project: string, key: string, options: { since?: Date | string } = {}): Promise<DougalEvent[]> {
    const carries = (e: DougalEvent) => e.meta[this.metaKey] === key;
    if (this.lookup === 'meta-filter') {
      const events = await this.transport.json(
        { action: 'look up an event by key', method: 'GET', path: this.path('events', { project }), query: { [`${this.query.metaFilterPrefix}${this.metaKey}`]: key } },
        eventList,
      );
      return events.filter(carries);
    }
    const changes = await this.eventChanges(project, options.since ?? new Date(this.now() - 7 * DAY_MS), { unique: true });
    return changes.filter((e) => e.validity[2] === null && carries(e)).map(({ validity: _validity, ...event }) => event);
  }

  async exportEventsCsv(project: string, filter: DougalEventFilter = {}, options: DougalCsvOptions = {}): Promise<string> {
    const response = await this.transport.send({
      action: 'export events as CSV',
      method: 'GET',
      path: this.path('events', { project }),
      accept: 'text/csv',
      query: {
        ...this.filterQuery(filter),
        fields: options.fields?.join(','),
        delimiter: options.delimiter,
        header: options.header === undefined ? undefined : String(options.header),
      },
    });
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    if (!/csv|text\/plain/i.test(type) || /^\s*</.test(text)) {
      throw new CorelogError('malformed-response', `Dougal answered the CSV export with ${type || 'no content type'} instead of CSV.`, { status: response.status, system: 'dougal', retryable: false });
    }
    return text;
  }

  // --- QC ----------------------------------------------------------------------------------

  qcResults(project: string) {
    return this.transport.json({ action: 'read QC results', method: 'GET', path: this.path('qcResults', { project }) }, qcResultsSchema);
  }

  acceptQcResults(project: string, eventIds: number[]): Promise<void> {
    return this.transport.noContent({ action: 'accept QC results', method: 'POST', path: this.path('qcAccept', { project }), json: eventIds });
  }

  unacceptQcResults(project: string, eventIds: number[]): Promise<void> {
    return this.transport.noContent({ action: 'un-accept QC results', method: 'POST', path: this.path('qcUnaccept', { project }), json: eventIds });
  }

  // --- helpers -----------------------------------------------------------------------------

  private path(name: keyof DougalPaths, values: Record<string, string | number>): string {
    return fillPath(this.paths[name], values);
  }

  private filterQuery(filter: DougalEventFilter): Record<string, string | undefined> {
    const sequence = filter.sequence === undefined ? undefined : [filter.sequence].flat().join(';');
    return { sequence, date0: filter.date0, date1: filter.date1 };
  }

  /** A 201 with the entity, or a 204/empty body: both are success. */
  private async optionalReply<S extends z.ZodType>(response: Awaited<ReturnType<DougalTransport['send']>>, schema: S, action: string): Promise<z.output<S> | null> {
    const text = await response.text();
    if (response.status === 204 || !text.trim()) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CorelogError('malformed-response', `Dougal's reply to "${action}" is not JSON.`, { status: response.status, system: 'dougal', retryable: false });
    }
    return parseReply(schema, value, action, response.status);
  }
}
