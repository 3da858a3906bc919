/**
 * Stored sign-in details per system. User names are kept in clear (the UI shows them); passwords
 * only encrypted by the `SecretCipher`. Passwords never leave the main process: the vault has no
 * method that hands one to the bridge, only to the API clients.
 */
import { readFileSync } from 'node:fs';
import type { SystemId } from '../../../common/errors';
import { writeJsonFile } from '../desktop/json-file';
import type { SecretCipher } from './secret-cipher';

export interface StoredLogin {
  username: string;
  password: string;
}

interface VaultFile {
  version: 1;
  logins: Partial<Record<SystemId, { username: string; encryptedPassword: string | null }>>;
}

export class CredentialVault {
  private file: VaultFile;
  /** Passwords the user chose not to store: kept for this run only. */
  private readonly sessionOnly = new Map<SystemId, StoredLogin>();

  constructor(
    private readonly filePath: string,
    readonly cipher: SecretCipher,
  ) {
    this.file = this.read();
  }

  private read(): VaultFile {
    try {
      const parsed = JSON.parse(readFileSync(this.filePath, 'utf8')) as VaultFile;
      if (parsed?.version === 1 && parsed.logins && typeof parsed.logins === 'object') return parsed;
    } catch {
      // Missing or damaged: start empty. A damaged vault only costs a fresh sign-in.
    }
    return { version: 1, logins: {} };
  }

  private write(): void {
    // Atomic, flushed and readable only by this account (see json-file.ts).
    writeJsonFile(this.filePath, this.file, { mode: 0o600 });
  }

  /** Remembers a login; with `persist: false` the password lives in memory until the app quits. */
  save(system: SystemId, login: StoredLogin, persist: boolean): void {
    this.sessionOnly.delete(system);
    if (persist) {
      this.file.logins[system] = { username: login.username, encryptedPassword: this.cipher.encrypt(login.password).toString('base64') };
    } else {
      this.file.logins[system] = { username: login.username, encryptedPassword: null };
      this.sessionOnly.set(system, login);
    }
    this.write();
  }

  load(system: SystemId): StoredLogin | null {
    const inMemory = this.sessionOnly.get(system);
    if (inMemory) return inMemory;
    const entry = this.file.logins[system];
    if (!entry?.encryptedPassword) return null;
    try {
      return { username: entry.username, password: this.cipher.decrypt(Buffer.from(entry.encryptedPassword, 'base64')) };
    } catch {
      // The key changed (new keyring, copied profile): the password is unusable, ask again.
      return null;
    }
  }

  username(system: SystemId): string | null {
    return this.sessionOnly.get(system)?.username ?? this.file.logins[system]?.username ?? null;
  }

  hasStoredPassword(system: SystemId): boolean {
    return Boolean(this.file.logins[system]?.encryptedPassword);
  }

  /**
   * Whether a password can be used to sign in again: kept in memory for this run, or stored and
   * still decryptable. Browser mode and Linux without a keyring keep it in memory only, and that
   * counts just as much as a stored one.
   */
  hasUsablePassword(system: SystemId): boolean {
    return this.sessionOnly.has(system) || this.load(system) !== null;
  }

  /** Forgets the password; keeps the user name unless `everything` is set. */
  forget(system: SystemId, everything = false): void {
    this.sessionOnly.delete(system);
    const entry = this.file.logins[system];
    if (!entry) return;
    if (everything) delete this.file.logins[system];
    else entry.encryptedPassword = null;
    this.write();
  }
}
