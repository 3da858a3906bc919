/**
 * The keyboard-first entry line. Enter logs the event "now"; with a sequence and a shot point it
 * takes the shot's time instead (Dougal fills it in, even if the shot arrives later). A time typed
 * in the Time box (`12:34`, `-2m`, a full date: event-time.ts) is the event's time in every case;
 * one in the future or more than a day back is asked about once before it is logged. The
 * sequence stays for the next entry; everything else clears (the time goes back to "now") and
 * focus returns to the remarks. Sequence and shot point are read by the field rules the bridge
 * uses too (common/forms): `12.7` or `abc` is said at the field as it is typed, and nothing is
 * logged until it is fixed.
 *
 * The template bar sits above it (templates/): a template logs through the same steps, with the
 * Time box's time (always a time: "now" is the moment of the key press) and, when it asks for
 * them, the sequence in the Sequence box or else the one being acquired.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent } from 'react';
import { REMARKS_RULES, type EventLabel, type SequenceSummary } from '../../../common/bridge/event-log-contract';
import { eventTimingProblem } from '../../../common/forms/event-fields';
import { sequenceField, shotPointField } from '../../../common/forms/number-fields';
import { cleanFreeText, freeTextProblem } from '../../../common/free-text';
import { formatRelative, type TimeZoneChoice } from '../app/time-format';
import { whyNotSaved } from '../storage/local-write-failure';
import { reportLocalWriteFailure, reportLocalWritesWork } from '../storage/storage-health';
import { useAppSettings } from '../settings/app-settings-store';
import { entryTimeLabel, readEntryTime, type EntryTime } from './event-time';
import { logEvent, type NewEventInput } from './event-writes';
import { LabelPicker, withTypedLabel } from './LabelPicker';
import { PlaceholderPrompt } from './templates/PlaceholderPrompt';
import { KEYS_OFF_ATTRIBUTE, placeholdersOf, sequenceBeingAcquired, templatePlace, templateTitle } from './templates/template-model';
import { TemplateBar } from './templates/TemplateBar';
import type { TemplateRow } from './templates/templates-db';

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

/** The time the Time box says, in UTC and (with local display on) local time beside it; "now" ticks. */
function EntryTimeShown({ reading, zone }: { reading: EntryTime; zone: TimeZoneChoice }) {
  const [now, setNow] = useState(() => Date.now());
  const ticking = reading.ok && reading.iso === null;
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  if (!reading.ok) return null;
  const iso = reading.iso ?? new Date(now).toISOString();
  const shown = entryTimeLabel(iso, zone);
  return (
    <span className={`entry-time-shown${reading.check ? ' warning' : ''}`} data-testid="entry-time-shown" aria-live="off">
      {reading.iso === null ? 'now ' : ''}
      <time dateTime={iso}>{shown.utc}</time>
      {shown.local && <span className="muted"> · {shown.local}</span>}
      {reading.iso !== null && <span className="muted"> · {formatRelative(reading.iso)}</span>}
    </span>
  );
}

/** An event ready to be logged, and what to do once it is. */
interface Prepared {
  input: NewEventInput;
  /** Set when the typed time is far off: the user is asked once. */
  check: string | null;
  /** A template's title: the entry line's own fields are left as they are. */
  template: string | null;
  returnTo: HTMLElement | null;
  /** What the entry line's boxes held when it was prepared: exactly this is emptied as it is logged. */
  typed: TypedEntry | null;
  /** The Time box's text it was read from (used once: cleared after logging, unless retyped meanwhile). */
  typedTime: string;
  /** A template's placeholder values: the prompt comes back with them if the event is not logged. */
  prompted: OpenPrompt | null;
}

/** A placeholder prompt on screen; `typed` and `problem` when it came back after a failed write. */
interface OpenPrompt {
  template: TemplateRow;
  returnTo: HTMLElement | null;
  typed?: ReadonlyMap<string, string>;
  problem?: string;
}

/** The entry line's boxes that a logged event empties (the sequence stays for the next entry). */
interface TypedEntry {
  remarks: string;
  point: string;
  chosen: string[];
}

export function EntryLine({ project, labels, sequences = [] }: { project: string; labels: EventLabel[]; sequences?: SequenceSummary[] }) {
  const [remarks, setRemarks] = useState('');
  const [sequence, setSequence] = useState('');
  const [point, setPoint] = useState('');
  const [time, setTime] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [labelTyped, setLabelTyped] = useState('');
  const [cleaned, setCleaned] = useState(false);
  const [prompt, setPrompt] = useState<OpenPrompt | null>(null);
  const promptOpen = useRef(prompt);
  promptOpen.current = prompt;
  const [confirm, setConfirm] = useState<Prepared | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const zone = useAppSettings().timeZone;
  const remarksRef = useRef<HTMLInputElement>(null);
  const timeRef = useRef<HTMLInputElement>(null);
  const sequenceRef = useRef<HTMLInputElement>(null);
  const pointRef = useRef<HTMLInputElement>(null);
  // Said at the field as soon as it is true, not only on Enter.
  const remarksProblem = freeTextProblem(remarks, REMARKS_RULES);
  const sequenceReading = sequenceField.read(sequence);
  const pointReading = shotPointField.read(point);
  const timeReading = readEntryTime(time);

  // The application menu's "New event" (desktop app) lands here.
  useEffect(() => {
    const focus = () => remarksRef.current?.focus();
    window.addEventListener('corelog:new-event', focus);
    return () => window.removeEventListener('corelog:new-event', focus);
  }, []);

  /** Focus back where the user was (a template key may be pressed from any field), else the remarks. */
  /**
   * Puts the cursor back after a logged event, unless the user has moved on meanwhile: a write can
   * take a moment on a busy machine, and taking the focus from the box being typed in then sends
   * the rest of the typing (the next shot point) into the remarks.
   */
  const refocus = (to: HTMLElement | null, focusedAtStart: Element | null) => {
    const now = document.activeElement;
    if (now && now !== document.body && now !== focusedAtStart) return;
    if (to && to !== document.body && to.isConnected) to.focus();
    else remarksRef.current?.focus();
  };

  /**
   * Puts the Time box's time on `base`, or null when the box cannot be read (its message is at
   * the field). `alwaysTimed`: "now" becomes this moment even with a sequence and shot point.
   */
  const timed = (base: Omit<NewEventInput, 'tstamp'>, alwaysTimed: boolean): { input: NewEventInput; check: string | null } | null => {
    const reading = readEntryTime(time);
    if (!reading.ok) {
      timeRef.current?.focus();
      return null;
    }
    const tstamp = reading.iso ?? (alwaysTimed ? new Date().toISOString() : undefined);
    const input: NewEventInput = tstamp ? { ...base, tstamp } : base;
    // Logged "now" unless sequence and shot point say when: the rule the bridge applies to a new event.
    const timing = eventTimingProblem({ tstamp: input.tstamp ?? (input.sequence !== null && input.point !== null ? null : new Date().toISOString()), sequence: input.sequence, point: input.point });
    if (timing) throw new Error(timing);
    return { input, check: reading.check };
  };

  // Each prepared event is logged at most once: a held Enter on "Log it", a second click, a
  // re-render with the same confirm all come back here with the same object.
  const started = useRef(new WeakSet<Prepared>());
  // The entry line's event on its way to IndexedDB. Its boxes are emptied as the write starts, so
  // what is typed from then on goes into empty boxes and is the next event; an Enter meanwhile on
  // the same entry (a double press before the boxes re-render, or on the emptied boxes) must not
  // log it twice, while a new entry's Enter is logged too (never swallowed).
  const entryInFlight = useRef<TypedEntry | null>(null);

  /** Empties the boxes that still hold what `typed` says (text typed since is the next event's, and stays). */
  const clearTyped = (typed: TypedEntry) => {
    setRemarks((r) => (r === typed.remarks ? '' : r));
    setPoint((p) => (p === typed.point ? '' : p));
    setChosen((c) => (c === typed.chosen ? [] : c));
  };
  /** After a failed write: the text goes back where the user has not typed anything new since. */
  const restoreTyped = (typed: TypedEntry) => {
    setRemarks((r) => (r === '' ? typed.remarks : r));
    setPoint((p) => (p === '' ? typed.point : p));
    setChosen((c) => (c.length === 0 ? typed.chosen : c));
  };

  const log = async (prepared: Prepared) => {
    if (started.current.has(prepared)) return;
    started.current.add(prepared);
    setConfirm(null);
    const { typed } = prepared;
    const focusedAtStart = document.activeElement;
    if (typed) {
      entryInFlight.current = typed;
      // Emptied before the write, not after it: emptying after would either wipe what was typed
      // meanwhile or leave the logged text in front of it, to be logged again with the next Enter.
      clearTyped(typed);
      setCleaned(false);
      setNotice(null);
    }
    try {
      const row = await logEvent(project, prepared.input, labels);
      reportLocalWritesWork();
      if (prepared.template !== null) {
        const where = row.sequence !== null ? ` · sequence ${row.sequence}${row.point !== null ? ` SP ${row.point}` : ''}` : '';
        setNotice(`Logged “${row.remarks || row.labels.join(', ')}” (${prepared.template}) at ${entryTimeLabel(row.tstamp!, 'utc').utc}${where}`);
      }
      // A typed time is used once: the next event is "now" again (unless a new time was typed meanwhile).
      setTime((t) => (t === prepared.typedTime ? '' : t));
      setError(null);
      refocus(prepared.template === null ? null : prepared.returnTo, focusedAtStart);
    } catch (e) {
      if (typed) restoreTyped(typed);
      // Named in the message too, in case new text was typed into the box meanwhile.
      const what = prepared.input.remarks || prepared.input.labels.join(', ');
      reportLocalWriteFailure(e);
      const { prompted } = prepared;
      if (prompted && promptOpen.current === null) {
        // The placeholder values come back in their prompt, not lost with it: Enter logs it again.
        setPrompt({ ...prompted, problem: `“${what}” was not logged: ${whyNotSaved(e, 'press Enter again')}` });
        return;
      }
      // A template's event is logged again with its key or button; the entry line's with Enter.
      setError(`“${what}” was not logged: ${whyNotSaved(e, prepared.template === null ? 'press Enter again' : 'log it again')}`);
    } finally {
      if (typed && entryInFlight.current === typed) entryInFlight.current = null;
    }
  };

  const proceed = (prepared: Prepared) => {
    if (prepared.check) setConfirm(prepared);
    else void log(prepared);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The entry being written is entered again (a double press, a second click): it is logged once.
    // Its boxes read either as they were (before the emptying re-renders) or empty.
    const writing = entryInFlight.current;
    const again = writing !== null && remarks === writing.remarks && point === writing.point && chosen === writing.chosen;
    const emptied = writing !== null && remarks.trim() === '' && chosen.length === 0;
    if (again || emptied) return;
    // The message is already at the field; nothing is logged until it is fixed.
    if (remarksProblem) return remarksRef.current?.focus();
    if (!sequenceReading.ok) return sequenceRef.current?.focus();
    if (!pointReading.ok) return pointRef.current?.focus();
    try {
      const chosenNow = withTypedLabel(labels, chosen, labelTyped);
      if (chosenNow !== chosen) {
        // The label typed in full goes with this event, and into its chip (the same array, so the boxes empty as usual).
        setChosen(chosenNow);
        setLabelTyped('');
      }
      const base = { sequence: sequenceReading.value, point: pointReading.value, remarks: remarks.trim(), labels: chosenNow };
      if (!base.remarks && base.labels.length === 0) throw new Error('Type remarks or pick a label first.');
      const ready = timed(base, false);
      if (ready) proceed({ ...ready, template: null, returnTo: null, typed: { remarks, point, chosen: chosenNow }, typedTime: time, prompted: null });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  /** Where a template's event sits: the Sequence / Shot point boxes first, else the sequence being acquired. */
  const placeOf = (template: TemplateRow): { sequence: number | null; point: number | null } => {
    if (template.position === 'none') return { sequence: null, point: null };
    if (!sequenceReading.ok) throw new Error(`Fix the sequence first: ${sequenceReading.problem}`);
    if (!pointReading.ok) throw new Error(`Fix the shot point first: ${pointReading.problem}`);
    return templatePlace(template.position, { sequence: sequenceReading.value, point: pointReading.value }, sequenceBeingAcquired(sequences));
  };

  const logTemplate = (template: TemplateRow, filledRemarks: string, returnTo: HTMLElement | null, typedValues?: ReadonlyMap<string, string>) => {
    setPrompt(null);
    try {
      const tooLong = freeTextProblem(filledRemarks, REMARKS_RULES);
      if (tooLong) throw new Error(tooLong);
      const ready = timed({ ...placeOf(template), remarks: filledRemarks, labels: [...template.labels] }, true);
      const prompted = typedValues ? { template, returnTo, typed: typedValues } : null;
      if (ready) proceed({ ...ready, template: templateTitle(template), returnTo, typed: null, typedTime: time, prompted });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const fire = (template: TemplateRow) => {
    // Focus goes back where the user was; after a click on a template button, to the remarks.
    const active = document.activeElement instanceof HTMLElement && !document.activeElement.closest('.template-bar') ? document.activeElement : null;
    // A second key while a prompt is open is ignored (the prompt has the keys off); a click replaces it.
    const returnTo = prompt?.returnTo ?? active;
    setNotice(null);
    // A Time box that cannot be read is fixed first, before any placeholder is asked for.
    if (!readEntryTime(time).ok) return timeRef.current?.focus();
    if (placeholdersOf(template.remarks).length) setPrompt({ template, returnTo });
    else logTemplate(template, template.remarks, returnTo);
  };

  return (
    <div className="entry-area">
      <TemplateBar project={project} labels={labels} onFire={fire} />
      {prompt && (
        <PlaceholderPrompt
          key={prompt.template.id}
          template={prompt.template}
          typed={prompt.typed}
          problem={prompt.problem}
          onDone={(filled, typed) => logTemplate(prompt.template, filled, prompt.returnTo, typed)}
          onCancel={() => {
            setPrompt(null);
            refocus(prompt.returnTo, document.activeElement);
          }}
        />
      )}
      {confirm && (
        <div className="entry-confirm banner warning" role="alertdialog" aria-label="Check the time" data-testid="entry-time-check" {...{ [KEYS_OFF_ATTRIBUTE]: '' }}>
          <span>
            {confirm.check} Log {confirm.template ? `“${confirm.template}”` : 'it'} at that time?
          </span>
          <button type="button" className="primary" autoFocus onClick={() => void log(confirm)}>
            Log it
          </button>
          <button
            type="button"
            onClick={() => {
              setConfirm(null);
              timeRef.current?.focus();
            }}
            onKeyDown={(e) => e.key === 'Escape' && setConfirm(null)}
          >
            Change the time
          </button>
        </div>
      )}
      <form
        className="entry-line card"
        onSubmit={submit}
        // A held Enter repeats: the first press logs, the repeats must not (they would log the
        // next text typed, or an empty line's error). Any key that Enter activates is covered.
        onKeyDown={(e) => e.key === 'Enter' && e.repeat && e.preventDefault()}
        aria-label="Log an event"
        data-testid="entry-line"
      >
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
          ref={timeRef}
          type="text"
          className="entry-time"
          aria-label="Time (UTC)"
          placeholder="now"
          title="now, 12:34 or 12:34:56 (UTC), -2m, -90s, -1h, or a date and time"
          value={time}
          aria-invalid={!timeReading.ok}
          aria-describedby={timeReading.ok ? undefined : 'entry-time-problem'}
          onChange={(e) => {
            setTime(e.target.value);
            setConfirm(null);
          }}
          onKeyDown={(e) => e.key === 'Escape' && setTime('')}
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
        <LabelPicker labels={labels} value={chosen} onChange={setChosen} typed={labelTyped} onTypedChange={setLabelTyped} />
        <button type="submit" className="primary">
          Log
        </button>
        <EntryTimeShown reading={timeReading} zone={zone} />
        {remarksProblem && (
          <p className="error entry-error" id="entry-remarks-problem" data-testid="entry-remarks-problem" role="alert">
            {remarksProblem}
          </p>
        )}
        {!timeReading.ok && (
          <p className="error entry-error" id="entry-time-problem" data-testid="entry-time-problem" role="alert">
            {timeReading.problem}
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
        {notice && (
          <p className="muted entry-error" role="status" data-testid="template-logged">
            {notice}
          </p>
        )}
        {error && (
          <p className="error entry-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
