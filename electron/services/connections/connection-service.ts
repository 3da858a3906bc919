/**
 * Owns the live connection to each system: its client, stored login, reachability and the status
 * shown on the Connections screen. Imago and Dougal are handled independently, because on a
 * vessel one is often reachable while the other is not.
 *
 * It also keeps each system signed in by itself. Whenever a session is missing while main holds a
 * usable login (at start-up, or after a re-login inside a client failed), a per-system sign-in loop
 * tries again with backoff and at once when the system is seen reachable again. A sign-in that
 * failed for a network or server reason is never final; only a refusal of the credentials
 * themselves stops the loop and asks the user (and the refused password is not tried again).
 */
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import { CorelogError, meansUnreachable, toBridgeError, type BridgeError, type ErrorKind, type SystemId } from '../../../common/errors';
import type { CredentialVault, StoredLogin } from '../credentials/credential-vault';
import type { ConnectionSettings, ConnectionSettingsStore } from './connection-settings';
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
  /** The connection settings the link is built with (its per-connection API settings among them). */
  settings?: ConnectionSettings;
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
  /** Backoff of the automatic sign-in (default 2 s doubling to 30 s, ±20 % jitter). */
  signInRetry?: { firstDelayMs?: number; maxDelayMs?: number };
}

const SYSTEMS: SystemId[] = ['imago', 'dougal'];

/** Answers of a sign-in that mean "these credentials are refused": asking again cannot help. */
const CREDENTIAL_REFUSALS: ReadonlySet<ErrorKind> = new Set(['auth', 'forbidden', 'rejected', 'validation']);

/** A session that ends sooner than this after the loop signed in counts as a failure (no 2 s churn on "401 forever"). */
const SESSION_CHURN_MS = 60_000;

/** Per-system state of the automatic sign-in. */
interface AutoSignIn {
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** Failed attempts in a row, for the backoff. */
  failures: number;
  /** Sessions in a row that ended within a minute of starting ("401 forever"): they back off too. */
  churn: number;
  /** Why main must not sign in by itself until the user does: the server refused the login, or the user signed out. */
  halted: 'refused' | 'signed-out' | null;
  /** When the loop last got a session, to notice one that keeps ending at once. */
  signedInAt: number;
  /** Bumped on sign-out and server change, so an attempt under way cannot act on the new state. */
  generation: number;
}

export class ConnectionService {
  private readonly systems = new Map<SystemId, SystemState>();
  private readonly lastErrors = new Map<SystemId, BridgeError | null>();
  private readonly autoSignIns = new Map<SystemId, AutoSignIn>();
  private started = false;
  private disposed = false;

  constructor(private readonly options: ConnectionServiceOptions) {
    for (const system of SYSTEMS) {
      this.autoSignIns.set(system, { timer: null, running: false, failures: 0, churn: 0, halted: null, signedInAt: 0, generation: 0 });
      this.systems.set(system, this.connect(system));
    }
  }

  /** Starts probing both systems, and signs in with the logins main holds, in the background. */
  start(): void {
    this.started = true;
    for (const system of SYSTEMS) {
      this.state(system).tracker.start();
      this.scheduleSignIn(system, 0);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const auto of this.autoSignIns.values()) this.cancelSignIn(auto);
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
      credentialAvailable: this.canSignInAgain(system),
    };
  }

  allStatuses(): ConnectionStatus[] {
    return SYSTEMS.map((system) => this.status(system));
  }

  async setServerUrl(system: SystemId, serverUrl: string): Promise<ConnectionStatus> {
    const normalized = serverUrl.replace(/\/+$/, '');
    if (normalized === this.options.settings.current[system].serverUrl) return this.status(system);
    // Saved first: a save that fails (a full disk) changes nothing, instead of leaving the old
    // connection torn down and no new one made until a restart.
    this.options.settings.update((s) => {
      s[system].serverUrl = normalized;
    });
    // The login main holds belongs to the old server: it is never sent to the new one unasked.
    this.haltSignIn(system, 'signed-out');
    const old = this.state(system);
    old.tracker.stop();
    await old.link.signOut().catch(() => undefined);
    old.link.dispose?.();
    this.lastErrors.set(system, null);
    const fresh = this.connect(system);
    this.systems.set(system, fresh);
    fresh.tracker.start();
    return this.publish(system);
  }

  /** Stores a system's API settings and rebuilds its client with them, as setServerUrl does; the same login then signs in again. */
  async setApiSettings<S extends SystemId>(system: S, api: ConnectionSettings[S]['api']): Promise<ConnectionStatus> {
    // Saved first, as in setServerUrl: a failed save leaves the working connection as it was.
    this.options.settings.setApi(system, api);
    const auto = this.autoSignIn(system);
    this.cancelSignIn(auto);
    auto.generation += 1; // a sign-in under way belongs to the old client
    const old = this.state(system);
    old.tracker.stop();
    old.link.dispose?.();
    this.lastErrors.set(system, null);
    const fresh = this.connect(system);
    this.systems.set(system, fresh);
    fresh.tracker.start();
    this.scheduleSignIn(system, 0);
    return this.publish(system);
  }

  async signIn(system: SystemId, login: StoredLogin, remember: boolean): Promise<ConnectionStatus> {
    const { link } = this.state(system);
    await this.attempt(system, () => link.signIn(login));
    this.options.vault.save(system, login, remember);
    if (system === 'dougal') this.options.settings.update((s) => void (s.dougal.implicitLogin = false));
    this.resumeSignIn(system);
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
    this.resumeSignIn(system);
    return this.publish(system);
  }

  async signOut(system: SystemId, forgetPassword: boolean): Promise<ConnectionStatus> {
    // Signed out means signed out: neither the loop nor a client signs in again until the user does.
    this.haltSignIn(system, 'signed-out');
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
    let reachability: ReachabilitySnapshot['reachability'] = 'unknown';
    const link = this.options.createLink(system, serverUrl, {
      // A halted system hands out nothing, so a client cannot re-send a refused password (or sign in after a sign-out).
      credentials: async () => (this.autoSignIn(system).halted ? null : this.options.vault.load(system)),
      onOutcome: (outcome) => tracker?.record({ reachable: outcome.reachable, ...(outcome.error ? { error: outcome.error.toBridgeError() } : {}) }),
      onSessionChange: () => {
        this.publish(system);
        this.sessionChanged(system, link);
      },
      onReplyProblem: (problem) => this.options.onReplyProblem?.(system, problem),
      settings: this.options.settings.current,
    });
    tracker = new ReachabilityTracker({
      ...this.options.reachability,
      probe: async () => {
        try {
          await link.probe();
          return { reachable: true };
        } catch (error) {
          // Judged on the raw error: a captive portal's page or a redirect elsewhere is an answer, but
          // not from the server, so the system is not reachable (the kind alone cannot tell).
          return { reachable: !meansUnreachable(error), error: toBridgeError(error) };
        }
      },
      onChange: (snapshot) => {
        const regained = snapshot.reachability === 'reachable' && reachability !== 'reachable';
        reachability = snapshot.reachability;
        this.publish(system);
        // Back in reach: a sign-in waiting out its backoff goes now.
        if (regained && this.systems.get(system)?.link === link) this.scheduleSignIn(system, 0);
      },
    });
    return { link, tracker };
  }

  // ---- automatic sign-in -------------------------------------------------------------------

  private autoSignIn(system: SystemId): AutoSignIn {
    const auto = this.autoSignIns.get(system);
    if (!auto) throw new CorelogError('internal', `no sign-in state for ${system}`);
    return auto;
  }

  /** Dougal's network login, when the user chose it; it needs no password. */
  private usesNetworkLogin(system: SystemId): boolean {
    return system === 'dougal' && this.options.settings.current.dougal.implicitLogin && Boolean(this.state(system).link.signInImplicitly);
  }

  private canSignInAgain(system: SystemId): boolean {
    if (this.autoSignIn(system).halted) return false;
    return this.usesNetworkLogin(system) || this.options.vault.hasUsablePassword(system);
  }

  /** The session ended (expired, refused, a re-login inside the client failed): get it back unless the user must act. */
  private sessionChanged(system: SystemId, link: SystemLink): void {
    if (!this.started || this.systems.get(system)?.link !== link) return;
    const auto = this.autoSignIn(system);
    if (link.session().session !== 'signed-out') {
      // A client got the session back by itself (a request's own re-login): the loop's failure is over.
      if (auto.timer || auto.failures > 0) {
        this.cancelSignIn(auto);
        auto.failures = 0;
        this.lastErrors.set(system, null);
        this.publish(system);
      }
      return;
    }
    // The client usually signs in again itself within the request that noticed; the loop only
    // steps in if that did not work. A session that keeps ending at once backs off like a failure.
    auto.churn = auto.signedInAt && Date.now() - auto.signedInAt < SESSION_CHURN_MS ? auto.churn + 1 : 0;
    this.scheduleSignIn(system, this.signInDelay(Math.max(1, auto.failures, auto.churn)));
  }

  /** Runs the sign-in loop after `delayMs` (sooner if already due); no-op while it cannot or need not sign in. */
  private scheduleSignIn(system: SystemId, delayMs: number): void {
    const auto = this.autoSignIn(system);
    if (!this.started || this.disposed || auto.running || !this.canSignInAgain(system)) return;
    if (this.state(system).link.session().session !== 'signed-out') return;
    if (auto.timer) {
      if (delayMs > 0) return; // one is already waiting; only "now" overrides it
      clearTimeout(auto.timer);
    }
    const generation = auto.generation;
    auto.timer = setTimeout(() => {
      auto.timer = null;
      void this.signInStep(system, generation);
    }, delayMs);
    auto.timer.unref?.();
  }

  /** One automatic sign-in attempt; schedules the next one unless it worked or was refused. */
  private async signInStep(system: SystemId, generation: number): Promise<void> {
    const auto = this.autoSignIn(system);
    if (generation !== auto.generation || this.disposed || auto.running || !this.canSignInAgain(system)) return;
    const { link, tracker } = this.state(system);
    if (link.session().session !== 'signed-out') return;
    auto.running = true;
    try {
      if (this.usesNetworkLogin(system)) {
        await link.signInImplicitly!();
        if (link.session().session === 'signed-out') {
          throw new CorelogError('auth', 'Dougal did not recognise this computer’s network address. Sign in with a user name and password instead.', { system });
        }
      } else {
        const login = this.options.vault.load(system);
        if (!login) return;
        await link.signIn(login);
      }
      if (generation !== auto.generation) {
        // The user signed out (or moved server) while this sign-in was under way: undo it.
        if (auto.halted) await link.signOut().catch(() => undefined);
        return;
      }
      auto.failures = 0;
      auto.signedInAt = Date.now();
      this.lastErrors.set(system, null);
      this.publish(system);
    } catch (error) {
      if (generation !== auto.generation) return;
      const failure = toBridgeError(error);
      this.lastErrors.set(system, failure);
      if (CREDENTIAL_REFUSALS.has(failure.kind)) {
        // The server refused the login itself: trying it again could lock the account. Ask the user.
        auto.halted = 'refused';
        this.publish(system);
        return;
      }
      auto.failures += 1;
      this.publish(system);
      // While the system is out of reach, the reachability probe decides when to try (it kicks the
      // loop when the system answers again); the timer is then only a backstop.
      const unreachable = tracker.snapshot.reachability === 'unreachable';
      auto.running = false;
      this.scheduleSignIn(system, unreachable ? this.signInRetry.maxDelayMs : this.signInDelay(Math.max(auto.failures, auto.churn)));
    } finally {
      auto.running = false;
    }
  }

  private get signInRetry(): { firstDelayMs: number; maxDelayMs: number } {
    return { firstDelayMs: this.options.signInRetry?.firstDelayMs ?? 2_000, maxDelayMs: this.options.signInRetry?.maxDelayMs ?? 30_000 };
  }

  private signInDelay(failures: number): number {
    const { firstDelayMs, maxDelayMs } = this.signInRetry;
    const base = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(20, Math.max(0, failures - 1)));
    return Math.round(Math.min(maxDelayMs, base * (0.8 + Math.random() * 0.4)));
  }

  private cancelSignIn(auto: AutoSignIn): void {
    if (auto.timer) clearTimeout(auto.timer);
    auto.timer = null;
  }

  /** Stops signing in by itself (sign-out, new server) until the user signs in. */
  private haltSignIn(system: SystemId, reason: 'signed-out'): void {
    const auto = this.autoSignIn(system);
    this.cancelSignIn(auto);
    auto.generation += 1;
    auto.halted = reason;
    auto.failures = 0;
  }

  /** The user signed in: main may keep the session alive by itself again. */
  private resumeSignIn(system: SystemId): void {
    const auto = this.autoSignIn(system);
    this.cancelSignIn(auto);
    auto.generation += 1;
    auto.halted = null;
    auto.failures = 0;
    auto.churn = 0;
    auto.signedInAt = Date.now();
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
