import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { createElectronMock, FakeWebContents, ipcEvent } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

let dir: string;
let services: AppServices;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-ipc-'));
  services = createAppServices({ dataDir: dir, appVersion: '9.9.9', transport: 'electron', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
  electron.handlers.clear();
});
afterEach(async () => {
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('Electron IPC transport', () => {
  it('registers one handler per contract method on prefixed channels', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
    expect([...electron.handlers.keys()].sort()).toEqual([...BRIDGE_METHOD_NAMES.map((m) => `corelog:call:${m}`), STAGE_FILES_CHANNEL].sort());
  });

  it('answers our own top frame, and refuses other origins and iframes', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
    const handler = electron.handlers.get('corelog:call:getAppInfo')!;
    expect(await handler(ipcEvent('app://corelog/index.html'), undefined)).toMatchObject({ ok: true, value: { version: '9.9.9', transport: 'electron' } });
    for (const event of [ipcEvent('https://evil.example/'), ipcEvent('file:///etc/passwd'), ipcEvent('app://corelog/index.html', true), { senderFrame: null }]) {
      expect(await handler(event, undefined)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    }
  });

  it('validates input on the main side', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
    const result = await electron.handlers.get('corelog:call:signIn')!(ipcEvent('app://corelog/'), { system: 'imago', username: 'x' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('forwards service events to every window and stops after unregistering', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    const contents = new FakeWebContents();
    const unregister = registerBridgeIpc(electron.mock.ipcMain as never, services, () => [contents as never]);
    const status = services.connections.status('imago');
    services.events.emit('connectionChanged', status);
    expect(contents.sent).toEqual([{ channel: 'corelog:event', payload: { event: 'connectionChanged', payload: status } }]);
    unregister();
    services.events.emit('connectionChanged', status);
    expect(contents.sent).toHaveLength(1);
    expect(electron.handlers.size).toBe(0);
  });
});
