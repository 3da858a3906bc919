import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { respondFromRenderer } from '../../electron/main/app-protocol.main';
import { mainWindowOptions } from '../../electron/main/main-window.main';
import { createSafeStorageCipher } from '../../electron/main/safe-storage-cipher.main';
import { denyAllPermissions, hardenWebContents } from '../../electron/main/web-contents-security.main';
import { FakeWebContents } from './electron-mock';

describe('main window options', () => {
  it('turn on context isolation and the sandbox, and keep Node out of the page', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });
});

describe('web contents hardening', () => {
  it('stops navigation away from the app and opens only http(s) links externally', () => {
    const contents = new FakeWebContents();
    const shell = { openExternal: vi.fn(async () => undefined) };
    hardenWebContents(contents as never, shell);
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() };
      contents.emit('will-navigate', event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://corelog/index.html')).toBe(false);
    expect(contents.windowOpenHandler!({ url: 'https://imago.seequent.com/api/display?de=FF-DD-0012' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://imago.seequent.com/api/display?de=FF-DD-0012');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'https://user:pw@host/']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    denyAllPermissions(session as never);
    const callback = vi.fn();
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false);
  });
});

describe('app:// protocol', () => {
  it('serves the renderer with CSP and nothing outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corelog-proto-'));
    try {
      await mkdir(join(dir, 'renderer'));
      await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
      await writeFile(join(dir, 'outside.txt'), 'secret');
      const index = await respondFromRenderer(join(dir, 'renderer'), 'app://corelog/index.html');
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect((await respondFromRenderer(join(dir, 'renderer'), 'app://corelog/..%2Foutside.txt')).status).not.toBe(200);
      expect((await respondFromRenderer(join(dir, 'renderer'), 'app://elsewhere/index.html')).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('safeStorage cipher', () => {
  const fakeSafeStorage = (backend: string) => ({
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (text: string) => Buffer.from([...Buffer.from(text)].reverse()),
    decryptString: (buffer: Buffer) => Buffer.from([...buffer].reverse()).toString(),
  });

  it('reports a real keyring as secure and round-trips secrets', () => {
    const cipher = createSafeStorageCipher(fakeSafeStorage('gnome_libsecret') as never, 'linux');
    expect(cipher.info.secure).toBe(true);
    expect(cipher.decrypt(cipher.encrypt('pw'))).toBe('pw');
  });

  it('tells the user when Linux has no keyring (basic_text)', () => {
    const cipher = createSafeStorageCipher(fakeSafeStorage('basic_text') as never, 'linux');
    expect(cipher.info.secure).toBe(false);
    expect(cipher.info.explanation).toMatch(/no keyring/);
  });
});
