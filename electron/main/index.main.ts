/**
 * Electron main-process entry (bundled to dist/electron/main.cjs). Thin on purpose: it wires the
 * plain-Node services to Electron (IPC, safeStorage, the app:// protocol, the window); everything
 * else lives in electron/services and is tested without Electron.
 */
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { createAppServices } from '../services/app-services';
import { APP_ENTRY_URL, registerAppScheme, serveRenderer } from './app-protocol.main';
import { registerBridgeIpc } from './bridge-ipc.main';
import { mainWindowOptions } from './main-window.main';
import { createSafeStorageCipher } from './safe-storage-cipher.main';
import { denyAllPermissions, hardenWebContents } from './web-contents-security.main';

declare const __APP_VERSION__: string;

app.enableSandbox();
registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  // A second copy would run a second sync engine against the same data: hand over and quit.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));

  void app.whenReady().then(() => {
    const rendererDir = join(__dirname, '..', 'renderer');
    serveRenderer(protocol, rendererDir);
    denyAllPermissions(session.defaultSession);

    const services = createAppServices({
      dataDir: process.env.CORELOG_DATA_DIR || app.getPath('userData'),
      appVersion: __APP_VERSION__,
      transport: 'electron',
      cipher: createSafeStorageCipher(safeStorage),
    });
    registerBridgeIpc(ipcMain, services, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    services.start();

    mainWindow = new BrowserWindow(mainWindowOptions(join(__dirname, 'preload.cjs')));
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => (mainWindow = null));
    void mainWindow.loadURL(APP_ENTRY_URL);

    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', () => void services.dispose());
  });
}
