import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const dataDir = await mkdtemp(join(tmpdir(), 'corelog-main-'));
afterAll(async () => {
  for (const listener of electron.appListeners.get('before-quit') ?? []) listener();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Electron main entry', () => {
  it('wires sandbox, protocol, single-instance lock, IPC and a secure window', async () => {
    (globalThis as { __APP_VERSION__?: string }).__APP_VERSION__ = '0.0.0-mock';
    process.env.CORELOG_DATA_DIR = dataDir;
    process.env.CORELOG_IMAGO_URL = 'http://127.0.0.1:9/integrate/2';
    process.env.CORELOG_DOUGAL_URL = 'http://127.0.0.1:9/api';
    await import('../../electron/main/index.main');
    expect(electron.mock.app.enableSandbox).toHaveBeenCalled();
    expect(electron.mock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
    expect(electron.mock.app.requestSingleInstanceLock).toHaveBeenCalled();

    electron.becomeReady();
    await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
    const [window] = electron.windows;
    expect(window!.loadedUrl).toBe('app://corelog/index.html');
    expect(window!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((window!.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(electron.mock.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(electron.mock.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect([...electron.handlers.keys()].sort()).toEqual(BRIDGE_METHOD_NAMES.map((m) => `corelog:call:${m}`).sort());
    expect(electron.appListeners.get('web-contents-created')).toHaveLength(1);
  });
});
