/**
 * The client's view of its Imago session: the token, who it belongs to and when it stops
 * working. Imago does not say when a token expires, only that it lasts 24 h, so the expiry is
 * counted from the moment of sign-in on our own clock.
 */
export interface ImagoSessionInfo {
  signedIn: boolean;
  uid: string | null;
  username: string | null;
  /** ISO time the token stops working (sign-in time + lifetime), or null when signed out. */
  expiresAt: string | null;
}

export class ImagoSession {
  private token: string | null = null;
  private uid: string | null = null;
  private username: string | null = null;
  private expiresAtMs: number | null = null;
  private lifetimeMs: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly onChange: (info: ImagoSessionInfo) => void,
  ) {}

  get apiToken(): string | null {
    return this.token;
  }

  start(reply: { uid: string | null; apiToken: string }, username: string, lifetimeMs: number, signedInAt: number): ImagoSessionInfo {
    this.token = reply.apiToken;
    this.uid = reply.uid;
    this.username = username;
    this.expiresAtMs = signedInAt + lifetimeMs;
    this.lifetimeMs = lifetimeMs;
    return this.changed();
  }

  forget(): void {
    if (this.token === null && this.uid === null) return;
    this.token = null;
    this.uid = null;
    this.username = null;
    this.expiresAtMs = null;
    this.lifetimeMs = null;
    this.changed();
  }

  /**
   * Forgets the token only when it is still `refused`: a 401 to a request sent with an older token
   * must not throw away the one a concurrent request has just signed in for. True when forgotten.
   */
  forgetIfCurrent(refused: string | null): boolean {
    if (refused === null || this.token !== refused) return false;
    this.forget();
    return true;
  }

  /**
   * True when there is no token, or it ends within `marginMs` — or within a fifth of its life, for a
   * token that lives shorter than the margin (a server stating 5 min must not be signed in to
   * before every request).
   */
  needsRenewal(marginMs: number): boolean {
    if (this.token === null || this.expiresAtMs === null) return true;
    const margin = Math.min(marginMs, (this.lifetimeMs ?? Infinity) / 5);
    return this.expiresAtMs - this.now() <= margin;
  }

  info(): ImagoSessionInfo {
    return {
      signedIn: this.token !== null,
      uid: this.uid,
      username: this.username,
      expiresAt: this.expiresAtMs === null ? null : new Date(this.expiresAtMs).toISOString(),
    };
  }

  private changed(): ImagoSessionInfo {
    const info = this.info();
    this.onChange(info);
    return info;
  }
}
