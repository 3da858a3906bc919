/**
 * Bridge handlers of the event log: thin wrappers around the current DougalClient. The renderer's
 * sync engine decides what to send and when; main adds only what needs the server's answer in
 * the same breath (the conflict check before a write, the idempotency look-up before a retry).
 */
import { CorelogError } from '../../../common/errors';
import type { EventFields, EventWriteOutcome, ServerEvent } from '../../../common/bridge/event-log-contract';
import type { ServiceContext, ServiceModule } from '../app-services';
import type { DougalClient } from '../dougal/dougal-client';
import { flattenQcResults, toEventInstance, toLineSummary, toPlannedSummary, toSequenceSummary, toServerEvent } from './event-log-wire';

/** The server's current version of an event, or null when it is deleted (404). */
async function currentEvent(client: DougalClient, project: string, id: number): Promise<ServerEvent | null> {
  try {
    return toServerEvent(await client.getEvent(project, id));
  } catch (error) {
    if (error instanceof CorelogError && error.kind === 'not-found') return null;
    throw error;
  }
}

async function putIfCurrent(client: DougalClient, project: string, id: number, expect: number | 'deleted', fields: EventFields): Promise<EventWriteOutcome> {
  const theirs = await currentEvent(client, project, id);
  const matches = expect === 'deleted' ? theirs === null : theirs?.uid === expect;
  if (!matches) return { status: 'conflict', theirs };
  await client.updateEvent(project, id, fields);
  // Dougal answers a PUT with 204: read back the new version to learn its uid.
  return { status: 'applied', event: await currentEvent(client, project, id) };
}

async function deleteIfCurrent(client: DougalClient, project: string, id: number, expect: number): Promise<EventWriteOutcome> {
  const theirs = await currentEvent(client, project, id);
  if (theirs === null) return { status: 'applied', event: null };
  if (theirs.uid !== expect) return { status: 'conflict', theirs };
  await client.deleteEvent(project, id);
  return { status: 'applied', event: null };
}

export function createEventLogModule({ clients }: ServiceContext): ServiceModule {
  return {
    handlers: {
      async eventLogProjects() {
        const projects = await clients.dougal().listProjects();
        return { projects: projects.map((p) => ({ pid: p.pid, name: p.name })) };
      },
      async eventLogReference({ project }) {
        const client = clients.dougal();
        const [labels, sequences, plan, lines] = await Promise.all([
          client.listLabels(project),
          client.listSequences(project),
          client.listPlan(project),
          client.listLines(project),
        ]);
        return { labels, sequences: sequences.map(toSequenceSummary), plan: plan.map(toPlannedSummary), lines: lines.map(toLineSummary) };
      },
      async eventLogPage({ project, offset, limit }) {
        const events = await clients.dougal().listEvents(project, {}, { offset, limit });
        return { events: events.map(toServerEvent) };
      },
      async eventLogChanges({ project, since }) {
        const instances = await clients.dougal().eventChanges(project, since, { unique: true });
        return { instances: instances.map(toEventInstance) };
      },
      async eventLogCreate({ project, clientKey, fields, lookupFirst, lookupSince }) {
        const client = clients.dougal();
        const find = async () => (await client.findEventsByIdempotencyKey(project, clientKey, { since: lookupSince })).map(toServerEvent)[0] ?? null;
        if (lookupFirst) {
          const existing = await find();
          if (existing) return { event: existing, existed: true };
        }
        const { tstamp, sequence, point, remarks, labels, meta } = fields;
        const body = { remarks, labels, meta, ...(tstamp !== null ? { tstamp } : {}), ...(sequence !== null ? { sequence } : {}), ...(point !== null ? { point } : {}) };
        if (body.tstamp === undefined && (body.sequence === undefined || body.point === undefined)) {
          throw new CorelogError('validation', 'An event needs a time, or a sequence and shot point.', { system: 'dougal' });
        }
        const created = await client.createEvent(project, body as Parameters<DougalClient['createEvent']>[1], { idempotencyKey: clientKey });
        // A 204 carries no event: find it by its key so the renderer learns its id.
        return { event: created ? toServerEvent(created) : await find(), existed: false };
      },
      eventLogPut: ({ project, id, expect, fields }) => putIfCurrent(clients.dougal(), project, id, expect, fields),
      eventLogDelete: ({ project, id, expect }) => deleteIfCurrent(clients.dougal(), project, id, expect),
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
