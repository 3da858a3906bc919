/**
 * Fault knobs shared by both emulators. Tests flip them through the admin endpoint or CLI flags to
 * reproduce what a satellite link or a vessel LAN does to requests.
 */
export type FailureKind = '500' | '503' | 'reset';

export interface FaultSettings {
  /** Added to every non-admin request before it is handled. */
  latencyMs: number;
  /** Share of non-admin requests (0..1) that fail with one of `failureKinds`. */
  failureRate: number;
  failureKinds: FailureKind[];
  /** Fail only requests whose path contains this text (empty: all). Lets a test break uploads only. */
  failurePathIncludes: string;
  /** Fail the next N matching requests regardless of failureRate (counts down). */
  failNext: number;
  /** When true every non-admin request has its connection reset, as if the host were gone. */
  down: boolean;
  /**
   * When set, a matching request is handled fully (state changes are kept) and only then has its
   * connection reset: the "lost response" that idempotency has to survive.
   */
  dropResponseNext: number;
}

export const defaultFaults = (): FaultSettings => ({
  latencyMs: 0,
  failureRate: 0,
  failureKinds: ['500', '503', 'reset'],
  failurePathIncludes: '',
  failNext: 0,
  down: false,
  dropResponseNext: 0,
});

const FAILURE_KINDS: readonly FailureKind[] = ['500', '503', 'reset'];

/** Merges a partial update from the admin endpoint, rejecting anything out of range. */
export function applyFaultUpdate(current: FaultSettings, update: Record<string, unknown>): FaultSettings {
  const next = { ...current };
  for (const [key, value] of Object.entries(update)) {
    switch (key) {
      case 'latencyMs':
      case 'failNext':
      case 'dropResponseNext':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 600_000) {
          throw new RangeError(`${key} must be a number between 0 and 600000`);
        }
        next[key] = Math.floor(value);
        break;
      case 'failureRate':
        if (typeof value !== 'number' || value < 0 || value > 1) throw new RangeError('failureRate must be between 0 and 1');
        next.failureRate = value;
        break;
      case 'failureKinds':
        if (!Array.isArray(value) || value.length === 0 || !value.every((k) => FAILURE_KINDS.includes(k as FailureKind))) {
          throw new RangeError(`failureKinds must be a non-empty list of ${FAILURE_KINDS.join(', ')}`);
        }
        next.failureKinds = value as FailureKind[];
        break;
      case 'failurePathIncludes':
        if (typeof value !== 'string') throw new RangeError('failurePathIncludes must be a string');
        next.failurePathIncludes = value;
        break;
      case 'down':
        if (typeof value !== 'boolean') throw new RangeError('down must be true or false');
        next.down = value;
        break;
      default:
        throw new RangeError(`unknown fault setting "${key}"`);
    }
  }
  return next;
}

/** Decides whether this request fails, and how. Consumes `failNext` when it applies. */
export function pickFailure(faults: FaultSettings, path: string, random: () => number = Math.random): FailureKind | null {
  if (faults.failurePathIncludes && !path.includes(faults.failurePathIncludes)) return null;
  if (faults.failNext > 0) {
    faults.failNext -= 1;
  } else if (!(faults.failureRate > 0 && random() < faults.failureRate)) {
    return null;
  }
  const kinds = faults.failureKinds;
  return kinds[Math.floor(random() * kinds.length)] ?? '500';
}
