/**
 * Native notifications when a sync run finishes or something starts failing (desktop app; browser
 * mode ignores them). Decided from the same statuses the strip shows, so every feature gets them
 * without code of its own. Only the window that runs an engine notifies.
 */
import { useEffect, useRef } from 'react';
import { bridge } from '../bridge/bridge';
import type { SyncSourceStatus } from './sync-source';
import { syncOutcomeBetween, type SourceTally } from './sync-outcome';

export function useSyncNotifications(sources: SyncSourceStatus[]): void {
  const tallies = useRef(new Map<string, SourceTally>());
  useEffect(() => {
    for (const source of sources) {
      if (!source.engineActive) continue;
      const { outcome, tally } = syncOutcomeBetween(tallies.current.get(source.id), source);
      tallies.current.set(source.id, tally);
      if (outcome) void bridge.notifySyncOutcome(outcome);
    }
  });
}
