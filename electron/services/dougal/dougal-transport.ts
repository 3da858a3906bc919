/**
 * One Dougal request, done properly: the newest token attached, any `Set-Cookie: JWT` taken
 * in, one re-login and retry on 401, typed errors, and replies checked against a schema.
 */
import type { z } from 'zod';
import { CorelogError, meansUnreachable } from '../../../common/errors';
import { errorFromResponse, internalFault, isCodeFault, sendHttpRequest, type HttpLimits, type HttpResponse } from '../http/http-request';
import { parseReply } from './reply-items';
import { DougalSession, type DougalSessionInfo } from './session';
import type { RequestOutcome } from '../http/system-client-options';

export { parseReply } from './reply-items';

export interface DougalCredentials {
  user: string;
  password: string;
}

export interface DougalTransportOptions {
  baseUrl: string;
  timeoutMs: number;
  credentials: () => Promise<DougalCredentials | null>;
  implicit: boolean;
  now: () => number;
  loginPath: string;
  logoutPath: string;
  onOutcome?: (outcome: RequestOutcome) => void;
  onSessionChange?: (session: DougalSessionInfo) => void;
  /** Total deadline and reply caps per request (http-request.ts defaults). */
  limits?: HttpLimits;
}

export interface DougalRequest {
  /** What we were doing, for error messages: "list events". */
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  accept?: string;
  /** A larger reply cap for calls that may return a whole log (the client's default otherwise). */
  maxReplyBytes?: number;
}

/**
 * How often a request refused for a token that a newer one has since replaced is sent again. A
 * server that rotates on every reply and revokes the token it replaced serves one of the requests
 * in flight per round (at most 4 writes, a handful of reads), the rest go again with the newest.
 */
const NEWER_TOKEN_RETRIES = 10;

export class DougalTransport {
  private readonly session: DougalSession;
  private lastSession: string;
  private relogin: Promise<void> | null = null;

  constructor(private readonly options: DougalTransportOptions) {
    this.session = new DougalSession(options.now);
    this.lastSession = JSON.stringify(this.session.info());
  }

  sessionInfo(): DougalSessionInfo {
    this.session.current();
    return this.session.info();
  }

  /** Sends with the session, re-authenticating once on 401. Resolves only for 2xx replies. */
  async send(request: DougalRequest): Promise<HttpResponse> {
    await this.prepareSession();
    let newerTokenRetries = 0;
    let reauthenticated = false;
    for (;;) {
      const { response, token } = await this.exchangeWithToken(request);
      if (response.status !== 401) {
        if (response.status < 200 || response.status > 299) throw await errorFromResponse('dougal', response, request.action);
        return response;
      }
      await response.discard();
      // A newer token arrived while this request was on its way (a rotating server, or another
      // request's fresh sign-in): the 401 is about the token it carried, not the session, so send it
      // again with the newest one. A server that rotates on every reply can replace that one too
      // before it arrives: a few times at most.
      const current = this.session.current();
      if (token !== null && current !== null && current !== token && newerTokenRetries < NEWER_TOKEN_RETRIES) {
        newerTokenRetries += 1;
        continue;
      }
      if (reauthenticated) {
        // Only the token this request was refused with is dropped: a sign-in another request made
        // meanwhile is left alone (a server that keeps one session per account revokes the older).
        if (this.session.current() === token) {
          this.session.clear();
          this.announceSession();
        }
        throw new CorelogError('auth', `Dougal refused to ${request.action}: the session ended and signing in again did not help.`, { status: 401, system: 'dougal' });
      }
      reauthenticated = true;
      await this.reauthenticate(request.action, token);
    }
  }

  /** Sends and checks the JSON reply against `schema`. */
  async json<S extends z.ZodType>(request: DougalRequest, schema: S): Promise<z.output<S>> {
    const { value, status } = await this.jsonValue(request);
    return parseReply(schema, value, request.action, status);
  }

  /** Sends and reads the JSON reply unchecked (list replies are checked item by item). */
  async jsonValue(request: DougalRequest): Promise<{ value: unknown; status: number }> {
    const response = await this.send(request);
    return { value: await response.json(), status: response.status };
  }

  /** Sends and ignores any body (Dougal answers most writes with 204). */
  async noContent(request: DougalRequest): Promise<void> {
    const response = await this.send(request);
    await response.discard();
  }

  async login(user: string, password: string): Promise<void> {
    const response = await this.exchange({ action: 'sign in', method: 'POST', path: this.options.loginPath, json: { user, password } }, { login: user });
    if (response.status === 401 || response.status === 403) {
      await response.discard();
      throw new CorelogError('auth', 'Dougal refused the user name or password.', { status: response.status, system: 'dougal' });
    }
    if (response.status < 200 || response.status > 299) throw await errorFromResponse('dougal', response, 'sign in');
    await response.discard();
    if (!this.session.current()) {
      // A proxy that strips cookies is a problem of the path, like any reply that is not Dougal's own: retried.
      throw new CorelogError('malformed-response', 'Dougal accepted the login but no JWT cookie arrived (a proxy on the way may strip cookies).', { status: response.status, system: 'dougal' });
    }
  }

  /** Asks for a session without credentials: works only from a network Dougal trusts. */
  async loginImplicitly(probePath: string): Promise<void> {
    this.session.clear();
    const response = await this.exchange({ action: 'sign in implicitly', method: 'GET', path: probePath });
    await response.discard();
    if (response.status === 401 || response.status === 403 || !this.session.current()) {
      throw new CorelogError('auth', 'Dougal does not sign this computer in automatically; sign in with a user name and password.', {
        status: response.status,
        system: 'dougal',
      });
    }
  }

  /** Dougal's logout only expires the cookie; we forget the token whatever the reply. */
  async logout(): Promise<void> {
    try {
      const response = await this.exchange({ action: 'sign out', method: 'POST', path: this.options.logoutPath });
      await response.discard();
    } finally {
      this.session.clear();
      this.announceSession();
    }
  }

  /** Any HTTP answer counts; only a network failure or timeout throws. */
  async probe(path: string): Promise<void> {
    const response = await this.exchange({ action: 'reach Dougal', method: 'GET', path });
    // Read, not dropped: a reply that trickles or never ends means Dougal is not usable.
    await response.drain();
  }

  private async prepareSession(): Promise<void> {
    if (this.session.current() || this.options.implicit) return;
    const credentials = await this.options.credentials();
    if (credentials) await this.loginOnce(credentials);
  }

  /**
   * Signs in again after `refused` was refused. Requests refused together share one sign-in; one
   * refused after another request already signed in again (its token is not the current one) just
   * goes again with the new token, instead of signing in once more and revoking it.
   */
  private async reauthenticate(action: string, refused: string | null): Promise<void> {
    if (this.relogin) {
      await this.relogin;
      return;
    }
    const current = this.session.current();
    if (current !== null && current !== refused) return;
    this.session.clear();
    this.announceSession();
    if (this.options.implicit) return; // a request without a token is an implicit login
    const credentials = await this.options.credentials();
    if (!credentials) {
      throw new CorelogError('auth', `Dougal needs you to sign in again to ${action}.`, { status: 401, system: 'dougal' });
    }
    await this.loginOnce(credentials);
  }

  /** Concurrent requests that all hit a 401 share one login. */
  private async loginOnce(credentials: DougalCredentials): Promise<void> {
    this.relogin ??= this.login(credentials.user, credentials.password).finally(() => {
      this.relogin = null;
    });
    await this.relogin;
  }

  private async exchange(request: DougalRequest, origin?: { login: string }): Promise<HttpResponse> {
    return (await this.exchangeWithToken(request, origin)).response;
  }

  /** One HTTP exchange with the newest token at the moment it starts; the reply's cookie is taken in. */
  private async exchangeWithToken(request: DougalRequest, origin?: { login: string }): Promise<{ response: HttpResponse; token: string | null }> {
    const token = origin ? null : this.session.current();
    const generation = this.session.generation;
    const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const url = this.url(request);
    let response: HttpResponse;
    try {
      response = await sendHttpRequest({
        system: 'dougal',
        method: request.method,
        url,
        headers,
        ...(request.json === undefined ? {} : { json: request.json }),
        timeoutMs: this.options.timeoutMs,
        ...this.options.limits,
        ...(request.maxReplyBytes ? { maxReplyBytes: request.maxReplyBytes } : {}),
        // A reply whose status came in time but whose body did not (or was a portal's page) is
        // reported too, so the connection strip does not keep saying "Reachable".
        onReadFailure: (error) => this.options.onOutcome?.({ reachable: !meansUnreachable(error), error }),
      });
    } catch (error) {
      const failure =
        error instanceof CorelogError
          ? error
          : isCodeFault(error)
            ? internalFault('Dougal', error, 'dougal')
            : new CorelogError('offline', `Dougal cannot be reached: ${String(error)}`, { system: 'dougal' });
      this.options.onOutcome?.({ reachable: false, error: failure });
      throw failure;
    }
    // Any reply may carry a fresh token, also one to a request sent with an older token while
    // others were in flight: the session keeps the newest (session.ts), so a rotating server
    // never sees a token it has replaced. Replies from before a sign-in/out are ignored there.
    this.session.absorb(response.setCookies, origin ?? (token ? 'refresh' : 'no-token'), generation, {
      serverDateMs: Date.parse(response.headers.get('date') ?? ''),
      requestPath: new URL(url).pathname,
    });
    this.announceSession();
    this.options.onOutcome?.(
      response.status >= 500
        ? { reachable: true, error: new CorelogError('server', `Dougal answered HTTP ${response.status}.`, { status: response.status, system: 'dougal' }) }
        : { reachable: true },
    );
    return { response, token };
  }

  private url(request: DougalRequest): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private announceSession(): void {
    const info = this.session.info();
    const serialised = JSON.stringify(info);
    if (serialised === this.lastSession) return;
    this.lastSession = serialised;
    this.options.onSessionChange?.(info);
  }
}
