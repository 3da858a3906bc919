/**
 * When to try a failed sync step again. ODK Collect's rule of thumb: retry after about a minute,
 * then back off. We start sooner (a vessel LAN blip is short), double each time up to a cap, and
 * add jitter so a dozen queued items do not all fire in the same second. The time of the next
 * attempt is stored with the item, so the schedule carries on across restarts.
 */
export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** 0.2 means ±20 %. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { firstDelayMs: 5_000, maxDelayMs: 10 * 60_000, jitter: 0.2 };

/** Delay before attempt number `attempt + 1`, after `attempt` failures (attempt ≥ 1). */
export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
  const factor = 1 - policy.jitter + random() * 2 * policy.jitter;
  return Math.round(base * factor);
}

/** The ISO time of the next attempt after `attempt` failures. */
export function nextAttemptAt(attempt: number, now: number, policy?: RetryPolicy, random?: () => number): string {
  return new Date(now + retryDelayMs(attempt, policy, random)).toISOString();
}
