import type { ServiceContext, ServiceModule } from '../app-services';

/** Bridge handlers of the Connections screen. */
export function createConnectionModule({ connections, cipher }: ServiceContext): ServiceModule {
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
    },
  };
}
