import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('hands over picked paths one by one: a missing file and a folder fail alone, the others are staged', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
    const picked = join(dir, 'picked');
    await mkdir(join(picked, 'a folder'), { recursive: true });
    for (const n of [1, 3, 4]) await writeFile(join(picked, `tray-${n}.jpg`), `photo ${n}`);
    const stage = electron.handlers.get(STAGE_FILES_CHANNEL)!;
    const result = (await stage(ipcEvent('app://corelog/'), [
      { path: join(picked, 'tray-1.jpg'), name: 'tray-1.jpg' },
      { path: join(picked, 'tray-2.jpg'), name: 'tray-2.jpg' },
      { path: join(picked, 'tray-3.jpg'), name: 'tray-3.jpg' },
      { path: join(picked, 'a folder'), name: 'a folder' },
      { path: join(picked, 'tray-4.jpg'), name: 'tray-4.jpg' },
    ])) as { ok: true; value: { ok: boolean; name: string; ref?: string; error?: { kind: string; message: string } }[] };
    expect(result.ok).toBe(true);
    expect(result.value.map((o) => [o.name, o.ok])).toEqual([
      ['tray-1.jpg', true],
      ['tray-2.jpg', false],
      ['tray-3.jpg', true],
      ['a folder', false],
      ['tray-4.jpg', true],
    ]);
    expect(result.value[1]!.error).toMatchObject({ kind: 'not-found', message: expect.stringContaining('“tray-2.jpg” is no longer there') });
    expect(result.value[3]!.error).toMatchObject({ kind: 'validation', message: expect.stringContaining('is a folder') });
    for (const outcome of result.value.filter((o) => o.ok)) expect(services.stagedFiles.get(outcome.ref!).path).toBe(join(picked, outcome.name));
    // The renderer never sees a path.
    expect(JSON.stringify(result)).not.toContain(picked);
    expect(await stage(ipcEvent('https://evil.example/'), [{ path: join(picked, 'tray-1.jpg'), name: 'x' }])).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('a handler that throws answers an error instead of rejecting, and the refusal of a foreign sender is logged', async () => {
    const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
    const handlers = services.handlers as unknown as Record<string, (input: unknown) => Promise<unknown>>;
    handlers.getAppInfo = async () => {
      throw new Error('handler bug');
    };
    registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
    const handler = electron.handlers.get('corelog:call:getAppInfo')!;
    await expect(handler(ipcEvent('app://corelog/'), undefined)).resolves.toMatchObject({ ok: false, error: { kind: 'internal' } });
    const throwingFrame = { get senderFrame(): never { throw new Error('Render frame was disposed'); } };
    await expect(handler(throwingFrame, undefined)).resolves.toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    await expect(handler({ senderFrame: { url: 42, parent: null } }, undefined)).resolves.toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await readFile(services.desktop.log.file, 'utf8')).toContain('refused a call on corelog:call:getAppInfo');
  });
});

