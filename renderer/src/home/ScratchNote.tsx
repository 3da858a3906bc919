/**
 * A free-text note kept on this computer only (one per profile: corelog-db.ts). Each change is
 * written to IndexedDB within a quarter of a second (and at once when the field loses focus or the
 * page is hidden), so a crash or a reload loses at most the last keystrokes.
 *
 * Several windows may show the note. A window that has nothing unsaved follows the note as the
 * others save it; a window saves only over the version it started from, so when two windows were
 * typing at once neither text is silently overwritten: the second is kept in its box, not saved,
 * with the other window's text beside it, and the user chooses.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import { adoptSharedScratchNote, db, noteRevision, type ScratchNote as StoredNote } from '../db/corelog-db';
import { whyNotSaved } from '../storage/local-write-failure';
import { onStorageProblem, storageProblem } from '../storage/storage-health';

const NOTE_ID = 'scratch';
const SAVE_DELAY_MS = 250;

export function ScratchNote() {
  const stored = useLiveQuery(() => db.scratchNotes.get(NOTE_ID), []);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The note another window saved while this one had unsaved text. */
  const [other, setOther] = useState<StoredNote | null>(null);
  const timer = useRef<number | undefined>(undefined);
  // Unsaved text (null: nothing unsaved) and the version of the note it was typed over.
  const latest = useRef<string | null>(null);
  const base = useRef<string | null>(null);
  const [adopted, setAdopted] = useState(false);

  useEffect(() => {
    void adoptSharedScratchNote(NOTE_ID)
      .catch((e: Error) => setError(`Could not read the earlier note: ${e.message}`))
      .finally(() => setAdopted(true));
  }, []);

  // Another window saved (or the note first loaded): follow it unless this window has unsaved text.
  useEffect(() => {
    if (stored === undefined && !adopted) return;
    if (latest.current !== null || other) return;
    base.current = noteRevision(stored);
    setDraft(null);
  }, [stored, adopted, other]);

  const save = async () => {
    window.clearTimeout(timer.current);
    const text = latest.current;
    if (text === null) return;
    try {
      const rev = crypto.randomUUID();
      const clash = await db.transaction('rw', db.scratchNotes, async () => {
        const now = await db.scratchNotes.get(NOTE_ID);
        if (noteRevision(now) !== base.current && now && now.text !== text) return now;
        await db.scratchNotes.put({ id: NOTE_ID, text, updatedAt: new Date().toISOString(), rev });
        return null;
      });
      if (clash) {
        // Not saved: the box keeps this window's text, the other's is shown beside it.
        setOther(clash);
        return;
      }
      base.current = rev;
      if (latest.current === text) latest.current = null;
      setError(null);
    } catch (e) {
      setError(`Could not save the note on this computer: ${whyNotSaved(e, 'it is saved by itself')} Your text is still in the box; copy it somewhere safe.`);
    }
  };

  // A full disk that clears (storage/storage-health.ts): the text left unsaved is saved then.
  useEffect(
    () =>
      onStorageProblem(() => {
        if (storageProblem() === null && latest.current !== null) void save();
      }),
    [],
  );

  useEffect(() => {
    const flush = () => void save();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', flush);
    };
  }, []);

  /** Keep mine: saved over the other window's version, knowingly. */
  const keepMine = () => {
    base.current = noteRevision(other ?? undefined);
    setOther(null);
    void save();
  };
  /** Take the other window's text: this window's unsaved text goes (the user chose it). */
  const takeOther = () => {
    latest.current = null;
    base.current = noteRevision(other ?? undefined);
    setOther(null);
    setDraft(null);
  };

  const value = draft ?? stored?.text ?? '';
  const pending = latest.current !== null || (draft !== null && draft !== (stored?.text ?? ''));

  return (
    <section className="card" aria-labelledby="scratch-title">
      <h2 id="scratch-title">Scratch note</h2>
      <p className="hint">Kept on this computer only; it survives restarts and works offline.</p>
      <textarea
        aria-label="Scratch note"
        value={value}
        rows={6}
        placeholder="Jot something down…"
        onChange={(event) => {
          setDraft(event.target.value);
          latest.current = event.target.value;
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => void save(), SAVE_DELAY_MS);
        }}
        onBlur={() => void save()}
      />
      {other && (
        <div className="banner warning" role="alert" data-testid="scratch-other-window">
          <p>Another window changed this note while you were typing here. Yours is in the box above and is not saved yet; the other window’s is:</p>
          <pre className="scratch-other" data-testid="scratch-other-text">
            {other.text}
          </pre>
          <button type="button" onClick={keepMine}>
            Keep mine
          </button>
          <button type="button" onClick={takeOther}>
            Use the other window’s
          </button>
        </div>
      )}
      <p className="save-state" role="status" aria-live="polite">
        {error ? <span className="error">{error}</span> : other ? 'Not saved: choose which text to keep' : pending ? 'Saving…' : stored ? `Saved locally at ${new Date(stored.updatedAt).toLocaleTimeString()}` : 'Nothing saved yet'}
      </p>
    </section>
  );
}
