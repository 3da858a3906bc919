/**
 * What every system's API client takes and reports, whatever the system: where it is, how long to
 * wait, and the two callbacks the connection service listens to.
 */
import type { CorelogError } from '../../../common/errors';
import type { HttpLimits } from './http-request';

/**
 * After every request: an answer from the server means the system is reachable; no answer, no
 * complete answer in time, or an answer from something in between (a captive portal, a redirect
 * elsewhere) means not (`meansUnreachable` in common/errors.ts).
 */
export interface RequestOutcome {
  reachable: boolean;
  error?: CorelogError;
}

/**
 * Something odd in a reply that did not stop the request: a list item that did not fit and was
 * left out, a field of an unexpected type that was ignored. Logged, so support can see what a
 * real server sent that our reading of its documents did not expect.
 */
export interface ReplyProblem {
  /** What the client was doing, e.g. "list events". */
  action: string;
  /** One line: which item or field, and what was wrong with it. */
  detail: string;
}

export interface SystemClientOptions<Session> {
  /** Including the API base path, e.g. `http://127.0.0.1:4010/integrate/2`. */
  baseUrl: string;
  /** Idle timeout per request. */
  timeoutMs?: number;
  /** Total deadline and reply-size caps per request (defaults in `DEFAULT_HTTP_LIMITS`). */
  limits?: HttpLimits;
  now?: () => number;
  onOutcome?: (outcome: RequestOutcome) => void;
  onSessionChange?: (session: Session) => void;
  /** Reply oddities the client worked around (an item left out of a list…); for the log. */
  onReplyProblem?: (problem: ReplyProblem) => void;
}
