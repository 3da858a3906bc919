/**
 * Dougal's session is just the JWT (the server keeps no state, reference §1.1): a
 * `Set-Cookie: JWT=…` may arrive on any reply and replaces the token, and an expired one means
 * "signed out". The token is opaque to us except for `role`/`iat`/`exp`, read when it happens to
 * be a JWT.
 *
 * Several requests can be in flight when a fresh token arrives, and a rotating server may hand
 * out another one on a reply to a request that still carried an older token. So the session
 * keeps the *newest* token: by its `iat` (then `exp`) when both are JWTs, by arrival otherwise.
 * A reply to a request sent before the last sign-in or sign-out (another "generation") never
 * changes the session, and a reply to a token-less request never turns an explicit sign-in into
 * an implicit one.
 */
export interface DougalSessionInfo {
  state: 'signed-out' | 'signed-in' | 'implicit';
  user?: string;
  role?: string;
  /** ISO-8601. */
  expiresAt?: string;
}

interface JwtClaims {
  user?: unknown;
  sub?: unknown;
  name?: unknown;
  role?: unknown;
  iat?: unknown;
  exp?: unknown;
}

interface ParsedCookie {
  value: string;
  expiresMs: number | null;
}

/**
 * Reads the JWT cookie out of raw Set-Cookie headers (the last one that applies wins).
 * `requestPath` is the path the reply answered (when known): a cookie set for another Path (RFC 6265 §5.1.4),
 * such as a server clearing an old `JWT` under `/api/old`, is not ours and changes nothing.
 * `serverAheadMs` moves an `Expires` date (the server's clock) onto this computer's clock.
 */
export function jwtCookieOf(setCookies: string[], nowMs: number, requestPath?: string, serverAheadMs = 0): ParsedCookie | null {
  let found: ParsedCookie | null = null;
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== 'JWT') continue;
    let expiresMs: number | null = null;
    let path: string | null = null;
    for (const attribute of attributes) {
      const [rawName = '', ...rest] = attribute.split('=');
      const name = rawName.trim().toLowerCase();
      const value = rest.join('=').trim();
      // Max-Age wins over Expires (RFC 6265 §5.3).
      if (name === 'max-age' && /^-?\d+$/.test(value)) expiresMs = nowMs + Number(value) * 1000;
      else if (name === 'expires' && expiresMs === null && !Number.isNaN(Date.parse(value))) expiresMs = Date.parse(value) - serverAheadMs;
      else if (name === 'path' && value.startsWith('/')) path = value;
    }
    if (path !== null && requestPath !== undefined && !pathMatches(requestPath, path)) continue;
    found = { value: unquoted(pair.slice(eq + 1).trim()), expiresMs };
  }
  return found;
}

/** RFC 6265 §5.1.4: `/api` matches `/api`, `/api/` and `/api/x`, not `/apix`. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** A cookie value may be sent in double quotes (RFC 6265 §4.1.1); a token never contains them. */
function unquoted(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * How far the server's clock is ahead of this computer's (negative: behind), when it is far
 * enough to matter. A workstation whose clock is 20 minutes fast would otherwise drop every
 * 15-minute token the moment it arrives, and never stay signed in. Differences under
 * CLOCK_SLACK_MS are network delay and the Date header's whole seconds: ignored, so the
 * session's expiry shown to the user does not jitter from one reply to the next.
 */
const CLOCK_SLACK_MS = 5_000;

/** What a reply says besides its cookies: where the server's clock reads, and which path it answered. */
export interface ReplyContext {
  /** The reply's `Date` header, parsed (epoch ms); NaN or absent when it had none. */
  serverDateMs?: number;
  /** The path the request went to, for the cookie's Path. */
  requestPath?: string;
}

/** The last token decoded and its claims: every request asks about the same token. */
let lastDecoded: { token: string; claims: JwtClaims | null } | null = null;

export function decodeJwtClaims(token: string): JwtClaims | null {
  if (lastDecoded?.token === token) return lastDecoded.claims;
  const claims = decodeClaims(token);
  lastDecoded = { token, claims };
  return claims;
}

function decodeClaims(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/** Issue and expiry times of a JWT, when it is one; null for opaque tokens. */
function ageOf(token: string): { iat: number; exp: number } | null {
  const claims = decodeJwtClaims(token);
  if (typeof claims?.iat !== 'number') return null;
  return { iat: claims.iat, exp: typeof claims.exp === 'number' ? claims.exp : Infinity };
}

/** When a JWT was issued (epoch ms, the server's clock), or null for opaque tokens. */
function issuedAtMs(token: string): number | null {
  const iat = decodeJwtClaims(token)?.iat;
  return typeof iat === 'number' ? iat * 1000 : null;
}

/** True when `incoming` was certainly issued before `current` (never for opaque tokens, nor for ties). */
export function isOlderToken(incoming: string, current: string): boolean {
  const a = ageOf(incoming);
  const b = ageOf(current);
  if (!a || !b) return false;
  return a.iat < b.iat || (a.iat === b.iat && a.exp < b.exp);
}

export class DougalSession {
  private token: string | null = null;
  private mode: 'explicit' | 'implicit' = 'explicit';
  private loginUser: string | undefined;
  private cookieExpiresMs: number | null = null;
  private generationCount = 0;
  /** The server's clock less ours (see CLOCK_SLACK_MS); 0 until a reply shows a real difference. */
  private serverAheadMs = 0;

  constructor(private readonly now: () => number) {}

  /** Changes with every sign-in and sign-out: replies to requests of an earlier generation are stale. */
  get generation(): number {
    return this.generationCount;
  }

  /** The token to present, or null when there is none or it has certainly expired. */
  current(): string | null {
    // Lapsed, not signed out: a refresh still in flight from this generation may yet arrive.
    if (this.token && this.expiresAtMs() !== null && this.expiresAtMs()! <= this.now()) this.forget();
    return this.token;
  }

  /**
   * Takes the JWT cookie of any response. `origin` says how it came: a login, or a request that
   * carried no token (an implicit login); anything else keeps the current mode (a refresh).
   * `sentIn` is the generation the request was sent in; a login's reply always counts.
   * Returns whether the session changed.
   */
  absorb(setCookies: string[], origin: { login: string } | 'no-token' | 'refresh', sentIn = this.generationCount, reply: ReplyContext = {}): boolean {
    this.noteServerClock(reply.serverDateMs);
    const login = typeof origin === 'object';
    const read = () => jwtCookieOf(setCookies, this.now(), reply.requestPath, this.serverAheadMs);
    let cookie = read();
    if (!cookie) return false;
    // Without a Date header, a login's fresh token says where the server's clock is: it was issued just now.
    if (login && !Number.isFinite(reply.serverDateMs) && this.noteServerClock(issuedAtMs(cookie.value))) cookie = read()!;
    if (!login && sentIn !== this.generationCount) return false;
    if (!cookie.value || (cookie.expiresMs !== null && cookie.expiresMs <= this.now())) {
      this.clear();
      return true;
    }
    if (!login && this.token) {
      if (origin === 'no-token' && this.mode === 'explicit') return false;
      if (cookie.value === this.token || isOlderToken(cookie.value, this.token)) return false;
    }
    this.token = cookie.value;
    this.cookieExpiresMs = cookie.expiresMs;
    if (origin === 'no-token') {
      this.mode = 'implicit';
      this.loginUser = undefined;
    } else if (login) {
      this.mode = 'explicit';
      this.loginUser = origin.login;
      this.generationCount++;
    }
    return true;
  }

  /** Takes in where the server's clock reads now; true when the difference kept changed. */
  private noteServerClock(serverNowMs: number | null | undefined): boolean {
    if (typeof serverNowMs !== 'number' || !Number.isFinite(serverNowMs)) return false;
    const ahead = serverNowMs - this.now();
    const kept = Math.abs(ahead) >= CLOCK_SLACK_MS ? ahead : 0;
    if (Math.abs(kept - this.serverAheadMs) < CLOCK_SLACK_MS) return false;
    this.serverAheadMs = kept;
    return true;
  }

  /** Signs out: replies to requests sent before now no longer change the session. */
  clear(): void {
    this.generationCount++;
    this.forget();
  }

  private forget(): void {
    this.token = null;
    this.cookieExpiresMs = null;
    this.loginUser = undefined;
  }

  info(): DougalSessionInfo {
    const token = this.token;
    if (!token) return { state: 'signed-out' };
    const claims = decodeJwtClaims(token);
    const info: DougalSessionInfo = { state: this.mode === 'implicit' ? 'implicit' : 'signed-in' };
    const user = [claims?.user, claims?.sub, claims?.name, this.loginUser].find((v): v is string => typeof v === 'string');
    if (user !== undefined) info.user = user;
    if (typeof claims?.role === 'string') info.role = claims.role;
    const expires = this.expiresAtMs();
    if (expires !== null) info.expiresAt = new Date(expires).toISOString();
    return info;
  }

  /** When the token lapses on this computer's clock (`exp` is on the server's). */
  private expiresAtMs(): number | null {
    const exp = this.token ? decodeJwtClaims(this.token)?.exp : undefined;
    return typeof exp === 'number' ? exp * 1000 - this.serverAheadMs : this.cookieExpiresMs;
  }
}
