/**
 * Keeps working in the background (electron/main): the window's background-throttling setting,
 * the power-save blocker held while uploads run, and closing the window with work pending
 * (the dialog, hiding the window, the tray icon with the count, Open and Quit through the quit guard).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BusyWork } from '../../electron/services/desktop/busy-work';
import { describePendingWork, PendingWork } from '../../electron/services/desktop/pending-work';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { createMainWindow } = await import('../../electron/main/main-window.main');
const { keepAwakeWhileBusy } = await import('../../electron/main/power-save.main');
const { guardQuit, WAIT, QUIT_ANYWAY } = await import('../../electron/main/quit-guard.main');
const { keepSyncingInBackground, KEEP_SYNCING, QUIT, CANCEL, TRAY_ICON, TRAY_REFRESH_MS } = await import('../../electron/main/tray.main');

const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
beforeEach(() => {
  vi.clearAllMocks();
  electron.trays.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('main window', () => {
  it('keeps its timers running while minimised or hidden, with every security setting still in place', () => {
    const window = createMainWindow({ preloadPath: '/app/preload.cjs', placement: { width: 1000, height: 700, maximized: false }, devTools: false }) as unknown as { options: { webPreferences: Record<string, unknown> } };
    expect(window.options.webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      backgroundThrottling: false,
      devTools: false,
    });
  });
});

describe('power-save blocker', () => {
  it('keeps the computer awake exactly while uploads run, however they are registered', async () => {
    const busyWork = new BusyWork();
    const stop = keepAwakeWhileBusy({ powerSaveBlocker: electron.mock.powerSaveBlocker, busyWork, log });
    expect(electron.powerBlockers.size).toBe(0);

    const first = busyWork.begin('Uploading a photo of FF-DD-0012');
    expect([...electron.powerBlockers.values()]).toEqual(['prevent-app-suspension']);
    const second = busyWork.begin('Uploading a photo of FF-DD-0013');
    expect(electron.mock.powerSaveBlocker.start).toHaveBeenCalledTimes(1); // one blocker, however many uploads
    busyWork.end(first);
    expect(electron.powerBlockers.size).toBe(1);
    busyWork.end(second);
    expect(electron.powerBlockers.size).toBe(0);
    busyWork.end(second); // ending twice changes nothing
    expect(electron.mock.powerSaveBlocker.stop).toHaveBeenCalledTimes(1);

    // `run` (used by the upload handler) goes through begin/end too, also when the work fails.
    let during = -1;
    await busyWork.run('Uploading a photo of FF-DD-0014', async () => {
      during = electron.powerBlockers.size;
    });
    expect(during).toBe(1);
    await expect(busyWork.run('a failing upload', async () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    expect(electron.powerBlockers.size).toBe(0);

    // Stopping the watch releases a blocker still held and leaves the registry as it was.
    busyWork.begin('left running at quit');
    expect(electron.powerBlockers.size).toBe(1);
    stop();
    expect(electron.powerBlockers.size).toBe(0);
    busyWork.begin('after the watch stopped');
    expect(electron.powerBlockers.size).toBe(0);
  });

  it('starts at once when work is already running', () => {
    const busyWork = new BusyWork();
    busyWork.begin('already running');
    const stop = keepAwakeWhileBusy({ powerSaveBlocker: electron.mock.powerSaveBlocker, busyWork, log });
    expect(electron.powerBlockers.size).toBe(1);
    stop();
  });
});

describe('describePendingWork', () => {
  it('says in plain words what waits and what runs', () => {
    expect(describePendingWork({ events: 0, photos: 0, otherItems: 0 }, 0)).toBeNull();
    expect(describePendingWork({ events: 1, photos: 0, otherItems: 0 }, 0)).toBe('1 event is waiting to be sent.');
    expect(describePendingWork({ events: 12, photos: 3, otherItems: 0 }, 2)).toBe('12 events and 3 photos are waiting to be sent; 2 uploads are running.');
    expect(describePendingWork({ events: 0, photos: 1, otherItems: 2 }, 1)).toBe('1 photo and 2 hole and interval changes are waiting to be sent; 1 upload is running.');
    expect(describePendingWork({ events: 1200, photos: 1, otherItems: 1 }, 0)).toBe('1,200 events, 1 photo and 1 hole or interval change are waiting to be sent.');
    expect(describePendingWork({ events: 0, photos: 0, otherItems: 0 }, 3)).toBe('3 uploads are running.');
  });
});

describe('closing the window with work pending', () => {
  const setup = (answers: number[], platform: NodeJS.Platform = 'win32') => {
    const appListeners = new Map<string, (event: { preventDefault(): void }) => void>();
    const app = { on: vi.fn((name: string, l: (event: { preventDefault(): void }) => void) => appListeners.set(name, l)), quit: vi.fn() };
    const queue = [...answers];
    const dialog = { showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: queue.shift() ?? CANCEL, checkboxChecked: false })) };
    const busyWork = new BusyWork();
    const pendingWork = new PendingWork();
    const notify = vi.fn(() => true);
    const quitGuard = guardQuit({ app: app as never, dialog: dialog as never, busyWork, log });
    // Quitting emits before-quit (the guard may stop it), then closes the windows: as Electron does.
    app.quit.mockImplementation(() => {
      const event = { preventDefault: vi.fn() };
      appListeners.get('before-quit')!(event);
      if (!event.preventDefault.mock.calls.length) window.emit('close', { preventDefault: vi.fn() });
    });
    const window = new electron.mock.BrowserWindow({});
    window.visible = true;
    const background = keepSyncingInBackground({ window: window as never, app: app as never, dialog: dialog as never, quitGuard, pendingWork, busyWork, log, platform, notify });
    const close = () => {
      const event = { preventDefault: vi.fn() };
      window.emit('close', event);
      return event;
    };
    return { app, dialog, busyWork, pendingWork, window, background, close, notify };
  };
  const detailOf = (dialog: { showMessageBox: { mock: { calls: unknown[][] } } }, call = 0) => (dialog.showMessageBox.mock.calls[call]![1] as { detail: string; buttons: string[]; defaultId: number; cancelId: number });

  it('closes (and so quits) as before when nothing is waiting', () => {
    const { close, dialog, window } = setup([]);
    expect(close().preventDefault).not.toHaveBeenCalled();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(window.visible).toBe(true);
    expect(electron.trays).toHaveLength(0);
  });

  it('says how much is pending and, on "Keep syncing", hides the window and shows the tray icon with the count', async () => {
    const { close, dialog, window, pendingWork, busyWork, background, notify } = setup([KEEP_SYNCING]);
    pendingWork.update({ events: 12, photos: 3, otherItems: 0 });
    busyWork.begin('Uploading a photo of FF-DD-0012');
    expect(close().preventDefault).toHaveBeenCalled();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox.mock.calls[0]![0]).toBe(window); // attached to the window
    const shown = detailOf(dialog);
    expect(shown.detail).toContain('12 events and 3 photos are waiting to be sent; 1 upload is running.');
    expect(shown.detail).toContain('notification area of the taskbar');
    expect(shown.buttons).toEqual(['Keep Syncing in the Background', 'Quit', 'Cancel']);
    expect(shown).toMatchObject({ defaultId: KEEP_SYNCING, cancelId: CANCEL });

    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    // Hidden, not destroyed: the page that runs the sync engines keeps running.
    expect(window.visible).toBe(false);
    expect(background.inBackground).toBe(true);
    const tray = electron.trays[0]!;
    expect(tray.image).toEqual({ dataUrl: TRAY_ICON });
    expect(tray.title).toBe('15');
    expect(tray.toolTip).toBe('Corelog: 12 events and 3 photos are waiting to be sent; 1 upload is running.');
    expect(tray.contextMenu!.template.map((item) => item.label ?? item.type)).toEqual(['12 events and 3 photos are waiting to be sent; 1 upload is running.', 'separator', 'Open Corelog', 'Quit Corelog']);
    expect(tray.contextMenu!.template[0]).toMatchObject({ enabled: false });
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ title: 'Corelog keeps syncing' }));

    // The count follows the outbox while in the background.
    pendingWork.update({ events: 2, photos: 1, otherItems: 0 });
    expect(tray.title).toBe('3');
    expect(tray.item('2 events and 1 photo are waiting to be sent; 1 upload is running.')).toBeDefined();
    pendingWork.update({ events: 0, photos: 0, otherItems: 0 });
    expect(tray.title).toBe('');
    expect(tray.toolTip).toBe('Corelog: 1 upload is running.');
  });

  it('refreshes the icon while uploads start and end between outbox changes', async () => {
    vi.useFakeTimers();
    const { close, pendingWork, busyWork } = setup([KEEP_SYNCING]);
    pendingWork.update({ events: 0, photos: 4, otherItems: 0 });
    close();
    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    const tray = electron.trays[0]!;
    expect(tray.toolTip).toBe('Corelog: 4 photos are waiting to be sent.');
    busyWork.begin('Uploading a photo of FF-DD-0012');
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(tray.toolTip).toBe('Corelog: 4 photos are waiting to be sent; 1 upload is running.');
  });

  it('Open from the icon brings the window back and removes the icon; closing again asks again', async () => {
    const { close, window, pendingWork, dialog, background } = setup([KEEP_SYNCING, KEEP_SYNCING]);
    pendingWork.update({ events: 1, photos: 0, otherItems: 0 });
    close();
    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    window.minimized = true;
    electron.trays[0]!.item('Open Corelog')!.click!();
    expect(window).toMatchObject({ visible: true, minimized: false });
    expect(window.focused).toBeGreaterThan(0);
    expect(electron.trays[0]!.destroyed).toBe(true);
    expect(background.inBackground).toBe(false);

    close();
    await vi.waitFor(() => expect(electron.trays).toHaveLength(2));
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
    // Anything else that shows the window (a second launch, a notification) ends background mode too.
    window.show();
    expect(electron.trays[1]!.destroyed).toBe(true);
  });

  it('Quit from the icon during an upload goes through the quit guard: "Wait" keeps syncing, the app quits when the upload ends', async () => {
    const { close, window, pendingWork, busyWork, dialog, app } = setup([KEEP_SYNCING, WAIT]);
    pendingWork.update({ events: 0, photos: 2, otherItems: 0 });
    const upload = busyWork.begin('Uploading a photo of FF-DD-0012');
    close();
    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    electron.trays[0]!.item('Quit Corelog')!.click!();
    // The quit guard's own question, about the running upload.
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
    expect(dialog.showMessageBox.mock.calls[1]![0]).toMatchObject({ title: 'Corelog is still sending your work', detail: expect.stringContaining('Uploading a photo of FF-DD-0012') });
    await Promise.resolve();
    expect(window.visible).toBe(false);
    expect(electron.trays[0]!.destroyed).toBe(false);
    const quitsBefore = app.quit.mock.calls.length;
    busyWork.end(upload);
    await vi.waitFor(() => expect(app.quit.mock.calls.length).toBe(quitsBefore + 1));
  });

  it('Quit from the icon with no upload running quits at once, the window closing as part of the quit', async () => {
    const { close, pendingWork, dialog, app, window } = setup([KEEP_SYNCING]);
    pendingWork.update({ events: 5, photos: 0, otherItems: 0 });
    close();
    await vi.waitFor(() => expect(electron.trays).toHaveLength(1));
    const closes: { preventDefault: ReturnType<typeof vi.fn> }[] = [];
    window.on('close', (event) => closes.push(event as never));
    electron.trays[0]!.item('Quit Corelog')!.click!();
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.preventDefault).not.toHaveBeenCalled();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1); // only the close question, nothing on quit
  });

  it('"Quit" in the close dialog quits, asking the quit guard\'s question when an upload runs', async () => {
    const { close, busyWork, pendingWork, dialog, app } = setup([QUIT, QUIT_ANYWAY]);
    pendingWork.update({ events: 0, photos: 1, otherItems: 0 });
    busyWork.begin('Uploading a photo of FF-DD-0012');
    close();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(2)); // "Quit Anyway"
    expect(electron.trays).toHaveLength(0);
  });

  it('"Cancel" leaves the window as it was; one question at a time', async () => {
    const { close, pendingWork, dialog, window, app } = setup([CANCEL, CANCEL]);
    pendingWork.update({ events: 1, photos: 0, otherItems: 0 });
    close();
    expect(close().preventDefault).toHaveBeenCalled();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    await dialog.showMessageBox.mock.results[0]!.value;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(window.visible).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    expect(electron.trays).toHaveLength(0);
    // Answered: the next close asks again.
    expect(close().preventDefault).toHaveBeenCalled();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
  });

  it('names the menu bar on macOS and tells Linux users how to get the window back without a tray', async () => {
    const mac = setup([CANCEL], 'darwin');
    mac.pendingWork.update({ events: 1, photos: 0, otherItems: 0 });
    mac.close();
    expect(detailOf(mac.dialog).detail).toContain('in the menu bar');
    const linux = setup([CANCEL], 'linux');
    linux.pendingWork.update({ events: 1, photos: 0, otherItems: 0 });
    linux.close();
    expect(detailOf(linux.dialog).detail).toContain('start Corelog again');
  });
});

describe('the tray icon image', () => {
  it('is a 32×32 PNG rendered from build/icon.svg', async () => {
    const sharp = (await import('sharp')).default;
    const meta = await sharp(Buffer.from(TRAY_ICON.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 32, height: 32 });
  });
});
