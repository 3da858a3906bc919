/**
 * Auto-update through electron-updater from a generic feed (a web folder holding latest*.yml and
 * the installers). Off by default, and never in development builds: field machines update when
 * their IT decides, and an update mid-shift on a vessel is the last thing anyone wants. The
 * update installs when Corelog quits, never on its own.
 */
import type { AppUpdater } from 'electron-updater';
import type { UpdateSettings } from '../../common/bridge/desktop-contract';
import type { DesktopNotice } from '../services/desktop/desktop-services';
import type { Logger } from '../services/desktop/log-file';
import type { UpdateSettingsStore } from '../services/desktop/update-settings';

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface AutoUpdateOptions {
  settings: Pick<UpdateSettingsStore, 'current' | 'onChange'>;
  log: Logger;
  /** electron-updater only works in a packaged app. */
  packaged: boolean;
  notify(notice: DesktopNotice): boolean;
  /** Loaded only once updates are switched on, so an app with updates off never touches it. */
  loadUpdater?: () => Promise<AppUpdater>;
}

/** Why updates are not checked, or null when they are. */
export function updatesOffReason(settings: UpdateSettings, packaged: boolean): string | null {
  if (!settings.enabled) return 'auto-update is off';
  if (!settings.feedUrl) return 'auto-update is on but no feed URL is set';
  if (!packaged) return 'auto-update only runs in a packaged build';
  return null;
}

/** Applies the current settings now and after every change; returns the stop function. */
export function startAutoUpdate(options: AutoUpdateOptions): () => void {
  const load = options.loadUpdater ?? (async () => (await import('electron-updater')).autoUpdater);
  let updater: Promise<AppUpdater> | null = null;
  let timer: NodeJS.Timeout | undefined;

  const prepare = (instance: AppUpdater): AppUpdater => {
    instance.logger = { info: (m) => options.log.info(`updater: ${String(m)}`), warn: (m) => options.log.warn(`updater: ${String(m)}`), error: (m) => options.log.error(`updater: ${String(m)}`) };
    instance.autoDownload = true;
    instance.autoInstallOnAppQuit = true;
    instance.on('error', (error) => options.log.warn('update check failed', error));
    instance.on('update-downloaded', (info) => {
      options.notify({ title: 'Corelog update ready', body: `Version ${info.version} installs the next time you quit Corelog.` });
    });
    return instance;
  };

  const apply = (settings: UpdateSettings) => {
    clearInterval(timer);
    const off = updatesOffReason(settings, options.packaged);
    if (off) {
      options.log.info(off);
      return;
    }
    updater ??= load().then(prepare);
    const check = () =>
      void updater!
        .then((instance) => instance.checkForUpdates())
        .catch((error: unknown) => options.log.warn('update check failed', error));
    void updater.then((instance) => {
      instance.setFeedURL({ provider: 'generic', url: settings.feedUrl! });
      options.log.info(`auto-update checks ${settings.feedUrl}`);
      check();
    });
    timer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
  };

  apply(options.settings.current);
  const unsubscribe = options.settings.onChange(apply);
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}
