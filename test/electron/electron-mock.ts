/**
 * A stand-in for the `electron` module, which cannot load without the Electron runtime. It records
 * what the code under test asks of Electron so the tests can check the wiring.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

export class FakeWebContents {
  readonly listeners = new Map<string, Listener[]>();
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  /** The page shown: Corelog's own unless a test (or the window's loadURL) sets another. */
  url = 'app://corelog/index.html';
  getURL() {
    return this.url;
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return false;
  }
}

export function createElectronMock() {
  const handlers = new Map<string, (event: unknown, input: unknown) => unknown>();
  const windows: FakeBrowserWindow[] = [];
  const exposed: Record<string, unknown> = {};
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));

  class FakeBrowserWindow {
    readonly webContents = new FakeWebContents();
    readonly listeners = new Map<string, Listener[]>();
    loadedUrl: string | null = null;
    maximized = false;
    minimized = false;
    visible = false;
    focused = 0;
    bounds = { x: 10, y: 20, width: 1000, height: 700 };
    constructor(readonly options: Record<string, unknown>) {
      windows.push(this);
    }
    static getAllWindows() {
      return windows;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      this.webContents.url = url;
      return Promise.resolve();
    }
    show() {
      this.visible = true;
      this.emit('show');
    }
    hide() {
      this.visible = false;
      this.emit('hide');
    }
    isVisible() {
      return this.visible;
    }
    focus() {
      this.focused++;
    }
    restore() {
      this.minimized = false;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    isMinimized() {
      return this.minimized;
    }
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return this.bounds;
    }
  }

  const notifications: FakeNotification[] = [];
  class FakeNotification {
    static supported = true;
    static isSupported() {
      return FakeNotification.supported;
    }
    readonly listeners = new Map<string, Listener>();
    shown = false;
    constructor(readonly options: { title: string; body: string }) {
      notifications.push(this);
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, listener);
      return this;
    }
    show() {
      this.shown = true;
    }
  }

  const trays: FakeTray[] = [];
  class FakeTray {
    readonly listeners = new Map<string, Listener[]>();
    toolTip = '';
    title = '';
    contextMenu: { template: { label?: string; type?: string; enabled?: boolean; click?: () => void }[] } | null = null;
    destroyed = false;
    constructor(readonly image: unknown) {
      trays.push(this);
    }
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const l of this.listeners.get(event) ?? []) l(...args);
    }
    setToolTip(text: string) {
      this.toolTip = text;
    }
    setTitle(text: string) {
      this.title = text;
    }
    setContextMenu(menu: FakeTray['contextMenu']) {
      this.contextMenu = menu;
    }
    destroy() {
      this.destroyed = true;
    }
    isDestroyed() {
      return this.destroyed;
    }
    /** The context menu item labelled `label`. */
    item(label: string) {
      return this.contextMenu?.template.find((item) => item.label === label);
    }
  }

  /** Power-save blockers held now, by id (Electron's ids are small integers). */
  const powerBlockers = new Map<number, string>();
  let nextBlockerId = 1;

  const appListeners = new Map<string, Listener[]>();
  const mock = {
    app: {
      isPackaged: false,
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      quit: vi.fn(),
      whenReady: vi.fn(() => ready),
      getPath: vi.fn((name: string) => `/tmp/corelog-electron-mock/${name}`),
      setAboutPanelOptions: vi.fn(),
      on: vi.fn((event: string, listener: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener])),
    },
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
    Notification: FakeNotification,
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
    },
    screen: { getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
      encryptString: vi.fn((text: string) => Buffer.from(`enc:${text}`)),
      decryptString: vi.fn((buffer: Buffer) => buffer.toString().replace(/^enc:/, '')),
    },
    shell: { openExternal: vi.fn(async () => undefined), openPath: vi.fn(async () => '') },
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, input: unknown) => unknown) => handlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    ipcRenderer: { invoke: vi.fn(async (channel: string, input: unknown) => ({ channel, input })), on: vi.fn(), removeListener: vi.fn() },
    webUtils: { getPathForFile: vi.fn((file: { name: string }) => `/picked/${file.name}`) },
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) },
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    nativeImage: { createFromDataURL: vi.fn((url: string) => ({ dataUrl: url })) },
    powerSaveBlocker: {
      start: vi.fn((type: string) => {
        const id = nextBlockerId++;
        powerBlockers.set(id, type);
        return id;
      }),
      stop: vi.fn((id: number) => powerBlockers.delete(id)),
      isStarted: vi.fn((id: number) => powerBlockers.has(id)),
    },
    utilityProcess: { fork: vi.fn() },
  };
  return { mock, handlers, windows, notifications, trays, powerBlockers, exposed, appListeners, becomeReady: () => readyResolve() };
}

/** An IPC event as sent by a frame at `url`; `subframe` makes it come from an iframe. */
export function ipcEvent(url: string, subframe = false) {
  return { senderFrame: { url, parent: subframe ? {} : null } };
}
