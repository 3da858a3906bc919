/**
 * Where Corelog keeps its data when Electron cannot tell us: the same folder Electron's
 * `app.getPath('userData')` would use, so the desktop app and browser mode share settings.
 */
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { announceSetAside } from './desktop/json-file';

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CORELOG_DATA_DIR) return env.CORELOG_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Corelog');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Corelog');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Corelog');
}

/**
 * Makes one of the data folder's own folders (logs, photos, staging, …). Something else in its
 * place — a file left by a damaged disk or an old tool — is set aside as `<name>.corrupt-<time>`
 * (renamed, never deleted) rather than stopping the app from starting or every save failing.
 * Returns what was set aside, in plain words, or null.
 */
export function ensureDataFolder(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    let info;
    try {
      info = statSync(dir);
    } catch {
      throw error; // the file is in a folder above: not ours to move
    }
    if (info.isDirectory()) return null;
    const aside = `${dir}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, aside);
    mkdirSync(dir, { recursive: true });
    const notice = `a file named ${basename(dir)} stood where Corelog keeps a folder; it was set aside as ${basename(aside)}`;
    announceSetAside(notice);
    return notice;
  }
}
