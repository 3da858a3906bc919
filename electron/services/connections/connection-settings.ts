/**
 * Server addresses per system, kept in the data folder. The built-in defaults point at the local
 * emulators (`npm run emulators`), so a fresh install works without any account.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SystemId } from '../../../common/errors';

export interface ConnectionSettings {
  imago: { serverUrl: string };
  dougal: { serverUrl: string; implicitLogin: boolean };
}

export const DEFAULT_SERVER_URLS: Record<SystemId, string> = {
  imago: 'http://127.0.0.1:4010/integrate/2',
  dougal: 'http://127.0.0.1:4020/api',
};

/** Environment overrides, so `npm run demo` and tests can point a fresh data folder anywhere. */
function defaults(env: NodeJS.ProcessEnv): ConnectionSettings {
  return {
    imago: { serverUrl: env.CORELOG_IMAGO_URL || DEFAULT_SERVER_URLS.imago },
    dougal: { serverUrl: env.CORELOG_DOUGAL_URL || DEFAULT_SERVER_URLS.dougal, implicitLogin: false },
  };
}

export class ConnectionSettingsStore {
  private settings: ConnectionSettings;

  constructor(
    private readonly filePath: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const base = defaults(env);
    let saved: Partial<ConnectionSettings> = {};
    try {
      saved = JSON.parse(readFileSync(filePath, 'utf8')) as Partial<ConnectionSettings>;
    } catch {
      // First start, or a damaged file: the defaults are a safe start.
    }
    this.settings = {
      imago: { ...base.imago, ...saved.imago },
      dougal: { ...base.dougal, ...saved.dougal },
    };
  }

  get current(): ConnectionSettings {
    return structuredClone(this.settings);
  }

  update(change: (settings: ConnectionSettings) => void): ConnectionSettings {
    change(this.settings);
    mkdirSync(dirname(this.filePath), { recursive: true });
    const tmp = `${this.filePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.settings, null, 2));
    renameSync(tmp, this.filePath);
    return this.current;
  }
}
