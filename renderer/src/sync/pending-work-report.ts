/**
 * Tells main how much work is waiting to be sent, whenever that changes: main needs it the moment
 * the window is closed (to say how much is pending and offer to keep syncing in the background)
 * and for the background icon's count, and it cannot read IndexedDB. Counted straight from the
 * outboxes, so it keeps working if the sync strip fails. Only what goes by itself counts: failed
 * and conflicting items wait for the user, and syncing in the background would not send them.
 */
import Dexie from 'dexie';
import { useEffect } from 'react';
import type { PendingWorkCounts } from '../../../common/bridge/desktop-contract';
import { bridge, onBridgeLinkState } from '../bridge/bridge';
import { eventLogDb } from '../event-log/event-log-db';
import { photosDb } from '../photos/photos-db';

/** At most one report this often while the outboxes empty fast (a push of 1,000 events). */
const REPORT_EVERY_MS = 500;
/**
 * Counting may take at most this share of the time. The browser counts by walking the index, so
 * with 10,000 events queued one count takes tens of milliseconds of its CPU, which the push needs.
 */
const MAX_COUNT_SHARE = 0.1;

/**
 * Counted by whole counts, never by walking items: `anyOf` and `filter` walk a cursor, one round
 * trip to the browser's storage per item, and with 10,000 events queued that walk, every half
 * second, cost the push more than the push itself. An index count is one request whatever the
 * size. Events: everything queued less what waits for the user (failed, conflict: counted in the
 * `attention` index, which holds only items that wait).
 */
export async function countPendingWork(): Promise<PendingWorkCounts> {
  const [queued, failed, conflicts, photoItems] = await Promise.all([
    eventLogDb.outbox.count(),
    eventLogDb.outbox.where('attention').equals('failed').count(),
    eventLogDb.outbox.where('attention').equals('conflict').count(),
    Promise.all((['pending', 'sending'] as const).map((state) => photosDb.outbox.where('state').equals(state).toArray())),
  ]);
  const photoQueue = photoItems.flat();
  const photos = photoQueue.filter((item) => item.kind === 'upload').length;
  return { events: queued - failed - conflicts, photos, otherItems: photoQueue.length - photos };
}

/** Whether a Dexie change notice touches an outbox (its parts are keyed `idb://<database>/<table>/…`). */
function touchesOutbox(parts: Record<string, unknown>): boolean {
  return Object.keys(parts).some((part) => /^idb:\/\/[^/]+\/outbox\//.test(part));
}

/**
 * Reports the counts to main while mounted (the app shell mounts it once). Counting is throttled,
 * not run on every change: a push of 1,000 events changes an outbox three times per event, and
 * recounting after each (a live query) made the push four times slower. So a change only marks the
 * counts stale, and they are counted again at most every REPORT_EVERY_MS, or less often when a
 * count takes long (MAX_COUNT_SHARE); the last change always ends in a count.
 */
export function usePendingWorkReport(): void {
  useEffect(() => {
    let stopped = false;
    let sent: string | null = null;
    let timer: number | undefined;
    let lastCountAt = 0;
    let lastTook = 0;
    const countAndSend = async () => {
      lastCountAt = Date.now();
      let counts: PendingWorkCounts;
      try {
        counts = await countPendingWork();
      } catch {
        return; // the database closed under us (a profile switch, a reload): the next change counts again
      } finally {
        timer = undefined;
        lastTook = Date.now() - lastCountAt;
      }
      if (stopped) return;
      const key = JSON.stringify(counts);
      if (key === sent) return;
      sent = key;
      void bridge.reportPendingWork(counts).then((result) => {
        // Not delivered (the link to main was down): sent again with the next change or reconnection.
        if (!result.ok && sent === key) sent = null;
      });
    };
    const schedule = () => {
      if (timer === undefined && !stopped) timer = window.setTimeout(() => void countAndSend(), Math.max(0, Math.max(REPORT_EVERY_MS, lastTook / MAX_COUNT_SHARE) - (Date.now() - lastCountAt)));
    };
    const onMutated = (parts: Record<string, unknown>) => {
      if (touchesOutbox(parts)) schedule();
    };
    Dexie.on.storagemutated.subscribe(onMutated);
    schedule();
    // A restarted background service (browser mode) starts from zero: tell it again.
    const offLink = onBridgeLinkState((state) => {
      if (state !== 'open') return;
      sent = null;
      schedule();
    });
    return () => {
      stopped = true;
      Dexie.on.storagemutated.unsubscribe(onMutated);
      offLink();
      window.clearTimeout(timer);
    };
  }, []);
}
