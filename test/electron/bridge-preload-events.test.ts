/**
 * Events reach every subscriber in the desktop app as they do in browser mode. Each `on` is its
 * own listener on ipcRenderer, an EventEmitter, which stops calling listeners at the first one that
 * throws: one failing screen kept `connectionChanged` from every subscriber after it.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL } from '../../common/bridge/channels';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

afterEach(() => vi.restoreAllMocks());

describe('preload events', () => {
  it('a subscriber that throws does not keep the event from the others', async () => {
    const { buildPreloadBridge } = await import('../../electron/preload/preload');
    const ipc = new EventEmitter();
    const bridge = buildPreloadBridge(Object.assign(ipc, { invoke: vi.fn() }) as never, () => '');
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: string[] = [];
    bridge.on('connectionChanged', () => {
      throw new Error('a screen failed');
    });
    bridge.on('connectionChanged', (status) => got.push(`second ${status.system}`));
    bridge.on('appSettingsChanged', (settings) => got.push(`settings ${settings.theme}`));
    const status = { system: 'imago' };
    expect(() => ipc.emit(EVENT_CHANNEL, {}, { event: 'connectionChanged', payload: status })).not.toThrow();
    ipc.emit(EVENT_CHANNEL, {}, { event: 'appSettingsChanged', payload: { theme: 'night' } });
    expect(got).toEqual(['second imago', 'settings night']);
    expect(consoleError).toHaveBeenCalledWith('Corelog bridge: a listener of "connectionChanged" failed', expect.any(Error));
  });
});
