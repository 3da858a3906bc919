/**
 * Reading `POST /session`'s answer. Documented: `{uid, apiToken}` and a token that lasts 24 h
 * ([1.3.5], [1.4.3], overview). A server a version away may name the token otherwise (`token`,
 * `accessToken`, as OAuth-style services do), wrap the reply (`{data: {…}}`), leave out the uid, or
 * say when the token ends (`expiresIn` seconds, an `expiresAt` time). Refusing such a reply would
 * keep the crew signed out for a naming detail, and ignoring an expiry it states would have the
 * token die mid-batch: the token is looked for under those names, and a stated end shorter than
 * 24 h is kept. An end given as a time is on the server's clock, so it is measured against the
 * reply's `Date` header: a laptop clock hours off does not make the token look dead or immortal.
 */
import { CorelogError } from '../../../common/errors';

export interface SessionReply {
  apiToken: string;
  /** The user's id; null when the server did not say. */
  uid: string | null;
  /** How long the token lasts from now, as the reply says (null: not said, or not readable). */
  lifetimeMs: number | null;
}

const TOKEN_KEYS = ['apiToken', 'token', 'accessToken', 'access_token', 'api_token', 'sessionToken', 'authToken'] as const;
const UID_KEYS = ['uid', 'userId', 'user_id'] as const;
const WRAPPERS = ['data', 'session', 'result'] as const;
const EXPIRES_IN_KEYS = ['expiresIn', 'expires_in'] as const;
/**
 * A stated life shorter than this is taken for a misreading (milliseconds sent as seconds, a clock
 * far off): honouring it would mean a sign-in before nearly every request. A 401 still renews.
 */
const MIN_STATED_SECONDS = 60;
const EXPIRES_AT_KEYS = ['expiresAt', 'expires_at', 'expiresOn', 'expiry', 'expires', 'validUntil'] as const;

/**
 * The session in a sign-in reply, or a `malformed-response` that says what is missing. `serverDate`
 * is the reply's `Date` header (for an end given as a time); `note` gets each departure from the
 * documented shape.
 */
export function readSessionReply(value: unknown, serverDate: string | null, now: number, note: (detail: string) => void): SessionReply {
  const record = sessionRecord(value);
  const tokenKey = record ? TOKEN_KEYS.find((key) => typeof record[key] === 'string' && (record[key] as string).trim() !== '') : undefined;
  if (!record || !tokenKey) {
    throw new CorelogError('malformed-response', 'Imago sent an unexpected reply to sign in: there is no apiToken in it.', { system: 'imago' });
  }
  if (record !== value) note('the session came wrapped in another object');
  if (tokenKey !== 'apiToken') note(`the token came as "${tokenKey}" instead of "apiToken"`);
  const uid = UID_KEYS.map((key) => idText(record[key])).find((found) => found !== null) ?? null;
  if (uid === null) note('the reply names no user id (uid)');
  return { apiToken: (record[tokenKey] as string).trim(), uid, lifetimeMs: statedLifetime(record, serverDate, now, note) };
}

/**
 * How long Corelog counts a token from sign-in: the documented lifetime (the connection's
 * `tokenLifetimeMs`, 24 h), or the reply's stated one when that is shorter. A longer stated life
 * is not trusted: the documents promise 24 h, and a 401 renews anyway.
 */
export function sessionLifetimeMs(reply: Pick<SessionReply, 'lifetimeMs'>, documentedMs: number): number {
  return reply.lifetimeMs === null ? documentedMs : Math.min(reply.lifetimeMs, documentedMs);
}

/** The object holding the token: the reply itself, or one wrapper level down. */
function sessionRecord(value: unknown): Record<string, unknown> | null {
  if (!isRecord(value)) return null;
  if (TOKEN_KEYS.some((key) => typeof value[key] === 'string')) return value;
  for (const key of WRAPPERS) {
    const inner = value[key];
    if (isRecord(inner) && TOKEN_KEYS.some((k) => typeof inner[k] === 'string')) return inner;
  }
  return value;
}

/** How long the reply says the token lasts from now; null when it does not say (or says nonsense). */
function statedLifetime(record: Record<string, unknown>, serverDate: string | null, now: number, note: (detail: string) => void): number | null {
  for (const key of EXPIRES_IN_KEYS) {
    const seconds = numberOf(record[key]);
    if (seconds === null) continue;
    if (seconds >= MIN_STATED_SECONDS) return seconds * 1000;
    note(`the token's "${key}" (${String(record[key])}) is not a usable length of time; 24 h is assumed`);
    return null;
  }
  for (const key of EXPIRES_AT_KEYS) {
    if (record[key] === undefined || record[key] === null) continue;
    const at = timeOf(record[key]);
    // The end is on the server's clock: measured from the server's "now" when it says it.
    const serverNow = serverDate ? Date.parse(serverDate) : NaN;
    const from = Number.isFinite(serverNow) ? serverNow : now;
    if (at !== null && at - from >= MIN_STATED_SECONDS * 1000) return at - from;
    note(`the token's "${key}" (${String(record[key]).slice(0, 40)}) is not a time ahead; 24 h is assumed`);
    return null;
  }
  return null;
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** An ISO time, or epoch seconds / milliseconds (told apart by size). */
function timeOf(value: unknown): number | null {
  const n = numberOf(value);
  if (n !== null) return n < 1e11 ? n * 1000 : n;
  if (typeof value !== 'string') return null;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function idText(value: unknown): string | null {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
