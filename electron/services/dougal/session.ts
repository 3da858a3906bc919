/**
 * Dougal's session is just the JWT (the server keeps no state, reference §1.1): whichever
 * `Set-Cookie: JWT=…` arrived last is the session, and an expired one means "signed out".
 * The token is opaque to us except for `role`/`exp`, read when it happens to be a JWT.
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
  exp?: unknown;
}

interface ParsedCookie {
  value: string;
  expiresMs: number | null;
}

/** Reads the JWT cookie out of raw Set-Cookie headers (the last one wins). */
export function jwtCookieOf(setCookies: string[], nowMs: number): ParsedCookie | null {
  let found: ParsedCookie | null = null;
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== 'JWT') continue;
    let expiresMs: number | null = null;
    for (const attribute of attributes) {
      const [rawName = '', ...rest] = attribute.split('=');
      const name = rawName.trim().toLowerCase();
      const value = rest.join('=').trim();
      // Max-Age wins over Expires (RFC 6265 §5.3).
      if (name === 'max-age' && /^-?\d+$/.test(value)) expiresMs = nowMs + Number(value) * 1000;
      else if (name === 'expires' && expiresMs === null && !Number.isNaN(Date.parse(value))) expiresMs = Date.parse(value);
    }
    found = { value: pair.slice(eq + 1).trim(), expiresMs };
  }
  return found;
}

export function decodeJwtClaims(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

export class DougalSession {
  private token: string | null = null;
  private mode: 'explicit' | 'implicit' = 'explicit';
  private loginUser: string | undefined;
  private cookieExpiresMs: number | null = null;

  constructor(private readonly now: () => number) {}

  /** The token to present, or null when there is none or it has certainly expired. */
  current(): string | null {
    if (this.token && this.expiresAtMs() !== null && this.expiresAtMs()! <= this.now()) this.clear();
    return this.token;
  }

  /**
   * Takes the JWT cookie of any response. `origin` says how it came: a login, or a request that
   * carried no token (an implicit login); anything else keeps the current mode (a refresh).
   */
  absorb(setCookies: string[], origin: { login: string } | 'no-token' | 'refresh'): boolean {
    const cookie = jwtCookieOf(setCookies, this.now());
    if (!cookie) return false;
    if (!cookie.value || (cookie.expiresMs !== null && cookie.expiresMs <= this.now())) {
      this.clear();
      return true;
    }
    this.token = cookie.value;
    this.cookieExpiresMs = cookie.expiresMs;
    if (origin === 'no-token') {
      this.mode = 'implicit';
      this.loginUser = undefined;
    } else if (origin !== 'refresh') {
      this.mode = 'explicit';
      this.loginUser = origin.login;
    }
    return true;
  }

  clear(): void {
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

  private expiresAtMs(): number | null {
    const exp = this.token ? decodeJwtClaims(this.token)?.exp : undefined;
    return typeof exp === 'number' ? exp * 1000 : this.cookieExpiresMs;
  }
}
