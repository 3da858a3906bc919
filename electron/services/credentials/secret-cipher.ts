import type { CredentialStorageInfo } from '../../../common/bridge/connection-contract';

/**
 * Encrypts secrets at rest. The desktop app uses Electron's `safeStorage` (OS keyring);
 * browser mode and tests use `FileKeyCipher`. Both say honestly how safe they are.
 */
export interface SecretCipher {
  readonly info: CredentialStorageInfo;
  encrypt(plainText: string): Buffer;
  decrypt(cipherText: Buffer): string;
}
