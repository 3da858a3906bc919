/**
 * What the reports read from IndexedDB: the events of a time range or of a sequence, the
 * sequences Dougal last gave, the project's outbox and when the log was last pulled. Live
 * queries, so a report open while the outbox drains shows its events reaching Dougal.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { QcResult } from '../../../../common/bridge/event-log-contract';
import { eventLogDb, type LogEvent } from '../event-log-db';
import type { TimeZoneChoice } from '../event-time';
import type { LocalState } from './report-model';

export interface ReportInput {
  /** Which query this answers (a live query answers the previous one until the new one is read). */
  key: string;
  state: LocalState;
  events: LogEvent[];
  qc: { results: QcResult[]; fetchedAt: string } | undefined;
}

export type ReportQuery = { kind: 'watch'; from: string; to: string } | { kind: 'sequence'; sequence: number };

export function reportQueryKey(query: ReportQuery | null): string {
  return query ? (query.kind === 'watch' ? `w:${query.from}:${query.to}` : `s:${query.sequence}`) : '';
}

async function localState(project: string, madeAt: string, zone: TimeZoneChoice): Promise<LocalState> {
  const [projectRow, reference, outbox, sync] = await Promise.all([
    eventLogDb.projects.get(project),
    eventLogDb.reference.get(project),
    eventLogDb.outbox.filter((item) => item.project === project).toArray(),
    eventLogDb.syncState.get(project),
  ]);
  return {
    project,
    projectName: projectRow?.name ?? null,
    sequences: reference?.sequences,
    referenceFetchedAt: reference?.fetchedAt ?? null,
    outbox,
    lastPullAt: sync?.lastPullAt ?? null,
    madeAt,
    zone,
  };
}

/** The report's input, re-read whenever one of the tables changes; undefined while loading. */
export function useReportInput(project: string, query: ReportQuery | null, madeAt: string, zone: TimeZoneChoice): ReportInput | undefined {
  const key = reportQueryKey(query);
  return useLiveQuery(async () => {
    if (!query) return undefined;
    const state = await localState(project, madeAt, zone);
    if (query.kind === 'watch') {
      // sortKey is an ISO time in UTC (tstamp, or when it was logged here): the index range is the watch.
      const events = await eventLogDb.events.where('[project+sortKey]').between([project, query.from], [project, query.to], true, true).toArray();
      return { key, state, events, qc: undefined };
    }
    const [events, qc] = await Promise.all([eventLogDb.events.where('[project+sequence]').equals([project, query.sequence]).toArray(), eventLogDb.qc.get(project)]);
    return { key, state, events, qc: qc ? { results: qc.results, fetchedAt: qc.fetchedAt } : undefined };
  }, [project, key, madeAt, zone]);
}

/** Sequence numbers to offer: Dougal's sequences, and any named by an event logged here. */
export function useReportSequences(project: string): number[] | undefined {
  return useLiveQuery(async () => {
    const reference = await eventLogDb.reference.get(project);
    const numbers = new Set((reference?.sequences ?? []).map((s) => s.sequence));
    const logged = await eventLogDb.events.where('[project+sequence]').between([project, -Infinity], [project, Infinity]).uniqueKeys();
    for (const key of logged) {
      const n = (key as unknown as [string, number])[1];
      if (typeof n === 'number') numbers.add(n);
    }
    return [...numbers].sort((a, b) => b - a);
  }, [project]);
}
