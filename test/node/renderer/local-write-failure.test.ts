/**
 * The storage failure behind an error, in each shape IndexedDB and Dexie hand it over: the bare
 * DOMException, Dexie's error of the same name, and Dexie's AbortError with the cause inside.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LocalWriteError, localWriteFailureOf, whyNotSaved } from '../../../renderer/src/storage/local-write-failure';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('localWriteFailureOf', () => {
  it('reads a full disk from the DOMException, Dexie’s error, and an abort carrying it', () => {
    expect(localWriteFailureOf(quota())?.kind).toBe('full');
    expect(localWriteFailureOf(new Dexie.QuotaExceededError('x'))?.kind).toBe('full');
    expect(localWriteFailureOf(new Dexie.AbortError('Transaction aborted', quota()))?.kind).toBe('full');
    expect(localWriteFailureOf(new Error('wrapped', { cause: quota() }))?.kind).toBe('full');
    // Already in plain words, also when wrapped once more on its way up.
    expect(localWriteFailureOf(new LocalWriteError('full', 'The disk is full.', quota()))?.kind).toBe('full');
    expect(localWriteFailureOf(new Error('outer', { cause: new LocalWriteError('closed', 'Closed.', null) }))?.kind).toBe('closed');
  });

  it('reads a connection closed under the page, and the browser’s own storage failing', () => {
    expect(localWriteFailureOf(new Dexie.DatabaseClosedError())?.kind).toBe('closed');
    expect(localWriteFailureOf(new DOMException('The database connection is closing.', 'InvalidStateError'))?.kind).toBe('closed');
    expect(localWriteFailureOf(new DOMException('Internal error committing transaction.', 'UnknownError'))?.kind).toBe('broken');
  });

  it('leaves the app’s own refusals and bugs alone', () => {
    expect(localWriteFailureOf(new Error('This event is no longer on this computer.'))).toBeNull();
    expect(localWriteFailureOf(new TypeError('x is undefined'))).toBeNull();
    expect(localWriteFailureOf(new Dexie.ConstraintError('Key already exists'))).toBeNull();
    expect(localWriteFailureOf(undefined)).toBeNull();
    expect(localWriteFailureOf('QuotaExceeded')).toBeNull();
  });

  it('says what happened and how to try again, never the browser’s name for it', () => {
    const said = whyNotSaved(new Dexie.AbortError('Transaction aborted', quota()), 'press Enter again');
    expect(said).toBe('the disk is full (or the browser’s storage for Corelog is), so nothing was saved. Free some space, then press Enter again.');
    expect(whyNotSaved(new Error('Type remarks or pick a label first.'))).toBe('Type remarks or pick a label first.');
  });
});
