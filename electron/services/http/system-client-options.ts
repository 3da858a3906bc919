/**
 * What every system's API client takes and reports, whatever the system: where it is, how long to
 * wait, and the two callbacks the connection service listens to.
 */
import type { CorelogError } from '../../../common/errors';

/** After every request: any HTTP answer means the system is reachable; offline or timeout means not. */
export interface RequestOutcome {
  reachable: boolean;
  error?: CorelogError;
}

export interface SystemClientOptions<Session> {
  /** Including the API base path, e.g. `http://127.0.0.1:4010/integrate/2`. */
  baseUrl: string;
  /** Idle timeout per request. */
  timeoutMs?: number;
  now?: () => number;
  onOutcome?: (outcome: RequestOutcome) => void;
  onSessionChange?: (session: Session) => void;
}
