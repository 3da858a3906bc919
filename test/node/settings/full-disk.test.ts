/**
 * A full disk (ENOSPC), on a real 512 KB tmpfs: a settings change that cannot be saved says so in
 * plain words and changes nothing, on disk or in the running service (it used to answer "Something
 * went wrong inside Corelog: ENOSPC…" while the service went on showing the unsaved value); a login
 * that cannot be saved leaves the vault as it was. Mounting needs root (as on CI here); elsewhere
 * the test says why it is skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { AppSettingsFile } from '../../../electron/services/settings/app-settings-file';
import { useTinyDisk } from '../../support/tiny-disk';

const { dir: dir, whyNot } = useTinyDisk('corelog-full-disk-');

/** Fills what is left of the disk. */
function fill(): void {
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

describe.skipIf(whyNot !== null)(`a full disk${whyNot ? ` (skipped: ${whyNot})` : ''}`, () => {
  it('a settings change says the disk is full and changes nothing; a login save leaves the vault as it was', () => {
    const settings = new AppSettingsFile(join(dir, 'app-settings.json'));
    settings.change({ theme: 'dark' });
    const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
    vault.save('imago', { username: 'svc', password: 'first' }, true);
    fill();

    let thrown: unknown;
    try {
      settings.change({ theme: 'night' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorelogError);
    expect((thrown as Error).message).toMatch(/could not save app-settings\.json: the disk is full/);
    expect(settings.current.theme).toBe('dark');
    expect(JSON.parse(readFileSync(join(dir, 'app-settings.json'), 'utf8')).theme).toBe('dark');

    expect(() => vault.save('imago', { username: 'svc', password: 'second' }, true)).toThrow(/disk is full/);
    expect(vault.load('imago')).toEqual({ username: 'svc', password: 'first' });
    expect(new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key'))).load('imago')).toEqual({ username: 'svc', password: 'first' });
  });
});
