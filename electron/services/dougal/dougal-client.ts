/**
 * The main process's Dougal client: the endpoints Corelog uses, typed and validated. Session
 * handling lives in DougalTransport, path guesses in paths.ts, reply shapes in schemas.ts;
 * ENDPOINTS.md says which paths are documented and which are guesses.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { CorelogError } from '../../../common/errors';
import { describeContentType, looksLikeWebPage, webPageError } from '../http/http-request';
import { DougalTransport, type DougalCredentials, type DougalRequest } from './dougal-transport';
import { DEFAULT_DOUGAL_PATHS, DEFAULT_DOUGAL_QUERY_NAMES, fillPath, type DougalPaths, type DougalQueryNames } from './paths';
import { carriesKey, keepsKeyAttribute, landedButUnreadable, rawEventItems, sameEventContent } from './key-lookup';
import { parseItems, parseLabels, parseReply, type ReadItem, type ReportProblem } from './reply-items';
import {
  eventInstanceSchema,
  eventSchema,
  lineSchema,
  plannedSequenceSchema,
  projectSummaryReplySchema,
  projectSummarySchema,
  qcResultsSchema,
  sequenceSchema,
  SERVER_OWNED_EVENT_ATTRIBUTES,
  UNKNOWN_UID,
  type DougalEvent,
  type DougalEventFields,
  type DougalEventInstance,
  type DougalLabel,
  type DougalNewEvent,
  type DougalPlanInput,
  type DougalPlannedSequence,
  type DougalRawEvent,
  type DougalSequence,
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

/** What the idempotency look-up may know about the event it looks for, to narrow the fallback list query. */
export interface DougalEventHint {
  tstamp?: string | null;
  sequence?: number | null;
}

/** One page of the event list (`listEventsPage`). */
export interface EventListPage {
  events: DougalEvent[];
  /** Items Dougal sent, readable or not. */
  received: number;
  /** The first item's `id` as sent. */
  firstId: unknown;
  /** The first item's id as text, else a digest of the item; null for an empty page. */
  first: string | null;
  /** The reply as Dougal sent it. */
  reply: unknown;
}

export interface DougalCsvOptions {
  fields?: string[];
  delimiter?: string;
  header?: boolean;
}

const DAY_MS = 86_400_000;
/**
 * Reply cap for calls that may carry a whole event log (~500 bytes an event: ~60,000 events),
 * above the default 8 MiB cap for ordinary replies but still bounded, so a runaway reply cannot
 * push the service process past its memory budget.
 */
const WHOLE_LOG_MAX_BYTES = 32 * 1024 * 1024;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The body of an event PUT: the event as Dougal sent it (every attribute, `geometry` and unknown
 * ones included, since the PUT resets whatever it leaves out), without what the server owns,
 * with the user's change on top.
 */
export function eventPutBody(base: DougalRawEvent, change: DougalEventFields): DougalRawEvent {
  const body: DougalRawEvent = { ...base };
  for (const key of SERVER_OWNED_EVENT_ATTRIBUTES) delete body[key];
  const { tstamp, sequence, point, remarks, labels, meta } = change;
  // `geometry` is a documented attribute (EventAbstract): a server that left it out of its reply
  // because it was null still expects it in a full PUT.
  return { ...body, geometry: body.geometry ?? null, tstamp, sequence, point, remarks, labels, meta };
}

/** Attributes of a planned sequence Dougal computes (PlannedSequence readOnly) or takes from the path. */
export const SERVER_OWNED_PLAN_ATTRIBUTES: readonly string[] = ['sequence', 'duration', 'num_points', 'length', 'azimuth', 'class', 'geometry'];

/**
 * The body of a plan PUT (it replaces the entry): the entry as Dougal sent it, every attribute
 * kept (`meta`, unknown ones), without what the server computes, with the user's change on top.
 */
export function planPutBody(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base };
  for (const key of SERVER_OWNED_PLAN_ATTRIBUTES) delete body[key];
  return { ...body, ...change };
}

/** The event id in a `Location` header such as `/api/project/p/event/123`, or null. */
export function eventIdFromLocation(location: string | null): number | null {
  const match = location?.match(/\/event\/(\d+)\/?(?:[?#].*)?$/);
  return match ? Number(match[1]) : null;
}

export class DougalClient {
  private readonly transport: DougalTransport;
  private readonly paths: DougalPaths;
  private readonly query: DougalQueryNames;
  private readonly now: () => number;
  private readonly metaKey: string;
  private readonly lookup: 'changes' | 'meta-filter';
  private readonly report: ReportProblem;

  constructor(options: DougalClientOptions) {
    this.paths = { ...DEFAULT_DOUGAL_PATHS, ...options.paths };
    this.query = { ...DEFAULT_DOUGAL_QUERY_NAMES, ...options.query };
    this.now = options.now ?? Date.now;
    this.metaKey = options.idempotency?.metaKey ?? 'corelog_key';
    this.lookup = options.idempotency?.lookup ?? 'changes';
    this.report = options.onReplyProblem ?? (() => undefined);
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
      ...(options.limits ? { limits: options.limits } : {}),
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
    return this.list({ action: 'list projects', method: 'GET', path: this.paths.projects }, projectSummarySchema);
  }

  projectSummary(project: string) {
    return this.transport.json({ action: 'read the project summary', method: 'GET', path: this.path('projectSummary', { project }) }, projectSummaryReplySchema);
  }

  /** Label definitions; a label with missing or null `data` still counts (no colour, default flags). */
  async listLabels(project: string): Promise<DougalLabel[]> {
    const action = 'list labels';
    const { value, status } = await this.listValue({ action, method: 'GET', path: this.path('labels', { project }) });
    return parseLabels(value, action, status, this.report);
  }

  listLines(project: string) {
    return this.list({ action: 'list preplot lines', method: 'GET', path: this.path('lines', { project }) }, lineSchema);
  }

  listSequences(project: string, options: { files?: boolean } = {}) {
    return this.list({ action: 'list sequences', method: 'GET', path: this.path('sequences', { project }), query: { files: options.files ? 'true' : undefined } }, sequenceSchema);
  }

  /** Only the given properties change; `*_final` ones only where processed data exists. */
  updateSequence(project: string, sequence: number, patch: DougalSequencePatch): Promise<void> {
    return this.transport.noContent({ action: `update sequence ${sequence}`, method: 'PATCH', path: this.path('sequence', { project, sequence }), json: patch });
  }

  // --- plan --------------------------------------------------------------------------------

  listPlan(project: string) {
    return this.list({ action: 'list the plan', method: 'GET', path: this.path('plan', { project }) }, plannedSequenceSchema);
  }

  /** The plan with each entry exactly as Dougal sent it (the base of a PUT). */
  async readPlan(project: string): Promise<ReadItem<DougalPlannedSequence>[]> {
    const action = 'list the plan';
    const { value, status } = await this.listValue({ action, method: 'GET', path: this.path('plan', { project }) });
    return parseItems(plannedSequenceSchema, value, action, status, this.report);
  }

  /** Acquired sequences, each with the object as sent. */
  async readSequences(project: string): Promise<ReadItem<DougalSequence>[]> {
    const action = 'list sequences';
    const { value, status } = await this.listValue({ action, method: 'GET', path: this.path('sequences', { project }) });
    return parseItems(sequenceSchema, value, action, status, this.report);
  }

  /**
   * Adds a planned sequence; returns it when Dougal echoes it, null when it answers without it
   * (204, an empty 201, Express's plain-text "Created", or a reply that is not a whole entry):
   * the caller reads the plan back instead of sending again.
   */
  async createPlannedSequence(project: string, entry: DougalPlanInput): Promise<DougalPlannedSequence | null> {
    const action = 'add a planned sequence';
    const response = await this.transport.send({ action, method: 'POST', path: this.path('plan', { project }), json: entry });
    const text = response.status === 204 ? '' : await response.text();
    if (response.status === 204) await response.discard();
    if (!text.trim()) return null;
    let reply: unknown;
    try {
      reply = JSON.parse(text) as unknown;
    } catch {
      this.report({ action, detail: `the ${response.status} reply was not JSON; the plan is read back instead` });
      return null;
    }
    const parsed = plannedSequenceSchema.safeParse(reply);
    if (parsed.success) return parsed.data;
    this.report({ action, detail: `the ${response.status} reply was not a planned sequence; the plan is read back instead` });
    return null;
  }

  /** Replaces a planned sequence; `line` cannot change (Dougal ignores it). Build the body with `planPutBody` to keep every attribute. */
  replacePlannedSequence(project: string, sequence: number, entry: Omit<DougalPlanInput, 'sequence'> | Record<string, unknown>): Promise<void> {
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

  async listEvents(project: string, filter: DougalEventFilter = {}, page: DougalPage = {}): Promise<DougalEvent[]> {
    return (await this.listEventsPage(project, filter, page)).events;
  }

  /**
   * One page of the event list, with how many items Dougal sent (`received`, counting any left
   * out as odd): paging goes by what was sent, so one odd event never ends a listing early.
   * `first` names the page's first item (its id, else a digest of it): a page that starts where
   * the previous one did says the server ignored the offset. Without `offset` and `limit` in
   * `page`, none is sent: the whole list.
   */
  async listEventsPage(project: string, filter: DougalEventFilter = {}, page: DougalPage = {}): Promise<EventListPage> {
    const request: DougalRequest = {
      action: 'list events',
      method: 'GET',
      path: this.path('events', { project }),
      query: { ...this.filterQuery(filter), [this.query.offset]: page.offset, [this.query.limit]: page.limit },
      // A server that ignores the paging parameters sends its whole log in one reply.
      maxReplyBytes: WHOLE_LOG_MAX_BYTES,
    };
    const { value, status } = await this.transport.jsonValue(request);
    const events = parseItems(eventSchema, value, request.action, status, this.report).map((item) => item.value);
    // A wrapped list (`{data: [...]}`) is counted by its event-like items.
    const items: unknown[] = Array.isArray(value) ? value : rawEventItems(value);
    const firstId = (items[0] as { id?: unknown } | null | undefined)?.id;
    return { events, received: items.length, firstId, first: pageMark(items[0]), reply: value };
  }

  /** Every current event matching `filter`, page by page (bounded, and safe against servers that ignore paging). */
  async listAllEvents(project: string, filter: DougalEventFilter = {}, options: { pageSize?: number; maxPages?: number } = {}): Promise<DougalEvent[]> {
    return (await this.scanEventList(project, filter, options)).events;
  }

  /** `listAllEvents`, with the replies the events were read from (the key look-up checks them raw). */
  private async scanEventList(project: string, filter: DougalEventFilter, options: { pageSize?: number; maxPages?: number } = {}): Promise<{ events: DougalEvent[]; replies: unknown[] }> {
    const pageSize = options.pageSize ?? 500;
    const maxPages = options.maxPages ?? 1000;
    const events: DougalEvent[] = [];
    const replies: unknown[] = [];
    let previousFirst: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const listed = await this.listEventsPage(project, filter, { offset: page * pageSize, limit: pageSize });
      // The server ignored `limit` and sent everything.
      if (listed.received > pageSize) return { events: listed.events, replies: [listed.reply] };
      if (page > 0 && listed.first !== null && listed.first === previousFirst) {
        // The same page again: this server ignores the offset. Whether it honours the limit (and
        // holds more) or ignores paging altogether (and holds exactly one page) cannot be told
        // from here; one request without paging parameters gets the whole list either way.
        this.report({ action: 'list events', detail: `the page at offset ${page * pageSize} repeated the first; the whole list is read in one request instead` });
        const whole = await this.listEventsPage(project, filter);
        return { events: whole.events, replies: [whole.reply] };
      }
      previousFirst = listed.first;
      events.push(...listed.events);
      replies.push(listed.reply);
      if (listed.received < pageSize) return { events, replies };
    }
    throw new CorelogError('internal', `Stopped listing Dougal events after ${maxPages} pages.`, { system: 'dougal' });
  }

  async getEvent(project: string, id: number): Promise<DougalEvent> {
    return (await this.readEvent(project, id)).value;
  }

  /** The current version of an event, with the object exactly as Dougal sent it (the base of a PUT). */
  async readEvent(project: string, id: number): Promise<ReadItem<DougalEvent>> {
    const action = `read event ${id}`;
    const { value, status } = await this.transport.jsonValue({ action, method: 'GET', path: this.path('event', { project, id }) });
    const event = parseReply(eventSchema, value, action, status);
    if (event.uid !== UNKNOWN_UID) return { value: event, raw: value as DougalRawEvent };
    // The reply did not say which version this is (schemas.ts `withUid`): the history's open
    // version does. Without a readable history the uid stays unknown, which only ever makes a
    // conflict check fail (shown to the user), never pass wrongly.
    const open = await this.readEventHistory(project, id).then(
      (versions) => versions.filter((v) => v.value.validity[2] === null).sort((a, b) => b.value.uid - a.value.uid)[0],
      () => undefined,
    );
    return { value: open && open.value.uid !== UNKNOWN_UID ? { ...event, uid: open.value.uid } : event, raw: value as DougalRawEvent };
  }

  /**
   * Logs a new event and returns it with its `id` and `uid`. Dougal may answer 201 with the
   * event, 201 with only `{id}` (then it is read back by id), or 204 with nothing (then its id
   * comes from `Location`, or the event is found by `idempotencyKey`); it is never sent twice.
   * With `idempotencyKey` the key is stored in `meta`, so a retry after a lost response finds
   * the event instead of logging it twice. Null only when none of that can say which event it was.
   */
  async createEvent(project: string, event: DougalNewEvent, options: { idempotencyKey?: string } = {}): Promise<DougalEvent | null> {
    const hasTime = typeof event.tstamp === 'string';
    const hasShot = typeof event.sequence === 'number' && typeof event.point === 'number';
    if (!hasTime && !hasShot) throw new CorelogError('validation', 'An event needs a time, or a sequence and shot point.', { system: 'dougal' });
    const action = 'log an event';
    const key = options.idempotencyKey;
    const body = { ...event, meta: { ...event.meta, ...(key ? { [this.metaKey]: key } : {}) } };
    const response = await this.transport.send({ action, method: 'POST', path: this.path('events', { project }), json: body });
    const text = response.status === 204 ? '' : await response.text();
    if (response.status === 204) await response.discard();
    let reply: unknown = undefined;
    try {
      reply = text.trim() ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Express's `sendStatus(201)` answers "Created" as plain text: a success without the entity.
      this.report({ action, detail: `the ${response.status} reply was not JSON; the event is looked up instead` });
    }
    const full = eventSchema.safeParse(reply);
    if (full.success) return full.data;
    const replyId = idOf(reply);
    if (reply !== undefined && replyId === null) this.report({ action, detail: `the ${response.status} reply named no event id; the event is looked up instead` });
    const id = replyId ?? eventIdFromLocation(response.headers.get('location'));
    if (id !== null) return this.readBackCreated(project, id, event, key);
    if (!key) return null;
    const [found] = await this.findEventsByIdempotencyKey(project, key, { since: new Date(this.now() - DAY_MS), near: event, sameAs: event });
    return found ?? null;
  }

  /**
   * The event a create was just answered with by id. Dougal named the id, so the event is stored:
   * a read that does not find it (a replica behind, a read path this server serves differently)
   * falls back to the key, and failing that is a retryable error, never "not found" (which
   * would stop the create although Dougal has it).
   */
  private async readBackCreated(project: string, id: number, sent: DougalNewEvent, key: string | undefined): Promise<DougalEvent> {
    try {
      return await this.getEvent(project, id);
    } catch (error) {
      if (!(error instanceof CorelogError && error.kind === 'not-found')) throw error;
    }
    this.report({ action: 'log an event', detail: `event ${id}, just created, could not be read back (404); it is looked up by its key instead` });
    const [found] = key ? await this.findEventsByIdempotencyKey(project, key, { since: new Date(this.now() - DAY_MS), near: sent, sameAs: sent }) : [];
    if (found) return found;
    throw landedButUnreadable(`it did not show event ${id} when asked for it just after logging it`);
  }

  /**
   * PUT of an event: Dougal closes the current version and stores a new one (new uid). A PUT
   * resets every attribute it leaves out, so `base` should be the version the change starts
   * from exactly as Dougal sent it (`readEvent`, `readEventHistory`); the change goes on top.
   */
  updateEvent(project: string, id: number, change: DougalEventFields, options: { base?: DougalRawEvent } = {}): Promise<void> {
    return this.transport.noContent({ action: `edit event ${id}`, method: 'PUT', path: this.path('event', { project, id }), json: eventPutBody(options.base ?? {}, change) });
  }

  /** Closes the event's validity: it leaves the lists but stays in its history. */
  deleteEvent(project: string, id: number): Promise<void> {
    return this.transport.noContent({ action: `delete event ${id}`, method: 'DELETE', path: this.path('event', { project, id }) });
  }

  /**
   * Restores an event by PUTting an earlier version back (the deletion stays in the history).
   * `raw` is that version as Dougal sent it; without it the parsed instance is the base.
   */
  undeleteEvent(project: string, instance: DougalEventInstance | DougalEvent, raw?: DougalRawEvent): Promise<void> {
    return this.updateEvent(project, instance.id, instance, { base: raw ?? instance });
  }

  /** Every version opened or closed since `since`; with `unique`, only the newest per event. */
  async eventChanges(project: string, since: Date | string, options: { unique?: boolean } = {}): Promise<DougalEventInstance[]> {
    return (await this.readEventChanges(project, since, options)).instances;
  }

  private async readEventChanges(project: string, since: Date | string, options: { unique?: boolean }): Promise<{ instances: DougalEventInstance[]; reply: unknown }> {
    const sinceIso = typeof since === 'string' ? since : since.toISOString();
    const templated = this.paths.eventChanges.includes('{since}');
    const request: DougalRequest = {
      action: 'read event changes',
      method: 'GET',
      path: this.path('eventChanges', templated ? { project, since: sinceIso } : { project }),
      query: { ...(templated ? {} : { since: sinceIso }), [this.query.unique]: options.unique ? 'true' : undefined },
      // After days offline, the changes since the last pull can be most of a busy log.
      maxReplyBytes: WHOLE_LOG_MAX_BYTES,
    };
    const { value, status } = await this.transport.jsonValue(request);
    return { instances: parseItems(eventInstanceSchema, value, request.action, status, this.report).map((item) => item.value), reply: value };
  }

  async eventHistory(project: string, id: number): Promise<DougalEventInstance[]> {
    return (await this.readEventHistory(project, id)).map((item) => item.value);
  }

  /** Every version of an event, oldest first as Dougal lists them, each with the object as sent. */
  async readEventHistory(project: string, id: number): Promise<ReadItem<DougalEventInstance>[]> {
    const action = `read the history of event ${id}`;
    const { value, status } = await this.transport.jsonValue({ action, method: 'GET', path: this.path('eventHistory', { project, id }) });
    return parseItems(eventInstanceSchema, value, action, status, this.report);
  }

  /**
   * Current events carrying `key` (from `createEvent`'s idempotencyKey). `since` bounds the scan
   * of the changes endpoint (default: the last 7 days). A server without that endpoint (404) is
   * asked for its event list instead, narrowed by `near` (the event's sequence, or the days
   * around its time, else the days since `since`). Always re-checked here, so a server that
   * ignores a filter only costs bandwidth, never a wrong answer.
   *
   * The replies are also searched for the key as sent, before any schema: an item carrying it
   * that cannot be read means the event is stored, and that is thrown (`landedButUnreadable`,
   * retryable) rather than answered "none", which would make the caller send it again. With
   * `sameAs` (what the create sent), a server that evidently does not keep Corelog's key is
   * searched by content as a last resort (newest match first).
   */
  async findEventsByIdempotencyKey(project: string, key: string, options: { since?: Date | string; near?: DougalEventHint; sameAs?: DougalNewEvent } = {}): Promise<DougalEvent[]> {
    const carries = (e: DougalEvent) => e.meta[this.metaKey] === key;
    const since = options.since ?? new Date(this.now() - 7 * DAY_MS);
    const { current, parsed, replies } = await this.keyLookupCandidates(project, key, since, options.near);
    const found = current.filter(carries);
    if (found.length) return found;
    const rawItems = replies.flatMap((reply) => rawEventItems(reply));
    const rawCarriers = rawItems.filter((item) => carriesKey(item, this.metaKey, key)).length;
    if (rawCarriers > parsed.filter(carries).length) {
      this.report({ action: 'look up an event by key', detail: `an item carrying the key ${key} could not be read; the create is not sent again` });
      throw landedButUnreadable('its reply to the look-up could not be read');
    }
    const sameAs = options.sameAs;
    // Safe only where the key cannot decide: on a server that keeps `meta`, events Corelog logged
    // carry their keys, so an event of the same content without ours is someone else's. Where no
    // candidate carries any key, the server drops `meta`, and an event with the very instant (to
    // the millisecond), shot, remarks and labels sent, logged since the create began, is ours.
    if (!sameAs || rawItems.some((item) => keepsKeyAttribute(item, this.metaKey))) return [];
    return current.filter((e) => sameEventContent(sameAs, e)).sort((a, b) => b.id - a.id);
  }

  /**
   * What the key look-up searches: the current events it parsed, every version it parsed (a
   * closed one carrying the key is readable, not lost), and the replies as sent.
   */
  private async keyLookupCandidates(project: string, key: string, since: Date | string, near: DougalEventHint | undefined): Promise<{ current: DougalEvent[]; parsed: DougalEvent[]; replies: unknown[] }> {
    const action = 'look up an event by key';
    if (this.lookup === 'meta-filter') {
      const request: DougalRequest = { action, method: 'GET', path: this.path('events', { project }), query: { [`${this.query.metaFilterPrefix}${this.metaKey}`]: key } };
      const { value, status } = await this.transport.jsonValue(request);
      const events = parseItems(eventSchema, value, action, status, this.report).map((item) => item.value);
      return { current: events, parsed: events, replies: [value] };
    }
    try {
      const { instances, reply } = await this.readEventChanges(project, since, { unique: true });
      const current = instances.filter((e) => e.validity[2] === null).map(({ validity: _validity, ...event }) => event);
      return { current, parsed: instances, replies: [reply] };
    } catch (error) {
      if (!(error instanceof CorelogError && error.kind === 'not-found')) throw error;
      this.report({ action, detail: 'the event changes endpoint answered 404; the event list is searched instead' });
    }
    const { events, replies } = await this.scanEventList(project, this.windowAround(since, near));
    return { current: events, parsed: events, replies };
  }

  /** The narrowest documented event-list filter that still contains the event looked for. */
  private windowAround(since: Date | string, near: DougalEventHint = {}): DougalEventFilter {
    if (typeof near.sequence === 'number') return { sequence: near.sequence };
    // Dates are compared as days, in a time zone we do not know: one day either side.
    if (near.tstamp) {
      const at = Date.parse(near.tstamp);
      return { date0: day(at - DAY_MS), date1: day(at + DAY_MS) };
    }
    return { date0: day(Date.parse(typeof since === 'string' ? since : since.toISOString()) - DAY_MS), date1: day(this.now() + DAY_MS) };
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
    // A whole project's log can be larger than a JSON reply may be; still bounded.
    const text = await response.text({ maxBytes: 64 * 1024 * 1024 });
    if (looksLikeWebPage(text)) throw webPageError('dougal', response.status);
    if (!/csv|text\/plain/i.test(type)) {
      throw new CorelogError('malformed-response', `Dougal answered the CSV export with ${describeContentType(type)} instead of CSV.`, { status: response.status, system: 'dougal', retryable: false });
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

  /**
   * A list GET's reply. `204 No Content` is an empty list (Express code that answers "no rows" so),
   * never an error: an empty plan read as unreadable would keep the first planned sequence from
   * ever being added (every add reads the plan first). An empty 200 stays an error, as it may be a
   * body lost on the way.
   */
  private async listValue(request: DougalRequest): Promise<{ value: unknown; status: number }> {
    const response = await this.transport.send(request);
    if (response.status === 204) {
      await response.discard();
      return { value: [], status: 204 };
    }
    return { value: await response.json(), status: response.status };
  }

  /** A list reply, item by item: odd items are left out and reported. */
  private async list<S extends z.ZodType>(request: DougalRequest, schema: S): Promise<z.output<S>[]> {
    const { value, status } = await this.listValue(request);
    return parseItems(schema, value, request.action, status, this.report).map((item) => item.value);
  }
}

/** Names a list item: its id when it has a usable one, else a digest of the item as sent. */
function pageMark(item: unknown): string | null {
  if (item === undefined) return null;
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) return `id:${String(id)}`;
  return `digest:${createHash('sha256').update(JSON.stringify(item) ?? 'undefined').digest('hex').slice(0, 32)}`;
}

/** An integer id in a reply such as `{"id": 123}` (or `"123"`), else null. */
function idOf(reply: unknown): number | null {
  const id = reply && typeof reply === 'object' ? (reply as { id?: unknown }).id : undefined;
  const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}
