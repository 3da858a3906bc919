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

const TABLE_WRITES = ['add', 'put', 'update', 'upsert', 'delete', 'clear', 'bulkAdd', 'bulkPut', 'bulkUpdate', 'bulkDelete'] as const;
const COLLECTION_WRITES = ['modify', 'delete'] as const;

type Method = (...args: unknown[]) => PromiseLike<unknown> & { catch: (onRejected: (error: unknown) => never) => unknown };

/** Replaces each named method of `target` with one whose rejection goes through plainStorageError. */
function wrapRejections(target: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      return (original as Method).apply(this, args).catch((error: unknown) => {
        throw plainStorageError(error);
      });
    };
  }
}

/**
 * Every write of this database rejects with plainStorageError's error: its transactions, and the
 * writes made straight on a table or collection outside one (adding a planned sequence is one).
 */
export function withPlainStorageErrors<T extends Dexie>(db: T): T {
  wrapRejections(db as unknown as Record<string, unknown>, ['transaction']);
  wrapRejections(db.Table.prototype as unknown as Record<string, unknown>, TABLE_WRITES);
  wrapRejections(db.Collection.prototype as unknown as Record<string, unknown>, COLLECTION_WRITES);
  return db;
}
