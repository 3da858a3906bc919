/** When a sync source's run has finished or started failing: pure, so it is unit-tested in Node. */
import type { SyncOutcome } from '../../../common/bridge/desktop-contract';
import type { SyncSourceStatus } from './sync-source';

export interface SourceTally {
  pending: number;
  problems: number;
  /** Items whose failure keeps repeating (still retried). */
  attention?: number;
  /** Most items seen waiting during the current run. */
  peak: number;
}

/** What to announce between two looks at one source, and what to remember for the next look. */
export function syncOutcomeBetween(previous: SourceTally | undefined, source: SyncSourceStatus): { outcome: SyncOutcome | null; tally: SourceTally } {
  const problems = source.failed + source.conflicts;
  const attention = source.attention ?? 0;
  if (!previous) return { outcome: null, tally: { pending: source.pending, problems, attention, peak: source.pending } };
  const peak = Math.max(previous.peak, source.pending);
  if (problems > previous.problems) {
    const added = problems - previous.problems;
    const reason = source.lastError?.message ? `: ${source.lastError.message}` : '';
    return {
      outcome: { system: source.system, ok: false, message: `${source.label}: ${added} item${added === 1 ? '' : 's'} could not be synced${reason}`.slice(0, 300) },
      tally: { pending: source.pending, problems, attention, peak },
    };
  }
  if (attention > (previous.attention ?? 0) && source.attentionSummary) {
    // A failure that keeps repeating is told once, when it starts needing attention.
    return {
      outcome: { system: source.system, ok: false, message: `${source.label}: ${source.attentionSummary}`.slice(0, 300) },
      tally: { pending: source.pending, problems, attention, peak },
    };
  }
  if (previous.pending > 0 && source.pending === 0) {
    return {
      outcome: { system: source.system, ok: true, message: `${source.label}: ${peak} item${peak === 1 ? '' : 's'} synced` },
      tally: { pending: 0, problems, attention, peak: 0 },
    };
  }
  return { outcome: null, tally: { pending: source.pending, problems, attention, peak } };
}
