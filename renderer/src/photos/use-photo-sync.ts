/**
 * The photo queue as the rest of the app sees it: the sync status strip's source (which also runs
 * the upload engine in the one window holding its lock) and the overall progress for the queue
 * panel (bytes, count, time left).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useSyncExternalStore } from 'react';
import { attentionSummary } from '../sync/attention';
import { useLockedEngine } from '../sync/engine-lock';
import type { OutboxItemSummary, SyncSourceStatus } from '../sync/sync-source';
import { getSetting, photosDb } from './photos-db';
import { LAST_UPLOAD_KEY, photoUploadEngine, type EngineSnapshot } from './upload-engine';

export function useUploadEngineSnapshot(): EngineSnapshot {
  return useSyncExternalStore(photoUploadEngine.subscribe, photoUploadEngine.getSnapshot);
}

/** The sync strip's view of photo uploads; mounting it runs the engine when this window holds the lock. */
export function usePhotoSyncSource(): SyncSourceStatus | null {
  const engineActive = useLockedEngine('photo-uploads', photoUploadEngine);
  const snapshot = useUploadEngineSnapshot();
  const state = useLiveQuery(async () => {
    const [pending, failedItems, items, lastSuccessAt] = await Promise.all([
      photosDb.outbox.where('state').anyOf('pending', 'sending').count(),
      photosDb.outbox.where('state').equals('failed').toArray(),
      photosDb.outbox.orderBy('createdAt').limit(300).toArray(),
      getSetting<string | null>(LAST_UPLOAD_KEY, null),
    ]);
    // A write held because Imago changed the interval meanwhile is a conflict for the user to settle, not a failure.
    const conflicts = failedItems.filter((item) => item.lastError?.kind === 'conflict').length;
    return { pending, failed: failedItems.length - conflicts, conflicts, items, lastSuccessAt };
  }, []);
  if (!state) return null;
  const running = new Set(snapshot.running.map((r) => r.outboxId));
  const now = Date.now();
  const items: OutboxItemSummary[] = state.items.map((item) => ({
    id: item.id,
    label: item.label,
    state: item.state === 'failed' ? 'failed' : running.has(item.id) ? 'sending' : snapshot.paused ? 'paused' : item.attempts > 0 ? 'waiting-retry' : 'pending',
    attempts: item.attempts,
    nextAttemptAt: item.nextAttemptAt > 0 ? new Date(item.nextAttemptAt).toISOString() : null,
    lastError: item.lastError,
    createdAt: item.createdAt,
    attention: item.state === 'failed' ? null : attentionSummary('imago', item.failures, item.lastError, now),
  }));
  const needing = state.items
    .filter((item, i) => items[i]!.attention)
    .sort((a, b) => (b.failures?.count ?? 0) - (a.failures?.count ?? 0));
  const withError = state.items.filter((i) => i.lastError).sort((a, b) => Number(b.state === 'failed') - Number(a.state === 'failed'));
  const heldError = snapshot.heldReason && state.pending > 0 ? { kind: 'auth' as const, message: snapshot.heldReason, retryable: true } : null;
  return {
    id: 'imago-photos',
    system: 'imago',
    label: 'Photo uploads',
    pending: state.pending,
    failed: state.failed,
    conflicts: state.conflicts,
    attention: needing.length,
    attentionSummary: needing[0] ? attentionSummary('imago', needing[0].failures, needing[0].lastError, now) : null,
    lastSuccessAt: state.lastSuccessAt,
    lastError: heldError ?? withError[0]?.lastError ?? null,
    items,
    engineActive,
    retryNow: () => void photoUploadEngine.retryNow(),
    retryItem: (id) => void photoUploadEngine.retryItem(id),
  };
}

export interface QueueProgress {
  paused: boolean;
  waitingCount: number;
  waitingBytes: number;
  doneCount: number;
  totalCount: number;
  sentBytes: number;
  totalBytes: number;
  /** null until there is a rate to go by. */
  secondsLeft: number | null;
}

/** Overall progress of the upload queue since it was last empty. */
export function useQueueProgress(): QueueProgress {
  const snapshot = useUploadEngineSnapshot();
  const paused = useLiveQuery(() => getSetting('uploadsPaused', false), [], false);
  const waiting = useLiveQuery(
    async () => {
      const photos = await photosDb.photos.where('state').equals('queued').toArray();
      return { count: photos.length, bytes: photos.reduce((n, p) => n + p.bytes, 0) };
    },
    [],
    { count: 0, bytes: 0 },
  );
  const inFlight = snapshot.running.reduce((n, r) => n + r.sentBytes, 0);
  const sentBytes = snapshot.batch.doneBytes + inFlight;
  const totalBytes = snapshot.batch.doneBytes + waiting.bytes;
  const elapsed = snapshot.batch.startedAt ? (Date.now() - snapshot.batch.startedAt) / 1000 : 0;
  const rate = elapsed > 1 && sentBytes > 0 ? sentBytes / elapsed : null;
  return {
    paused,
    waitingCount: waiting.count,
    waitingBytes: waiting.bytes,
    doneCount: snapshot.batch.doneCount,
    totalCount: snapshot.batch.doneCount + waiting.count,
    sentBytes,
    totalBytes,
    secondsLeft: rate && waiting.count > 0 ? Math.max(0, (totalBytes - sentBytes) / rate) : null,
  };
}
