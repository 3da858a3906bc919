/**
 * The Settings entry of the application menu, under the mocked `electron` module: it is in the
 * File menu with its own shortcut (no clash with any other), and the real main entry sends its
 * command to the window, where the renderer opens the Settings screen on `open-settings`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MENU_COMMANDS } from '../../common/bridge/desktop-contract';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { appMenuTemplate } = await import('../../electron/main/app-menu.main');

type Item = { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Item[] };
const items = (template: Item[]) => template.flatMap((menu) => menu.submenu ?? []);
const normalise = (accelerator: string) => accelerator.replace('CmdOrCtrl', 'Ctrl').toLowerCase();

describe('the Settings menu entry', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`is in the File menu with Ctrl+Shift+, and sends open-settings (${platform})`, () => {
      const command = vi.fn();
      const template = appMenuTemplate({ command, openLogFolder: vi.fn(), platform, development: false }) as Item[];
      const file = template.find((menu) => menu.label === '&File')!;
      const entry = file.submenu!.find((item) => item.label === 'Settings…')!;
      expect(entry).toMatchObject({ accelerator: 'CmdOrCtrl+Shift+,' });
      entry.click!();
      expect(command).toHaveBeenCalledWith('open-settings');
      expect(MENU_COMMANDS).toContain('open-settings');
      // No two items share a shortcut (Ctrl+, stays Connections).
      const accelerators = items(template).flatMap((item) => (item.accelerator ? [normalise(item.accelerator)] : []));
      expect(new Set(accelerators).size).toBe(accelerators.length);
      expect(items(template).find((item) => item.label === 'Connections…')?.accelerator).toBe('CmdOrCtrl+,');
    });
  }
});

describe('the Settings menu entry in the running app', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'corelog-settings-menu-'));
    (globalThis as { __APP_VERSION__?: string }).__APP_VERSION__ = '0.0.0-mock';
    Object.assign(process.env, { CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' });
    await import('../../electron/main/index.main');
    electron.becomeReady();
    await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
    await vi.waitFor(() => expect(electron.mock.Menu.buildFromTemplate).toHaveBeenCalled());
  });
  afterAll(async () => {
    for (const listener of electron.appListeners.get('will-quit') ?? []) listener();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tells the window to open Settings, and the Settings bridge methods answer in the desktop app', async () => {
    const template = electron.mock.Menu.buildFromTemplate.mock.calls.at(-1)![0] as Item[];
    items(template).find((item) => item.label === 'Settings…')!.click!();
    const [window] = electron.windows;
    expect(window!.webContents.sent).toContainEqual({ channel: 'corelog:event', payload: { event: 'menuCommand', payload: { command: 'open-settings' } } });
    expect([...electron.handlers.keys()]).toEqual(expect.arrayContaining(['corelog:call:getAppSettings', 'corelog:call:setAppSettings', 'corelog:call:getDataUsage', 'corelog:call:sweepOriginals']));
  });
});
