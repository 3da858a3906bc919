/**
 * The plain-Node stand-in for Electron's safeStorage: AES-256-GCM with a random key kept in a
 * file only the user's account can read. It protects against a copied credentials file, not
 * against someone who can read the whole data folder, and says so (`secure: false`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CorelogError } from '../../../common/errors';
import type { SecretCipher } from './secret-cipher';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FileKeyCipher implements SecretCipher {
  readonly info = {
    secure: false,
    backend: 'file-key',
    explanation:
      'Saved passwords are encrypted with a key kept in ' +
      "Corelog's data folder, readable only by your user account. Anyone who can read that folder " +
      'can recover them. Untick "Remember password" to keep a password in memory only.',
  };
  private key: Buffer | null = null;

  constructor(private readonly keyPath: string) {}

  private loadKey(): Buffer {
    if (this.key) return this.key;
    try {
      const key = readFileSync(this.keyPath);
      if (key.length !== KEY_BYTES) throw new Error(`key file has ${key.length} bytes`);
      this.key = key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new CorelogError('internal', `The credential key file ${this.keyPath} is damaged (${(error as Error).message}). Delete it and sign in again.`);
      }
      mkdirSync(dirname(this.keyPath), { recursive: true });
      const key = randomBytes(KEY_BYTES);
      writeFileSync(this.keyPath, key, { mode: 0o600, flag: 'wx' });
      chmodSync(this.keyPath, 0o600);
      this.key = key;
    }
    return this.key;
  }

  encrypt(plainText: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decrypt(cipherText: Buffer): string {
    const iv = cipherText.subarray(0, IV_BYTES);
    const tag = cipherText.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const body = cipherText.subarray(IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
