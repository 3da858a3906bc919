/**
 * Everything the main process does for the renderer, assembled once and shared by both
 * transports (Electron IPC and browser mode). Runs in plain Node: nothing here imports Electron,
 * so the whole service layer is tested without the Electron runtime.
 */
import { join } from 'node:path';
import type { BridgeHandlers } from '../../common/bridge/contract';
import { BridgeEventBus } from '../../common/bridge/event-bus';
import { ConnectionSettingsStore } from './connections/connection-settings';
import { ConnectionService, type SystemLinkFactory } from './connections/connection-service';
import { createSystemLink } from './connections/system-links';
import { CredentialVault } from './credentials/credential-vault';
import type { SecretCipher } from './credentials/secret-cipher';
import { FileKeyCipher } from './credentials/file-key-cipher';

export interface AppServicesOptions {
  /** Where settings, credentials and photos live (Electron's userData, or `--data` in browser mode). */
  dataDir: string;
  appVersion: string;
  transport: 'electron' | 'browser';
  /** Electron passes its safeStorage cipher; plain Node falls back to a key file. */
  cipher?: SecretCipher;
  createLink?: SystemLinkFactory;
  /** Shorter probe intervals for tests. */
  reachability?: { firstRetryMs?: number; maxRetryMs?: number; quietProbeMs?: number };
  env?: NodeJS.ProcessEnv;
}

export interface AppServices {
  handlers: BridgeHandlers;
  events: BridgeEventBus;
  connections: ConnectionService;
  start(): void;
  dispose(): Promise<void>;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const events = new BridgeEventBus();
  const cipher = options.cipher ?? new FileKeyCipher(join(options.dataDir, 'credential.key'));
  const vault = new CredentialVault(join(options.dataDir, 'credentials.json'), cipher);
  const settings = new ConnectionSettingsStore(join(options.dataDir, 'connections.json'), options.env);
  const connections = new ConnectionService({
    vault,
    settings,
    createLink: options.createLink ?? createSystemLink,
    onStatus: (status) => events.emit('connectionChanged', status),
    ...(options.reachability ? { reachability: options.reachability } : {}),
  });

  const handlers: BridgeHandlers = {
    async getAppInfo() {
      return {
        name: 'Corelog',
        version: options.appVersion,
        transport: options.transport,
        platform: `${process.platform}-${process.arch}`,
        versions: Object.fromEntries(
          Object.entries({ node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome }).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        ),
      };
    },
    async ping({ message }) {
      return { message, receivedAt: new Date().toISOString() };
    },
    async getConnections() {
      return { connections: connections.allStatuses(), credentialStorage: cipher.info };
    },
    setServerUrl: ({ system, serverUrl }) => connections.setServerUrl(system, serverUrl),
    signIn: ({ system, username, password, remember }) => connections.signIn(system, { username, password }, remember),
    signInImplicitly: ({ system }) => connections.signInImplicitly(system),
    signOut: ({ system, forgetPassword }) => connections.signOut(system, forgetPassword),
    checkConnection: ({ system }) => connections.check(system),
  };

  // `npm run demo` signs in to the emulators' demo accounts for this run only (nothing is stored).
  if ((options.env ?? process.env).CORELOG_DEMO_LOGINS === '1') {
    for (const system of ['imago', 'dougal'] as const) {
      if (!vault.load(system)) vault.save(system, { username: 'demo', password: 'demo' }, false);
    }
  }

  return {
    handlers,
    events,
    connections,
    start: () => connections.start(),
    async dispose() {
      connections.dispose();
    },
  };
}
