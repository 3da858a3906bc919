/**
 * Brings Dougal's log down. The first load pages through the current events (resumable: the
 * offset reached is stored); after it, only the changes endpoint is asked, from a cursor in the
 * server's own time (the newest validity bound seen), so the two clocks need not agree.
 */
import type { EventInstance } from '../../../common/bridge/event-log-contract';
import { bridge } from '../bridge/bridge';
import { eventLogDb, type ReferenceRow, type SyncStateRow } from './event-log-db';
import { applyServerVersions, type ServerVersion } from './server-merge';
import { pullSurvey } from './survey/survey-pull';
import { unwrap } from './unwrap';

const PAGE_SIZE = 1_000;
/** IndexedDB writes in chunks of about this many rows (one huge bulkPut is several times slower). */
const WRITE_CHUNK = 10_000;
/**
 * The first load's cursor is the client's clock minus this margin: changes made while the pages
 * were read are asked for again afterwards, and a server clock somewhat behind ours is tolerated.
 */
const FIRST_CURSOR_MARGIN_MS = 60 * 60_000;

const db = eventLogDb;

async function syncStateOf(project: string): Promise<SyncStateRow> {
  return (await db.syncState.get(project)) ?? { project, cursor: null, loadedOffset: 0, loadStartedAt: null, lastPullAt: null, lastPushAt: null };
}

export async function pullProjects(): Promise<void> {
  const { projects } = unwrap(await bridge.eventLogProjects());
  await db.transaction('rw', db.projects, async () => {
    await db.projects.clear();
    await db.projects.bulkPut(projects);
  });
}

/**
 * Labels, sequences, plan and lines of `project`. A part Dougal could not give this time comes
 * back empty (so the log still opens); what this computer had of it is kept instead.
 */
export async function pullReference(project: string): Promise<void> {
  const reference = unwrap(await bridge.eventLogReference({ project }));
  const cached = await db.reference.get(project);
  const keep = <K extends 'labels' | 'sequences' | 'plan' | 'lines'>(part: K): ReferenceRow[K] =>
    reference.unavailable.includes(part) && cached ? cached[part] : (reference[part] as ReferenceRow[K]);
  await db.reference.put({
    project,
    labels: keep('labels'),
    sequences: keep('sequences'),
    plan: keep('plan'),
    lines: keep('lines'),
    unavailable: reference.unavailable,
    notes: reference.notes,
    fetchedAt: new Date().toISOString(),
  });
  // The plan and sequences screen's own copy (remarks, whole plan entries, counts). It must not
  // hold up the log: a failure here is shown there, at its next read or "Refresh".
  await pullSurvey(project).catch(() => undefined);
}

export interface PullProgress {
  loaded: number;
  firstLoad: boolean;
}

/** One pull of `project`'s events: the rest of the first load if unfinished, then the changes since the cursor. */
export async function pullEvents(project: string, onProgress: (p: PullProgress) => void = () => undefined): Promise<number> {
  let state = await syncStateOf(project);
  let total = 0;
  if (state.cursor === null) {
    state = { ...state, loadStartedAt: state.loadStartedAt ?? new Date(Date.now() - FIRST_CURSOR_MARGIN_MS).toISOString() };
    await db.syncState.put(state);
    let buffer: ServerVersion[] = [];
    let offset = state.loadedOffset;
    let previousFirst: string | null | undefined;
    for (;;) {
      let page = unwrap(await bridge.eventLogPage({ project, offset, limit: PAGE_SIZE }));
      // A server that ignores the offset but honours the limit sends the first page again for
      // every offset, for ever: once seen, the whole list is asked for in one reply instead.
      const repeated = page.first != null && page.first === previousFirst;
      if (repeated) {
        page = unwrap(await bridge.eventLogPage({ project, offset: 0, limit: PAGE_SIZE, whole: true }));
        buffer = [];
        offset = 0;
      }
      previousFirst = page.first;
      buffer.push(...page.events.map((event) => ({ event, deleted: false })));
      // Counted as Dougal sent them: an unreadable event left out of a page does not end the load.
      offset += page.received;
      // A server that ignores paging sends everything at once.
      const last = repeated || page.received !== PAGE_SIZE;
      if (buffer.length >= WRITE_CHUNK || last) {
        await applyServerVersions(project, buffer);
        total += buffer.length;
        buffer = [];
        state = { ...state, loadedOffset: offset };
        await db.syncState.put(state);
        onProgress({ loaded: total, firstLoad: true });
      }
      if (last) break;
    }
    state = { ...state, cursor: state.loadStartedAt, loadedOffset: 0, loadStartedAt: null };
  }
  const { instances } = unwrap(await bridge.eventLogChanges({ project, since: state.cursor! }));
  for (let i = 0; i < instances.length; i += WRITE_CHUNK) {
    await applyServerVersions(project, instances.slice(i, i + WRITE_CHUNK).map(versionOf));
  }
  total += instances.length;
  state = { ...state, cursor: newestBound(instances, state.cursor!), lastPullAt: new Date().toISOString() };
  await db.syncState.put(state);
  onProgress({ loaded: total, firstLoad: false });
  return total;
}

/**
 * With `unique`, the newest instance per event: closed means deleted. Main hands validities over
 * normalised (event-log-wire.ts: an `infinity` or empty upper bound is null); an unbounded end
 * that still slips through in Postgres' words is open all the same, so a live event is never
 * taken for a deleted one.
 */
function versionOf({ validity, ...event }: EventInstance): ServerVersion {
  return { event, deleted: isClosedBound(validity[2]) };
}

function isClosedBound(upper: string | null): boolean {
  return upper !== null && upper.trim() !== '' && !/^\+?infinity$/i.test(upper.trim());
}

function newestBound(instances: EventInstance[], cursor: string): string {
  let newest = Date.parse(cursor);
  for (const { validity } of instances) {
    for (const bound of [validity[1], validity[2]]) {
      const t = bound ? Date.parse(bound) : NaN;
      if (t > newest) newest = t;
    }
  }
  return new Date(newest).toISOString();
}
