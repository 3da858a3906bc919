/**
 * The keyboard-first entry line. Enter logs the event "now"; with a sequence and a shot point it
 * takes the shot's time instead (Dougal fills it in, even if the shot arrives later). The
 * sequence stays for the next entry; everything else clears and focus returns to the remarks.
 * Sequence and shot point are read by the field rules the bridge uses too (common/forms): `12.7`
 * or `abc` is said at the field as it is typed, and nothing is logged until it is fixed.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent } from 'react';
import { REMARKS_RULES, type EventLabel } from '../../../common/bridge/event-log-contract';
import { eventTimingProblem } from '../../../common/forms/event-fields';
import { sequenceField, shotPointField } from '../../../common/forms/number-fields';
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

export function EntryLine({ project, labels }: { project: string; labels: EventLabel[] }) {
  const [remarks, setRemarks] = useState('');
  const [sequence, setSequence] = useState('');
  const [point, setPoint] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [cleaned, setCleaned] = useState(false);
  const remarksRef = useRef<HTMLInputElement>(null);
  const sequenceRef = useRef<HTMLInputElement>(null);
  const pointRef = useRef<HTMLInputElement>(null);
  // Said at the field as soon as it is true, not only on Enter.
  const remarksProblem = freeTextProblem(remarks, REMARKS_RULES);
  const sequenceReading = sequenceField.read(sequence);
  const pointReading = shotPointField.read(point);

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
    if (!sequenceReading.ok) return sequenceRef.current?.focus();
    if (!pointReading.ok) return pointRef.current?.focus();
    try {
      const input = { sequence: sequenceReading.value, point: pointReading.value, remarks: remarks.trim(), labels: chosen };
      if (!input.remarks && input.labels.length === 0) throw new Error('Type remarks or pick a label first.');
      // Logged "now" unless sequence and shot point say when: the rule the bridge applies to a new event.
      const timing = eventTimingProblem({ tstamp: input.sequence !== null && input.point !== null ? null : new Date().toISOString(), sequence: input.sequence, point: input.point });
      if (timing) throw new Error(timing);
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
      <input
        ref={sequenceRef}
        type="text"
        inputMode="numeric"
        className="entry-number"
        aria-label="Sequence"
        placeholder="seq"
        value={sequence}
        aria-invalid={!sequenceReading.ok}
        aria-describedby={sequenceReading.ok ? undefined : 'entry-sequence-problem'}
        onChange={(e) => setSequence(e.target.value)}
      />
      <input
        ref={pointRef}
        type="text"
        inputMode="numeric"
        className="entry-number"
        aria-label="Shot point"
        placeholder="SP"
        value={point}
        aria-invalid={!pointReading.ok}
        aria-describedby={pointReading.ok ? undefined : 'entry-point-problem'}
        onChange={(e) => setPoint(e.target.value)}
      />
      <LabelPicker labels={labels} value={chosen} onChange={setChosen} />
      <button type="submit" className="primary">
        Log
      </button>
      {remarksProblem && (
        <p className="error entry-error" id="entry-remarks-problem" data-testid="entry-remarks-problem" role="alert">
          {remarksProblem}
        </p>
      )}
      {!sequenceReading.ok && (
        <p className="error entry-error" id="entry-sequence-problem" data-testid="entry-sequence-problem" role="alert">
          {sequenceReading.problem}
        </p>
      )}
      {!pointReading.ok && (
        <p className="error entry-error" id="entry-point-problem" data-testid="entry-point-problem" role="alert">
          {pointReading.problem}
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
