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

export async function countPendingWork(): Promise<PendingWorkCounts> {
  const [events, photos, otherItems] = await Promise.all([
    eventLogDb.outbox.where('state').anyOf('pending', 'sending', 'waiting-retry').count(),
    photosDb.outbox
      .where('state')
      .anyOf('pending', 'sending')
      .filter((item) => item.kind === 'upload')
      .count(),
    photosDb.outbox
      .where('state')
      .anyOf('pending', 'sending')
      .filter((item) => item.kind !== 'upload')
      .count(),
  ]);
  return { events, photos, otherItems };
}

/** Whether a Dexie change notice touches an outbox (its parts are keyed `idb://<database>/<table>/…`). */
function touchesOutbox(parts: Record<string, unknown>): boolean {
  return Object.keys(parts).some((part) => /^idb:\/\/[^/]+\/outbox\//.test(part));
}

/**
 * Reports the counts to main while mounted (the app shell mounts it once). Counting is throttled,
 * not run on every change: a push of 1,000 events changes an outbox three times per event, and
 * recounting after each (a live query) made the push four times slower. So a change only marks the
 * counts stale, and they are counted again at most every REPORT_EVERY_MS (the last change always
 * ends in a count).
 */
export function usePendingWorkReport(): void {
  useEffect(() => {
    let stopped = false;
    let sent: string | null = null;
    let timer: number | undefined;
    let lastCountAt = 0;
    const countAndSend = async () => {
      lastCountAt = Date.now();
      let counts: PendingWorkCounts;
      try {
        counts = await countPendingWork();
      } catch {
        return; // the database closed under us (a profile switch, a reload): the next change counts again
      } finally {
        timer = undefined;
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
      if (timer === undefined && !stopped) timer = window.setTimeout(() => void countAndSend(), Math.max(0, REPORT_EVERY_MS - (Date.now() - lastCountAt)));
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
