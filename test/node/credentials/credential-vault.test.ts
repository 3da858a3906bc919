import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-vault-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

const open = () => new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));

describe('credential vault', () => {
  it('keeps passwords encrypted at rest and reads them back after a restart', async () => {
    open().save('imago', { username: 'svc-core', password: 'Tr4y-photos!' }, true);
    const onDisk = await readFile(join(dir, 'credentials.json'), 'utf8');
    expect(onDisk).toContain('svc-core');
    expect(onDisk).not.toContain('Tr4y-photos!');
    expect(open().load('imago')).toEqual({ username: 'svc-core', password: 'Tr4y-photos!' });
    expect((await stat(join(dir, 'credential.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'credentials.json'))).mode & 0o777).toBe(0o600);
  });

  it('keeps a password in memory only when the user does not want it stored', async () => {
    const vault = open();
    vault.save('dougal', { username: 'nav', password: 'watch-0400' }, false);
    expect(vault.load('dougal')).toEqual({ username: 'nav', password: 'watch-0400' });
    expect(vault.hasStoredPassword('dougal')).toBe(false);
    expect(await readFile(join(dir, 'credentials.json'), 'utf8')).not.toContain('watch-0400');
    const restarted = open();
    expect(restarted.load('dougal')).toBeNull();
    expect(restarted.username('dougal')).toBe('nav');
  });

  it('treats a password it can no longer decrypt as absent instead of failing', async () => {
    open().save('imago', { username: 'svc', password: 'secret' }, true);
    await rm(join(dir, 'credential.key'));
    expect(open().load('imago')).toBeNull();
  });

  it('starts empty from a damaged file and forgets on request', async () => {
    await writeFile(join(dir, 'credentials.json'), '{"version": 1, "logins": ');
    const vault = open();
    expect(vault.load('imago')).toBeNull();
    vault.save('imago', { username: 'a', password: 'b' }, true);
    vault.forget('imago');
    expect(vault.load('imago')).toBeNull();
    expect(vault.username('imago')).toBe('a');
  });

  it('a key file cut short (a crash while it was first written) is put aside: the password is asked again, and saving works', async () => {
    open().save('imago', { username: 'svc', password: 'secret' }, true);
    await writeFile(join(dir, 'credential.key'), Buffer.alloc(0));
    const vault = open();
    expect(vault.load('imago')).toBeNull();
    vault.save('imago', { username: 'svc', password: 'again' }, true);
    expect(open().load('imago')).toEqual({ username: 'svc', password: 'again' });
    expect((await readFile(join(dir, 'credential.key'))).length).toBe(32);
    const names = await readdir(dir);
    expect(names.filter((n) => n.startsWith('credential.key.damaged-'))).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a second cipher on the same folder (another process) uses the key the first made', async () => {
    const a = new FileKeyCipher(join(dir, 'credential.key'));
    const b = new FileKeyCipher(join(dir, 'credential.key'));
    const sealed = a.encrypt('one');
    expect(b.decrypt(sealed)).toBe('one');
    expect(a.decrypt(b.encrypt('two'))).toBe('two');
  });

  it('says it is not backed by an OS keyring', () => {
    expect(open().cipher.info.secure).toBe(false);
  });
});
