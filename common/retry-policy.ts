/**
 * When to try a failed sync step again, and when a failure has repeated long enough that the user
 * must be told. ODK Collect's rule of thumb: retry after about a minute, then back off. We start
 * sooner (a vessel LAN blip is short), double each time, and stop growing at one minute: once the
 * link is usable again, everything queued must go within a minute, however long it was broken.
 * Jitter spreads a dozen queued items so they do not all fire in the same second. The time of the
 * next attempt is stored with the item, so the schedule carries on across restarts.
 */
import type { BridgeError, ErrorKind } from './errors';

export interface RetryPolicy {
  firstDelayMs: number;
  /** No delay is ever longer than this, jitter included. */
  maxDelayMs: number;
  /** 0.2 means ±20 %. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { firstDelayMs: 2_000, maxDelayMs: 60_000, jitter: 0.2 };

/** Delay before attempt number `attempt + 1`, after `attempt` failures (attempt ≥ 1). */
export function retryDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const factor = 1 - policy.jitter + random() * 2 * policy.jitter;
  // Jitter below the cap only: at the cap, items still spread over the last fifth of the minute.
  return Math.round(Math.min(policy.maxDelayMs, base * factor));
}

/**
 * The longest wait a server's `Retry-After` is honoured for. A server that asks for an hour is
 * left alone for an hour ("Retry now" still goes at once); one that asks for a day is asked again
 * after an hour, so a misconfigured header cannot park a queue for good.
 */
export const RETRY_AFTER_CAP_MS = 60 * 60_000;

/** How long the server asked to be left alone, bounded (0 when it did not ask). */
export function serverAskedWaitMs(error: Pick<BridgeError, 'retryAfterMs'> | null | undefined): number {
  const asked = error?.retryAfterMs;
  return typeof asked === 'number' && Number.isFinite(asked) && asked > 0 ? Math.min(asked, RETRY_AFTER_CAP_MS) : 0;
}

/** The delay before the next attempt after `attempt` failures, the last with `error`: never sooner than the server asked. */
export function retryDelayAfter(attempt: number, error: Pick<BridgeError, 'retryAfterMs'> | null | undefined, policy?: RetryPolicy, random?: () => number): number {
  return Math.max(retryDelayMs(attempt, policy, random), serverAskedWaitMs(error));
}

/** The ISO time of the next attempt after `attempt` failures, the last with `error`. */
export function nextAttemptAt(attempt: number, now: number, policy?: RetryPolicy, error?: Pick<BridgeError, 'retryAfterMs'> | null): string {
  return new Date(now + retryDelayAfter(attempt, error, policy)).toISOString();
}

/**
 * Refusals of the item itself: sending the same thing again cannot help, so the item stops and
 * waits for the user. Everything else (offline, timeout, rate-limited, server errors, a reply that
 * is not what the server sends — a captive portal's page, a cut-off body, a redirect — and a
 * session that ended) is a problem of the path to the server and goes back to waiting.
 */
const REFUSAL_KINDS: ReadonlySet<ErrorKind> = new Set(['validation', 'rejected', 'forbidden', 'not-found', 'conflict']);

/** Whether a sync step that failed with `error` waits and is tried again (true) or stops for the user. */
export function waitsForRetry(error: Pick<BridgeError, 'kind' | 'retryable'>): boolean {
  if (REFUSAL_KINDS.has(error.kind)) return false;
  // Our own bugs stop, unless the code that raised them said waiting helps.
  if (error.kind === 'internal') return error.retryable;
  return true;
}

/**
 * When a server takes an item, items held back by a passing failure of the path wait at most this
 * much longer, whatever their own backoff says: on a flaky link the backoff protects nothing (the
 * server is answering) and only delays the queue. A server that answers nothing gets the full
 * backoff, and one that asked to slow down (429) is left alone.
 */
export const SUCCESS_WAKE_MS = 5_000;

/**
 * The backoff of an item that failed while the same server took other items within the last
 * minute: the failure is most likely a passing flake of the link, so the item comes back within
 * seconds instead of drifting towards the one-minute cap — also the last items of a queue, which
 * no later success would wake.
 */
export const FLAKY_LINK_RETRY_POLICY: RetryPolicy = { firstDelayMs: 2_000, maxDelayMs: 10_000, jitter: 0.2 };
export const RECENT_SUCCESS_MS = 60_000;

/** The policy for an item failing now with `error`, given when the same server last took an item (epoch ms, 0: never). */
export function retryPolicyAfter(error: Pick<BridgeError, 'kind'>, lastSuccessAt: number, now: number): RetryPolicy {
  const recent = lastSuccessAt > 0 && now - lastSuccessAt < RECENT_SUCCESS_MS;
  return recent && wakesOnOthersSuccess(error) ? FLAKY_LINK_RETRY_POLICY : DEFAULT_RETRY_POLICY;
}

/** Whether an item that failed with `error` is woken early when the same server takes other items. */
export function wakesOnOthersSuccess(error: Pick<BridgeError, 'kind'> | null | undefined): boolean {
  return error != null && error.kind !== 'rate-limited' && waitsForRetry({ kind: error.kind, retryable: true });
}

/** One failure repeating: how often and since when, so "needs attention" can say it plainly. */
export interface FailureStreak {
  kind: ErrorKind;
  /** HTTP status of the failure, when there was one. */
  status: number | null;
  count: number;
  /** ISO time of the first failure of the streak. */
  since: string;
}

/** The streak after one more failure: a different kind or status starts a new one. */
export function extendStreak(previous: FailureStreak | null | undefined, error: Pick<BridgeError, 'kind' | 'status'>, now: number): FailureStreak {
  const status = error.status ?? null;
  if (previous && previous.kind === error.kind && previous.status === status) return { ...previous, count: previous.count + 1 };
  return { kind: error.kind, status, count: 1, since: new Date(now).toISOString() };
}

export const ATTENTION_AFTER_FAILURES = 8;
export const ATTENTION_AFTER_MS = 30 * 60_000;

/**
 * A failure the user should hear about although it is still retried: the same one 8 times in a
 * row, or repeating for 30 minutes. "Cannot reach the server" is left out: the strip already says
 * offline, and a field laptop is offline for days.
 */
export function needsAttention(streak: FailureStreak | null | undefined, now: number): boolean {
  if (!streak || streak.kind === 'offline' || streak.kind === 'cancelled') return false;
  if (streak.count >= ATTENTION_AFTER_FAILURES) return true;
  return streak.count >= 2 && now - Date.parse(streak.since) >= ATTENTION_AFTER_MS;
}
