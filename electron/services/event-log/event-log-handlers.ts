/**
 * Bridge handlers of the event log: thin wrappers around the current DougalClient. The renderer's
 * sync engine decides what to send and when; main adds only what needs the server's answer in
 * the same breath (the conflict check before a write, the version a PUT starts from, the
 * idempotency look-up before a retry), and stands in for endpoints a server may lack.
 */
import { CorelogError, toBridgeError, type ErrorKind } from '../../../common/errors';
import type { EventCreateOutcome, EventFields, EventInstance, EventWriteOutcome, ServerEvent } from '../../../common/bridge/event-log-contract';
import { eventTimingProblem } from '../../../common/forms/event-fields';
import type { MethodInput } from '../../../common/bridge/contract';
import type { ServiceContext, ServiceModule } from '../app-services';
import type { DougalClient, DougalEvent, DougalRawEvent } from '../dougal/dougal-client';
import { flattenQcResults, toEventInstance, toLineSummary, toPlannedSummary, toSequenceSummary, toServerEvent } from './event-log-wire';
import { SerialByKey } from './serial-by-key';
import { WriteLanes } from './write-lanes';

/** Event-log writes sent to Dougal at once, as many as the renderer's push lanes (sync-engine.ts). */
const WRITE_LANES = 4;
/** Failures of the path to Dougal, not of the event: every create sent after one would meet it too. */
const PATH_FAILURES: ReadonlySet<ErrorKind> = new Set(['offline', 'timeout', 'auth', 'unavailable']);

type Found<T> = { value: T; raw: DougalRawEvent };

async function orNullIfGone<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof CorelogError && error.kind === 'not-found') return null;
    throw error;
  }
}

/** The server's current version of an event as it sent it, or null when it is deleted (404). */
function currentVersion(client: DougalClient, project: string, id: number): Promise<Found<DougalEvent> | null> {
  return orNullIfGone(client.readEvent(project, id));
}

async function currentEvent(client: DougalClient, project: string, id: number): Promise<ServerEvent | null> {
  const current = await currentVersion(client, project, id);
  return current && toServerEvent(current.value);
}

const sameContent = (a: EventFields, b: EventFields) =>
  (a.tstamp === null ? null : Date.parse(a.tstamp)) === (b.tstamp === null ? null : Date.parse(b.tstamp)) &&
  a.sequence === b.sequence &&
  a.point === b.point &&
  a.remarks === b.remarks &&
  [...a.labels].sort().join('\u0000') === [...b.labels].sort().join('\u0000');

/**
 * The version an undelete puts back, as Dougal sent it: the one the user picked (`fromUid`), else
 * the one whose content the user restores, else the newest. Without a readable history, the
 * server's attributes as the renderer last saw them (`lastKnown`: geometry, attributes Corelog
 * does not know), so the PUT does not reset them; failing that, only the user's fields.
 */
async function restoredVersion(client: DougalClient, project: string, id: number, fields: EventFields, fromUid: number | undefined, lastKnown: DougalRawEvent | undefined): Promise<DougalRawEvent> {
  const history = (await orNullIfGone(client.readEventHistory(project, id))) ?? [];
  const newestFirst = [...history].sort((a, b) => b.value.uid - a.value.uid);
  const chosen =
    newestFirst.find((v) => fromUid !== undefined && v.value.uid === fromUid) ??
    newestFirst.find((v) => sameContent(v.value, fields)) ??
    newestFirst[0];
  return chosen?.raw ?? lastKnown ?? {};
}

const isGone = (error: unknown) => error instanceof CorelogError && error.kind === 'not-found';

interface PutRequest {
  expect: number | 'deleted';
  fields: EventFields;
  fromUid?: number | undefined;
  /** An undelete's fallback base: the server's attributes as the renderer last saw them. */
  lastKnown?: DougalRawEvent | undefined;
}

async function putIfCurrent(client: DougalClient, project: string, id: number, { expect, fields, fromUid, lastKnown }: PutRequest): Promise<EventWriteOutcome> {
  const current = await currentVersion(client, project, id);
  const matches = expect === 'deleted' ? current === null : current?.value.uid === expect;
  if (!matches) return { status: 'conflict', theirs: current && toServerEvent(current.value) };
  // A PUT resets whatever it leaves out: start from the whole version the change is made on.
  const base = current ? current.raw : await restoredVersion(client, project, id, fields, fromUid, lastKnown);
  try {
    await client.updateEvent(project, id, fields, { base });
  } catch (error) {
    // Deleted between the check and the PUT: someone else's change came first.
    if (isGone(error)) return { status: 'conflict', theirs: null };
    throw error;
  }
  // Dougal answers a PUT with 204: read back the new version to learn its uid.
  return { status: 'applied', event: await currentEvent(client, project, id) };
}

async function deleteIfCurrent(client: DougalClient, project: string, id: number, expect: number): Promise<EventWriteOutcome> {
  const theirs = await currentEvent(client, project, id);
  if (theirs === null) return { status: 'applied', event: null };
  if (theirs.uid !== expect) return { status: 'conflict', theirs };
  try {
    await client.deleteEvent(project, id);
  } catch (error) {
    // Gone between the check and the DELETE: what the delete wanted is so.
    if (!isGone(error)) throw error;
  }
  return { status: 'applied', event: null };
}

/**
 * Stands in for the changes endpoint on a server without it: the current event list compared
 * with the one main saw last (per client, so a new server address starts afresh). Events new or
 * changed since come back as current; events that left the list come back as their closed
 * version from the history. The first time, every current event comes back (the renderer skips
 * what it already has), and deletions from before it cannot be seen.
 */
class ChangesByListing {
  private readonly seen = new WeakMap<DougalClient, Map<string, Map<number, number>>>();

  async since(client: DougalClient, project: string): Promise<EventInstance[]> {
    const events = await client.listAllEvents(project);
    const byProject = this.seen.get(client) ?? new Map<string, Map<number, number>>();
    this.seen.set(client, byProject);
    const previous = byProject.get(project);
    const now = new Map(events.map((e) => [e.id, e.uid]));
    const changed = previous ? events.filter((e) => previous.get(e.id) !== e.uid) : events;
    const out: EventInstance[] = changed.map((e) => ({ ...toServerEvent(e), validity: ['[', null, null, ')'] }));
    for (const id of previous?.keys() ?? []) {
      if (now.has(id)) continue;
      const history = (await orNullIfGone(client.eventHistory(project, id))) ?? [];
      const newest = history.reduce<(typeof history)[number] | null>((a, b) => (a === null || b.uid > a.uid ? b : a), null);
      if (newest && newest.validity[2] !== null) out.push(toEventInstance(newest));
    }
    byProject.set(project, now);
    return out;
  }
}

/** Reference parts a server may simply not have or not serve readably; anything else (offline, signed out) fails the whole load. */
const PART_MISSING_KINDS: ReadonlySet<ErrorKind> = new Set(['not-found', 'malformed-response', 'rejected', 'forbidden', 'server']);
const PART_NAMES = { labels: 'Labels', sequences: 'Sequences', plan: 'The plan', lines: 'Preplot lines' } as const;

export function createEventLogModule({ clients }: ServiceContext): ServiceModule {
  const createsByKey = new SerialByKey();
  const writes = new WriteLanes(WRITE_LANES);
  const createEvent = async ({ project, clientKey, fields, lookupFirst, lookupSince, lookupOnly }: MethodInput<'eventLogCreate'>) => {
    const client = clients.dougal();
    const { tstamp, sequence, point, remarks, labels, meta } = fields;
    const body = { remarks, labels, meta, ...(tstamp !== null ? { tstamp } : {}), ...(sequence !== null ? { sequence } : {}), ...(point !== null ? { point } : {}) };
    if (body.tstamp === undefined && (body.sequence === undefined || body.point === undefined)) {
      throw new CorelogError('validation', 'An event needs a time, or a sequence and shot point.', { system: 'dougal' });
    }
    const sent = body as Parameters<DougalClient['createEvent']>[1];
    const near = { tstamp: fields.tstamp, sequence: fields.sequence };
    // Throws (retryable) when an item carrying the key cannot be read: the create is not sent again.
    const find = async () => (await client.findEventsByIdempotencyKey(project, clientKey, { since: lookupSince, near, sameAs: sent })).map(toServerEvent)[0] ?? null;
    if (lookupFirst || lookupOnly) {
      const existing = await find();
      if (existing) return { event: existing, existed: true };
    }
    if (lookupOnly) return { event: null, existed: false };
    // The client reads back a 201 {id} or a 204 (Location, else the key) itself: the event is posted once.
    const created = await client.createEvent(project, sent, { idempotencyKey: clientKey });
    return { event: created ? toServerEvent(created) : await find(), existed: false };
  };
  /**
   * Creates of one client key run one after another; a later one always looks first. Two copies
   * of one create (a window that reconnected and retried while main still sent the first) would
   * otherwise both find nothing and log the event twice. `send` decides, once the create's turn
   * has come, whether it still goes.
   */
  const createInTurn = <T>(project: string, clientKey: string, send: (afterAnother: boolean) => Promise<T>) =>
    createsByKey.run(`${project}\u0000${clientKey}`, (afterAnother) => writes.run(() => send(afterAnother)));
  const changesByEvent = new SerialByKey();
  /**
   * Edits and deletes of one event run one after another, for the same reason as creates: a
   * window killed (or whose socket dropped) while main still sends its change sends it again when
   * it is back. Side by side, both copies passed the check against the version they started from
   * and both PUTs went, so the edit became two versions (and the next change of that event met
   * the extra one as someone else's). In turn, the second copy finds the first one's version: a
   * conflict carrying its own content, which the sync engine settles as done.
   */
  const changeInTurn = <T>(project: string, id: number, send: () => Promise<T>) => changesByEvent.run(`${project}\u0000${id}`, () => writes.run(send));
  const changesByListing = new ChangesByListing();
  return {
    handlers: {
      async eventLogProjects() {
        const projects = await clients.dougal().listProjects();
        return { projects: projects.map((p) => ({ pid: p.pid, name: p.name })) };
      },
      async eventLogReference({ project }) {
        const client = clients.dougal();
        const unavailable: (keyof typeof PART_NAMES)[] = [];
        const notes: string[] = [];
        // One part Dougal cannot give (no label endpoint, an unreadable reply) must not keep the log closed.
        const part = async <T>(name: keyof typeof PART_NAMES, read: () => Promise<T[]>): Promise<T[]> => {
          try {
            return await read();
          } catch (error) {
            if (!(error instanceof CorelogError && PART_MISSING_KINDS.has(error.kind))) throw error;
            unavailable.push(name);
            notes.push(`${PART_NAMES[name]} could not be read from Dougal, so the event log opens without them. ${error.message}`);
            return [];
          }
        };
        const [labels, sequences, plan, lines] = await Promise.all([
          part('labels', () => client.listLabels(project)),
          part('sequences', () => client.listSequences(project)),
          part('plan', () => client.listPlan(project)),
          part('lines', () => client.listLines(project)),
        ]);
        return { labels, sequences: sequences.map(toSequenceSummary), plan: plan.map(toPlannedSummary), lines: lines.map(toLineSummary), unavailable, notes };
      },
      async eventLogPage({ project, offset, limit, whole }) {
        const { events, received, first } = await clients.dougal().listEventsPage(project, {}, whole ? {} : { offset, limit });
        return { events: events.map(toServerEvent), received, first };
      },
      async eventLogChanges({ project, since }) {
        const client = clients.dougal();
        try {
          const instances = await client.eventChanges(project, since, { unique: true });
          return { instances: instances.map(toEventInstance) };
        } catch (error) {
          if (!(error instanceof CorelogError && error.kind === 'not-found')) throw error;
          return { instances: await changesByListing.since(client, project) };
        }
      },
      eventLogCreate: ({ project, clientKey, fields, lookupFirst, lookupSince, lookupOnly }) =>
        createInTurn(project, clientKey, (afterAnother) => createEvent({ project, clientKey, fields, lookupFirst: lookupFirst || afterAnother, lookupSince, lookupOnly })),
      async eventLogCreateMany({ project, creates }) {
        // After a failure of the path the rest would only fail the same way, one timeout after
        // another: they are answered `not-sent` instead, and wait with the queue.
        let pathFailed = false;
        const results = await Promise.all(
          creates.map(({ clientKey, fields, lookupFirst, lookupSince }) =>
            createInTurn(project, clientKey, async (afterAnother): Promise<EventCreateOutcome> => {
              if (pathFailed) return { status: 'not-sent' };
              // The timing rule eventLogCreate's input check applies, here for this create alone.
              const problem = eventTimingProblem(fields);
              if (problem) return { status: 'failed', error: { kind: 'validation', message: problem, retryable: false } };
              try {
                return { status: 'created', ...(await createEvent({ project, clientKey, fields, lookupFirst: lookupFirst || afterAnother, lookupSince })) };
              } catch (error) {
                const failure = toBridgeError(error);
                if (PATH_FAILURES.has(failure.kind)) pathFailed = true;
                return { status: 'failed', error: failure };
              }
            }),
          ),
        );
        return { results };
      },
      eventLogPut: ({ project, id, expect, fields, fromUid, base }) => changeInTurn(project, id, () => putIfCurrent(clients.dougal(), project, id, { expect, fields, fromUid, lastKnown: base })),
      eventLogDelete: ({ project, id, expect }) => changeInTurn(project, id, () => deleteIfCurrent(clients.dougal(), project, id, expect)),
      async eventLogHistory({ project, id }) {
        return { instances: (await clients.dougal().eventHistory(project, id)).map(toEventInstance) };
      },
      async eventLogQcResults({ project }) {
        return { results: flattenQcResults(await clients.dougal().qcResults(project)) };
      },
      async eventLogQcAccept({ project, eventIds, accepted }) {
        const client = clients.dougal();
        await (accepted ? client.acceptQcResults(project, eventIds) : client.unacceptQcResults(project, eventIds));
        return { done: true as const };
      },
    },
  };
}
