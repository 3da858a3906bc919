/**
 * Native notifications when a sync run finishes or something starts failing (desktop app; browser
 * mode ignores them). Decided from the same statuses the strip shows, so every feature gets them
 * without code of its own. Only the window that runs an engine notifies.
 */
import { useEffect, useRef } from 'react';
import type { SyncOutcome } from '../../../common/bridge/desktop-contract';
import { displayText } from '../../../common/display-text';
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
      if (outcome) void bridge.notifySyncOutcome(shownOutcome(outcome));
    }
  });
}

/** The bridge takes a notification sentence of up to this many UTF-16 units. */
const NOTICE_UNITS = 300;

/**
 * The sentence by the one display rule: it quotes a server's error, and an override in it would
 * turn the words after it around in the system's notification too. Cut at whole characters, short
 * enough for the bridge however many units its characters take.
 */
function shownOutcome(outcome: SyncOutcome): SyncOutcome {
  for (const maxCharacters of [200, 60, 20]) {
    const message = displayText(outcome.message, { maxCharacters, cutMark: 'ellipsis' });
    if (message.length <= NOTICE_UNITS) return { ...outcome, message };
  }
  return { ...outcome, message: displayText(outcome.message, { maxCharacters: 1, cutMark: 'ellipsis' }) };
}
