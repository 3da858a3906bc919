/**
 * Fault knobs shared by both emulators. Tests flip them through the admin endpoint or CLI flags to
 * reproduce what a satellite link, a vessel LAN, a proxy or a hotel's captive portal does to requests.
 */
export type FailureKind =
  | '500'
  | '503'
  | 'reset'
  /** A captive portal answers instead: 200 with a login web page. Not handled. */
  | 'html-200'
  /** A portal or proxy redirects to another host (302, with a cookie of its own). Not handled. */
  | 'redirect'
  /** 200 at once, then the body a byte every `trickleIntervalMs` (for at most 10 min). Not handled. */
  | 'trickle'
  /** 200 with a JSON body of `hugeBytes` (default 50 MiB), streamed. Not handled. */
  | 'huge'
  /** Handled (state changes are kept), then the reply's JSON is sent cut in half. */
  | 'truncated-json'
  /** Handled (state changes are kept), then a JSON reply of another shape is sent instead. */
  | 'wrong-shape';

/** Kinds where something on the way answers instead of the server: the request is never handled. */
export const ANSWERED_INSTEAD: ReadonlySet<FailureKind> = new Set(['html-200', 'redirect', 'trickle', 'huge']);
/** Kinds where the server handles the request and only its reply is spoiled. */
export const REPLY_SPOILED: ReadonlySet<FailureKind> = new Set(['truncated-json', 'wrong-shape']);

export interface FaultSettings {
  /** Added to every non-admin request before it is handled. */
  latencyMs: number;
  /** Share of non-admin requests (0..1) that fail with one of `failureKinds`. */
  failureRate: number;
  failureKinds: FailureKind[];
  /** Fail only requests whose path contains this text (empty: all). Lets a test break uploads only. */
  failurePathIncludes: string;
  /** Fail only requests of this method (empty: all): a POST's path is also in the pull's `/event/changes/…`. */
  failureMethod: string;
  /** Fail the next N matching requests regardless of failureRate (counts down). */
  failNext: number;
  /** When true every non-admin request has its connection reset, as if the host were gone. */
  down: boolean;
  /**
   * When set, a matching request is handled fully (state changes are kept) and only then has its
   * connection reset: the "lost response" that idempotency has to survive.
   */
  dropResponseNext: number;
  /** Pause between the bytes of a `trickle` reply. */
  trickleIntervalMs: number;
  /** Size of a `huge` reply body. */
  hugeBytes: number;
}

export const defaultFaults = (): FaultSettings => ({
  latencyMs: 0,
  failureRate: 0,
  failureKinds: ['500', '503', 'reset'],
  failurePathIncludes: '',
  failureMethod: '',
  failNext: 0,
  down: false,
  dropResponseNext: 0,
  trickleIntervalMs: 2_000,
  hugeBytes: 50 * 1024 * 1024,
});

const FAILURE_KINDS: readonly FailureKind[] = ['500', '503', 'reset', 'html-200', 'redirect', 'trickle', 'huge', 'truncated-json', 'wrong-shape'];

/** A trickling reply stops after this long even if the client is still listening. */
export const MAX_TRICKLE_MS = 10 * 60 * 1000;

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
      case 'trickleIntervalMs':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 600_000) throw new RangeError('trickleIntervalMs must be a number between 1 and 600000');
        next.trickleIntervalMs = Math.floor(value);
        break;
      case 'hugeBytes':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 1024 ** 3) throw new RangeError('hugeBytes must be a number between 1 and 1073741824');
        next.hugeBytes = Math.floor(value);
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
      case 'failureMethod':
        if (typeof value !== 'string') throw new RangeError('failureMethod must be a string');
        next.failureMethod = value.toUpperCase();
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

/** Whether a request is one the fault settings aim at (`failurePathIncludes`, `failureMethod`). */
export function faultApplies(faults: FaultSettings, method: string, path: string): boolean {
  return (!faults.failurePathIncludes || path.includes(faults.failurePathIncludes)) && (!faults.failureMethod || method.toUpperCase() === faults.failureMethod);
}

/** Decides whether this request fails, and how. Consumes `failNext` when it applies. */
export function pickFailure(faults: FaultSettings, method: string, path: string, random: () => number = Math.random): FailureKind | null {
  if (!faultApplies(faults, method, path)) return null;
  if (faults.failNext > 0) {
    faults.failNext -= 1;
  } else if (!(faults.failureRate > 0 && random() < faults.failureRate)) {
    return null;
  }
  const kinds = faults.failureKinds;
  return kinds[Math.floor(random() * kinds.length)] ?? '500';
}

/** The login page a hotel's or ship's captive portal shows instead of the API's answer. */
export const CAPTIVE_PORTAL_PAGE = `<!DOCTYPE html>
<html><head><title>Welcome aboard — Wi-Fi</title><style>body{font-family:sans-serif}</style></head>
<body><h1>Welcome aboard</h1><p>Please <a href="http://portal.invalid/login">accept the terms of use</a> to continue.</p>
<script>window.location = "http://portal.invalid/login";</script></body></html>
`;

/** Where a `redirect` fault sends the client: a host that never resolves, so nothing is ever sent there. */
export function portalRedirect(originalPath: string): string {
  return `http://portal.invalid/login?continue=${encodeURIComponent(originalPath)}`;
}

/** A reply body cut in half (`{"` when there was none), still validly framed. */
export function truncatedBody(body: string): string {
  const text = body.trim() ? body : '{"';
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/** A JSON reply of a shape the client does not expect: an object where a list was, and the reverse. */
export function wrongShapeBody(body: string): string {
  return body.trim().startsWith('[') ? JSON.stringify({ unexpected: 'shape', items: 'not a list' }) : JSON.stringify([{ unexpected: 'shape' }]);
}
