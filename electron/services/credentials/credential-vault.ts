/**
 * Stored sign-in details per system. User names are kept in clear (the UI shows them); passwords
 * only encrypted by the `SecretCipher`. Passwords never leave the main process: the vault has no
 * method that hands one to the bridge, only to the API clients.
 *
 * A damaged file (not JSON, the wrong shape, a folder in its place) is set aside by json-file.ts
 * and the vault starts empty: it costs a fresh sign-in, never a crash. A login entry of the wrong
 * shape is left out on its own. Every change is made to what the file holds at that moment, so a
 * second Corelog process on the same folder that saved the other system's login does not lose it.
 */
import { z } from 'zod';
import type { SystemId } from '../../../common/errors';
import { readJsonFile, readJsonFileChecked, writeJsonFile } from '../desktop/json-file';
import type { SecretCipher } from './secret-cipher';

export interface StoredLogin {
  username: string;
  password: string;
}

interface VaultFile {
  version: 1;
  logins: Partial<Record<SystemId, { username: string; encryptedPassword: string | null }>>;
}

const SYSTEMS: readonly SystemId[] = ['imago', 'dougal'];
const loginSchema = z.object({ username: z.string().max(1000), encryptedPassword: z.string().max(100_000).nullable() });
const isVaultFile = (value: unknown) => z.object({ version: z.literal(1), logins: z.record(z.string(), z.unknown()) }).safeParse(value).success;

export class CredentialVault {
  private file: VaultFile;
  /** Passwords the user chose not to store: kept for this run only. */
  private readonly sessionOnly = new Map<SystemId, StoredLogin>();

  /** What was wrong with the file when it was read (set aside, entries left out), in plain words. */
  readonly problems: string[] = [];

  constructor(
    private readonly filePath: string,
    readonly cipher: SecretCipher,
  ) {
    const { value, problem } = readJsonFileChecked(filePath, { accept: isVaultFile });
    if (problem) this.problems.push(problem);
    this.file = this.fromDisk(value, this.problems);
  }

  /** The logins a file holds; an entry of the wrong shape is left out (and said, when `problems` is given). */
  private fromDisk(value: unknown, problems?: string[]): VaultFile {
    const file: VaultFile = { version: 1, logins: {} };
    if (!isVaultFile(value)) return file;
    const logins = (value as { logins: Record<string, unknown> }).logins;
    for (const system of SYSTEMS) {
      if (!Object.hasOwn(logins, system)) continue;
      const entry = loginSchema.safeParse(logins[system]);
      if (entry.success) file.logins[system] = entry.data;
      else problems?.push(`the saved ${system} login is damaged and was left out; sign in again`);
    }
    return file;
  }

  /** Applies one change to the file as it is on disk now, and writes it (atomic, flushed, readable only by this account). */
  private change(edit: (file: VaultFile) => void): void {
    const next = this.fromDisk(readJsonFile(this.filePath, { accept: isVaultFile }));
    edit(next);
    writeJsonFile(this.filePath, next, { mode: 0o600 });
    this.file = next;
  }

  /** Remembers a login; with `persist: false` the password lives in memory until the app quits. */
  save(system: SystemId, login: StoredLogin, persist: boolean): void {
    const entry = { username: login.username, encryptedPassword: persist ? this.cipher.encrypt(login.password).toString('base64') : null };
    this.change((file) => (file.logins[system] = entry));
    if (persist) this.sessionOnly.delete(system);
    else this.sessionOnly.set(system, login);
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
    if (!this.file.logins[system]) return;
    this.change((file) => {
      const entry = file.logins[system];
      if (!entry) return;
      if (everything) delete file.logins[system];
      else entry.encryptedPassword = null;
    });
  }
}
