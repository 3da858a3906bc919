/**
 * One Dougal request, done properly: the current token attached, any `Set-Cookie: JWT` taken
 * in, one re-login and retry on 401, typed errors, and replies checked against a schema.
 */
import type { z } from 'zod';
import { CorelogError } from '../../../common/errors';
import { errorFromResponse, sendHttpRequest, type HttpResponse } from '../http/http-request';
import { DougalSession, type DougalSessionInfo } from './session';
import type { RequestOutcome } from '../http/system-client-options';

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
}

export interface DougalRequest {
  /** What we were doing, for error messages: "list events". */
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  accept?: string;
}

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
    let response = await this.exchange(request);
    if (response.status === 401) {
      await response.discard();
      await this.reauthenticate(request.action);
      response = await this.exchange(request);
      if (response.status === 401) {
        await response.discard();
        this.session.clear();
        this.announceSession();
        throw new CorelogError('auth', `Dougal refused to ${request.action}: the session ended and signing in again did not help.`, { status: 401, system: 'dougal' });
      }
    }
    if (response.status < 200 || response.status > 299) throw await errorFromResponse('dougal', response, request.action);
    return response;
  }

  /** Sends and checks the JSON reply against `schema`. */
  async json<S extends z.ZodType>(request: DougalRequest, schema: S): Promise<z.output<S>> {
    const response = await this.send(request);
    return parseReply(schema, await response.json(), request.action, response.status);
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
      throw new CorelogError('malformed-response', 'Dougal accepted the login but sent no JWT cookie.', { status: response.status, system: 'dougal', retryable: false });
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
    await response.discard();
  }

  private async prepareSession(): Promise<void> {
    if (this.session.current() || this.options.implicit) return;
    const credentials = await this.options.credentials();
    if (credentials) await this.loginOnce(credentials);
  }

  private async reauthenticate(action: string): Promise<void> {
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
    const token = origin ? null : this.session.current();
    const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: HttpResponse;
    try {
      response = await sendHttpRequest({
        system: 'dougal',
        method: request.method,
        url: this.url(request),
        headers,
        ...(request.json === undefined ? {} : { json: request.json }),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      const failure = error instanceof CorelogError ? error : new CorelogError('offline', `Dougal cannot be reached: ${String(error)}`, { system: 'dougal' });
      this.options.onOutcome?.({ reachable: false, error: failure });
      throw failure;
    }
    // A reply to a request sent with an older token (or none) must not replace a session that was
    // set up while it was in flight: a probe's implicit-login cookie would otherwise downgrade a
    // fresh explicit login.
    if (origin || this.session.current() === token) this.session.absorb(response.setCookies, origin ?? (token ? 'refresh' : 'no-token'));
    this.announceSession();
    this.options.onOutcome?.(
      response.status >= 500
        ? { reachable: true, error: new CorelogError('server', `Dougal answered HTTP ${response.status}.`, { status: response.status, system: 'dougal' }) }
        : { reachable: true },
    );
    return response;
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

/** Checks a reply against its schema; a mismatch names the first problem so a log reader can find it. */
export function parseReply<S extends z.ZodType>(schema: S, value: unknown, action: string, status: number): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new CorelogError('malformed-response', `Dougal's reply to "${action}" was not what Corelog expects${where}: ${issue?.message ?? 'invalid'}.`, {
    status,
    system: 'dougal',
    retryable: false,
  });
}
