/**
 * The rules both sync engines share: how long an item waits (never more than a minute), which
 * failures wait and which stop for the user, and when a repeating failure needs attention — with
 * the plain words the user then reads.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeError, ErrorKind } from '../../../common/errors';
import { DEFAULT_RETRY_POLICY, extendStreak, FLAKY_LINK_RETRY_POLICY, needsAttention, retryDelayMs, retryPolicyAfter, waitsForRetry, wakesOnOthersSuccess, type FailureStreak } from '../../../common/retry-policy';
import { attentionSummary } from '../../../renderer/src/sync/attention';

describe('retry delays', () => {
  it('start at about 2 s, double, and never exceed a minute, jitter included', () => {
    expect(retryDelayMs(1, undefined, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(2, undefined, () => 0.5)).toBe(4_000);
    expect(retryDelayMs(5, undefined, () => 0.5)).toBe(32_000);
    for (const attempt of [6, 7, 10, 40, 1_000]) {
      for (const random of [0, 0.5, 0.999]) expect(retryDelayMs(attempt, undefined, () => random)).toBeLessThanOrEqual(60_000);
    }
    // Items at the cap still spread out below it.
    expect(retryDelayMs(50, undefined, () => 0)).toBe(48_000);
  });

  it('stay within seconds while the same server took other items in the last minute, unless it asked to slow down', () => {
    const now = 1_000_000;
    expect(retryPolicyAfter({ kind: 'server' }, now - 30_000, now)).toBe(FLAKY_LINK_RETRY_POLICY);
    expect(retryPolicyAfter({ kind: 'server' }, now - 90_000, now)).toBe(DEFAULT_RETRY_POLICY);
    expect(retryPolicyAfter({ kind: 'server' }, 0, now)).toBe(DEFAULT_RETRY_POLICY);
    expect(retryPolicyAfter({ kind: 'rate-limited' }, now - 1_000, now)).toBe(DEFAULT_RETRY_POLICY);
    expect(retryDelayMs(20, FLAKY_LINK_RETRY_POLICY, () => 0.999)).toBeLessThanOrEqual(10_000);
  });
});

describe('which failures wait', () => {
  const error = (kind: ErrorKind, retryable = false): BridgeError => ({ kind, message: 'x', retryable });

  it('problems of the path wait with backoff, whatever the retryable flag says', () => {
    for (const kind of ['offline', 'timeout', 'rate-limited', 'server', 'malformed-response', 'auth', 'unavailable', 'cancelled'] as const) {
      expect(waitsForRetry(error(kind, false)), kind).toBe(true);
    }
  });

  it('a server taking other items wakes items held back by the path, but not those it asked to slow down', () => {
    for (const kind of ['offline', 'timeout', 'server', 'malformed-response', 'auth'] as const) expect(wakesOnOthersSuccess(error(kind)), kind).toBe(true);
    for (const kind of ['rate-limited', 'rejected', 'conflict'] as const) expect(wakesOnOthersSuccess(error(kind)), kind).toBe(false);
    expect(wakesOnOthersSuccess(null)).toBe(false);
  });

  it('refusals of the item itself stop for the user, and so do our own bugs', () => {
    for (const kind of ['validation', 'rejected', 'forbidden', 'not-found', 'conflict', 'internal'] as const) expect(waitsForRetry(error(kind, kind === 'conflict')), kind).toBe(false);
    expect(waitsForRetry(error('internal', true))).toBe(true);
  });
});

describe('needs attention', () => {
  const start = Date.parse('2026-03-02T14:02:00Z');
  const streakOf = (kind: ErrorKind, count: number, status?: number): FailureStreak => {
    let streak: FailureStreak | null = null;
    for (let i = 0; i < count; i++) streak = extendStreak(streak, { kind, ...(status ? { status } : {}) }, start + i * 1_000);
    return streak!;
  };

  it('after the same failure 8 times in a row, or repeating for 30 minutes', () => {
    expect(needsAttention(streakOf('server', 7, 503), start + 10_000)).toBe(false);
    expect(needsAttention(streakOf('server', 8, 503), start + 10_000)).toBe(true);
    expect(needsAttention(streakOf('timeout', 2), start + 29 * 60_000)).toBe(false);
    expect(needsAttention(streakOf('timeout', 2), start + 31 * 60_000)).toBe(true);
  });

  it('a different failure starts a new streak; being offline is not a problem to flag', () => {
    const mixed = extendStreak(streakOf('server', 7, 503), { kind: 'server', status: 502 }, start + 60_000);
    expect(mixed).toMatchObject({ count: 1, status: 502, since: new Date(start + 60_000).toISOString() });
    expect(needsAttention(streakOf('offline', 50), start + 3 * 3600_000)).toBe(false);
  });

  it('says what happened, how often and since when, in plain words', () => {
    const portal = streakOf('malformed-response', 9, 200);
    const now = start + 10 * 60_000;
    expect(attentionSummary('dougal', portal, { kind: 'malformed-response', message: 'Dougal answered with a web page instead of data.', retryable: true }, now)).toBe(
      'Dougal has answered with a web page instead of data 9 times since 14:02 UTC — a captive portal or proxy may be in the way. Corelog keeps trying; nothing is lost.',
    );
    expect(attentionSummary('imago', streakOf('server', 8, 503), null, now)).toBe(
      'Imago has answered with a server error (HTTP 503) 8 times since 14:02 UTC — it may be overloaded or broken. Corelog keeps trying; nothing is lost.',
    );
    expect(attentionSummary('imago', streakOf('server', 3, 503), null, now)).toBeNull();
    expect(attentionSummary('imago', streakOf('timeout', 8), null, start + 2 * 86_400_000)).toContain('since 2026-03-02 14:02 UTC');
  });
});
