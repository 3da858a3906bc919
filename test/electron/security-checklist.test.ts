/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), one test
 * per item, each inspecting the real configuration: the options the code passes to Electron, the
 * handlers it installs, and the packaging and fuse configuration. build/SECURITY-CHECKLIST.md maps
 * the items to the code; test/node/packaging checks the fuses in an actually packaged binary.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createElectronMock, FakeWebContents, ipcEvent } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { createMainWindow } = await import('../../electron/main/main-window.main');
const { APP_ENTRY_URL, registerAppScheme, respondFromRenderer } = await import('../../electron/main/app-protocol.main');
const { denyAllPermissions, hardenWebContents, isSafeExternalUrl } = await import('../../electron/main/web-contents-security.main');
const { isTrustedSender } = await import('../../electron/main/bridge-ipc.main');
const { corelogBuilderConfig, electronFuses } = await import('../../build/electron-builder.config.mjs');

const window = createMainWindow({ preloadPath: '/app/preload.cjs', placement: { width: 1000, height: 700, maximized: false }, devTools: false });
const prefs = (window as unknown as { options: { webPreferences: Record<string, unknown> } }).options.webPreferences;

function hardened() {
  const contents = new FakeWebContents();
  const shell = { openExternal: vi.fn(async () => undefined) };
  hardenWebContents(contents as never, shell);
  const prevented = (event: string, ...args: unknown[]) => {
    const e = { preventDefault: vi.fn(), ...(typeof args[0] === 'object' ? (args[0] as object) : {}) };
    contents.emit(event, e, ...args);
    return e.preventDefault.mock.calls.length > 0;
  };
  return { contents, shell, prevented };
}

describe('Electron security checklist', () => {
  it('1. only loads secure content: the app comes from the privileged, secure app:// scheme', () => {
    expect(APP_ENTRY_URL).toBe('app://corelog/index.html');
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol as never);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ secure: true, standard: true }) })]);
  });

  it('2. does not enable Node.js integration anywhere', () => {
    expect(prefs).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('3. enables context isolation', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. sandboxes the renderer (per window and app-wide)', async () => {
    expect(prefs.sandbox).toBe(true);
    // app.enableSandbox() is checked against the real entry in main-entry.test.ts.
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  it('5. answers every permission request and check with "no", full screen for our own page aside', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    denyAllPermissions(session as never);
    const request = (permission: string, requestingUrl: string) => {
      const callback = vi.fn();
      session.setPermissionRequestHandler.mock.calls[0]![0]({ getURL: () => requestingUrl }, permission, callback, { requestingUrl });
      return callback.mock.calls[0]![0] as boolean;
    };
    const check = (permission: string, origin: string) => session.setPermissionCheckHandler.mock.calls[0]![0]({}, permission, origin) as boolean;
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'pointerLock']) {
      expect(request(permission, 'app://corelog/index.html'), permission).toBe(false);
      expect(check(permission, 'app://corelog'), permission).toBe(false);
    }
    expect(request('fullscreen', 'app://corelog/index.html')).toBe(true);
    expect(check('fullscreen', 'app://corelog')).toBe(true);
    // Not for any other page (were one ever to load despite the navigation guards).
    expect(request('fullscreen', 'https://example.com/')).toBe(false);
    expect(check('fullscreen', 'https://example.com')).toBe(false);
    // A request without any URL is refused too.
    const callback = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0](undefined, 'fullscreen', callback, undefined);
    expect(callback).toHaveBeenCalledWith(false);
  });

  it('6. keeps webSecurity on', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it('7. serves a strict Content-Security-Policy with every page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corelog-csp-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      const csp = (await respondFromRenderer(dir, 'app://corelog/index.html')).headers.get('content-security-policy')!;
      for (const directive of ["default-src 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"]) expect(csp).toContain(directive);
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('8. does not allow insecure content', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. does not enable experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. does not use enableBlinkFeatures (and disables Auxclick)', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
  });

  it('11./12. has no <webview>: the tag is off and any attach is prevented', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(hardened().prevented('will-attach-webview')).toBe(true);
  });

  it('13. limits navigation (main frame, subframes, redirects) to the app', () => {
    const { prevented } = hardened();
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(prevented(event, 'https://evil.example/')).toBe(true);
      expect(prevented(event, 'file:///etc/passwd')).toBe(true);
      expect(prevented(event, 'app://corelog/index.html')).toBe(false);
    }
    expect(prevented('will-frame-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(prevented('will-frame-navigate', { url: 'app://corelog/x.html' })).toBe(false);
  });

  it('14. creates no new windows', () => {
    const { contents } = hardened();
    for (const url of ['app://corelog/index.html', 'https://imago.example.com/', 'about:blank']) expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
  });

  it('15. opens only validated http(s) URLs in the system browser', () => {
    const { contents, shell } = hardened();
    contents.windowOpenHandler!({ url: 'https://imago.seequent.com/api/display?de=FF-DD-0012' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://imago.seequent.com/api/display?de=FF-DD-0012');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'ms-msdt:/id', 'https://user:pw@host/', 'not a url']) {
      expect(isSafeExternalUrl(url)).toBe(false);
      contents.windowOpenHandler!({ url });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('16. uses a current Electron (41 or newer) and packages that version', () => {
    const require = createRequire(import.meta.url);
    const installed = require('electron/package.json').version as string;
    expect(Number(installed.split('.')[0])).toBeGreaterThanOrEqual(41);
    expect(require('../../package.json').devDependencies.electron).toMatch(/^\^?~?4[1-9]\.|^\^?~?[5-9]\d\./);
    expect(corelogBuilderConfig()).not.toHaveProperty('electronVersion'); // builder takes the installed one
  });

  it('17. validates the sender of every IPC message', () => {
    expect(isTrustedSender(ipcEvent('app://corelog/index.html') as never)).toBe(true);
    for (const event of [ipcEvent('https://evil.example/'), ipcEvent('file:///x'), ipcEvent('app://corelog/', true), ipcEvent('app://other/'), { senderFrame: null }]) {
      expect(isTrustedSender(event as never)).toBe(false);
    }
  });

  it('18. uses a custom protocol instead of file://, confined to the renderer folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corelog-proto-'));
    try {
      await mkdir(join(dir, 'renderer'));
      await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
      await writeFile(join(dir, 'outside.txt'), 'secret');
      expect((await respondFromRenderer(join(dir, 'renderer'), 'app://corelog/index.html')).status).toBe(200);
      expect((await respondFromRenderer(join(dir, 'renderer'), 'app://corelog/..%2Foutside.txt')).status).not.toBe(200);
      expect((await respondFromRenderer(join(dir, 'renderer'), 'app://elsewhere/index.html')).status).toBe(404);
      expect(electronFuses().grantFileProtocolExtraPrivileges).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('19. flips the fuses in release builds; the Playwright build differs only in the inspector fuse', () => {
    const release = corelogBuilderConfig().electronFuses;
    expect(release).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    expect(corelogBuilderConfig().asar).toBe(true);
    const e2e = corelogBuilderConfig({ e2e: true }).electronFuses;
    expect(e2e).toEqual({ ...release, enableNodeCliInspectArguments: true });
  });

  describe('20. exposes no Electron API to the page', () => {
    beforeAll(async () => {
      await import('../../electron/preload/preload');
    });
    it('the preload exposes only the contract methods, `on` and the file hand-over', () => {
      const api = electron.exposed.corelog as Record<string, unknown>;
      expect(Object.keys(api).sort()).toEqual([...BRIDGE_METHOD_NAMES, 'on', 'stageFiles'].sort());
      for (const forbidden of ['invoke', 'send', 'sendSync', 'ipcRenderer', 'require', 'process']) expect(api[forbidden]).toBeUndefined();
    });
  });

  it('(extra) ships without DevTools in packaged builds', () => {
    expect(prefs.devTools).toBe(false);
  });
});
