/**
 * The app settings in effect in this page, with no bridge behind it: formatters (times, depths)
 * read it, the settings store (app-settings-store.ts) fills it from main. Starts from the copy
 * the last run left in localStorage, so the first render already uses the user's choices.
 * Imports nothing that needs a window, so pure formatting code stays testable in Node.
 */
import { appSettingsSchema, DEFAULT_APP_SETTINGS, type AppSettings } from '../../../common/bridge/settings-contract';

/** Also read by public/theme-boot.js before any module runs: keep the key and the `theme` field. */
export const SETTINGS_MIRROR_KEY = 'corelog.appSettings';

const listeners = new Set<() => void>();
let current: AppSettings = readMirror() ?? DEFAULT_APP_SETTINGS;
applyTheme(current.theme);

/** The settings now (the mirror's copy until main has answered). */
export function appSettings(): AppSettings {
  return current;
}

export function subscribeAppSettings(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Makes `settings` the ones in effect: mirrored for the next start, theme applied, listeners told. */
export function adoptAppSettings(settings: AppSettings): void {
  const changed = JSON.stringify(settings) !== JSON.stringify(current);
  current = settings;
  try {
    globalThis.localStorage?.setItem(SETTINGS_MIRROR_KEY, JSON.stringify(settings));
  } catch {
    // Storage full or refused: the settings still apply to this session, main keeps them.
  }
  applyTheme(settings.theme);
  if (changed) for (const listener of [...listeners]) listener();
}

/** Sets the theme on <html>; the stylesheet does the rest ("system" follows the OS light or dark). */
function applyTheme(theme: AppSettings['theme']): void {
  const root = (globalThis as { document?: { documentElement: { dataset: Record<string, string | undefined> } } }).document?.documentElement;
  if (root) root.dataset.theme = theme;
}

function readMirror(): AppSettings | null {
  try {
    const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(SETTINGS_MIRROR_KEY) ?? 'null');
    // A copy left by an older release lacks later settings (the watch length): the defaults fill them in.
    const parsed = appSettingsSchema.safeParse(saved && typeof saved === 'object' && !Array.isArray(saved) ? { ...DEFAULT_APP_SETTINGS, ...saved } : saved);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
