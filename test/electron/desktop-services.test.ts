/** The plain-Node side of the desktop shell: log file, redaction, diagnostics, busy work, bridge handlers. */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBridgeDispatcher } from '../../common/bridge/dispatch';
import type { OutboxSummary } from '../../common/bridge/desktop-contract';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { BusyWork } from '../../electron/services/desktop/busy-work';
import { syncNotice } from '../../electron/services/desktop/desktop-services';
import { RotatingLogFile } from '../../electron/services/desktop/log-file';
import { REDACTED, redactText, redactValue } from '../../electron/services/desktop/redact';

const PASSWORD = 'Hunter2-core-shed!';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIiwicm9sZSI6InVzZXIifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const API_TOKEN = 'imago-token-7f3a9c2e1b';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-desktop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every file under `root`, recursively, as text. */
function allText(root: string): string {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

describe('redaction', () => {
  it.each([
    [`login with password=${PASSWORD}&user=demo`, PASSWORD],
    [`{"username":"demo","password":"${PASSWORD}"}`, PASSWORD],
    [`Authorization: Bearer ${JWT}`, JWT],
    [`headers {"authorization":"Basic ZGVtbzpkZW1vZGVtbw=="}`, 'ZGVtbzpkZW1vZGVtbw=='],
    [`Set-Cookie: JWT=${JWT}; Path=/`, JWT],
    [`GET https://demo:${PASSWORD}@imago.example.com/integrate/2`, PASSWORD],
    [`token expired: ${API_TOKEN}?apiToken=${API_TOKEN}`, `apiToken=${API_TOKEN}`],
    [`session ${JWT} refreshed`, JWT],
  ])('removes the secret from %s', (text, secret) => {
    const redacted = redactText(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(REDACTED);
  });

  it('keeps ordinary text and blanks secret-named keys in objects', () => {
    expect(redactText('uploaded 26 photos of FF-DD-0012 to https://imago.example.com/integrate/2')).toBe('uploaded 26 photos of FF-DD-0012 to https://imago.example.com/integrate/2');
    expect(redactValue({ user: 'demo', password: PASSWORD, nested: { apiKey: 'k', accessToken: 't', note: 'ok' }, passwordStored: false })).toEqual({
      user: 'demo',
      password: REDACTED,
      nested: { apiKey: REDACTED, accessToken: REDACTED, note: 'ok' },
      passwordStored: false,
    });
    // Settings that only say where a token goes, or how long it lives, stay readable for support.
    expect(redactValue({ api: { tokenHeader: 'imago-api-token', tokenLifetimeMs: 1000, apiToken: 't' } })).toEqual({ api: { tokenHeader: 'imago-api-token', tokenLifetimeMs: 1000, apiToken: REDACTED } });
    expect(redactValue({ credentialAvailable: true, passwordStored: true })).toEqual({ credentialAvailable: true, passwordStored: true });
  });
});

describe('rotating log file', () => {
  it('writes redacted lines and rotates by size, keeping a fixed number of files', () => {
    const log = new RotatingLogFile(join(dir, 'logs'), { maxBytes: 400, keep: 2, now: () => new Date('2026-01-02T03:04:05Z') });
    log.info(`signed in with password=${PASSWORD}`);
    log.warn('request failed', { headers: { Authorization: `Bearer ${JWT}` } });
    log.error('boom', new Error('kaput'));
    expect(allText(join(dir, 'logs'))).toMatch(/^2026-01-02T03:04:05\.000Z INFO {2}signed in with password=\[redacted\]\n/m);
    for (let i = 0; i < 40; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    const files = log.files();
    expect(files.map((f) => f.split('/').pop())).toEqual(['corelog.log', 'corelog.1.log', 'corelog.2.log']);
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(400);
    expect(readFileSync(log.file, 'utf8')).toContain('line 39');
    expect(allText(join(dir, 'logs'))).not.toContain(PASSWORD);
  });

  it('continues an existing file after a restart', () => {
    new RotatingLogFile(dir).info('first run');
    const again = new RotatingLogFile(dir);
    again.info('second run');
    expect(readFileSync(again.file, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('busy work', () => {
  it('tracks running work and resolves whenIdle once all of it has ended', async () => {
    const work = new BusyWork();
    await work.whenIdle();
    const a = work.begin('upload 1 of 2');
    const b = work.begin('upload 2 of 2');
    let idle = false;
    void work.whenIdle().then(() => (idle = true));
    expect(work.active().map((i) => i.label)).toEqual(['upload 1 of 2', 'upload 2 of 2']);
    expect(work.end(a)).toBe(1);
    await Promise.resolve();
    expect(idle).toBe(false);
    expect(work.end(b)).toBe(0);
    expect(work.end('unknown')).toBe(0);
    await vi.waitFor(() => expect(idle).toBe(true));
    await expect(work.run('job', async () => (work.busy ? 'busy' : 'idle'))).resolves.toBe('busy');
    expect(work.busy).toBe(false);
  });
});

describe('desktop bridge handlers', () => {
  const outbox: OutboxSummary = {
    pending: 3,
    failed: 1,
    oldestPendingAt: '2026-01-02T03:00:00Z',
    groups: [{ system: 'dougal', kind: 'event', state: 'pending', count: 3 }],
    recentErrors: [{ system: 'imago', at: '2026-01-02T03:01:00Z', message: `401 for token ${JWT}` }],
  };
  let services: AppServices;
  const notify = vi.fn(() => true);
  const chooseFolder = vi.fn(async () => null as string | null);
  beforeEach(() => {
    services = createAppServices({
      dataDir: dir,
      appVersion: '9.9.9',
      transport: 'electron',
      env: { CORELOG_IMAGO_URL: `http://demo:${PASSWORD}@127.0.0.1:9/integrate/2`, CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' },
      desktop: { notify, chooseFolder, defaultExportDir: join(dir, 'exports') },
    });
  });
  afterEach(() => services.dispose());
  const call = (method: string, input?: unknown) => createBridgeDispatcher(services.handlers)(method, input);

  it('exports diagnostics with logs, versions, settings and the outbox, and no password or token anywhere', async () => {
    // Whatever the credential files hold (even plain text), the export must not read them.
    await writeFile(join(dir, 'credentials.json'), JSON.stringify({ imago: { username: 'demo', password: PASSWORD } }));
    await writeFile(join(dir, 'credential.key'), API_TOKEN);
    await writeFile(join(dir, 'connections.json'), JSON.stringify({ imago: { serverUrl: `https://demo:${PASSWORD}@imago.example.com/integrate/2`, apiToken: API_TOKEN } }));
    // Two saved "Check server" reports of Imago and one of Dougal: only the newest of each goes along.
    mkdirSync(join(dir, 'diagnostics'), { recursive: true });
    await writeFile(join(dir, 'diagnostics', 'corelog-server-check-imago-2026-01-01T00-00-00-000Z.txt'), 'old imago check');
    await writeFile(join(dir, 'diagnostics', 'corelog-server-check-imago-2026-02-01T00-00-00-000Z.txt'), `new imago check; Authorization: Bearer ${JWT}`);
    await writeFile(join(dir, 'diagnostics', 'corelog-server-check-dougal-2026-01-15T00-00-00-000Z.txt'), 'dougal check');
    services.desktop.log.warn(`Dougal answered 401; Authorization: Bearer ${JWT}; password=${PASSWORD}`);
    services.desktop.busyWork.begin('upload 3 of 26');

    const result = await call('exportDiagnostics', { outbox, askWhere: false });
    expect(result.ok).toBe(true);
    const { folder, files } = (result as { value: { folder: string; files: string[] } }).value;
    expect(folder.startsWith(join(dir, 'exports', 'corelog-diagnostics-'))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['versions.json', 'settings.json', 'outbox.json', 'logs/corelog.log', 'README.txt']));
    expect(JSON.parse(readFileSync(join(folder, 'versions.json'), 'utf8'))).toMatchObject({ corelog: '9.9.9', transport: 'electron', runtime: { node: process.versions.node } });
    expect(JSON.parse(readFileSync(join(folder, 'outbox.json'), 'utf8'))).toMatchObject({ outbox: { pending: 3, failed: 1 }, workInProgress: [{ label: 'upload 3 of 26' }] });
    expect(readFileSync(join(folder, 'logs', 'corelog.log'), 'utf8')).toContain('Dougal answered 401');

    expect(files.filter((f) => f.startsWith('corelog-server-check-'))).toEqual(['corelog-server-check-dougal-2026-01-15T00-00-00-000Z.txt', 'corelog-server-check-imago-2026-02-01T00-00-00-000Z.txt']);
    expect(readFileSync(join(folder, 'corelog-server-check-imago-2026-02-01T00-00-00-000Z.txt'), 'utf8')).toMatch(/^new imago check; Authorization: \[redacted\]/);

    const everything = allText(folder);
    for (const secret of [PASSWORD, JWT, API_TOKEN]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/credentials\.json|credential\.key/);
  });

  it('asks where to export, and reports a cancelled dialog as "cancelled"', async () => {
    expect(await call('exportDiagnostics', { outbox })).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(chooseFolder).toHaveBeenCalledWith('Export diagnostics to…', join(dir, 'exports'));
    chooseFolder.mockResolvedValueOnce(join(dir, 'chosen'));
    expect(await call('exportDiagnostics', { outbox })).toMatchObject({ ok: true, value: { folder: expect.stringContaining(join(dir, 'chosen')) } });
  });

  it('keeps auto-update off by default and validates the feed address', async () => {
    expect(await call('getUpdateSettings')).toEqual({ ok: true, value: { enabled: false, feedUrl: null } });
    expect(await call('setUpdateSettings', { enabled: true, feedUrl: 'http://updates.example.com/' })).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(await call('setUpdateSettings', { enabled: true, feedUrl: 'https://updates.example.com/corelog/' })).toMatchObject({ ok: true });
    expect(JSON.parse(readFileSync(join(dir, 'update-settings.json'), 'utf8'))).toEqual({ enabled: true, feedUrl: 'https://updates.example.com/corelog/' });
  });

  it('notifies sync outcomes natively and logs them', async () => {
    expect(await call('notifySyncOutcome', { system: 'imago', ok: false, message: 'Imago refused 2 photos' })).toEqual({ ok: true, value: { shown: true } });
    expect(notify).toHaveBeenCalledWith({ title: 'Imago sync failed', body: 'Imago refused 2 photos' });
    expect(services.desktop.notifySyncOutcome({ system: 'dougal', ok: true, message: '12 events sent' })).toBe(true);
    expect(syncNotice({ system: 'dougal', ok: true, message: 'x' }).title).toBe('Dougal sync finished');
    expect(readFileSync(services.desktop.log.file, 'utf8')).toMatch(/WARN {2}sync imago failed: Imago refused 2 photos[\s\S]*INFO {2}sync dougal finished/);
  });

  it('registers and ends busy work over the bridge', async () => {
    const begun = await call('beginBusyWork', { label: 'upload 1 of 4' });
    expect(services.desktop.busyWork.active().map((i) => i.label)).toEqual(['upload 1 of 4']);
    expect(await call('endBusyWork', { token: (begun as { value: { token: string } }).value.token })).toEqual({ ok: true, value: { remaining: 0 } });
  });
});
