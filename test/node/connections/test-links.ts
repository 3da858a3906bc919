/**
 * System links for recovery tests: the real API clients (as in system-links.ts) with a short
 * request timeout, so "the emulator answers later than the client waits" takes a second instead
 * of the production 20–30 s. Also lets a test hold the reachability probe for a moment: Imago's
 * probe is `GET /session`, the same path as the sign-in, and must not take the one failure a
 * test injects for the sign-in.
 */
import type { SystemId } from '../../../common/errors';
import type { SystemLink, SystemLinkFactory, SystemLinkHooks } from '../../../electron/services/connections/connection-service';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { ImagoClient } from '../../../electron/services/imago/imago-client';

export interface TestLinks {
  factory: SystemLinkFactory;
  /** The clients the service made last, per system (a server change makes new ones). */
  imago(): ImagoClient;
  dougal(): DougalClient;
  /** Holds new probes until `releaseProbes`, and waits for the ones under way to finish. */
  holdProbes(): Promise<void>;
  releaseProbes(): void;
  /** Every request outcome reported by the clients, newest last. */
  outcomes: { system: SystemId; reachable: boolean; kind: string | null }[];
  /**
   * Called (once) when the client's session drops to signed out, before the client's own re-login
   * request leaves: the moment to make the emulator misbehave for that one request.
   */
  onceSignedOut(system: SystemId, action: () => void): void;
}

export function createTestLinks(timeoutMs: number): TestLinks {
  let imago: ImagoClient | null = null;
  let dougal: DougalClient | null = null;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  let probing = 0;
  const outcomes: TestLinks['outcomes'] = [];
  const signedOutActions = new Map<SystemId, () => void>();

  const gatedProbe = (probe: () => Promise<void>) => async () => {
    while (gate) await gate.promise;
    probing += 1;
    try {
      await probe();
    } finally {
      probing -= 1;
    }
  };

  const factory: SystemLinkFactory = (system, baseUrl, hooks: SystemLinkHooks): SystemLink & { client: ImagoClient | DougalClient } => {
    const onOutcome: SystemLinkHooks['onOutcome'] = (outcome) => {
      outcomes.push({ system, reachable: outcome.reachable, kind: outcome.error?.kind ?? null });
      hooks.onOutcome(outcome);
    };
    const onSessionChange = (signedIn: boolean) => {
      const action = signedOutActions.get(system);
      if (!signedIn && action) {
        signedOutActions.delete(system);
        action();
      }
      hooks.onSessionChange();
    };
    if (system === 'imago') {
      const client = (imago = new ImagoClient({
        baseUrl,
        timeoutMs,
        credentials: hooks.credentials,
        onOutcome,
        onSessionChange: (info) => onSessionChange(info.signedIn),
        onReplyProblem: hooks.onReplyProblem,
      }));
      // `client` as system-links.ts gives it: app-services hands it to the photo and event-log handlers.
      return {
        client,
        signIn: async ({ username, password }) => void (await client.signIn(username, password)),
        signOut: () => client.signOut(),
        probe: gatedProbe(() => client.probe()),
        session() {
          const session = client.session();
          return { session: session.signedIn ? 'signed-in' : 'signed-out', user: session.username ?? null, role: null, expiresAt: session.expiresAt };
        },
      };
    }
    const client = (dougal = new DougalClient({
      baseUrl,
      timeoutMs,
      credentials: async () => {
        const login = await hooks.credentials();
        return login ? { user: login.username, password: login.password } : null;
      },
      onOutcome,
      onSessionChange: (info) => onSessionChange(info.state !== 'signed-out'),
      onReplyProblem: hooks.onReplyProblem,
    }));
    return {
      client,
      signIn: async ({ username, password }) => void (await client.login(username, password)),
      signInImplicitly: async () => void (await client.loginImplicitly()),
      signOut: () => client.logout(),
      probe: gatedProbe(() => client.probe()),
      session() {
        const session = client.session();
        return { session: session.state, user: session.user ?? null, role: session.role ?? null, expiresAt: session.expiresAt ?? null };
      },
    };
  };

  return {
    factory,
    imago: () => imago!,
    dougal: () => dougal!,
    async holdProbes() {
      if (!gate) {
        let open!: () => void;
        const promise = new Promise<void>((resolve) => (open = resolve));
        gate = { promise, open };
      }
      for (let i = 0; probing > 0 && i < 400; i++) await new Promise((r) => setTimeout(r, 10));
    },
    releaseProbes() {
      const current = gate;
      gate = null;
      current?.open();
    },
    outcomes,
    onceSignedOut(system, action) {
      signedOutActions.set(system, action);
    },
  };
}
