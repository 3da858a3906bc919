/** The real main entry (electron/main/index.main.ts) against the mocked `electron` module. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createElectronMock, ipcEvent } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const dataDir = await mkdtemp(join(tmpdir(), 'corelog-main-'));
const appEvent = (name: string, ...args: unknown[]) => {
  for (const listener of electron.appListeners.get(name) ?? []) listener(...args);
};
const menuItem = (label: string) => {
  const template = electron.mock.Menu.buildFromTemplate.mock.calls.at(-1)![0] as { submenu?: { label?: string; click?: () => void }[] }[];
  return template.flatMap((menu) => menu.submenu ?? []).find((item) => item.label === label)!;
};

beforeAll(async () => {
  (globalThis as { __APP_VERSION__?: string }).__APP_VERSION__ = '0.0.0-mock';
  Object.assign(process.env, { CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' });
  await import('../../electron/main/index.main');
  electron.becomeReady();
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
});
afterAll(async () => {
  appEvent('will-quit');
  await rm(dataDir, { recursive: true, force: true });
});

describe('Electron main entry', () => {
  it('wires sandbox, protocol, single-instance lock, IPC and a secure window', () => {
    expect(electron.mock.app.enableSandbox).toHaveBeenCalled();
    expect(electron.mock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
    expect(electron.mock.app.requestSingleInstanceLock).toHaveBeenCalled();
    const [window] = electron.windows;
    expect(window!.loadedUrl).toBe('app://corelog/index.html');
    expect(window!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: true });
    expect(String((window!.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(electron.mock.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(electron.mock.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect([...electron.handlers.keys()].sort()).toEqual([...BRIDGE_METHOD_NAMES.map((m) => `corelog:call:${m}`), STAGE_FILES_CHANNEL].sort());
    expect(electron.appListeners.get('web-contents-created')).toHaveLength(1);
  });

  it('hands the photo checker a utility-process launcher (fork() cannot start Node in the packaged app)', async () => {
    const { decodeWorkerSettings } = await import('../../electron/services/images/decode-worker-client');
    const launch = decodeWorkerSettings().launch;
    expect(launch).toBeTypeOf('function');
    launch!({ modulePath: '/app/decode-worker.cjs', execArgv: [], env: { CORELOG_TEST: '1' } });
    expect(electron.mock.utilityProcess.fork).toHaveBeenCalledWith('/app/decode-worker.cjs', [], expect.objectContaining({ serviceName: 'Corelog photo checker' }));
  });

  it('installs the application menu and writes the log file in the data folder', () => {
    expect(electron.mock.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    expect(menuItem('Export Diagnostics…').click).toBeTypeOf('function');
    const log = readFileSync(join(dataDir, 'logs', 'corelog.log'), 'utf8');
    expect(log).toMatch(/INFO {2}Corelog 0\.0\.0-mock starting/);
    expect(log).toMatch(/auto-update is off/);
  });

  it('sends menu commands to the renderer as bridge events', () => {
    const [window] = electron.windows;
    menuItem('Export Diagnostics…').click!();
    expect(window!.webContents.sent).toContainEqual({ channel: 'corelog:event', payload: { event: 'menuCommand', payload: { command: 'export-diagnostics' } } });
  });

  it('focuses the first window when a second copy starts', () => {
    const [window] = electron.windows;
    window!.minimized = true;
    const before = window!.focused;
    appEvent('second-instance');
    expect(window!.minimized).toBe(false);
    expect(window!.focused).toBe(before + 1);
  });

  it('remembers the window placement when the window closes', () => {
    const [window] = electron.windows;
    window!.bounds = { x: 40, y: 50, width: 1111, height: 777 };
    window!.emit('close', { preventDefault: vi.fn() });
    expect(JSON.parse(readFileSync(join(dataDir, 'window-state.json'), 'utf8'))).toEqual({ x: 40, y: 50, width: 1111, height: 777, maximized: false });
  });

  it('asks before quitting while an upload registered over the bridge is running', async () => {
    const trusted = ipcEvent('app://corelog/index.html');
    const begun = (await electron.handlers.get('corelog:call:beginBusyWork')!(trusted, { label: 'upload 3 of 26' })) as { value: { token: string } };
    const quit = { preventDefault: vi.fn() };
    appEvent('before-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    expect(electron.mock.dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ detail: expect.stringContaining('upload 3 of 26') }));
    electron.mock.app.quit.mockClear();
    await electron.handlers.get('corelog:call:endBusyWork')!(trusted, { token: begun.value.token });
    await vi.waitFor(() => expect(electron.mock.app.quit).toHaveBeenCalled());
  });

  it('opens its window with background throttling off, its security settings kept', () => {
    const [window] = electron.windows;
    expect(window!.options.webPreferences).toMatchObject({ backgroundThrottling: false, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });

  it('keeps the computer awake while an upload registered over the bridge runs', async () => {
    const trusted = ipcEvent('app://corelog/index.html');
    expect(electron.powerBlockers.size).toBe(0);
    const begun = (await electron.handlers.get('corelog:call:beginBusyWork')!(trusted, { label: 'upload 1 of 1' })) as { value: { token: string } };
    expect([...electron.powerBlockers.values()]).toEqual(['prevent-app-suspension']);
    await electron.handlers.get('corelog:call:endBusyWork')!(trusted, { token: begun.value.token });
    expect(electron.powerBlockers.size).toBe(0);
  });

  it('closing the window with work the page reported offers to keep syncing, then hides it behind a tray icon', async () => {
    const [window] = electron.windows;
    window!.visible = true;
    electron.mock.dialog.showMessageBox.mockClear();
    const trusted = ipcEvent('app://corelog/index.html');
    expect(await electron.handlers.get('corelog:call:reportPendingWork')!(trusted, { events: 4, photos: 2, otherItems: 1 })).toEqual({ ok: true, value: { total: 7 } });
    const close = { preventDefault: vi.fn() };
    window!.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(electron.mock.dialog.showMessageBox).toHaveBeenCalledWith(window, expect.objectContaining({ detail: expect.stringContaining('4 events, 2 photos and 1 hole or interval change are waiting to be sent.') }));
    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    expect(window!.visible).toBe(false);
    expect(electron.trays[0]!.title).toBe('7');
    // Starting Corelog again brings the window back and ends background mode.
    appEvent('second-instance');
    expect(window!.visible).toBe(true);
    expect(electron.trays[0]!.destroyed).toBe(true);
    // So does clicking the Dock icon (macOS).
    window!.emit('close', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(electron.trays).toHaveLength(2));
    expect(window!.visible).toBe(false);
    appEvent('activate');
    expect(window!.visible).toBe(true);
    expect(electron.trays[1]!.destroyed).toBe(true);
    await electron.handlers.get('corelog:call:reportPendingWork')!(trusted, { events: 0, photos: 0, otherItems: 0 });
  });

  it('writes a screen failure reported by the page to the log', async () => {
    const trusted = ipcEvent('app://corelog/index.html');
    const reported = await electron.handlers.get('corelog:call:reportScreenFailure')!(trusted, { screen: 'photos', message: 'boom in the photo screen', stack: 'Error: boom\n    at PhotosScreen', componentStack: null });
    expect(reported).toEqual({ ok: true, value: { logged: true } });
    expect(readFileSync(join(dataDir, 'logs', 'corelog.log'), 'utf8')).toMatch(/ERROR screen failed: photos: boom in the photo screen Error: boom\n {4}\s*at PhotosScreen/);
  });

  it('quits at once when another copy holds the single-instance lock', async () => {
    vi.resetModules();
    electron.mock.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    electron.mock.app.quit.mockClear();
    const windowsBefore = electron.windows.length;
    await import('../../electron/main/index.main');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(electron.mock.app.quit).toHaveBeenCalledTimes(1);
    expect(electron.windows).toHaveLength(windowsBefore);
    expect(existsSync(join(dataDir, 'logs'))).toBe(true);
  });
});
