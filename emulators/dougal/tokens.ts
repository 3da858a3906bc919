/**
 * Dougal's stateless sessions: an HS256 JWT is the whole session (reference §1.1), presented as
 * `Authorization: Bearer` or cookie `JWT`, minted by /login or implicitly for trusted addresses.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from './model';

export interface Account {
  user: string;
  password: string;
  role: Role;
}

/** Usernames need not be unique: each user+password pair carries its own role (reference §1.3). */
export const ACCOUNTS: readonly Account[] = [
  { user: 'demo', password: 'demo', role: 'user' },
  { user: 'guest', password: 'guest', role: 'guest' },
  { user: 'admin', password: 'admin', role: 'master' },
  { user: 'demo', password: 'demo-admin', role: 'master' },
];

export interface TokenClaims {
  user: string;
  role: Role;
  iat: number;
  exp: number;
  /** Lets tests tell tokens apart without the emulator ever logging a token. */
  jti: string;
  implicit?: boolean;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function signToken(secret: string, claims: TokenClaims): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The claims of a well-signed token (expired or not), or null for anything else. */
export function verifyToken(secret: string, token: string): TokenClaims | null {
  const [head, body, sig] = token.split('.');
  if (!head || !body || !sig) return null;
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    return typeof claims.exp === 'number' && typeof claims.role === 'string' ? claims : null;
  } catch {
    return null;
  }
}

export function mintClaims(user: string, role: Role, nowMs: number, lifetimeSeconds: number, implicit = false): TokenClaims {
  const iat = Math.floor(nowMs / 1000);
  return { user, role, iat, exp: iat + lifetimeSeconds, jti: randomUUID(), ...(implicit ? { implicit: true } : {}) };
}

/** The token a request presents and how; Bearer wins over the cookie. */
export function presentedToken(headers: IncomingHttpHeaders): { token: string; source: 'bearer' | 'cookie' } | null {
  const auth = headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return { token: auth.replace(/^bearer\s+/i, '').trim(), source: 'bearer' };
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'JWT' && rest.length) return { token: rest.join('='), source: 'cookie' };
  }
  return null;
}

export function tokenCookie(token: string, claims: TokenClaims, path: string): string {
  const maxAge = Math.max(0, claims.exp - claims.iat);
  return `JWT=${token}; Path=${path}; Expires=${new Date(claims.exp * 1000).toUTCString()}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;
}

/** What /logout sends: the cookie overwritten by one that has already expired. */
export function expiredCookie(path: string): string {
  return `JWT=; Path=${path}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax`;
}
