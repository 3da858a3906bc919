import type { ApiSettings } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import type { ServiceContext, ServiceModule } from '../app-services';
import type { ConnectionService } from './connection-service';
import { describeApiSettings, parseApiSettings } from './connection-settings';
import { ServerChecks } from './server-check/server-checks';
import { checkableLink } from './system-links';

/** Bridge handlers of the Connections screen. */
export function createConnectionModule({ connections, cipher, dataDir, events, desktop }: ServiceContext): ServiceModule {
  const checks = new ServerChecks({ dataDir, onProgress: (system, steps) => events.emit('serverCheckProgress', { system, steps }), log: desktop.log });
  return {
    handlers: {
      async getConnections() {
        return { connections: connections.allStatuses(), credentialStorage: cipher.info };
      },
      setServerUrl: ({ system, serverUrl }) => connections.setServerUrl(system, serverUrl),
      signIn: ({ system, username, password, remember }) => connections.signIn(system, { username, password }, remember),
      signInImplicitly: ({ system }) => connections.signInImplicitly(system),
      signOut: ({ system, forgetPassword }) => connections.signOut(system, forgetPassword),
      checkConnection: ({ system }) => connections.check(system),
      getApiSettings: async ({ system }) => currentApiSettings(connections, system),
      async setApiSettings({ system, values }) {
        await connections.setApiSettings(system, parseApiSettings(system, values));
        return currentApiSettings(connections, system);
      },
      async resetApiSettings({ system }) {
        await connections.setApiSettings(system, {});
        return currentApiSettings(connections, system);
      },
      checkServer: ({ system }) => checks.run(system, connections.link(system)),
      getServerCheck: async ({ system }) => checks.last(system),
      saveServerCheck: ({ system }) => checks.save(system),
    },
  };
}

/** The settings in force: those the system's current link was built with. */
function currentApiSettings(connections: ConnectionService, system: SystemId): ApiSettings {
  const link = checkableLink(connections.link(system));
  return describeApiSettings(system, link?.apiSettings ?? {}, link?.apiNotice ?? null);
}
