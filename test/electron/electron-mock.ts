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
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      windows.push(this);
    }
    static getAllWindows() {
      return windows;
    }
    once() {
      return this;
    }
    on() {
      return this;
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
  }

  const appListeners = new Map<string, Listener[]>();
  const mock = {
    app: {
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      quit: vi.fn(),
      whenReady: vi.fn(() => ready),
      getPath: vi.fn(() => '/tmp/corelog-electron-mock'),
      on: vi.fn((event: string, listener: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener])),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
      encryptString: vi.fn((text: string) => Buffer.from(`enc:${text}`)),
      decryptString: vi.fn((buffer: Buffer) => buffer.toString().replace(/^enc:/, '')),
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, input: unknown) => unknown) => handlers.set(channel, handler)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    ipcRenderer: { invoke: vi.fn(async (channel: string, input: unknown) => ({ channel, input })), on: vi.fn(), removeListener: vi.fn() },
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) },
    BrowserWindow: FakeBrowserWindow,
  };
  return { mock, handlers, windows, exposed, appListeners, becomeReady: () => readyResolve() };
}

/** An IPC event as sent by a frame at `url`; `subframe` makes it come from an iframe. */
export function ipcEvent(url: string, subframe = false) {
  return { senderFrame: { url, parent: subframe ? {} : null } };
}
