/**
 * "Needs attention": a failure that keeps repeating although Corelog keeps trying, said in plain
 * words with how often and since when, and what may be behind it. The data stays in the outbox
 * either way; this is only so the user sees it instead of it being retried silently forever.
 */
import { needsAttention, type FailureStreak } from '../../../common/retry-policy';
import type { BridgeError, SystemId } from '../../../common/errors';

const NAMES: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

/** "14:02 UTC" today, "2025-03-01 14:02 UTC" on another day (the app shows UTC by default). */
function since(iso: string, now: number): string {
  const at = new Date(iso);
  const time = `${at.toISOString().slice(11, 16)} UTC`;
  return at.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? time : `${at.toISOString().slice(0, 10)} ${time}`;
}

/** The plain summary of a repeating failure, or null when it does not (yet) need attention. */
export function attentionSummary(system: SystemId, streak: FailureStreak | null | undefined, lastError: BridgeError | null, now = Date.now()): string | null {
  if (!streak || !needsAttention(streak, now)) return null;
  const name = NAMES[system];
  const times = `${streak.count} times since ${since(streak.since, now)}`;
  const status = streak.status ? ` (HTTP ${streak.status})` : '';
  switch (streak.kind) {
    case 'malformed-response':
      return /web page|html|portal|sign-in page|login page/i.test(lastError?.message ?? '')
        ? `${name} has answered with a web page instead of data ${times} — a captive portal or proxy may be in the way. Corelog keeps trying; nothing is lost.`
        : `${name} has answered with something Corelog cannot read ${times} — a proxy or captive portal may be in the way. Corelog keeps trying; nothing is lost.`;
    case 'server':
      return `${name} has answered with a server error${status} ${times} — it may be overloaded or broken. Corelog keeps trying; nothing is lost.`;
    case 'timeout':
      return `${name} has not answered in time ${times} — the link may be too slow, or something is holding the replies. Corelog keeps trying; nothing is lost.`;
    case 'rate-limited':
      return `${name} has asked Corelog to slow down ${times}. Corelog keeps trying; nothing is lost.`;
    case 'auth':
      return `${name} has refused the session ${times} — sign in again on the Connections screen (Alt+2). Nothing is lost.`;
    default:
      return `${name} has failed ${times}${lastError ? `: ${lastError.message}` : '.'} Corelog keeps trying; nothing is lost.`;
  }
}
