/**
 * The keyboard-first entry line. Enter logs the event "now"; with a sequence and a shot point it
 * takes the shot's time instead (Dougal fills it in, even if the shot arrives later). The
 * sequence stays for the next entry; everything else clears and focus returns to the remarks.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent } from 'react';
import { REMARKS_RULES, type EventLabel } from '../../../common/bridge/event-log-contract';
import { cleanFreeText, freeTextProblem } from '../../../common/free-text';
import { logEvent } from './event-writes';
import { LabelPicker } from './LabelPicker';

/**
 * Pastes clipboard text without the controls Dougal cannot store (common/free-text.ts): when the
 * text has any (or line breaks, in a one-line box), the cleaned text goes in at the caret instead.
 * Returns whether it cleaned anything. Nothing is cut: a paste longer than allowed goes in whole
 * and the field says so.
 */
export function pasteCleanedText(event: ClipboardEvent<HTMLInputElement | HTMLTextAreaElement>, multiline: boolean, setValue: (next: string) => void): boolean {
  const text = event.clipboardData.getData('text');
  const cleaned = cleanFreeText(text, multiline);
  if (cleaned === text) return false;
  event.preventDefault();
  const box = event.currentTarget;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  setValue(box.value.slice(0, start) + cleaned + box.value.slice(end));
  return true;
}

function parseWhole(text: string, what: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!/^\d{1,9}$/.test(trimmed)) throw new Error(`${what} must be a whole number.`);
  return Number(trimmed);
}

export function EntryLine({ project, labels }: { project: string; labels: EventLabel[] }) {
  const [remarks, setRemarks] = useState('');
  const [sequence, setSequence] = useState('');
  const [point, setPoint] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [cleaned, setCleaned] = useState(false);
  const remarksRef = useRef<HTMLInputElement>(null);
  // Said at the field as soon as it is true, not only on Enter.
  const remarksProblem = freeTextProblem(remarks, REMARKS_RULES);

  // The application menu's "New event" (desktop app) lands here.
  useEffect(() => {
    const focus = () => remarksRef.current?.focus();
    window.addEventListener('corelog:new-event', focus);
    return () => window.removeEventListener('corelog:new-event', focus);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The message is already at the field; nothing is logged until it is fixed.
    if (remarksProblem) return remarksRef.current?.focus();
    try {
      const input = { sequence: parseWhole(sequence, 'Sequence'), point: parseWhole(point, 'Shot point'), remarks: remarks.trim(), labels: chosen };
      if (!input.remarks && input.labels.length === 0) throw new Error('Type remarks or pick a label first.');
      if (input.point !== null && input.sequence === null) throw new Error('A shot point needs its sequence.');
      await logEvent(project, input, labels);
      setRemarks('');
      setPoint('');
      setChosen([]);
      setError(null);
      setCleaned(false);
      remarksRef.current?.focus();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <form className="entry-line card" onSubmit={(e) => void submit(e)} aria-label="Log an event" data-testid="entry-line">
      <input
        ref={remarksRef}
        type="text"
        className="entry-remarks"
        aria-label="Remarks"
        placeholder="What happened? Enter logs it now"
        value={remarks}
        autoFocus
        aria-invalid={remarksProblem !== null}
        aria-describedby={remarksProblem ? 'entry-remarks-problem' : undefined}
        onChange={(e) => setRemarks(e.target.value)}
        onPaste={(e) => pasteCleanedText(e, false, setRemarks) && setCleaned(true)}
        onKeyDown={(e) => e.key === 'Escape' && setRemarks('')}
      />
      <input type="text" inputMode="numeric" className="entry-number" aria-label="Sequence" placeholder="seq" value={sequence} onChange={(e) => setSequence(e.target.value)} />
      <input type="text" inputMode="numeric" className="entry-number" aria-label="Shot point" placeholder="SP" value={point} onChange={(e) => setPoint(e.target.value)} />
      <LabelPicker labels={labels} value={chosen} onChange={setChosen} />
      <button type="submit" className="primary">
        Log
      </button>
      {remarksProblem && (
        <p className="error entry-error" id="entry-remarks-problem" data-testid="entry-remarks-problem" role="alert">
          {remarksProblem}
        </p>
      )}
      {cleaned && !remarksProblem && (
        <p className="muted entry-error" role="status">
          Line breaks and control characters were taken out of the pasted text.
        </p>
      )}
      {error && (
        <p className="error entry-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
