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
  /** `replaced`: a token rotated away more than `jwtReplacedGraceSeconds` ago (refused with 401). */
  outcome: 'valid' | 'expired' | 'invalid' | 'none' | 'replaced';
  /** The token had already been replaced by a rotation when this request arrived: ms since then. */
  replacedMsAgo?: number;
}

export interface TokenIssue {
  jti: string;
  user: string;
  role: Role;
  reason: 'login' | 'implicit' | 'refresh' | 'rotate';
  exp: number;
  /** Emulator time (ms) of issue. */
  at: number;
  /** For `rotate`: the tokens this one replaced. */
  replaces?: string[];
}

const MAX_RECORDS = 2000;

export class Access {
  private readonly byRequest = new WeakMap<EmulatorRequest, RequestAuth>();
  readonly sightings: TokenSighting[] = [];
  readonly issued: TokenIssue[] = [];
  /** Rotation bookkeeping: the session (first token's jti) of every token, and when one was replaced. */
  private readonly familyOf = new Map<string, string>();
  private readonly members = new Map<string, string[]>();
  private readonly replacedAt = new Map<string, number>();
  private authenticatedResponses = 0;

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
    const replaced = claims ? this.replacedAt.get(claims.jti) : undefined;
    const replacedMsAgo = replaced === undefined ? undefined : this.clock.now() - replaced;
    const rotatedAway = replacedMsAgo !== undefined && replacedMsAgo > b.jwtReplacedGraceSeconds * 1000;
    const valid = claims !== null && claims.exp * 1000 > this.clock.now() && !rotatedAway;
    this.record({
      method: req.method,
      path: req.path,
      jti: claims?.jti ?? null,
      source: presented?.source ?? 'none',
      outcome: !presented ? 'none' : !claims ? 'invalid' : rotatedAway ? 'replaced' : valid ? 'valid' : 'expired',
      ...(replacedMsAgo === undefined ? {} : { replacedMsAgo }),
    });
    let auth: RequestAuth;
    if (valid) {
      auth = { claims, minted: false };
    } else if (b.implicitLoginAddresses.includes(req.remoteAddress.replace(/^::ffff:/, ''))) {
      auth = { claims: this.mint('implicit', 'implicit', b.implicitRole), minted: true };
    } else {
      throw new HttpError(401, presented ? (rotatedAway ? 'token replaced by a newer one' : claims ? 'token expired; log in again' : 'invalid token') : 'authentication required');
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
    this.join(claims.jti, claims.jti);
    return { status: 204, headers: { 'set-cookie': this.cookie(claims) } };
  }

  /** Not a real logout: the server keeps no sessions, so the old token stays valid until it expires. */
  logout(): EmulatorResponse {
    return { status: 204, headers: { 'set-cookie': expiredCookie(this.behaviour().cookiePath) } };
  }

  /** Adds `Set-Cookie: JWT` for implicit logins, rotations and refreshes, per the policies. */
  decorate(req: EmulatorRequest, res: EmulatorResponse): EmulatorResponse {
    const auth = this.byRequest.get(req);
    if (!auth) return res;
    const b = this.behaviour();
    let claims: TokenClaims | null = auth.minted ? auth.claims : null;
    if (auth.minted) this.join(auth.claims.jti, auth.claims.jti);
    if (!claims && b.jwtRotateEvery > 0 && ++this.authenticatedResponses % b.jwtRotateEvery === 0) claims = this.rotate(auth.claims);
    if (!claims) {
      const remaining = auth.claims.exp * 1000 - this.clock.now();
      const refresh =
        b.jwtRefresh === 'always' ||
        (b.jwtRefresh === 'when-half-expired' && remaining < (b.tokenLifetimeSeconds * 1000) / 2) ||
        (b.jwtRefreshRate > 0 && this.random() < b.jwtRefreshRate);
      if (refresh) {
        claims = this.mint(auth.claims.user, 'refresh', auth.claims.role, auth.claims.implicit);
        this.join(claims.jti, this.familyOf.get(auth.claims.jti) ?? auth.claims.jti);
      }
    }
    if (!claims) return res;
    const existing = res.headers?.['set-cookie'];
    const cookies = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), this.cookie(claims)];
    return { ...res, headers: { ...res.headers, 'set-cookie': cookies } };
  }

  /**
   * A rotating server: the new token replaces every earlier token of the same session (also one
   * that had only just been handed out); they keep working for the grace period, then get 401.
   */
  private rotate(presented: TokenClaims): TokenClaims {
    const family = this.familyOf.get(presented.jti) ?? presented.jti;
    const now = this.clock.now();
    const replaced = (this.members.get(family) ?? [presented.jti]).filter((jti) => !this.replacedAt.has(jti));
    for (const jti of replaced) this.replacedAt.set(jti, now);
    if (!this.replacedAt.has(presented.jti)) this.replacedAt.set(presented.jti, now);
    const claims = this.mint(presented.user, 'rotate', presented.role, presented.implicit, replaced);
    this.join(claims.jti, family);
    return claims;
  }

  private join(jti: string, family: string): void {
    this.familyOf.set(jti, family);
    const list = this.members.get(family) ?? [];
    list.push(jti);
    // Bounded like the logs: only a session's recent tokens can still be replaced.
    if (list.length > MAX_RECORDS) list.shift();
    this.members.set(family, list);
  }

  private mint(user: string, reason: TokenIssue['reason'], role: Role, implicit = reason === 'implicit', replaces?: string[]): TokenClaims {
    const now = this.clock.now();
    const claims = mintClaims(user, role, now, this.behaviour().tokenLifetimeSeconds, implicit);
    this.issued.push({ jti: claims.jti, user, role, reason, exp: claims.exp, at: now, ...(replaces ? { replaces } : {}) });
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
