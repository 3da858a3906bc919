/**
 * The error model shared by every process. Errors cross the bridge as plain data
 * (`BridgeError`), because Electron's IPC keeps only an Error's message; `kind` tells the UI
 * what to offer (sign in again, retry, fix the input) and `retryable` whether waiting can help.
 */
export const ERROR_KINDS = [
  'validation', // the input was refused before anything was sent
  'auth', // credentials refused, or the session ended: sign in again
  'forbidden', // signed in, but not allowed (guest role, readonly workspace)
  'not-found',
  'rejected', // the server refused the request itself (400/422): sending it again will not help
  'conflict', // someone else changed it first
  'offline', // no connection: refused, reset, DNS, host down
  'timeout',
  'rate-limited',
  'server', // 5xx
  'malformed-response', // a reply the server would not send (a web page, cut short, wrong shape, a redirect): a path problem, retried
  'unavailable', // the feature cannot run here (e.g. no Electron runtime, no keyring)
  'cancelled',
  'internal', // a bug on our side
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface BridgeError {
  kind: ErrorKind;
  /** One or two sentences a user can act on. */
  message: string;
  retryable: boolean;
  /** HTTP status when the error came from a server. */
  status?: number;
  /** Which system the error came from, when it came from one. */
  system?: SystemId;
  /** Field-level problems for `validation` errors. */
  issues?: { path: string; message: string }[];
  /** How long the server asked to be left alone (`Retry-After` on a 429 or 503), in ms. */
  retryAfterMs?: number;
}

export type SystemId = 'imago' | 'dougal';

// A malformed reply is retryable: a captive portal, a proxy or a cut connection stands between us
// and the server, and that passes; it says nothing against the item being sent.
const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set(['offline', 'timeout', 'rate-limited', 'server', 'malformed-response']);

export function isRetryableKind(kind: ErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

/**
 * Whether an error means the system itself was not reached: no connection, no complete answer in
 * time, or an answer that came from something in between (a captive portal, a proxy's page, a
 * redirect elsewhere). The connection strip shows such a system as unreachable.
 */
export function meansUnreachable(error: unknown): boolean {
  if (error instanceof CorelogError) return error.kind === 'offline' || error.kind === 'timeout' || error.notFromServer;
  const kind = (error as { kind?: unknown } | null)?.kind;
  return kind === 'offline' || kind === 'timeout';
}

/** An error thrown inside the services; converted to a `BridgeError` at the bridge. */
export class CorelogError extends Error {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly system: SystemId | undefined;
  readonly issues: { path: string; message: string }[] | undefined;
  /**
   * The reply came from something between Corelog and the server (a captive portal, a proxy, a
   * redirect elsewhere), not from the server. Stays in this process: see `meansUnreachable`.
   */
  readonly notFromServer: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: {
      status?: number;
      system?: SystemId;
      retryable?: boolean;
      issues?: { path: string; message: string }[];
      cause?: unknown;
      notFromServer?: boolean;
      retryAfterMs?: number;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CorelogError';
    this.kind = kind;
    this.retryable = options.retryable ?? isRetryableKind(kind);
    this.status = options.status;
    this.system = options.system;
    this.issues = options.issues;
    this.notFromServer = options.notFromServer ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }

  toBridgeError(): BridgeError {
    const error: BridgeError = { kind: this.kind, message: this.message, retryable: this.retryable };
    if (this.status !== undefined) error.status = this.status;
    if (this.system !== undefined) error.system = this.system;
    if (this.issues !== undefined) error.issues = this.issues;
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }
}

/** Anything thrown, as a `BridgeError`. Unknown errors become `internal` with a generic message. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof CorelogError) return error.toBridgeError();
  return {
    kind: 'internal',
    message: `Something went wrong inside Corelog: ${error instanceof Error ? error.message : String(error)}`,
    retryable: false,
  };
}

/** How an HTTP status maps onto an error kind (401 is handled by the clients: re-auth once, then `auth`). */
export function errorKindForStatus(status: number): ErrorKind {
  // A redirect the client did not follow: the API never redirects, something on the way does.
  if (status >= 300 && status < 400) return 'malformed-response';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'rejected';
}
