/**
 * What is still waiting to be sent, as main knows it: the renderer's outbox counts (pushed over
 * the bridge whenever they change; main cannot read IndexedDB) and the uploads running in main
 * (the busy-work registry). The desktop shell reads it when the window is closed, to say how much
 * is pending and offer to keep syncing in the background, and for the background icon's count.
 */
import type { PendingWorkCounts } from '../../../common/bridge/desktop-contract';

export const NO_PENDING_WORK: PendingWorkCounts = { events: 0, photos: 0, otherItems: 0 };

export class PendingWork {
  private counts: PendingWorkCounts = { ...NO_PENDING_WORK };
  private readonly listeners = new Set<(counts: PendingWorkCounts) => void>();

  get current(): PendingWorkCounts {
    return { ...this.counts };
  }

  /** Items waiting in the renderer's outboxes, all kinds together. */
  get total(): number {
    return this.counts.events + this.counts.photos + this.counts.otherItems;
  }

  update(counts: PendingWorkCounts): void {
    if (counts.events === this.counts.events && counts.photos === this.counts.photos && counts.otherItems === this.counts.otherItems) return;
    this.counts = { ...counts };
    for (const listener of [...this.listeners]) listener(this.current);
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: (counts: PendingWorkCounts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * One plain sentence for the close dialog and the background icon, e.g. "12 events and 3 photos
 * are waiting to be sent; 2 uploads are running." Null when nothing waits or runs.
 */
export function describePendingWork(counts: PendingWorkCounts, uploadsRunning: number): string | null {
  const parts = [
    counts.events > 0 ? plural(counts.events, 'event', 'events') : null,
    counts.photos > 0 ? plural(counts.photos, 'photo', 'photos') : null,
    counts.otherItems > 0 ? plural(counts.otherItems, 'hole or interval change', 'hole and interval changes') : null,
  ].filter((part): part is string => part !== null);
  const waitingCount = counts.events + counts.photos + counts.otherItems;
  const waiting = parts.length === 0 ? null : `${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`} ${waitingCount === 1 ? 'is' : 'are'} waiting to be sent`;
  const running = uploadsRunning > 0 ? `${plural(uploadsRunning, 'upload is', 'uploads are')} running` : null;
  if (!waiting && !running) return null;
  return `${[waiting, running].filter(Boolean).join('; ')}.`.replace(/^./, (c) => c.toUpperCase());
}
