/**
 * A free-text note kept on this computer only. Each change is written to IndexedDB within a
 * quarter of a second (and at once when the field loses focus or the page is hidden), so a crash
 * or a reload loses at most the last keystrokes.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import { db } from '../db/corelog-db';

const NOTE_ID = 'scratch';
const SAVE_DELAY_MS = 250;

export function ScratchNote() {
  const stored = useLiveQuery(() => db.scratchNotes.get(NOTE_ID), []);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef<string | null>(null);

  const save = async () => {
    window.clearTimeout(timer.current);
    const text = latest.current;
    if (text === null) return;
    try {
      await db.scratchNotes.put({ id: NOTE_ID, text, updatedAt: new Date().toISOString() });
      if (latest.current === text) latest.current = null;
      setError(null);
    } catch (e) {
      setError(`Could not save the note on this computer: ${(e as Error).message}. Your text is still in the box; copy it somewhere safe.`);
    }
  };

  useEffect(() => {
    const flush = () => void save();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', flush);
    };
  }, []);

  const value = draft ?? stored?.text ?? '';
  const pending = draft !== null && draft !== (stored?.text ?? '');

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
      <p className="save-state" role="status" aria-live="polite">
        {error ? <span className="error">{error}</span> : pending ? 'Saving…' : stored ? `Saved locally at ${new Date(stored.updatedAt).toLocaleTimeString()}` : 'Nothing saved yet'}
      </p>
    </section>
  );
}
