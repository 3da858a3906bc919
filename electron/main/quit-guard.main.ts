/**
 * Quitting while an upload runs: ask, then either wait for the work to finish (and quit by
 * itself) or quit at once. The dialog is asynchronous on purpose: a synchronous one would block
 * main's event loop, and with it the very upload the user chose to wait for. Closing the window
 * is not quitting: tray.main.ts offers to keep syncing in the background, and asks this guard
 * whether a close is part of a quit it let through.
 */
import type { App, Dialog } from 'electron';
import type { BusyWork } from '../services/desktop/busy-work';
import type { Logger } from '../services/desktop/log-file';

export interface QuitGuardOptions {
  app: Pick<App, 'on' | 'quit'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  busyWork: BusyWork;
  log: Logger;
}

export interface QuitGuard {
  /** True once a quit has been let through: windows closing now are part of it, not a user's close. */
  readonly quitting: boolean;
}

export const WAIT = 0;
export const QUIT_ANYWAY = 1;

export function guardQuit({ app, dialog, busyWork, log }: QuitGuardOptions): QuitGuard {
  let released = false;
  let quitting = false;
  let asking = false;
  let quitWhenIdle: Promise<void> | null = null;

  const quitNow = () => {
    released = true;
    app.quit();
  };

  const intercept = (event: { preventDefault(): void }) => {
    if (released || !busyWork.busy) {
      quitting = true;
      return;
    }
    event.preventDefault();
    if (asking) return;
    asking = true;
    // Asking to quit once means "quit when done", whatever is answered below.
    quitWhenIdle ??= busyWork.whenIdle().then(() => {
      log.info('work finished; quitting as asked');
      quitNow();
    });
    const closeDialog = new AbortController();
    void busyWork.whenIdle().then(() => closeDialog.abort());
    const running = busyWork.active().map((item) => item.label);
    void dialog
      .showMessageBox({
        type: 'warning',
        title: 'Corelog is still sending your work',
        message: 'Corelog is still sending your work. Quit anyway?',
        detail: `${running.map((label) => `• ${label}`).join('\n')}\n\nIf you wait, Corelog quits by itself when this is done. If you quit now, the unfinished upload starts again next time.`,
        buttons: ['Wait, then Quit', 'Quit Anyway'],
        defaultId: WAIT,
        cancelId: WAIT,
        noLink: true,
        signal: closeDialog.signal,
      })
      .then(({ response }) => {
        asking = false;
        if (released) return;
        if (response === QUIT_ANYWAY) {
          log.warn(`quit during work: ${running.join('; ')}`);
          quitNow();
        } else {
          log.info('quit deferred until work finishes');
        }
      });
  };

  app.on('before-quit', intercept);
  return {
    get quitting() {
      return quitting;
    },
  };
}
