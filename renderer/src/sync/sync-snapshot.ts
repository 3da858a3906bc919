/**
 * The latest sync status of every source, kept outside React so non-UI code (diagnostics export,
 * menu commands) can read it. The status strip, which already renders every source, updates it.
 */
import type { OutboxSummary } from '../../../common/bridge/desktop-contract';
import type { SyncSourceStatus } from './sync-source';

let latest: SyncSourceStatus[] = [];

export function publishSyncSnapshot(sources: SyncSourceStatus[]): void {
  latest = sources;
}

export function retryAllSyncSources(): void {
  for (const source of latest) source.retryNow();
}

/** What diagnostics carry about the outbox: counts and recent errors, never the data itself. */
export function outboxSummary(): OutboxSummary {
  const items = latest.flatMap((s) => s.items.map((item) => ({ source: s, item })));
  const pendingDates = items.filter(({ item }) => item.state !== 'failed').map(({ item }) => item.createdAt).sort();
  const groups = new Map<string, OutboxSummary['groups'][number]>();
  for (const { source, item } of items) {
    const key = `${source.system}|${source.id}|${item.state}`;
    const group = groups.get(key) ?? { system: source.system, kind: source.id.slice(0, 60), state: item.state, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  return {
    pending: latest.reduce((n, s) => n + s.pending, 0),
    failed: latest.reduce((n, s) => n + s.failed + s.conflicts, 0),
    oldestPendingAt: pendingDates[0] ?? null,
    groups: [...groups.values()].slice(0, 500),
    recentErrors: items
      .filter(({ item }) => item.lastError)
      .slice(-100)
      .map(({ source, item }) => ({ system: source.system, at: item.nextAttemptAt ?? item.createdAt, message: item.lastError!.message.slice(0, 1000) })),
  };
}
