/**
 * What went wrong when the browser's own storage (IndexedDB, through Dexie) refused a write, in
 * words a navigator can act on. A write that fails here has saved nothing: the screen that made it
 * keeps what was typed and says one of these, never the browser's bare error name.
 *
 * The errors arrive in several shapes: a DOMException from IndexedDB (`QuotaExceededError`), Dexie's
 * own error of the same name, or Dexie's `AbortError` carrying the real cause as `inner` (a
 * transaction aborted because one of its writes did not fit), so the whole chain is looked at.
 */

/**
 * full: no room (quota or disk); closed: the database connection went (site data cleared, another
 * window upgraded the schema, the browser shut it); broken: the browser's storage itself failed.
 */
export type LocalWriteFailureKind = 'full' | 'closed' | 'broken';

/** A storage failure already put in plain words (storage/plain-storage-errors.ts). */
export class LocalWriteError extends Error {
  constructor(
    readonly kind: LocalWriteFailureKind,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'LocalWriteError';
  }
}

export interface LocalWriteFailure {
  kind: LocalWriteFailureKind;
  /** What happened and what to do, one plain sentence or two. */
  message: string;
}

const FULL_NAMES = new Set(['QuotaExceededError']);
/** The connection is gone or going: nothing written through it can land until the page reloads or Dexie reopens. */
const CLOSED_NAMES = new Set(['DatabaseClosedError', 'InvalidStateError', 'VersionError', 'VersionChangeError', 'UpgradeError', 'OpenFailedError', 'MissingAPIError']);
/** The browser's storage failed under the write (a full disk often shows as this instead of a quota error). */
const BROKEN_NAMES = new Set(['UnknownError']);

/** The sentence for each kind; `again` is how to try again where it happened ("press Enter again"). */
function messageFor(kind: LocalWriteFailureKind, again: string): string {
  if (kind === 'full') return `the disk is full (or the browser’s storage for Corelog is), so nothing was saved. Free some space, then ${again}.`;
  if (kind === 'closed') return `Corelog’s storage on this computer was closed (its site data was cleared, or Corelog was updated in another window), so nothing was saved. Reload Corelog, then ${again}.`;
  return `the browser could not write to Corelog’s storage on this computer (a full disk can cause this), so nothing was saved. Free some space or restart the browser, then ${again}.`;
}

/** A failure already in plain words counts as the browser error of its kind. */
const NAME_OF_KIND: Record<LocalWriteFailureKind, string> = { full: 'QuotaExceededError', closed: 'DatabaseClosedError', broken: 'UnknownError' };

function namesIn(error: unknown): string[] {
  const names: string[] = [];
  let current: unknown = error;
  // Dexie nests the cause as `inner`; a DOMException may hide behind a plain Error's `cause`.
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (current instanceof LocalWriteError) names.push(NAME_OF_KIND[current.kind]);
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (typeof name === 'string') names.push(name);
    // Dexie's AbortError says the inner name in its message only, in some browsers.
    if (typeof message === 'string') for (const known of [...FULL_NAMES, ...CLOSED_NAMES, ...BROKEN_NAMES]) if (message.includes(known)) names.push(known);
    current = (current as { inner?: unknown; cause?: unknown }).inner ?? (current as { cause?: unknown }).cause;
  }
  return names;
}

/** The storage failure behind `error`, or null when it is something else (a rule of the app, a bug). */
export function localWriteFailureOf(error: unknown, again = 'try again'): LocalWriteFailure | null {
  const names = namesIn(error);
  const kind: LocalWriteFailureKind | null = names.some((n) => FULL_NAMES.has(n))
    ? 'full'
    : names.some((n) => CLOSED_NAMES.has(n))
      ? 'closed'
      : names.some((n) => BROKEN_NAMES.has(n))
        ? 'broken'
        : null;
  return kind ? { kind, message: messageFor(kind, again) } : null;
}

/**
 * The reason to show after a write failed: the plain storage sentence when it is one, else the
 * error's own message (the app's refusals are already written for the user).
 */
export function whyNotSaved(error: unknown, again = 'try again'): string {
  const storage = localWriteFailureOf(error, again);
  if (storage) return storage.message;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}
