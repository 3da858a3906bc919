/**
 * Adapts each system's API client to the `SystemLink` the connection service works with, building
 * the client with the connection's API settings (connections.json). A link is rebuilt whenever
 * those settings change, so a link's settings are always the ones in force.
 */
import type { ServerCheckReport, ServerCheckStep } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import { DougalClient } from '../dougal/dougal-client';
import { ImagoClient } from '../imago/imago-client';
import type { SystemLink, SystemLinkHooks } from './connection-service';
import type { DougalApiSettings, ImagoApiSettings } from './connection-settings';
import { runDougalServerCheck } from './server-check/dougal-server-check';
import { runImagoServerCheck } from './server-check/imago-server-check';

/** What a link offers beyond `SystemLink`: its settings and the read-only server check. */
export interface CheckableLink {
  apiSettings: ImagoApiSettings | DougalApiSettings;
  /** Why the saved settings were not used, when they could not be read. */
  apiNotice: string | null;
  /** Runs "Check server" against this link's server, with its settings and stored login. */
  checkServer(onProgress: (steps: ServerCheckStep[]) => void): Promise<ServerCheckReport>;
}

export type ImagoLink = SystemLink & CheckableLink & { client: ImagoClient; apiSettings: ImagoApiSettings };
export type DougalLink = SystemLink & CheckableLink & { client: DougalClient; apiSettings: DougalApiSettings };

export function createImagoLink(serverUrl: string, hooks: SystemLinkHooks): ImagoLink {
  const apiSettings = hooks.settings?.imago.api ?? {};
  const client = new ImagoClient({
    baseUrl: serverUrl,
    credentials: hooks.credentials,
    onOutcome: hooks.onOutcome,
    onSessionChange: hooks.onSessionChange,
    onReplyProblem: hooks.onReplyProblem,
    api: apiSettings,
  });
  return {
    client,
    apiSettings,
    apiNotice: hooks.settings?.imago.apiNotice ?? null,
    signIn: async ({ username, password }) => void (await client.signIn(username, password)),
    signOut: () => client.signOut(),
    probe: () => client.probe(),
    session() {
      const session = client.session();
      return {
        session: session.signedIn ? 'signed-in' : 'signed-out',
        user: session.username ?? null,
        role: null,
        expiresAt: session.expiresAt ? new Date(session.expiresAt).toISOString() : null,
      };
    },
    checkServer: async (onProgress) => runImagoServerCheck({ serverUrl, api: apiSettings, login: await hooks.credentials(), onProgress }),
  };
}

export function createDougalLink(serverUrl: string, hooks: SystemLinkHooks): DougalLink {
  const apiSettings = hooks.settings?.dougal.api ?? {};
  const client = new DougalClient({
    baseUrl: serverUrl,
    credentials: async () => {
      const login = await hooks.credentials();
      return login ? { user: login.username, password: login.password } : null;
    },
    onOutcome: hooks.onOutcome,
    onSessionChange: hooks.onSessionChange,
    onReplyProblem: hooks.onReplyProblem,
    ...(apiSettings.paths ? { paths: apiSettings.paths } : {}),
    ...(apiSettings.query ? { query: apiSettings.query } : {}),
    ...(apiSettings.idempotency ? { idempotency: apiSettings.idempotency } : {}),
  });
  return {
    client,
    apiSettings,
    apiNotice: hooks.settings?.dougal.apiNotice ?? null,
    signIn: async ({ username, password }) => void (await client.login(username, password)),
    signInImplicitly: async () => void (await client.loginImplicitly()),
    signOut: () => client.logout(),
    probe: () => client.probe(),
    session() {
      const session = client.session();
      return {
        session: session.state,
        user: session.user ?? null,
        role: session.role ?? null,
        expiresAt: session.expiresAt ? new Date(session.expiresAt).toISOString() : null,
      };
    },
    checkServer: async (onProgress) => {
      const login = await hooks.credentials();
      const implicit = client.session().state === 'implicit' || (hooks.settings?.dougal.implicitLogin ?? false);
      return runDougalServerCheck({ serverUrl, api: apiSettings, login, implicit, onProgress });
    },
  };
}

export function createSystemLink(system: SystemId, serverUrl: string, hooks: SystemLinkHooks): SystemLink {
  return system === 'imago' ? createImagoLink(serverUrl, hooks) : createDougalLink(serverUrl, hooks);
}

/** The link's check and settings, when it has them (links made by tests' own factories may not). */
export function checkableLink(link: SystemLink): CheckableLink | null {
  const candidate = link as Partial<CheckableLink>;
  return typeof candidate.checkServer === 'function' && candidate.apiSettings ? (candidate as CheckableLink) : null;
}
