import type { ServiceContext, ServiceModule } from './app-services';

/** About the app itself, and the bridge self-test. */
export function createAppInfoModule({ options }: ServiceContext): ServiceModule {
  return {
    handlers: {
      async getAppInfo() {
        const versions = { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome };
        return {
          name: 'Corelog',
          version: options.appVersion,
          transport: options.transport,
          platform: `${process.platform}-${process.arch}`,
          versions: Object.fromEntries(Object.entries(versions).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
        };
      },
      async ping({ message }) {
        return { message, receivedAt: new Date().toISOString() };
      },
    },
  };
}
