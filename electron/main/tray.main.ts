/**
 * Keeping sync going with the window closed. Closing the window while work is waiting says how
 * much (events and photos waiting, uploads running) and offers to keep syncing in the background:
 * the window is hidden, not destroyed, because the sync engines run in its page; an icon in the
 * tray / menu bar shows what is left, with Open and Quit. Quit goes through the quit guard, so
 * quitting during an upload still asks whether to wait. Closing with nothing waiting quits as
 * before; so does a close that is part of a quit.
 */
import { Menu, nativeImage, Tray, type App, type BrowserWindow, type Dialog } from 'electron';
import type { BusyWork } from '../services/desktop/busy-work';
import type { DesktopNotice } from '../services/desktop/desktop-services';
import type { Logger } from '../services/desktop/log-file';
import { describePendingWork, type PendingWork } from '../services/desktop/pending-work';
import type { QuitGuard } from './quit-guard.main';

export const KEEP_SYNCING = 0;
export const QUIT = 1;
export const CANCEL = 2;

/** How often the icon's text is refreshed while in the background (uploads start and end between outbox changes). */
export const TRAY_REFRESH_MS = 5_000;

type HideableWindow = Pick<BrowserWindow, 'on' | 'hide' | 'show' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed'>;

export interface BackgroundSyncOptions {
  window: HideableWindow;
  app: Pick<App, 'quit'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  quitGuard: QuitGuard;
  pendingWork: PendingWork;
  busyWork: BusyWork;
  log: Logger;
  platform: NodeJS.Platform;
  /** A native notification, when the window first goes to the background (the icon is easy to miss). */
  notify?: (notice: DesktopNotice) => boolean;
}

export interface BackgroundSync {
  /** Whether the window is hidden with Corelog syncing in the background. */
  readonly inBackground: boolean;
  /** Shows the window again (the icon goes away). */
  open(): void;
  /** Removes the icon and stops listening (the app is quitting). */
  dispose(): void;
}

/** Where the icon appears, in the words of each platform. */
function trayPlace(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'in the menu bar';
  if (platform === 'win32') return 'in the notification area of the taskbar';
  return 'in the system tray';
}

export function keepSyncingInBackground(options: BackgroundSyncOptions): BackgroundSync {
  const { window, app, dialog, quitGuard, pendingWork, busyWork, log, platform } = options;
  let tray: Tray | null = null;
  let refresh: NodeJS.Timeout | undefined;
  let asking = false;
  let toldOnce = false;

  const summary = () => describePendingWork(pendingWork.current, busyWork.active().length);

  const updateTray = () => {
    if (!tray) return;
    const text = summary() ?? 'Everything is sent.';
    const count = pendingWork.total;
    tray.setToolTip(`Corelog: ${text}`);
    // macOS shows the title beside the menu-bar icon: the count at a glance.
    tray.setTitle(count > 0 ? String(count) : '');
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text, enabled: false },
        { type: 'separator' },
        { label: 'Open Corelog', click: () => open() },
        { label: 'Quit Corelog', click: () => quit() },
      ]),
    );
  };

  const removeTray = () => {
    clearInterval(refresh);
    refresh = undefined;
    tray?.destroy();
    tray = null;
  };

  const open = () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  // Through the quit guard: during an upload it asks whether to wait, and the icon stays meanwhile.
  const quit = () => {
    log.info('quit from the background icon');
    app.quit();
  };

  const toBackground = () => {
    window.hide();
    if (!tray) {
      tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON));
      // Windows and most Linux panels: a click on the icon opens the window (macOS opens the menu).
      tray.on('click', () => open());
      refresh = setInterval(updateTray, TRAY_REFRESH_MS);
      refresh.unref?.();
    }
    updateTray();
    log.info(`window closed; syncing in the background: ${summary() ?? 'nothing left to send'}`);
    if (!toldOnce) {
      toldOnce = true;
      options.notify?.({ title: 'Corelog keeps syncing', body: `${summary() ?? 'Everything is sent.'} Its icon is ${trayPlace(platform)}: Open brings the window back.` });
    }
  };

  const unsubscribe = pendingWork.onChange(updateTray);
  // Whatever brings the window back (the icon, a notification, starting Corelog again) ends background mode.
  window.on('show', removeTray);

  window.on('close', (event) => {
    if (quitGuard.quitting) return;
    const pending = summary();
    if (!pending) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void dialog
      .showMessageBox(window as BrowserWindow, {
        type: 'question',
        title: 'Corelog still has work to send',
        message: 'Keep syncing in the background?',
        detail:
          `${pending}\n\nCorelog can keep sending with the window closed. Its icon stays ${trayPlace(platform)} with what is left, and Open or Quit. ` +
          `If you quit, the rest is sent the next time Corelog starts.${platform === 'linux' ? ' If your desktop shows no tray icons, start Corelog again to bring the window back.' : ''}`,
        buttons: ['Keep Syncing in the Background', 'Quit', 'Cancel'],
        defaultId: KEEP_SYNCING,
        cancelId: CANCEL,
        noLink: true,
      })
      .then(({ response }) => {
        asking = false;
        if (window.isDestroyed()) return;
        if (response === KEEP_SYNCING) toBackground();
        else if (response === QUIT) quit();
      });
  });

  return {
    get inBackground() {
      return tray !== null;
    },
    open,
    dispose() {
      unsubscribe();
      removeTray();
    },
  };
}

/** build/icon.svg at 32×32 (PNG): embedded, so the packaged app needs no extra file for it. */
export const TRAY_ICON = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAMAAABEpIrGAAACxFBMVEVMaXEnTUMnT0UlST8fXz8kSCQnT0MvXE8cOjIjRz0jST8lTUElS0EpUUUtWEsjRTshQzsiQTkpU0cqVUopUUchQzkrVUkzWUwuXE4ZPzMdPDQvXE8cOTQdOzIfPz8ePjUtW04uWk0ePTUtWE0ePzYePzcePzYsWEwfQTkwVUgkSEgrVksaQzUtV0kfPzcePDQuXE4uXE8dPDQeOzQwYVUtW1AaNTUwXU8fQDcfPzYtWU0uW04ePTUtWEwuXE8ePDQqVEggQTghQjkhQzoiRDskSD4sV0skST8oT0QoUEUrVkorVUkjRz0mTUIjRjwlSkAnTkMpUkfm3MQmS0EpUUZRWmBhbHJveoB2gYd7hoxweoBocnhfaW9VXmRJUlimZ1KXWkW0c16tblmmaFOdYEySWESHTTpcd3CUpp9FaF6xvriFSTUhQTh6Qi+vurU/X1V0WkEwV0uWj3yFa1JZcmSUeV8zWE4sVku9ycOUeWCSm4miknKbgGahhWulqpeLcVmIemKVhmiBaFB2XUZpUTuNYU6BWUlvSDmSZFJxWEeMZFNxSDdHST2PZlZnTz+ccmKWbV1+V0ZDRTmPZ1dpQjGGX1ApS0F9V0iquLI9XFNyTT5lQTNienIsUEWRkIdWc2snTEKNoJmtppmko5lAZVsqUkfBuqt2b12zsqiysqe6ua/RyruIgW6pqJ6pubPBwLXPyLoqVUjf2MnY0cLFvrGenpQtU0gyVkydloMrVEmjnIgqVUmRmIc7XFNoWkSTm4mNhnSTkoi6s6a1wrx6inp7inqEh3OAg29XdGvHwq16bFSFhHuEfWuup5oqUEbIw661pISbkniUhm3FtJKLi3TEs5KVlX2vn4CPgWmAclucnYbTwp+foIefoImWloC6qoqNhW3Mu5l2aVJmgnlrXkgyWk+jk3VfUj14cmBphXxsZVSfmYzie6zlAAAAOHRSTlMAgICACAeAd4iAgICAgPmAgHiAeICAgBT5FPl2WHkIj8PCwI2M+fiQWRUHWBNaWMKPkIyNFVkTWiyXIXwAAAAJcEhZcwAAFiUAABYlAUlSJPAAAAHZSURBVDjLY2AgCpiYS7OjAWlTcbg0i6GEHRYgYcAClVewxgEUtcAK1K1wAmWQvCafLRIoL0fm8YHcoesGA4UlR6vq6qqOlBTChbSBCoS9oMBhfxAU7NkIExMGKhDzhoKdx85D5E8e3w0TEwMqEHKAgeqL1+7cvXXvyoNGuJAQUIFIIAxUX7h8++HV+9efNT7NzMxcAhISASrgDYGBfacaLt1ouPnoyfPHWVlZ65YChXiBCpg8YaCguLS2prK+qbkFLsQEVMDmAQMIBXAhNqACxgAYWL6maNeOogNnXrx6WVFxeBtIiBGogNsXBhYtW71p84Yth86+PldWth0sxA1UwBMMA/MWr1i/auXarQdPn8jIyFi4ACjEA1TA7A8DoWHhkRFR0TGxcXvT09Png4SYgQq43GEAoQAuxAVUwOkKAwgFcCFOkAIfGEAomJufPxMsBFLA7wcD7W29/RMmT50+a/acvLwZ00BC/EAFAi4wkJ0Qn5iUnJKalgsXEgAqEHWGAYQCuJAoUIGgEwx0wxRMgQsJAhVoOMJATk9nV0frxL5JOXAhPaACSVULnEBNB5Ss5S1xAhVwvpDTt8EBlFghWYvVWMoeC5AyYoXnTkkZWQ40ICtjRlzGBwDiZhGw947BQgAAAABJRU5ErkJggg==';
