/**
 * Whether this window can write its data (IndexedDB) right now, for the one banner that says so
 * (app/StorageProblemBanner.tsx). Screens and sync engines report a refused write here; a full disk
 * clears by itself once a write goes through again (a small check write every few seconds, so the
 * banner does not wait for the user's next action to notice the space is back). A database taken
 * away under the page (site data cleared) or upgraded by another window stays until a reload:
 * this window's picture of the data is no longer what is stored.
 */
import type Dexie from 'dexie';
import { localWriteFailureOf, type LocalWriteFailure } from './local-write-failure';

export type StorageProblemKind = LocalWriteFailure['kind'] | 'cleared' | 'upgraded';

export interface StorageProblem {
  kind: StorageProblemKind;
  message: string;
  /** Only a reload mends it. */
  needsReload: boolean;
}

const CLEARED_MESSAGE =
  'Corelog’s data on this computer was removed while Corelog was open (the browser, or someone, cleared this site’s data). Anything not yet sent was in it and is gone from this computer; what Dougal and Imago have comes back after a reload. Reload Corelog before logging more.';
const UPGRADED_MESSAGE = 'Corelog was updated in another window or tab, so this window can no longer save safely. Reload it to carry on; what is saved stays.';
const FULL_BANNER = 'The disk is full (or the browser’s storage for Corelog is): nothing new can be saved on this computer, and sending waits. Free some space; Corelog carries on by itself, and anything not saved stays on screen.';
const BROKEN_BANNER = 'The browser could not write Corelog’s data on this computer (a full disk can cause this): nothing new is saved, and sending waits. Free some space or restart the browser.';
const CLOSED_BANNER = 'Corelog’s storage on this computer was closed under it: nothing new can be saved. Reload Corelog.';

/** How often the check write runs while the disk is full. */
export const STORAGE_CHECK_MS = 3_000;
const CHECK_DB = 'corelog-write-check';

let problem: StorageProblem | null = null;
const listeners = new Set<() => void>();
let checkTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Which problem the banner shows when `next` is reported while `current` is shown. One only a
 * reload mends is never replaced by a passing one, and its cause (data cleared, a newer schema)
 * is never replaced by the symptom that follows it: writes failing on the connection it closed
 * (CI saw "closed under it" take the place of "removed while Corelog was open").
 */
export function problemToShow(current: StorageProblem | null, next: StorageProblem | null): StorageProblem | null {
  if (!current?.needsReload) return next;
  if (!next?.needsReload) return current;
  return current.kind === 'closed' && next.kind !== 'closed' ? next : current;
}

function set(reported: StorageProblem | null): void {
  const next = problemToShow(problem, reported);
  if (next === problem || (next && problem && next.kind === problem.kind)) return;
  problem = next;
  for (const listener of [...listeners]) listener();
  if (problem && !problem.needsReload) scheduleCheck();
}

export function storageProblem(): StorageProblem | null {
  return problem;
}

export function onStorageProblem(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Reports a failed write: returns the storage failure behind it (null when it was something else,
 * which is then the caller's to say). The banner shows it until writes work again.
 */
export function reportLocalWriteFailure(error: unknown): LocalWriteFailure | null {
  const failure = localWriteFailureOf(error);
  if (!failure) return null;
  const message = failure.kind === 'full' ? FULL_BANNER : failure.kind === 'broken' ? BROKEN_BANNER : CLOSED_BANNER;
  set({ kind: failure.kind, message, needsReload: failure.kind === 'closed' });
  return failure;
}

/** A write went through: a full disk is over. */
export function reportLocalWritesWork(): void {
  if (problem && !problem.needsReload) set(null);
}

/** One small write and its removal, in a database of its own: does storage take writes again? */
function checkWrite(): Promise<boolean> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = indexedDB.open(CHECK_DB, 1);
    } catch {
      return resolve(false);
    }
    open.onupgradeneeded = () => open.result.createObjectStore('check');
    open.onerror = () => resolve(false);
    open.onblocked = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const tx = db.transaction('check', 'readwrite');
        const store = tx.objectStore('check');
        store.put(new Date().toISOString().repeat(16), 1);
        store.delete(1);
        tx.oncomplete = () => {
          db.close();
          // Not left lying among Corelog's databases once it has said what it was for.
          indexedDB.deleteDatabase(CHECK_DB);
          resolve(true);
        };
        tx.onabort = () => {
          db.close();
          resolve(false);
        };
      } catch {
        db.close();
        resolve(false);
      }
    };
  });
}

function scheduleCheck(): void {
  if (checkTimer !== null) return;
  checkTimer = setTimeout(() => {
    checkTimer = null;
    if (!problem || problem.needsReload) return;
    void checkWrite().then((ok) => {
      if (ok) reportLocalWritesWork();
      else scheduleCheck();
    });
  }, STORAGE_CHECK_MS);
}

/**
 * Watches the window's databases: one closed under the page (its site data cleared) or wanted by a
 * newer schema in another window makes this window's picture of the data stale, said at once
 * rather than when a write next fails (Dexie quietly reopens, onto an empty or newer database).
 */
export function watchDatabases(databases: Dexie[]): () => void {
  const offs = databases.flatMap((db) => {
    let versionChanged = false;
    // Dexie closes the connection itself when another window wants a new version, and a close
    // fires either way: looked at a moment later, so the version change (if that was it) is known.
    // Dexie also "closes" a database it failed to open (a full disk when it is first made): that
    // is no connection taken away, so only a close of an open connection counts.
    const onClose = () => {
      const wasOpen = db.isOpen();
      setTimeout(() => {
        if (wasOpen && !versionChanged) set({ kind: 'cleared', message: CLEARED_MESSAGE, needsReload: true });
      }, 0);
    };
    const onVersionChange = (event: IDBVersionChangeEvent) => {
      versionChanged = true;
      set(event.newVersion === null ? { kind: 'cleared', message: CLEARED_MESSAGE, needsReload: true } : { kind: 'upgraded', message: UPGRADED_MESSAGE, needsReload: true });
    };
    db.on('close', onClose);
    db.on('versionchange', onVersionChange);
    return [() => db.on('close').unsubscribe(onClose), () => db.on('versionchange').unsubscribe(onVersionChange)];
  });
  return () => offs.forEach((off) => off());
}
