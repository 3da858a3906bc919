/**
 * The services started on a damaged data folder: settings and credential files that are empty,
 * zero-filled, garbage, cut short, JSON of the wrong shape, a folder in the file's place, or far
 * too large. Each time the service starts, carries on with its defaults, keeps the damaged file
 * beside as `<file>.corrupt-<time>` with its bytes untouched, says so in the log, and can save
 * again. (Corelog used to read such a file as "no file" and overwrite it at the next save; a
 * folder in the file's place made every save fail.)
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS } from '../../../common/bridge/settings-contract';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { createCorelogServices, type CorelogServices } from '../../../electron/services/sample-systems/profile-host';
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';

let dir: string;
const running: CorelogServices[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-damaged-'));
  await writeFile(join(dir, 'profile.json'), JSON.stringify({ active: 'real' }));
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

const env = { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' };

async function launch(): Promise<CorelogServices> {
  const services = await createCorelogServices({ dataDir: dir, appVersion: 't', transport: 'browser', env });
  running.push(services);
  services.start();
  return services;
}

const DAMAGE: Record<string, Buffer | string | 'folder'> = {
  empty: '',
  'zero-filled': Buffer.alloc(4096),
  garbage: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)),
  'cut short': '{"theme": "da',
  'an array': '[1,2,3]',
  null: 'null',
  'a folder': 'folder',
};

async function damage(file: string, how: Buffer | string | 'folder'): Promise<void> {
  if (how === 'folder') await mkdir(join(dir, file, 'inside'), { recursive: true });
  else await writeFile(join(dir, file), how);
}

async function setAside(file: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith(`${file}.corrupt-`));
}

async function logText(): Promise<string> {
  return readFile(join(dir, 'logs', 'corelog.log'), 'utf8').catch(() => '');
}

describe('starting on a damaged data folder', () => {
  for (const [label, how] of Object.entries(DAMAGE)) {
    it(`app-settings.json ${label}: defaults, the file kept beside, said in the log, and saving works`, async () => {
      await damage('app-settings.json', how);
      const services = await launch();
      expect(await services.handlers.getAppSettings(undefined)).toEqual(DEFAULT_APP_SETTINGS);
      const aside = await setAside('app-settings.json');
      expect(aside).toHaveLength(1);
      if (how !== 'folder') expect(await readFile(join(dir, aside[0]!))).toEqual(Buffer.from(how));
      expect(await logText()).toMatch(new RegExp(`WARN .*app-settings\\.json .*set aside as ${aside[0]!.replace(/[.]/g, '\\.')}`));
      expect(await services.handlers.setAppSettings({ theme: 'night' })).toMatchObject({ theme: 'night' });
      expect(JSON.parse(await readFile(join(dir, 'app-settings.json'), 'utf8'))).toMatchObject({ theme: 'night' });
    });

    it(`credentials.json ${label}: starts signed out, the file kept beside and said, and a login can be saved`, async () => {
      await damage('credentials.json', how);
      await launch();
      const aside = await setAside('credentials.json');
      expect(aside).toHaveLength(1);
      if (how !== 'folder') expect(await readFile(join(dir, aside[0]!))).toEqual(Buffer.from(how));
      expect(await logText()).toMatch(/WARN .*credentials\.json .*set aside/);
      const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
      vault.save('imago', { username: 'svc', password: 'pw' }, true);
      expect(new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key'))).load('imago')).toEqual({ username: 'svc', password: 'pw' });
    });
  }

  it('the originals snapshot damaged: set aside, and the journal beside it still counts', async () => {
    const sha = 'f'.repeat(64);
    new OriginalsLedger(dir).takenIn(sha, new Date('2026-01-02T00:00:00Z'));
    await writeFile(join(dir, 'originals.json'), '{"originals": {"ab');
    const ledger = new OriginalsLedger(dir);
    expect(ledger.get(sha)?.takenInAt).toBe('2026-01-02T00:00:00.000Z');
    expect(await setAside('originals.json')).toHaveLength(1);
    ledger.compact();
    expect(new OriginalsLedger(dir).get(sha)?.takenInAt).toBe('2026-01-02T00:00:00.000Z');
  });

  it('a settings file far too large is set aside unread (no stall, no memory blow-up)', async () => {
    const fd = openSync(join(dir, 'app-settings.json'), 'w');
    writeSync(fd, '{"theme":"dark","pad":"');
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    for (let i = 0; i < 40; i++) writeSync(fd, chunk);
    writeSync(fd, '"}');
    closeSync(fd);
    const services = await launch();
    expect(await services.handlers.getAppSettings(undefined)).toEqual(DEFAULT_APP_SETTINGS);
    expect(await setAside('app-settings.json')).toHaveLength(1);
    expect(await logText()).toMatch(/app-settings\.json is far too large/);
  });

  it('a saved login of the wrong shape is left out on its own; the other system’s stays', async () => {
    const cipher = new FileKeyCipher(join(dir, 'credential.key'));
    new CredentialVault(join(dir, 'credentials.json'), cipher).save('dougal', { username: 'nav', password: 'watch' }, true);
    const file = JSON.parse(await readFile(join(dir, 'credentials.json'), 'utf8'));
    file.logins.imago = { username: 5, encryptedPassword: 7 };
    await writeFile(join(dir, 'credentials.json'), JSON.stringify(file));
    const vault = new CredentialVault(join(dir, 'credentials.json'), cipher);
    expect(vault.username('imago')).toBeNull();
    expect(vault.load('imago')).toBeNull();
    expect(vault.load('dougal')).toEqual({ username: 'nav', password: 'watch' });
    expect(vault.problems.join(' ')).toMatch(/imago login is damaged/);
  });

  it('a folder where the credential key belongs is put aside: saved passwords are asked again, and saving works', async () => {
    await mkdir(join(dir, 'credential.key'));
    const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
    vault.save('imago', { username: 'svc', password: 'pw' }, true);
    expect(new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key'))).load('imago')).toEqual({ username: 'svc', password: 'pw' });
    expect((await readdir(dir)).filter((name) => name.startsWith('credential.key.damaged-'))).toHaveLength(1);
  });

  it('a password sealed with another computer’s key asks for a sign-in instead of failing', async () => {
    const other = await mkdtemp(join(tmpdir(), 'corelog-other-'));
    try {
      new CredentialVault(join(other, 'credentials.json'), new FileKeyCipher(join(other, 'credential.key'))).save('imago', { username: 'svc', password: 'pw' }, true);
      await writeFile(join(dir, 'credentials.json'), await readFile(join(other, 'credentials.json')));
      const services = await launch();
      const { connections } = await services.handlers.getConnections(undefined);
      expect(connections.find((c) => c.system === 'imago')).toMatchObject({ credentialAvailable: false });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
