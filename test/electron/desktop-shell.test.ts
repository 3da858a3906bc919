/** Desktop integration in electron/main: window placement, menu, notifications, quit guard, updates. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusyWork } from '../../electron/services/desktop/busy-work';
import { UpdateSettingsStore } from '../../electron/services/desktop/update-settings';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { restorablePlacement, trackWindowPlacement, loadWindowPlacement, DEFAULT_PLACEMENT } = await import('../../electron/main/window-state.main');
const { appMenuTemplate, installAppMenu } = await import('../../electron/main/app-menu.main');
const { createNativeNotifier } = await import('../../electron/main/notifications.main');
const { guardQuit, QUIT_ANYWAY, WAIT } = await import('../../electron/main/quit-guard.main');
const { startAutoUpdate, UPDATE_CHECK_INTERVAL_MS } = await import('../../electron/main/auto-update.main');

const silentLog = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-shell-'));
  vi.clearAllMocks();
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

describe('window placement', () => {
  const laptop = { x: 0, y: 0, width: 1366, height: 728 };
  const dock = { x: 1366, y: 0, width: 2560, height: 1400 };

  it('restores size and position on a display that is still attached', () => {
    expect(restorablePlacement({ x: 1500, y: 100, width: 1600, height: 900, maximized: true }, [laptop, dock])).toEqual({ x: 1500, y: 100, width: 1600, height: 900, maximized: true });
  });

  it('drops a position that is no longer on any display, and shrinks to fit', () => {
    expect(restorablePlacement({ x: 1500, y: 100, width: 1600, height: 900, maximized: false }, [laptop])).toEqual({ width: 1366, height: 728, maximized: false });
    expect(restorablePlacement({ x: 100, y: -500, width: 800, height: 600 }, [laptop])).toEqual({ width: 800, height: 600, maximized: false });
  });

  it('falls back to the default for a missing or damaged file', () => {
    expect(restorablePlacement(undefined, [laptop])).toEqual(DEFAULT_PLACEMENT);
    expect(restorablePlacement({ width: 'wide' }, [laptop])).toEqual(DEFAULT_PLACEMENT);
    expect(loadWindowPlacement(join(dir, 'missing.json'), [laptop])).toEqual(DEFAULT_PLACEMENT);
  });

  it('saves after moves settle, and on close', async () => {
    vi.useFakeTimers();
    const window = new electron.mock.BrowserWindow({});
    const file = join(dir, 'window-state.json');
    trackWindowPlacement(window as never, file, 500);
    window.bounds = { x: 5, y: 6, width: 900, height: 650 };
    window.emit('move');
    window.emit('resize');
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    vi.advanceTimersByTime(500);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ x: 5, y: 6, width: 900, height: 650, maximized: false });
    window.maximized = true;
    window.emit('close');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ maximized: true });
  });
});

describe('application menu', () => {
  type Item = { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
  const build = (platform: NodeJS.Platform, development = false) => {
    const command = vi.fn();
    const openLogFolder = vi.fn();
    return { template: appMenuTemplate({ command, openLogFolder, platform, development }) as Item[], command, openLogFolder };
  };
  const items = (template: Item[]) => template.flatMap((menu) => menu.submenu ?? []);

  it('has File, Edit, View, Window and Help, with keyboard shortcuts for the app commands', () => {
    const { template, command } = build('linux');
    expect(template.map((menu) => menu.label?.replace('&', ''))).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    const shortcuts = Object.fromEntries(items(template).filter((i) => i.label && i.accelerator).map((i) => [i.label, i.accelerator]));
    expect(shortcuts).toMatchObject({ 'New Event': 'CmdOrCtrl+N', 'Sync Now': 'CmdOrCtrl+Shift+S', 'Connections…': 'CmdOrCtrl+,', 'Export Diagnostics…': 'CmdOrCtrl+Shift+D' });
    for (const [label, name] of [['New Event', 'new-event'], ['Sync Now', 'sync-now'], ['Connections…', 'open-connections'], ['Export Diagnostics…', 'export-diagnostics']] as const) {
      items(template).find((i) => i.label === label)!.click!();
      expect(command).toHaveBeenLastCalledWith(name);
    }
    expect(items(template).map((i) => i.role)).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen', 'minimize', 'about']));
  });

  it('offers reload and DevTools only in development, and the macOS app menu only on macOS', () => {
    expect(items(build('linux').template).map((i) => i.role)).not.toContain('toggleDevTools');
    expect(items(build('linux', true).template).map((i) => i.role)).toContain('toggleDevTools');
    expect(build('darwin').template[0]).toEqual({ role: 'appMenu' });
    expect(items(build('darwin').template).map((i) => i.role)).not.toContain('quit');
  });

  it('opens the log folder from Help, and installs itself as the application menu', () => {
    const { template, openLogFolder } = build('win32');
    items(template).find((i) => i.label === 'Open Log Folder')!.click!();
    expect(openLogFolder).toHaveBeenCalled();
    installAppMenu({ command: vi.fn(), openLogFolder, platform: 'win32', development: false });
    expect(electron.mock.Menu.setApplicationMenu).toHaveBeenCalledWith({ template: expect.any(Array) });
  });
});

describe('native notifications', () => {
  it('shows the notice and brings the window forward when clicked', () => {
    const focus = vi.fn();
    expect(createNativeNotifier(focus)({ title: 'Imago sync finished', body: '26 photos uploaded' })).toBe(true);
    const shown = electron.notifications.at(-1)!;
    expect(shown).toMatchObject({ shown: true, options: { title: 'Imago sync finished', body: '26 photos uploaded' } });
    shown.listeners.get('click')!();
    expect(focus).toHaveBeenCalled();
  });

  it('reports false where the OS has no notifications', () => {
    electron.mock.Notification.supported = false;
    try {
      expect(createNativeNotifier(vi.fn())({ title: 't', body: 'b' })).toBe(false);
    } finally {
      electron.mock.Notification.supported = true;
    }
  });
});

describe('quit guard', () => {
  const setup = (response: number) => {
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    const app = { on: vi.fn((name: string, l: (event: { preventDefault(): void }) => void) => listeners.set(name, l)), quit: vi.fn() };
    let closeSignal: AbortSignal | undefined;
    const dialog = {
      showMessageBox: vi.fn(async (options: { signal?: AbortSignal }) => {
        closeSignal = options.signal;
        return { response, checkboxChecked: false };
      }),
    };
    const busyWork = new BusyWork();
    const guard = guardQuit({ app: app as never, dialog: dialog as never, busyWork, log: silentLog });
    const quit = () => {
      const event = { preventDefault: vi.fn() };
      listeners.get('before-quit')!(event);
      return event;
    };
    return { app, dialog, busyWork, guard, quit, signal: () => closeSignal };
  };

  it('lets the app quit when nothing is running', () => {
    const { quit, dialog } = setup(WAIT);
    expect(quit().preventDefault).not.toHaveBeenCalled();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('on "Wait", keeps running and quits by itself when the upload ends', async () => {
    const { quit, dialog, busyWork, app, signal } = setup(WAIT);
    const token = busyWork.begin('upload 3 of 26');
    expect(quit().preventDefault).toHaveBeenCalled();
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ detail: expect.stringContaining('upload 3 of 26'), cancelId: WAIT }));
    await Promise.resolve();
    expect(app.quit).not.toHaveBeenCalled();
    busyWork.end(token);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(signal()!.aborted).toBe(true);
    expect(quit().preventDefault).not.toHaveBeenCalled();
  });

  it('on "Quit Anyway", quits at once', async () => {
    const { quit, busyWork, app } = setup(QUIT_ANYWAY);
    busyWork.begin('upload 1 of 2');
    quit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(silentLog.warn).toHaveBeenCalledWith(expect.stringContaining('upload 1 of 2'));
  });

  it('says whether a close is part of a quit it let through (closing the window is handled by tray.main.ts)', () => {
    const { guard, quit, busyWork } = setup(WAIT);
    const token = busyWork.begin('upload');
    quit();
    expect(guard.quitting).toBe(false);
    busyWork.end(token);
    quit();
    expect(guard.quitting).toBe(true);
  });
});

describe('auto-update', () => {
  const fakeUpdater = () => {
    const handlers = new Map<string, (arg: unknown) => void>();
    return {
      handlers,
      logger: null as unknown,
      autoDownload: false,
      autoInstallOnAppQuit: false,
      on: vi.fn((name: string, h: (arg: unknown) => void) => handlers.set(name, h)),
      setFeedURL: vi.fn(),
      checkForUpdates: vi.fn(async () => null),
    };
  };

  it('is off by default and never loads electron-updater', () => {
    const loadUpdater = vi.fn();
    const settings = new UpdateSettingsStore(join(dir, 'update-settings.json'), {});
    expect(settings.current).toEqual({ enabled: false, feedUrl: null });
    startAutoUpdate({ settings, log: silentLog, packaged: true, notify: vi.fn(), loadUpdater })();
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('does not run in development builds even when switched on', () => {
    const loadUpdater = vi.fn();
    const settings = new UpdateSettingsStore(join(dir, 'update-settings.json'), { CORELOG_AUTO_UPDATE: '1', CORELOG_UPDATE_FEED_URL: 'https://updates.example.com/corelog/' });
    startAutoUpdate({ settings, log: silentLog, packaged: false, notify: vi.fn(), loadUpdater })();
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('checks the configured generic feed when switched on, periodically, and stops when switched off', async () => {
    vi.useFakeTimers();
    const updater = fakeUpdater();
    const notify = vi.fn();
    const settings = new UpdateSettingsStore(join(dir, 'update-settings.json'), {});
    const stop = startAutoUpdate({ settings, log: silentLog, packaged: true, notify, loadUpdater: async () => updater as never });
    settings.set({ enabled: true, feedUrl: 'https://updates.example.com/corelog/' });
    await vi.waitFor(() => expect(updater.checkForUpdates).toHaveBeenCalledTimes(1));
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/corelog/' });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true });
    updater.handlers.get('update-downloaded')!({ version: '0.2.0' });
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ title: 'Corelog update ready' }));
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    settings.set({ enabled: false, feedUrl: 'https://updates.example.com/corelog/' });
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS * 3);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    stop();
  });
});
