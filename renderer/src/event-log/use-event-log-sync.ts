/**
 * The event log's line on the sync status strip. Every window shows it; only the window holding
 * the engine lock runs the engine. The outbox summary is re-read at most a few times a second,
 * however fast the engine empties the queue, and less often when a read takes long (a big queue).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { attentionSummary } from '../sync/attention';
import type { OutboxItemSummary, SyncSourceHook } from '../sync/sync-source';
import { useLockedEngine } from '../sync/engine-lock';
import { onOutboxChanged } from './change-feed';
import { eventLogDb, type OutboxItem } from './event-log-db';
import { retryFailed } from './event-writes';
import { eventLogSync } from './sync-engine';

const REFRESH_MS = 250;
/**
 * Reading the summary may take at most this share of the time: it reads the whole outbox, which
 * with 10,000 queued events takes long enough that four reads a second slowed the push itself.
 */
const MAX_READ_SHARE = 0.1;
const PANEL_ITEMS = 300;

interface OutboxSummary {
  pending: number;
  failed: number;
  conflicts: number;
  /** Waiting items whose failure keeps repeating, and the summary of the one failing most. */
  attention: number;
  attentionSummary: string | null;
  items: OutboxItemSummary[];
}

function summarise(items: OutboxItem[]): OutboxSummary {
  const summary: OutboxSummary = { pending: 0, failed: 0, conflicts: 0, attention: 0, attentionSummary: null, items: [] };
  const now = Date.now();
  let worst = 0;
  const attentionOf = new Map<OutboxItem, string>();
  for (const item of items) {
    if (item.state === 'failed') summary.failed += 1;
    else if (item.state === 'conflict') summary.conflicts += 1;
    else {
      summary.pending += 1;
      const attention = attentionSummary('dougal', item.failures, item.lastError, now);
      if (attention) {
        attentionOf.set(item, attention);
        summary.attention += 1;
        if (item.failures!.count > worst) [worst, summary.attentionSummary] = [item.failures!.count, attention];
      }
    }
  }
  summary.items = items.slice(-PANEL_ITEMS).map((item) => ({
    id: String(item.seq),
    label: item.label,
    state: item.state,
    attempts: item.attempts,
    nextAttemptAt: item.nextAttemptAt,
    lastError: item.lastError,
    createdAt: item.createdAt,
    attention: attentionOf.get(item) ?? null,
  }));
  return summary;
}

function useOutboxSummary(): OutboxSummary | null {
  const [summary, setSummary] = useState<OutboxSummary | null>(null);
  useEffect(() => {
    let alive = true;
    let timer: number | undefined;
    let lastRun = 0;
    let lastTook = 0;
    const refresh = async () => {
      timer = undefined;
      lastRun = Date.now();
      const items = await eventLogDb.outbox.orderBy('seq').toArray();
      const summary = summarise(items);
      lastTook = Date.now() - lastRun;
      if (alive) setSummary(summary);
    };
    const schedule = () => {
      if (timer !== undefined) return;
      const gap = Math.max(REFRESH_MS, lastTook / MAX_READ_SHARE);
      timer = window.setTimeout(() => void refresh(), Math.max(0, gap - (Date.now() - lastRun)));
    };
    void refresh();
    const off = onOutboxChanged(schedule);
    return () => {
      alive = false;
      off();
      window.clearTimeout(timer);
    };
  }, []);
  return summary;
}

export const useEventLogSyncSource: SyncSourceHook = () => {
  const active = useLockedEngine('dougal-event-log', eventLogSync);
  const engine = useSyncExternalStore(eventLogSync.subscribe, eventLogSync.getStatus);
  const outbox = useOutboxSummary();
  if (!outbox) return null;
  const pausedError = engine.pausedReason && outbox.pending > 0 ? { kind: 'auth' as const, message: engine.pausedReason, retryable: true } : null;
  const itemError = outbox.items.find((i) => i.state === 'failed' || i.state === 'conflict')?.lastError ?? null;
  // Pulls that keep failing the same way need attention too, even with nothing to send.
  const pullAttention = attentionSummary('dougal', engine.pullFailures, engine.lastError);
  return {
    id: 'dougal-event-log',
    system: 'dougal',
    label: 'Event log',
    pending: outbox.pending,
    failed: outbox.failed,
    conflicts: outbox.conflicts,
    attention: outbox.attention + (pullAttention && outbox.attention === 0 ? 1 : 0),
    attentionSummary: outbox.attentionSummary ?? pullAttention,
    lastSuccessAt: engine.lastSuccessAt,
    lastError: pausedError ?? engine.lastError ?? itemError,
    items: outbox.items,
    engineActive: active,
    retryNow: () => eventLogSync.retryNow(),
    retryItem: (id) => void retryFailed(Number(id)),
  };
};
