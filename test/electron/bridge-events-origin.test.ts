/**
 * Service events (connection state, sync outcomes, menu commands) go only to windows that show
 * Corelog's own app:// page. They used to be sent to every window, so one navigated elsewhere (a
 * link that escaped, an error page, a site loaded into it) would have received them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { createElectronMock, FakeWebContents } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');

let dir: string;
let services: AppServices;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-ipc-origin-'));
  services = createAppServices({ dataDir: dir, appVersion: '9.9.9', transport: 'electron', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
  electron.handlers.clear();
});
afterEach(async () => {
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

function showing(url: string): FakeWebContents {
  const contents = new FakeWebContents();
  contents.url = url;
  return contents;
}

describe('where service events go', () => {
  it('only to windows showing app://corelog; a window navigated elsewhere hears nothing, and hears again once back', () => {
    const ours = showing('app://corelog/index.html#/connections');
    const others = ['https://evil.example/', 'file:///home/crew/report.html', 'app://other/index.html', 'chrome-error://chromewebdata/', 'about:blank', ''].map(showing);
    const unregister = registerBridgeIpc(electron.mock.ipcMain as never, services, () => [ours, ...others] as never);
    try {
      const status = services.connections.status('imago');
      services.events.emit('connectionChanged', status);
      expect(ours.sent).toEqual([{ channel: 'corelog:event', payload: { event: 'connectionChanged', payload: status } }]);
      for (const other of others) expect(other.sent).toEqual([]);

      // The same window, navigated away and then back to Corelog.
      ours.url = 'https://evil.example/phish';
      services.events.emit('connectionChanged', status);
      expect(ours.sent).toHaveLength(1);
      ours.url = 'app://corelog/index.html';
      services.events.emit('connectionChanged', status);
      expect(ours.sent).toHaveLength(2);
    } finally {
      unregister();
    }
  });

  it('a window whose page cannot be told (getURL throws as it closes) is skipped without stopping the others', () => {
    const closing = new FakeWebContents();
    closing.getURL = () => {
      throw new Error('Object has been destroyed');
    };
    const ours = showing('app://corelog/index.html');
    const unregister = registerBridgeIpc(electron.mock.ipcMain as never, services, () => [closing, ours] as never);
    try {
      services.events.emit('connectionChanged', services.connections.status('dougal'));
      expect(closing.sent).toEqual([]);
      expect(ours.sent).toHaveLength(1);
    } finally {
      unregister();
    }
  });
});
