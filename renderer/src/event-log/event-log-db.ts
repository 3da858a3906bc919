/**
 * The event log's own IndexedDB database (`corelog-eventlog`), separate from `corelog` so the
 * photo queue and the event log version their schemas independently. A schema change adds a new
 * version below with an upgrade function; old versions stay as they were, so a database created
 * by any earlier release still opens (test/browser/event-log/schema-upgrade.spec.ts).
 */
import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type {
  EventFields,
  EventInstance,
  EventLabel,
  LineSummary,
  PlannedSequenceSummary,
  QcResult,
  SequenceSummary,
  ServerEvent,
} from '../../../common/bridge/event-log-contract';
import type { BridgeError } from '../../../common/errors';
import type { FailureStreak } from '../../../common/retry-policy';
import { profileDbName } from '../first-run/profile';
import { withPlainStorageErrors } from '../storage/plain-storage-errors';
import type { SurveyChange, SurveyRow } from './survey/survey-change';

export const EVENT_LOG_DB_NAME = 'corelog-eventlog';

/** synced: as on the server; pending: waiting in the outbox; failed/conflict: waiting for the user. */
export type EventSyncState = 'synced' | 'pending' | 'failed' | 'conflict';

/** The last version of an event the server showed us. */
export interface ServerSnapshot extends EventFields {
  uid: number;
  deleted: boolean;
  /** The server's other attributes (ServerEvent.extra); absent in snapshots from older versions. */
  extra?: Record<string, unknown>;
}

export interface LogEvent extends EventFields {
  /** `c:<clientKey>` for events logged here (the key also goes into Dougal's `meta`), `d:<id>` otherwise. */
  key: string;
  project: string;
  /** Dougal's id, once the server has the event. */
  id: number | null;
  /** The server version the local content is based on (the `uid` an edit starts from). */
  uid: number | null;
  /** Time order: `tstamp`, or the time it was logged here while Dougal has not filled one in. */
  sortKey: string;
  readonly: boolean;
  hasEdits: boolean;
  deleted: 0 | 1;
  sync: EventSyncState;
  server: ServerSnapshot | null;
  loggedAt: string | null;
  /**
   * Attributes the server sent that Corelog has no field for (`geometry`, others' attributes),
   * kept as sent; main starts every PUT from the server's own copy, so these are for showing.
   * Absent in rows from older versions (no index, so no schema version needed).
   */
  extra?: Record<string, unknown>;
}

/** `plan` and `sequence`: changes to the plan and to sequences' remarks (survey/survey-change.ts). */
export type OutboxKind = 'create' | 'update' | 'delete' | 'undelete' | 'qc' | 'plan' | 'sequence';
export type OutboxState = 'pending' | 'sending' | 'waiting-retry' | 'failed' | 'conflict';

export interface OutboxItem {
  seq?: number;
  project: string;
  /**
   * The event it changes; '' for QC accept/unaccept; for plan and sequence changes their chain,
   * `plan:<project>` (the plan goes strictly in order) or `sequence:<project>:<n>`.
   */
  eventKey: string;
  kind: OutboxKind;
  fields?: EventFields;
  /**
   * The server uid this change was made against (update, delete), 'deleted' for an undelete, or
   * null: "whatever the previous queued change of this event produced".
   */
  expect?: number | 'deleted' | null;
  qc?: { eventIds: number[]; accepted: boolean };
  /** A plan or sequence change (kinds `plan`, `sequence`). */
  survey?: SurveyChange;
  /** For an undelete: the uid of the history version being restored (main starts the PUT from it). */
  fromUid?: number;
  /**
   * For an undelete: the server's attributes as this computer last saw them (the row's `extra`),
   * the PUT's base when Dougal's history cannot be read. Absent when too large to send.
   */
  base?: Record<string, unknown>;
  label: string;
  state: OutboxState;
  attempts: number;
  /** Kept with the item so the backoff carries on across restarts. */
  nextAttemptAt: string | null;
  lastError: BridgeError | null;
  /** The server's version when a conflict was found (null: deleted there). */
  theirs?: ServerEvent | null;
  /** The failure repeating on this item, for "needs attention" (absent on items never failed). */
  failures?: FailureStreak | null;
  createdAt: string;
  /**
   * The state again, only while it is one an index must find (`waiting-retry`, `failed`,
   * `conflict`); absent otherwise. Kept by the database itself (withAttentionIndex below).
   */
  attention?: AttentionState;
}

/** The states the queue looks items up by; the common ones (pending, sending) are left out of the index. */
export type AttentionState = Extract<OutboxState, 'waiting-retry' | 'failed' | 'conflict'>;
const ATTENTION_STATES: ReadonlySet<OutboxState> = new Set<AttentionState>(['waiting-retry', 'failed', 'conflict']);

/** The item as stored: `attention` follows `state`. */
export function withAttention<T extends Pick<OutboxItem, 'state'>>(item: T): T & { attention?: AttentionState } {
  const attention = ATTENTION_STATES.has(item.state) ? (item.state as AttentionState) : undefined;
  if (item && (item as { attention?: AttentionState }).attention === attention) return item;
  const copy: T & { attention?: AttentionState } = { ...item };
  if (attention) copy.attention = attention;
  else delete copy.attention;
  return copy;
}

export interface ProjectRow {
  pid: string;
  name: string;
}

export interface ReferenceRow {
  project: string;
  labels: EventLabel[];
  sequences: SequenceSummary[];
  plan: PlannedSequenceSummary[];
  lines: LineSummary[];
  /** Parts Dougal could not give at the last load (kept from before where there was a before), and why. */
  unavailable?: ('labels' | 'sequences' | 'plan' | 'lines')[];
  notes?: string[];
  fetchedAt: string;
}

export interface SyncStateRow {
  project: string;
  /** Server time to ask the changes endpoint from; null until the first full load finished. */
  cursor: string | null;
  /** Resumes an interrupted first load: how far it got, and the time it started (the cursor it leads to). */
  loadedOffset: number;
  loadStartedAt: string | null;
  lastPullAt: string | null;
  lastPushAt: string | null;
}

export interface HistoryRow {
  project: string;
  id: number;
  instances: EventInstance[];
  fetchedAt: string;
}

export interface QcRow {
  project: string;
  results: QcResult[];
  fetchedAt: string;
}

/** Version 1, the first release. Rows then had `pending: boolean` and outbox items `tries`. */
export const SCHEMA_V1 = {
  projects: 'pid',
  reference: 'project',
  events: 'key, project, [project+tstamp], [project+id]',
  outbox: '++seq, eventKey',
  syncState: 'project',
  history: '[project+id]',
  qc: 'project',
};

/** Version 2: a sort key for events without a time, the sync state as an index, outbox backoff. */
export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  events: 'key, [project+sortKey], [project+id], [project+sequence], [project+sync]',
  outbox: '++seq, eventKey, state',
};

async function upgradeToV2(tx: Transaction): Promise<void> {
  await tx
    .table('events')
    .toCollection()
    .modify((row: Record<string, unknown>) => {
      row.sortKey = (row.tstamp as string | null) ?? (row.loggedAt as string | null) ?? '';
      row.sync = row.pending ? 'pending' : 'synced';
      row.deleted = row.deleted ? 1 : 0;
      delete row.pending;
    });
  await tx
    .table('outbox')
    .toCollection()
    .modify((item: Record<string, unknown>) => {
      item.attempts = (item.tries as number | undefined) ?? 0;
      item.nextAttemptAt = null;
      item.state = item.state ?? 'pending';
      item.lastError = item.lastError ?? null;
      delete item.tries;
    });
}

/** Version 3: the plan, sequences' remarks and preplot lines kept here (one row per project). */
export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  survey: 'project',
};

/**
 * Version 4: events lose the `[project+sync]` index, which nothing reads. Every index costs each
 * write of a row: a push settles one row per event, and at 10,000 queued events the four indexes
 * made those writes most of the browser's work (measured: 1.44 ms of browser CPU per row with
 * four, 1.14 ms with three).
 */
export const SCHEMA_V4 = {
  ...SCHEMA_V3,
  events: 'key, [project+sortKey], [project+id], [project+sequence]',
};

/**
 * Version 5: the outbox's `state` index becomes `attention`, an index of only the items in a state
 * the queue looks up (waiting-retry, failed, conflict). A push writes each queued item twice
 * (marked as sent, then deleted), and IndexedDB keeps every index of a row in step on each write:
 * an index holding every pending and sending item cost each of those writes, for lookups that only
 * ever ask for the few waiting ones. A row without the key path is simply not in the index.
 */
export const SCHEMA_V5 = {
  ...SCHEMA_V4,
  outbox: '++seq, eventKey, attention',
};

async function upgradeToV5(tx: Transaction): Promise<void> {
  await tx
    .table('outbox')
    .toCollection()
    .modify((item: OutboxItem) => {
      const stored = withAttention(item);
      if (stored.attention) item.attention = stored.attention;
    });
}

/**
 * Every write to the outbox, whichever module makes it (put, add, update, modify), stores
 * `attention` as its state says: no writer can forget it and leave an item the queue cannot find.
 */
function withAttentionIndex(db: Dexie): void {
  db.use({
    stack: 'dbcore',
    name: 'outbox-attention',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (name !== 'outbox') return table;
        return {
          ...table,
          mutate: (request) =>
            request.type === 'add' || request.type === 'put'
              ? table.mutate({ ...request, values: request.values.map((value: OutboxItem) => withAttention(value)) })
              : table.mutate(request),
        };
      },
    }),
  });
}

export class EventLogDb extends Dexie {
  projects!: EntityTable<ProjectRow, 'pid'>;
  reference!: EntityTable<ReferenceRow, 'project'>;
  events!: EntityTable<LogEvent, 'key'>;
  outbox!: EntityTable<OutboxItem, 'seq'>;
  syncState!: EntityTable<SyncStateRow, 'project'>;
  history!: Dexie.Table<HistoryRow, [string, number]>;
  qc!: EntityTable<QcRow, 'project'>;
  survey!: EntityTable<SurveyRow, 'project'>;

  constructor(name = EVENT_LOG_DB_NAME) {
    super(name);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    this.version(3).stores(SCHEMA_V3);
    this.version(4).stores(SCHEMA_V4);
    this.version(5).stores(SCHEMA_V5).upgrade(upgradeToV5);
    withAttentionIndex(this);
  }
}

/** `corelog-eventlog`, or `corelog-eventlog-sample` on the sample systems: the two profiles' logs never mix. */
/** A transaction the browser's storage refuses (a full disk) fails in plain words (storage/plain-storage-errors.ts). */
export const eventLogDb = withPlainStorageErrors(new EventLogDb(profileDbName(EVENT_LOG_DB_NAME)));
