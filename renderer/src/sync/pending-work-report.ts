/**
 * Tells main how much work is waiting to be sent, whenever that changes: main needs it the moment
 * the window is closed (to say how much is pending and offer to keep syncing in the background)
 * and for the background icon's count, and it cannot read IndexedDB. Counted straight from the
 * outboxes, so it keeps working if the sync strip fails. Only what goes by itself counts: failed
 * and conflicting items wait for the user, and syncing in the background would not send them.
 */
import { liveQuery } from 'dexie';
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

/** Reports the counts to main while mounted (the app shell mounts it once). */
export function usePendingWorkReport(): void {
  useEffect(() => {
    let sent: string | null = null;
    let latest: PendingWorkCounts | null = null;
    let timer: number | undefined;
    let lastSentAt = 0;
    const send = () => {
      timer = undefined;
      if (!latest) return;
      const key = JSON.stringify(latest);
      if (key === sent) return;
      sent = key;
      lastSentAt = Date.now();
      void bridge.reportPendingWork(latest).then((result) => {
        // Not delivered (the link to main was down): sent again with the next change or reconnection.
        if (!result.ok && sent === key) sent = null;
      });
    };
    const schedule = () => {
      if (timer === undefined) timer = window.setTimeout(send, Math.max(0, REPORT_EVERY_MS - (Date.now() - lastSentAt)));
    };
    const subscription = liveQuery(countPendingWork).subscribe({
      next: (counts) => {
        latest = counts;
        schedule();
      },
      error: () => undefined,
    });
    // A restarted background service (browser mode) starts from zero: tell it again.
    const offLink = onBridgeLinkState((state) => {
      if (state !== 'open') return;
      sent = null;
      schedule();
    });
    return () => {
      subscription.unsubscribe();
      offLink();
      window.clearTimeout(timer);
    };
  }, []);
}
