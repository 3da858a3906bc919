/**
 * Keeps the computer from going to sleep while an upload runs: a core-shed station left alone
 * with 300 tray photos queued must not doze off after ten minutes and leave them half-sent.
 * `prevent-app-suspension` stops the system sleeping but lets the screen turn off (the display is
 * not needed for an upload). The blocker is held exactly while the busy-work registry has work.
 */
import type { PowerSaveBlocker } from 'electron';
import type { BusyWork } from '../services/desktop/busy-work';
import type { Logger } from '../services/desktop/log-file';

export interface KeepAwakeOptions {
  powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>;
  busyWork: BusyWork;
  log: Logger;
}

/**
 * Holds a power-save blocker while `busyWork` is busy; returns the function that stops watching
 * (and releases the blocker). It follows the registry's busy/idle changes, so the blocker starts
 * with the first upload and ends with the last, not on a polling tick.
 */
export function keepAwakeWhileBusy({ powerSaveBlocker, busyWork, log }: KeepAwakeOptions): () => void {
  let blocker: number | null = null;
  const follow = () => {
    if (busyWork.busy && blocker === null) {
      blocker = powerSaveBlocker.start('prevent-app-suspension');
      log.info('work running: the computer is kept awake until it ends');
    } else if (!busyWork.busy && blocker !== null) {
      if (powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker);
      blocker = null;
      log.info('work finished: the computer may sleep again');
    }
  };
  const unsubscribe = busyWork.onBusyChange(follow);
  follow();

  return () => {
    unsubscribe();
    if (blocker !== null && powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker);
    blocker = null;
  };
}
