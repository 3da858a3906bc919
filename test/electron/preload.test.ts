import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

beforeEach(() => vi.clearAllMocks());

describe('preload', () => {
  it('exposes exactly the contract methods plus `on` as window.corelog, and nothing of ipcRenderer', async () => {
    await import('../../electron/preload/preload');
    expect(electron.mock.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const api = electron.exposed.corelog as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...BRIDGE_METHOD_NAMES, 'on', 'stageFiles'].sort());
    for (const forbidden of ['invoke', 'send', 'ipcRenderer', 'sendSync']) expect(api[forbidden]).toBeUndefined();
  });

  it('sends each method on its own prefixed channel', async () => {
    await import('../../electron/preload/preload');
    const api = electron.exposed.corelog as Record<string, (input?: unknown) => Promise<unknown>>;
    await api.ping!({ message: 'hi' });
    expect(electron.mock.ipcRenderer.invoke).toHaveBeenCalledWith('corelog:call:ping', { message: 'hi' });
    await api.getAppInfo!();
    expect(electron.mock.ipcRenderer.invoke).toHaveBeenCalledWith('corelog:call:getAppInfo', undefined);
  });

  it('hands files over as paths on the file channel', async () => {
    const { buildPreloadBridge } = await import('../../electron/preload/preload');
    const ipc = { invoke: vi.fn(async () => ({ ok: true, value: [] })), on: vi.fn(), removeListener: vi.fn() };
    const bridge = buildPreloadBridge(ipc as never, (file) => `/photos/${file.name}`);
    await bridge.stageFiles([{ name: 'tray-01.jpg', size: 10 }]);
    expect(ipc.invoke).toHaveBeenCalledWith('corelog:files:stage', [{ path: '/photos/tray-01.jpg', name: 'tray-01.jpg' }]);
  });

  it('delivers only the subscribed event and can unsubscribe', async () => {
    const { buildPreloadBridge } = await import('../../electron/preload/preload');
    const listeners: ((e: unknown, envelope: unknown) => void)[] = [];
    const ipc = { invoke: vi.fn(), on: vi.fn((_c: string, l: (e: unknown, envelope: unknown) => void) => listeners.push(l)), removeListener: vi.fn() };
    const bridge = buildPreloadBridge(ipc as never, () => '/photos/a.jpg');
    const got: unknown[] = [];
    const off = bridge.on('connectionChanged', (payload) => got.push(payload));
    expect(ipc.on).toHaveBeenCalledWith('corelog:event', expect.any(Function));
    listeners[0]!({}, { event: 'connectionChanged', payload: { system: 'imago' } });
    listeners[0]!({}, { event: 'somethingElse', payload: 1 });
    expect(got).toEqual([{ system: 'imago' }]);
    off();
    expect(ipc.removeListener).toHaveBeenCalledWith('corelog:event', listeners[0]);
    expect(() => bridge.on('notAnEvent' as never, () => undefined)).toThrow(/unknown bridge event/);
  });

  it('never rejects: input IPC cannot clone, or a main process that does not answer, becomes a typed error', async () => {
    const { buildPreloadBridge } = await import('../../electron/preload/preload');
    const invoke = vi
      .fn()
      .mockRejectedValueOnce(new Error("Error invoking remote method 'corelog:call:ping': Error: An object could not be cloned."))
      .mockRejectedValueOnce(new Error("Error invoking remote method 'corelog:call:ping': reply was never sent"))
      .mockImplementationOnce(() => {
        throw new TypeError('synchronous failure');
      });
    const bridge = buildPreloadBridge({ invoke, on: vi.fn(), removeListener: vi.fn() } as never, () => '');
    await expect(bridge.ping({ message: (() => 'x') as never })).resolves.toMatchObject({ ok: false, error: { kind: 'validation', message: expect.stringContaining('only plain data') } });
    await expect(bridge.ping({ message: 'hi' })).resolves.toMatchObject({ ok: false, error: { kind: 'unavailable', retryable: true } });
    await expect(bridge.getAppInfo()).resolves.toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('hands over every file of a pick, even one without a path on disk (main refuses that one alone)', async () => {
    const { buildPreloadBridge } = await import('../../electron/preload/preload');
    const ipc = { invoke: vi.fn(async () => ({ ok: true, value: [] })), on: vi.fn(), removeListener: vi.fn() };
    const bridge = buildPreloadBridge(ipc as never, (file) => {
      if (file.name === 'made-in-script.jpg') throw new TypeError('not a File');
      return `/photos/${file.name}`;
    });
    await bridge.stageFiles([
      { name: 'tray-01.jpg', size: 10 },
      { name: 'made-in-script.jpg', size: 10 },
      { name: 'tray-02.jpg', size: 10 },
    ]);
    expect(ipc.invoke).toHaveBeenCalledWith('corelog:files:stage', [
      { path: '/photos/tray-01.jpg', name: 'tray-01.jpg' },
      { path: '', name: 'made-in-script.jpg' },
      { path: '/photos/tray-02.jpg', name: 'tray-02.jpg' },
    ]);
  });
});

