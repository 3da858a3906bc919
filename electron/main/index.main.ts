/**
 * Electron main-process entry (bundled to dist/electron/main.cjs). Thin on purpose: it wires the
 * plain-Node services to Electron (IPC, safeStorage, the app:// protocol, the window, menu,
 * notifications, quit guard, updates); everything else lives in electron/services and is tested
 * without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, powerSaveBlocker, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { createCorelogServices } from '../services/sample-systems/profile-host';
import { configureDecodeWorker } from '../services/images/decode-worker-client';
import { installAppMenu } from './app-menu.main';
import { APP_ENTRY_URL, registerAppScheme, serveRenderer } from './app-protocol.main';
import { startAutoUpdate } from './auto-update.main';
import { registerBridgeIpc } from './bridge-ipc.main';
import { utilityProcessLauncher } from './decode-worker-launcher.main';
import { createMainWindow } from './main-window.main';
import { createNativeNotifier } from './notifications.main';
import { createReportPdfHost } from './print-to-pdf.main';
import { keepAwakeWhileBusy } from './power-save.main';
import { guardQuit } from './quit-guard.main';
import { createSafeStorageCipher } from './safe-storage-cipher.main';
import { keepSyncingInBackground } from './tray.main';
import { denyAllPermissions, hardenWebContents } from './web-contents-security.main';
import { loadWindowPlacement, trackWindowPlacement, WINDOW_STATE_FILE } from './window-state.main';

declare const __APP_VERSION__: string;

app.enableSandbox();
registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  // A second copy would run a second sync engine against the same data: hand over and quit.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  const showMainWindow = () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  app.on('second-instance', showMainWindow);
  // macOS: clicking the Dock icon brings back a window hidden to sync in the background.
  app.on('activate', showMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));

  void app.whenReady().then(async () => {
    const dataDir = process.env.CORELOG_DATA_DIR || app.getPath('userData');
    serveRenderer(protocol, join(__dirname, '..', 'renderer'));
    denyAllPermissions(session.defaultSession);

    // Photos too heavy to check inside this process go to a capped utility process (see the launcher).
    configureDecodeWorker({ launch: utilityProcessLauncher(utilityProcess) });
    const notify = createNativeNotifier(showMainWindow);
    // The profile in use: a first run asks on the first screen; the sample systems start with their profile and stop with the app.
    const services = await createCorelogServices({
      dataDir,
      appVersion: __APP_VERSION__,
      transport: 'electron',
      cipher: createSafeStorageCipher(safeStorage),
      desktop: {
        notify,
        defaultExportDir: app.getPath('documents'),
        chooseFolder: async (title, defaultDir) => {
          const options = { title, defaultPath: defaultDir, properties: ['openDirectory' as const, 'createDirectory' as const] };
          const choice = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
          return choice.canceled ? null : (choice.filePaths[0] ?? null);
        },
        reportPdf: createReportPdfHost({ window: () => mainWindow, dialog, documentsDir: app.getPath('documents') }),
      },
    });
    const { log, busyWork, updates, pendingWork } = services.desktop;
    log.info(`Corelog ${__APP_VERSION__} starting (Electron ${process.versions.electron}, ${process.platform}-${process.arch})`);
    process.on('unhandledRejection', (reason) => log.error('unhandled rejection in main', reason));

    registerBridgeIpc(ipcMain, services, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    services.start();

    installAppMenu({
      command: (command) => {
        showMainWindow();
        services.events.emit('menuCommand', { command });
      },
      openLogFolder: () => void shell.openPath(log.dir),
      platform: process.platform,
      development: !app.isPackaged,
    });
    app.setAboutPanelOptions({ applicationName: 'Corelog', applicationVersion: __APP_VERSION__ });

    const quitGuard = guardQuit({ app, dialog, busyWork, log });
    const stopKeepingAwake = keepAwakeWhileBusy({ powerSaveBlocker, busyWork, log });
    const windowStateFile = join(dataDir, WINDOW_STATE_FILE);
    const placement = loadWindowPlacement(windowStateFile, screen.getAllDisplays().map((display) => display.workArea));
    mainWindow = createMainWindow({ preloadPath: join(__dirname, 'preload.cjs'), placement, devTools: !app.isPackaged });
    trackWindowPlacement(mainWindow, windowStateFile);
    // Closing the window with work waiting offers to keep syncing in the background (hidden window, tray icon).
    const background = keepSyncingInBackground({ window: mainWindow, app, dialog, quitGuard, pendingWork, busyWork, log, platform: process.platform, notify });
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => (mainWindow = null));
    void mainWindow.loadURL(APP_ENTRY_URL);

    const stopUpdates = startAutoUpdate({ settings: updates, log, packaged: app.isPackaged, notify });

    app.on('window-all-closed', () => app.quit());
    app.on('will-quit', () => {
      stopUpdates();
      background.dispose();
      stopKeepingAwake();
      log.info('Corelog quitting');
      void services.dispose();
    });
  });
}
