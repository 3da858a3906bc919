/**
 * Credentials encrypted with the OS keyring through Electron's safeStorage. On Linux without a
 * keyring Electron falls back to `basic_text` (a hard-coded key): we say so, and the Connections
 * screen lets the user keep passwords in memory only.
 */
import type { SafeStorage } from 'electron';
import { CorelogError } from '../../common/errors';
import type { SecretCipher } from '../services/credentials/secret-cipher';

export function createSafeStorageCipher(safeStorage: SafeStorage, platform: NodeJS.Platform = process.platform): SecretCipher {
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : platform === 'darwin' ? 'keychain' : 'dpapi';
  const secure = safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
  return {
    info: {
      secure,
      backend,
      explanation: secure
        ? 'Saved passwords are encrypted with your operating system’s keyring.'
        : 'This computer offers no keyring to Corelog (Electron reports the “basic_text” backend), so a saved password would only be ' +
          'obscured, not protected. Untick “Remember password” to keep passwords in memory until Corelog quits.',
    },
    encrypt(plainText) {
      if (!safeStorage.isEncryptionAvailable()) throw new CorelogError('unavailable', 'Encryption is not available yet; try again in a moment.');
      return safeStorage.encryptString(plainText);
    },
    decrypt(cipherText) {
      return safeStorage.decryptString(cipherText);
    },
  };
}
