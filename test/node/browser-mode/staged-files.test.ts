import { chmod, mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import type { AppServices } from '../../../electron/services/app-services';
import { stageHandedOverPaths } from '../../../electron/services/files/stage-paths-schema';
import { startOfflineBrowserMode, type OfflineBrowserMode } from './offline-browser-mode';

let dir: string;
let services: AppServices;
let server: BrowserModeServer;

let mode: OfflineBrowserMode;
beforeEach(async () => {
  mode = await startOfflineBrowserMode('corelog-stage-');
  ({ dir, services, server } = mode);
});
afterEach(() => mode.close());

const post = (body: Buffer, headers: Record<string, string>) =>
  fetch(`${server.origin}/files`, { method: 'POST', body: new Uint8Array(body), headers: { origin: server.origin, 'x-corelog-token': server.token, ...headers } });

const stagingFiles = () => readdir(join(dir, 'data', 'staging')).catch(() => [] as string[]);

/** Sends `sent` of `declared` bytes of a file, then cuts the connection (a tab closed, a cable pulled). */
function cutMidBody(declared: number, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path: '/files',
      method: 'POST',
      headers: { host: `127.0.0.1:${server.port}`, origin: server.origin, 'x-corelog-token': server.token, 'x-file-name': 'cut.jpg', 'content-length': String(declared) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.alloc(sent, 1), () => setTimeout(() => req.destroy(), 50));
  });
}

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
    expect(await stagingFiles()).toEqual([]);
  });

  it('refuses other origins and a missing token', async () => {
    expect((await post(Buffer.from('x'), { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(Buffer.from('x'), { 'x-corelog-token': 'nope' })).status).toBe(401);
  });

  it('5 files where #2 is cut mid-body: 4 staged, #2 leaves no copy behind, the service carries on', async () => {
    const outcomes: unknown[] = [];
    for (let n = 1; n <= 5; n++) {
      if (n === 2) {
        await cutMidBody(2 * 1024 * 1024, 256 * 1024);
        outcomes.push('cut');
        continue;
      }
      const response = await post(Buffer.alloc(100_000 + n, n), { 'x-file-name': `tray-${n}.jpg` });
      outcomes.push(await response.json());
    }
    expect(outcomes.filter((o) => (o as { ok?: boolean }).ok === true)).toHaveLength(4);
    // The cut copy is deleted as soon as the body stops: only the 4 whole files are in staging.
    await expect.poll(stagingFiles, { timeout: 5000 }).toHaveLength(4);
    const log = await readFile(services.desktop.log.file, 'utf8');
    expect(log).toMatch(/files: hand-over of a file from port \d+ failed \(cancelled\): “cut\.jpg” did not arrive completely/);
    expect(log).not.toContain(server.token);
  });

  it('bad headers: an undecodable or control-laden name, a bogus length, a body longer than declared', async () => {
    const bad = (await (await post(Buffer.from('abc'), { 'x-file-name': '%E0%A4%A' })).json()) as { ok: boolean; value: { name: string } };
    expect(bad).toMatchObject({ ok: true, value: { name: 'file' } });
    const controls = (await (await post(Buffer.from('abc'), { 'x-file-name': encodeURIComponent('tray\u0000\u001b[31m 4.jpg') })).json()) as { value: { name: string } };
    expect(controls.value.name).toBe('tray[31m 4.jpg');
    // A declared length Node's parser refuses is a 400 for that request only.
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/files', method: 'POST', headers: { host: `127.0.0.1:${server.port}`, origin: server.origin, 'x-corelog-token': server.token, 'content-length': 'abc' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve(-1));
      req.end('x');
    });
    expect([400, -1]).toContain(status);
    expect((await fetch(`${server.origin}/bridge/check`, { headers: { 'x-corelog-token': server.token } })).status).toBe(204);
    await services.stagedFiles.release((bad as unknown as { value: { ref: string } }).value.ref);
  });
});

describe('file hand-over from paths (desktop, watch folder)', () => {
  it('registers each path on its own: a missing file, a folder and an unreadable file fail alone with their reason', async () => {
    const paths = await Promise.all([1, 2, 3, 4, 5].map(async (n) => {
      const path = join(dir, `tray-${n}.jpg`);
      await writeFile(path, `photo ${n}`);
      return path;
    }));
    await rm(paths[1]!);
    const outcomes = await services.stagedFiles.registerEach([
      ...paths.map((path, i) => ({ path, name: `tray-${i + 1}.jpg` })),
      { path: join(dir, 'renderer'), name: 'renderer' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, true, false]);
    expect(outcomes[1]).toMatchObject({ ok: false, name: 'tray-2.jpg', error: { kind: 'not-found', message: expect.stringContaining('moved or deleted') } });
    expect(outcomes[5]).toMatchObject({ ok: false, name: 'renderer', error: { kind: 'validation', message: expect.stringContaining('is a folder') } });
    for (const outcome of outcomes) if (outcome.ok) expect(services.stagedFiles.get(outcome.ref).path).toBe(join(dir, outcome.name));
    // The user's own files are never touched by a release.
    for (const outcome of outcomes) if (outcome.ok) await services.stagedFiles.release(outcome.ref);
    expect(await readFile(paths[0]!, 'utf8')).toBe('photo 1');

    if (process.getuid?.() !== 0) {
      // (root reads anything, so this part only runs as a normal user)
      await chmod(paths[2]!, 0o000);
      const [unreadable] = await services.stagedFiles.registerEach([{ path: paths[2]! }]);
      expect(unreadable).toMatchObject({ ok: false, error: { kind: 'forbidden', message: expect.stringContaining('not allowed to read') } });
    }
  });

  it('an odd entry from the preload (no path, a relative path, not an object) fails alone', async () => {
    const good = join(dir, 'good.jpg');
    await writeFile(good, 'x');
    const result = await stageHandedOverPaths(services.stagedFiles, [
      { path: good, name: 'good.jpg' },
      { path: '', name: 'from a web page.jpg' },
      { path: 'relative.jpg', name: 'relative.jpg' },
      42,
      { path: good, name: 'x'.repeat(5000) },
    ]);
    expect(result.ok).toBe(true);
    const outcomes = result.ok ? result.value : [];
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false, false]);
    expect(outcomes[1]).toMatchObject({ name: 'from a web page.jpg', error: { kind: 'validation', message: expect.stringContaining('not a file on this computer') } });
    expect(outcomes[3]).toMatchObject({ name: 'file' });
    expect(await stageHandedOverPaths(services.stagedFiles, [])).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(await stageHandedOverPaths(services.stagedFiles, 'not a list')).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('registerPaths (the watch folder) is all or none, refuses folders and missing files, and sweeps week-old copies', async () => {
    const file = join(dir, 'photo.png');
    await writeFile(file, 'png');
    const [staged] = await services.stagedFiles.registerPaths([{ path: file }]);
    expect(staged).toMatchObject({ name: 'photo.png', bytes: 3, ownCopy: false });
    await expect(services.stagedFiles.registerPaths([{ path: dir }])).rejects.toMatchObject({ kind: 'validation' });
    await expect(services.stagedFiles.registerPaths([{ path: file }, { path: join(dir, 'missing.jpg') }])).rejects.toMatchObject({ kind: 'not-found' });
    await services.stagedFiles.release(staged!.ref);
    expect(await readFile(file, 'utf8')).toBe('png');
    await mkdir(join(dir, 'data', 'staging'), { recursive: true });
    const old = join(dir, 'data', 'staging', 'left-by-crash');
    await writeFile(old, 'x');
    await utimes(old, new Date(Date.now() - 8 * 86400_000), new Date(Date.now() - 8 * 86400_000));
    expect(await services.stagedFiles.sweepStaleCopies()).toBe(1);
  });
});
