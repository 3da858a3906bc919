/**
 * The plain-Node stand-in for Electron's safeStorage: AES-256-GCM with a random key kept in a
 * file only the user's account can read. It protects against a copied credentials file, not
 * against someone who can read the whole data folder, and says so (`secure: false`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
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
    let key: Buffer | null = null;
    try {
      key = readFileSync(this.keyPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') {
        key = Buffer.alloc(0); // a folder where the key belongs: put aside below, like a damaged key
      } else if (code !== 'ENOENT') {
        throw new CorelogError('unavailable', `The credential key file ${this.keyPath} cannot be read (${code ?? (error as Error).message}); saved passwords cannot be used until it can.`, {
          retryable: false,
        });
      }
    }
    if (key && key.length !== KEY_BYTES) {
      // Cut short (a crash while it was first written, a damaged disk): nothing it encrypted can be
      // opened again, so it is put aside and a new one made; saved passwords are asked for again.
      renameSync(this.keyPath, `${this.keyPath}.damaged-${Date.now()}`);
      key = null;
    }
    this.key = key ?? this.createKey();
    return this.key;
  }

  /**
   * A new key, whole or not at all: written to a temporary file, flushed, then linked into place
   * (a link fails when the name exists, so of two processes starting at once one key wins and
   * both use it).
   */
  private createKey(): Buffer {
    mkdirSync(dirname(this.keyPath), { recursive: true });
    const temp = `${this.keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const key = randomBytes(KEY_BYTES);
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      chmodSync(temp, 0o600);
      linkSync(temp, this.keyPath);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return this.loadKeyWritten();
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** The key another process has just linked into place. */
  private loadKeyWritten(): Buffer {
    const key = readFileSync(this.keyPath);
    if (key.length !== KEY_BYTES) throw new CorelogError('internal', `The credential key file ${this.keyPath} is damaged (${key.length} bytes).`);
    return key;
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
