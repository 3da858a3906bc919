/**
 * Who is calling and what they may do (reference §1, §4.1–4.2): token check, implicit login for
 * trusted addresses, role gate, and the fresh `Set-Cookie: JWT` that may ride on any response.
 * Tokens are never logged; tests see them by their `jti` claim only.
 */
import type { EmulatorClock } from '../kit/clock';
import { HttpError, type EmulatorRequest, type EmulatorResponse } from '../kit/http-kit';
import type { DougalBehaviour } from './behaviour';
import type { Role } from './model';
import { ACCOUNTS, expiredCookie, mintClaims, presentedToken, signToken, tokenCookie, verifyToken, type TokenClaims } from './tokens';

interface RequestAuth {
  claims: TokenClaims;
  /** Minted for this request (implicit login): the response must carry it. */
  minted: boolean;
}

/** One request's token as the emulator saw it, for tests ("did the client switch to the new token?"). */
export interface TokenSighting {
  method: string;
  path: string;
  jti: string | null;
  source: 'bearer' | 'cookie' | 'none';
  outcome: 'valid' | 'expired' | 'invalid' | 'none';
}

export interface TokenIssue {
  jti: string;
  user: string;
  role: Role;
  reason: 'login' | 'implicit' | 'refresh';
  exp: number;
}

const MAX_RECORDS = 2000;

export class Access {
  private readonly byRequest = new WeakMap<EmulatorRequest, RequestAuth>();
  readonly sightings: TokenSighting[] = [];
  readonly issued: TokenIssue[] = [];

  constructor(
    private readonly behaviour: () => DougalBehaviour,
    private readonly clock: EmulatorClock,
    private readonly random: () => number = Math.random,
  ) {}

  /** Throws 401 without a usable token (unless implicitly trusted) and 403 when a guest writes. */
  authenticate(req: EmulatorRequest, write: boolean): TokenClaims {
    const b = this.behaviour();
    const presented = presentedToken(req.headers);
    const claims = presented ? verifyToken(b.jwtSecret, presented.token) : null;
    const valid = claims !== null && claims.exp * 1000 > this.clock.now();
    this.record({
      method: req.method,
      path: req.path,
      jti: claims?.jti ?? null,
      source: presented?.source ?? 'none',
      outcome: !presented ? 'none' : !claims ? 'invalid' : valid ? 'valid' : 'expired',
    });
    let auth: RequestAuth;
    if (valid) {
      auth = { claims, minted: false };
    } else if (b.implicitLoginAddresses.includes(req.remoteAddress.replace(/^::ffff:/, ''))) {
      auth = { claims: this.mint('implicit', 'implicit', b.implicitRole), minted: true };
    } else {
      throw new HttpError(401, presented ? (claims ? 'token expired; log in again' : 'invalid token') : 'authentication required');
    }
    this.byRequest.set(req, auth);
    if (write && auth.claims.role === 'guest') throw new HttpError(b.forbiddenStatus, 'the guest role may only read');
    return auth.claims;
  }

  async login(req: EmulatorRequest): Promise<EmulatorResponse> {
    const body = (await req.readJson()) as { user?: unknown; password?: unknown };
    if (!body || typeof body.user !== 'string' || typeof body.password !== 'string') throw new HttpError(400, 'user and password are required');
    const account = ACCOUNTS.find((a) => a.user === body.user && a.password === body.password);
    if (!account) throw new HttpError(this.behaviour().loginFailureStatus, 'wrong user name or password');
    const claims = this.mint(account.user, 'login', account.role);
    return { status: 204, headers: { 'set-cookie': this.cookie(claims) } };
  }

  /** Not a real logout: the server keeps no sessions, so the old token stays valid until it expires. */
  logout(): EmulatorResponse {
    return { status: 204, headers: { 'set-cookie': expiredCookie(this.behaviour().cookiePath) } };
  }

  /** Adds `Set-Cookie: JWT` for implicit logins and refreshes, per the refresh policy. */
  decorate(req: EmulatorRequest, res: EmulatorResponse): EmulatorResponse {
    const auth = this.byRequest.get(req);
    if (!auth) return res;
    const b = this.behaviour();
    let claims: TokenClaims | null = auth.minted ? auth.claims : null;
    if (!claims) {
      const remaining = auth.claims.exp * 1000 - this.clock.now();
      const refresh =
        b.jwtRefresh === 'always' ||
        (b.jwtRefresh === 'when-half-expired' && remaining < (b.tokenLifetimeSeconds * 1000) / 2) ||
        (b.jwtRefreshRate > 0 && this.random() < b.jwtRefreshRate);
      if (refresh) claims = this.mint(auth.claims.user, 'refresh', auth.claims.role, auth.claims.implicit);
    }
    if (!claims) return res;
    const existing = res.headers?.['set-cookie'];
    const cookies = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), this.cookie(claims)];
    return { ...res, headers: { ...res.headers, 'set-cookie': cookies } };
  }

  private mint(user: string, reason: TokenIssue['reason'], role: Role, implicit = reason === 'implicit'): TokenClaims {
    const claims = mintClaims(user, role, this.clock.now(), this.behaviour().tokenLifetimeSeconds, implicit);
    this.issued.push({ jti: claims.jti, user, role, reason, exp: claims.exp });
    if (this.issued.length > MAX_RECORDS) this.issued.shift();
    return claims;
  }

  private cookie(claims: TokenClaims): string {
    const b = this.behaviour();
    return tokenCookie(signToken(b.jwtSecret, claims), claims, b.cookiePath);
  }

  private record(sighting: TokenSighting): void {
    this.sightings.push(sighting);
    if (this.sightings.length > MAX_RECORDS) this.sightings.shift();
  }
}
