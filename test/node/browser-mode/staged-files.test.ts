import { mkdtemp, mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBrowserMode, type BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

let dir: string;
let services: AppServices;
let server: BrowserModeServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-stage-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  services = createAppServices({ dataDir: join(dir, 'data'), appVersion: '1', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
  server = await startBrowserMode({ services, rendererDir: join(dir, 'renderer'), port: 0 });
});
afterEach(async () => {
  await server.close();
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

const post = (body: Buffer, headers: Record<string, string>) =>
  fetch(`${server.origin}/files`, { method: 'POST', body: new Uint8Array(body), headers: { origin: server.origin, 'x-corelog-token': server.token, ...headers } });

describe('file hand-over in browser mode', () => {
  it('streams a file into staging and returns only a reference', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    const response = await post(bytes, { 'x-file-name': encodeURIComponent('FF-DD-0012 tray 3.jpg') });
    const result = (await response.json()) as { ok: true; value: { ref: string; name: string; bytes: number } };
    expect(result).toMatchObject({ ok: true, value: { name: 'FF-DD-0012 tray 3.jpg', bytes: bytes.length } });
    expect(JSON.stringify(result)).not.toContain(dir);
    const staged = services.stagedFiles.get(result.value.ref);
    expect((await readFile(staged.path)).equals(bytes)).toBe(true);
    await services.stagedFiles.release(result.value.ref);
    expect(await readdir(join(dir, 'data', 'staging'))).toEqual([]);
  });

  it('refuses other origins and a missing token', async () => {
    expect((await post(Buffer.from('x'), { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(Buffer.from('x'), { 'x-corelog-token': 'nope' })).status).toBe(401);
  });

  it('registers real paths, refuses folders and missing files, and sweeps week-old copies', async () => {
    const file = join(dir, 'photo.png');
    await writeFile(file, 'png');
    const [staged] = await services.stagedFiles.registerPaths([{ path: file }]);
    expect(staged).toMatchObject({ name: 'photo.png', bytes: 3, ownCopy: false });
    await expect(services.stagedFiles.registerPaths([{ path: dir }])).rejects.toMatchObject({ kind: 'validation' });
    await expect(services.stagedFiles.registerPaths([{ path: join(dir, 'missing.jpg') }])).rejects.toMatchObject({ kind: 'validation' });
    await services.stagedFiles.release(staged!.ref);
    expect(await readFile(file, 'utf8')).toBe('png');
    await mkdir(join(dir, 'data', 'staging'), { recursive: true });
    const old = join(dir, 'data', 'staging', 'left-by-crash');
    await writeFile(old, 'x');
    await utimes(old, new Date(Date.now() - 8 * 86400_000), new Date(Date.now() - 8 * 86400_000));
    expect(await services.stagedFiles.sweepStaleCopies()).toBe(1);
  });
});
