/**
 * Makes a database's transactions fail in plain words when the browser's storage refuses them.
 * Dexie rejects with `AbortError: QuotaExceededError` and the like, and every screen shows an
 * error's message as it is: the edit form, delete and undo, templates, plan and sequence changes
 * all said "QuotaExceededError" on a full disk. Wrapped here once per database, each of them says
 * what happened and that nothing was saved, and the window's banner hears of it too. The error
 * carries its kind (and the original as `cause`), so code that tells storage failures apart still
 * can. Not under the browser's name: Dexie would wrap an error named like a DOMException again,
 * with the name and the message said twice.
 */
import type Dexie from 'dexie';
import { LocalWriteError, localWriteFailureOf } from './local-write-failure';
import { reportLocalWriteFailure } from './storage-health';

/** A storage failure with the plain sentence as its message; anything else as it was. */
export function plainStorageError(error: unknown): unknown {
  const failure = localWriteFailureOf(error);
  if (!failure || error instanceof LocalWriteError) return error;
  reportLocalWriteFailure(error);
  return new LocalWriteError(failure.kind, failure.message.charAt(0).toUpperCase() + failure.message.slice(1), error);
}

/** Every `db.transaction(…)` of this database rejects with plainStorageError's error. */
export function withPlainStorageErrors<T extends Dexie>(db: T): T {
  const transaction = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args: unknown[]) =>
    transaction(...args).catch((error: unknown) => {
      throw plainStorageError(error);
    });
  return db;
}
