/**
 * Adapts each system's API client to the `SystemLink` the connection service works with.
 */
import type { SystemId } from '../../../common/errors';
import { DougalClient } from '../dougal/dougal-client';
import { ImagoClient } from '../imago/imago-client';
import type { SystemLink, SystemLinkHooks } from './connection-service';

export type ImagoLink = SystemLink & { client: ImagoClient };
export type DougalLink = SystemLink & { client: DougalClient };

export function createImagoLink(serverUrl: string, hooks: SystemLinkHooks): ImagoLink {
  const client = new ImagoClient({
    baseUrl: serverUrl,
    credentials: hooks.credentials,
    onOutcome: hooks.onOutcome,
    onSessionChange: hooks.onSessionChange,
    onReplyProblem: hooks.onReplyProblem,
  });
  return {
    client,
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
  };
}

export function createDougalLink(serverUrl: string, hooks: SystemLinkHooks): DougalLink {
  const client = new DougalClient({
    baseUrl: serverUrl,
    credentials: async () => {
      const login = await hooks.credentials();
      return login ? { user: login.username, password: login.password } : null;
    },
    onOutcome: hooks.onOutcome,
    onSessionChange: hooks.onSessionChange,
    onReplyProblem: hooks.onReplyProblem,
  });
  return {
    client,
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
  };
}

export function createSystemLink(system: SystemId, serverUrl: string, hooks: SystemLinkHooks): SystemLink {
  return system === 'imago' ? createImagoLink(serverUrl, hooks) : createDougalLink(serverUrl, hooks);
}
