/**
 * Owns the live connection to each system: its client, stored login, reachability and the status
 * shown on the Connections screen. Imago and Dougal are handled independently, because on a
 * vessel one is often reachable while the other is not.
 */
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import { CorelogError, toBridgeError, type BridgeError, type SystemId } from '../../../common/errors';
import type { CredentialVault, StoredLogin } from '../credentials/credential-vault';
import type { ConnectionSettingsStore } from './connection-settings';
import { ReachabilityTracker, type ReachabilitySnapshot } from './reachability';
import type { ReplyProblem, RequestOutcome } from '../http/system-client-options';

export interface SystemSession {
  session: 'signed-out' | 'signed-in' | 'implicit';
  user: string | null;
  role: string | null;
  expiresAt: string | null;
}

/** What the service needs from a system's API client; see imago-link.ts and dougal-link.ts. */
export interface SystemLink {
  signIn(login: StoredLogin): Promise<void>;
  signInImplicitly?(): Promise<void>;
  signOut(): Promise<void>;
  /** One cheap request; resolves when the server answered at all, throws CorelogError otherwise. */
  probe(): Promise<void>;
  session(): SystemSession;
  dispose?(): void;
}

export interface SystemLinkHooks {
  /** The stored login, for re-authentication inside the client. */
  credentials: () => Promise<StoredLogin | null>;
  /** Every request's outcome, feeding reachability. */
  onOutcome: (outcome: RequestOutcome) => void;
  onSessionChange: () => void;
  /** Reply oddities the client worked around, for the log. */
  onReplyProblem: (problem: ReplyProblem) => void;
}

export type SystemLinkFactory = (system: SystemId, serverUrl: string, hooks: SystemLinkHooks) => SystemLink;

interface SystemState {
  link: SystemLink;
  tracker: ReachabilityTracker;
}

export interface ConnectionServiceOptions {
  vault: CredentialVault;
  settings: ConnectionSettingsStore;
  createLink: SystemLinkFactory;
  onStatus: (status: ConnectionStatus) => void;
  onReplyProblem?: (system: SystemId, problem: ReplyProblem) => void;
  reachability?: { firstRetryMs?: number; maxRetryMs?: number; quietProbeMs?: number };
}

const SYSTEMS: SystemId[] = ['imago', 'dougal'];

export class ConnectionService {
  private readonly systems = new Map<SystemId, SystemState>();
  private readonly lastErrors = new Map<SystemId, BridgeError | null>();

  constructor(private readonly options: ConnectionServiceOptions) {
    for (const system of SYSTEMS) this.systems.set(system, this.connect(system));
  }

  /** Starts probing both systems. Signs in again with stored logins, in the background. */
  start(): void {
    for (const system of SYSTEMS) {
      this.state(system).tracker.start();
      void this.resumeSession(system);
    }
  }

  dispose(): void {
    for (const { tracker, link } of this.systems.values()) {
      tracker.stop();
      link.dispose?.();
    }
  }

  /** The link for a system, for services that sync data (event log, uploads). */
  link(system: SystemId): SystemLink {
    return this.state(system).link;
  }

  status(system: SystemId): ConnectionStatus {
    const { link, tracker } = this.state(system);
    const session = link.session();
    const reach: ReachabilitySnapshot = tracker.snapshot;
    return {
      system,
      serverUrl: this.options.settings.current[system].serverUrl,
      session: session.session,
      user: session.user ?? this.options.vault.username(system),
      role: session.role,
      expiresAt: session.expiresAt,
      reachability: reach.reachability,
      lastCheckedAt: reach.lastCheckedAt,
      lastReachableAt: reach.lastReachableAt,
      lastError: this.lastErrors.get(system) ?? reach.lastError,
      passwordStored: this.options.vault.hasStoredPassword(system),
    };
  }

  allStatuses(): ConnectionStatus[] {
    return SYSTEMS.map((system) => this.status(system));
  }

  async setServerUrl(system: SystemId, serverUrl: string): Promise<ConnectionStatus> {
    const normalized = serverUrl.replace(/\/+$/, '');
    if (normalized === this.options.settings.current[system].serverUrl) return this.status(system);
    const old = this.state(system);
    old.tracker.stop();
    await old.link.signOut().catch(() => undefined);
    old.link.dispose?.();
    this.options.settings.update((s) => {
      s[system].serverUrl = normalized;
    });
    this.lastErrors.set(system, null);
    const fresh = this.connect(system);
    this.systems.set(system, fresh);
    fresh.tracker.start();
    return this.publish(system);
  }

  async signIn(system: SystemId, login: StoredLogin, remember: boolean): Promise<ConnectionStatus> {
    const { link } = this.state(system);
    await this.attempt(system, () => link.signIn(login));
    this.options.vault.save(system, login, remember);
    if (system === 'dougal') this.options.settings.update((s) => void (s.dougal.implicitLogin = false));
    return this.publish(system);
  }

  async signInImplicitly(system: SystemId): Promise<ConnectionStatus> {
    const { link } = this.state(system);
    if (!link.signInImplicitly) throw new CorelogError('validation', 'Only Dougal offers network (implicit) login.');
    await this.attempt(system, () => link.signInImplicitly!());
    if (link.session().session === 'signed-out') {
      throw this.remember(system, new CorelogError('auth', 'Dougal did not recognise this computer’s network address. Sign in with a user name and password instead.', { system }));
    }
    this.options.settings.update((s) => void (s.dougal.implicitLogin = true));
    return this.publish(system);
  }

  async signOut(system: SystemId, forgetPassword: boolean): Promise<ConnectionStatus> {
    const { link } = this.state(system);
    // Signing out must work offline: the client forgets its token even if the server is gone.
    await link.signOut().catch(() => undefined);
    if (forgetPassword) this.options.vault.forget(system);
    if (system === 'dougal') this.options.settings.update((s) => void (s.dougal.implicitLogin = false));
    this.lastErrors.set(system, null);
    return this.publish(system);
  }

  async check(system: SystemId): Promise<ConnectionStatus> {
    await this.state(system).tracker.checkNow();
    return this.status(system);
  }

  private connect(system: SystemId): SystemState {
    const serverUrl = this.options.settings.current[system].serverUrl;
    let tracker: ReachabilityTracker | null = null;
    const link = this.options.createLink(system, serverUrl, {
      credentials: async () => this.options.vault.load(system),
      onOutcome: (outcome) => tracker?.record({ reachable: outcome.reachable, ...(outcome.error ? { error: outcome.error.toBridgeError() } : {}) }),
      onSessionChange: () => this.publish(system),
      onReplyProblem: (problem) => this.options.onReplyProblem?.(system, problem),
    });
    tracker = new ReachabilityTracker({
      ...this.options.reachability,
      probe: async () => {
        try {
          await link.probe();
          return { reachable: true };
        } catch (error) {
          const bridgeError = toBridgeError(error);
          return { reachable: !['offline', 'timeout'].includes(bridgeError.kind), error: bridgeError };
        }
      },
      onChange: () => this.publish(system),
    });
    return { link, tracker };
  }

  private async resumeSession(system: SystemId): Promise<void> {
    const { link } = this.state(system);
    try {
      if (system === 'dougal' && this.options.settings.current.dougal.implicitLogin && link.signInImplicitly) {
        await link.signInImplicitly();
      } else {
        const login = this.options.vault.load(system);
        if (login) await link.signIn(login);
      }
      this.publish(system);
    } catch (error) {
      // Offline at start-up is normal for a field laptop: the stored login is retried on demand.
      this.remember(system, error);
      this.publish(system);
    }
  }

  private async attempt(system: SystemId, action: () => Promise<void>): Promise<void> {
    try {
      await action();
      this.lastErrors.set(system, null);
    } catch (error) {
      throw this.remember(system, error);
    }
  }

  private remember(system: SystemId, error: unknown): unknown {
    this.lastErrors.set(system, toBridgeError(error));
    this.publish(system);
    return error;
  }

  private publish(system: SystemId): ConnectionStatus {
    const status = this.status(system);
    this.options.onStatus(status);
    return status;
  }

  private state(system: SystemId): SystemState {
    const state = this.systems.get(system);
    if (!state) throw new CorelogError('internal', `no connection state for ${system}`);
    return state;
  }
}
