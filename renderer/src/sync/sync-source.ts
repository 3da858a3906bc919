/**
 * What each syncing feature (the Dougal event log, the Imago photo queue) reports to the
 * always-visible sync status strip. Features own their outbox and engine; the strip only shows.
 */
import type { BridgeError, SystemId } from '../../../common/errors';

export interface OutboxItemSummary {
  id: string;
  /** e.g. "Create event ‘Gun 3 autofire’" or "Upload FF-DD-0012 12.0–15.5 m Wet". */
  label: string;
  state: 'pending' | 'sending' | 'failed' | 'conflict' | 'waiting-retry' | 'paused';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: BridgeError | null;
  createdAt: string;
  /** Set while the item's failure keeps repeating: the plain summary to show ("needs attention"). */
  attention?: string | null;
}

export interface SyncSourceStatus {
  id: string;
  system: SystemId;
  /** "Event log", "Photo uploads". */
  label: string;
  pending: number;
  failed: number;
  conflicts: number;
  lastSuccessAt: string | null;
  /** The failure to show on the strip, with the server's message. */
  lastError: BridgeError | null;
  /** Items (or pulls) whose failure keeps repeating while they are still retried. */
  attention?: number;
  /** The plain summary of the worst of them. */
  attentionSummary?: string | null;
  /** Up to a few hundred items, newest last, for the outbox panel. */
  items: OutboxItemSummary[];
  /** Whether this window is the one running the engine (others only display). */
  engineActive: boolean;
  retryNow(): void;
  /** Retry one failed item (failed items are never retried by themselves; "Retry now" includes them). */
  retryItem?(id: string): void;
}

/** Hooks registered by features; each returns its current status (or null before it has one). */
export type SyncSourceHook = () => SyncSourceStatus | null;
