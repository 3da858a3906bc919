/**
 * Where Corelog keeps its data when Electron cannot tell us: the same folder Electron's
 * `app.getPath('userData')` would use, so the desktop app and browser mode share settings.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CORELOG_DATA_DIR) return env.CORELOG_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Corelog');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Corelog');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Corelog');
}
