import { describe, expect, it } from 'vitest';
import { createSafeStorageCipher } from '../../electron/main/safe-storage-cipher.main';

const fakeSafeStorage = (backend: string) => ({
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => backend,
  encryptString: (text: string) => Buffer.from([...Buffer.from(text)].reverse()),
  decryptString: (buffer: Buffer) => Buffer.from([...buffer].reverse()).toString(),
});

describe('safeStorage cipher', () => {
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
