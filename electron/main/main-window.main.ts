/**
 * The main window, created with every Electron security setting spelled out in one literal (so a
 * reviewer, the tests and Electronegativity all read the same options, not a helper's result).
 */
import { BrowserWindow } from 'electron';
import type { WindowPlacement } from './window-state.main';

export interface MainWindowOptions {
  preloadPath: string;
  placement: WindowPlacement;
  /** DevTools only in development builds: a packaged app gives no console to paste code into. */
  devTools: boolean;
}

export function createMainWindow({ preloadPath, placement, devTools }: MainWindowOptions): BrowserWindow {
  const { maximized, ...bounds } = placement;
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    title: 'Corelog',
    show: false,
    backgroundColor: '#f4f5f2',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // Middle-click would otherwise open links in a new window; new windows are refused anyway.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      // The sync engines run in this page: minimised, or hidden while syncing in the background
      // (tray.main.ts), its timers must keep their pace instead of being slowed to once a minute.
      backgroundThrottling: false,
      devTools,
    },
  });
  if (maximized) window.maximize();
  return window;
}
