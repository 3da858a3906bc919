/**
 * The form that edits one event (all fields travel, as Dougal's PUT needs). What the user types
 * here is theirs until they save it: the form is not rebuilt when the row changes under it (an
 * earlier save settling, a pull bringing someone else's version). A field the user has not
 * touched follows the row; a field they have changed keeps their text, and if the event's own
 * value of it changed meanwhile the form says so, with the new value, and leaves the choice to them.
 */
import { useState } from 'react';
import { REMARKS_RULES, type EventFields, type EventLabel } from '../../../common/bridge/event-log-contract';
import { displayText } from '../../../common/display-text';
import { readEventTime } from '../../../common/forms/date-fields';
import { eventTimingProblem } from '../../../common/forms/event-fields';
import { sequenceField, shotPointField } from '../../../common/forms/number-fields';
import { freeTextProblem } from '../../../common/free-text';
import { pasteCleanedText } from './EntryLine';
import type { LogEvent } from './event-log-db';
import { fieldsOf } from './event-model';
import { formatEventTime, type TimeZoneChoice } from './event-time';
import { editEvent } from './event-writes';
import { LabelPicker, withTypedLabel } from './LabelPicker';

/** The form's fields as the boxes hold them. */
export interface EditValues {
  remarks: string;
  time: string;
  sequence: string;
  point: string;
  labels: string[];
}
type Field = keyof EditValues;
const FIELDS: readonly Field[] = ['remarks', 'time', 'sequence', 'point', 'labels'];
const FIELD_NAMES: Record<Field, string> = { remarks: 'remarks', time: 'time', sequence: 'sequence', point: 'shot point', labels: 'labels' };

export function editValuesOf(row: Pick<LogEvent, 'remarks' | 'tstamp' | 'sequence' | 'point' | 'labels'>, zone: TimeZoneChoice): EditValues {
  return { remarks: row.remarks, time: row.tstamp ? formatEventTime(row.tstamp, zone) : '', sequence: row.sequence?.toString() ?? '', point: row.point?.toString() ?? '', labels: row.labels };
}

function same(a: EditValues[Field], b: EditValues[Field]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameValues(a: EditValues, b: EditValues): boolean {
  return FIELDS.every((f) => same(a[f], b[f]));
}

/** What the form holds: the row as it was last seen (`base`), the boxes, and what changed under a typed field. */
export interface EditDraft {
  base: EditValues;
  draft: EditValues;
  /** The values last saved from this form: the row arriving with them is our own save, not news. */
  saved: EditValues | null;
  /** Fields the user has changed whose value in the event changed too since they started. */
  changedUnderneath: readonly Field[];
}

/**
 * The draft after the row changed to `next`: untouched fields follow it, typed ones stay as typed
 * (never thrown away); a typed field whose event value moved to something other than what this
 * form saved is named in `changedUnderneath`.
 */
export function rebaseDraft(state: EditDraft, next: EditValues): EditDraft {
  const draft = { ...state.draft } as Record<Field, EditValues[Field]>;
  const changed = new Set(state.changedUnderneath);
  for (const f of FIELDS) {
    if (same(next[f], state.base[f])) continue;
    if (same(state.draft[f], state.base[f])) draft[f] = next[f];
    else if (!same(next[f], state.draft[f]) && !(state.saved && same(next[f], state.saved[f]))) changed.add(f);
  }
  for (const f of [...changed]) if (same(draft[f]!, next[f])) changed.delete(f);
  return { ...state, base: next, draft: draft as unknown as EditValues, changedUnderneath: [...changed] };
}

export function EventEditForm({ row, zone, labels, onError }: { row: LogEvent; zone: TimeZoneChoice; labels: EventLabel[]; onError: (m: string | null) => void }) {
  const current = editValuesOf(row, zone);
  const [state, setState] = useState<EditDraft>(() => ({ base: current, draft: current, saved: null, changedUnderneath: [] }));
  // The row changed (a save settled, a pull, the time zone): fold it in during this render, so
  // the boxes never show a frame of the old state.
  if (!sameValues(state.base, current)) setState(rebaseDraft(state, current));
  const { draft } = state;
  const set = (patch: Partial<EditValues>) => setState((s) => ({ ...s, draft: { ...s.draft, ...patch } }));
  const [labelTyped, setLabelTyped] = useState('');

  const remarksProblem = freeTextProblem(draft.remarks, REMARKS_RULES);
  // Each field by the rule the bridge applies too (common/forms): `2024-02-30 10:00`, `12.7` or `abc` is said at the field.
  const timeReading = readEventTime(draft.time, zone);
  const sequenceReading = sequenceField.read(draft.sequence);
  const pointReading = shotPointField.read(draft.point);

  const save = async () => {
    if (remarksProblem) throw new Error(remarksProblem);
    // The messages are already at the fields; nothing is saved until they are fixed.
    if (!timeReading.ok || !sequenceReading.ok || !pointReading.ok) throw new Error('Fix the fields marked above; nothing was saved.');
    const chosen = withTypedLabel(labels, draft.labels, labelTyped);
    if (chosen !== draft.labels) setLabelTyped('');
    const fields: EventFields = { ...fieldsOf(row), remarks: draft.remarks, tstamp: timeReading.value, sequence: sequenceReading.value, point: pointReading.value, labels: chosen };
    const timing = eventTimingProblem(fields);
    if (timing) throw new Error(timing);
    // Saving is the user's answer to anything that changed underneath.
    const saved = { ...draft, labels: chosen };
    setState((s) => ({ ...s, draft: { ...s.draft, labels: chosen }, saved, changedUnderneath: [] }));
    await editEvent(row.key, fields, labels);
  };

  const takeCurrent = () => setState((s) => ({ ...s, draft: { ...s.draft, ...Object.fromEntries(s.changedUnderneath.map((f) => [f, s.base[f]])) }, changedUnderneath: [] }));

  return (
    <form
      className="edit-form"
      aria-label="Edit event"
      onSubmit={(e) => {
        e.preventDefault();
        void save().then(() => onError(null), (err: Error) => onError(err.message));
      }}
    >
      {state.changedUnderneath.length > 0 && (
        <div className="banner warning" role="status" data-testid="edit-changed-underneath">
          <p>
            This event changed while you were editing it:{' '}
            {state.changedUnderneath.map((f, i) => (
              <span key={f}>
                {i > 0 && '; '}
                {FIELD_NAMES[f]} is now “{describe(state.base[f])}”
              </span>
            ))}
            . Your text is kept; <strong>Save changes</strong> sends yours.
          </p>
          <button type="button" onClick={takeCurrent}>
            Use the event’s {state.changedUnderneath.length === 1 ? FIELD_NAMES[state.changedUnderneath[0]!] : 'values'} instead
          </button>
        </div>
      )}
      <label>
        Remarks
        <textarea
          value={draft.remarks}
          rows={3}
          onChange={(e) => set({ remarks: e.target.value })}
          onPaste={(e) => pasteCleanedText(e, true, (remarks) => set({ remarks }))}
          aria-label="Edit remarks"
          aria-invalid={remarksProblem !== null}
        />
      </label>
      {remarksProblem && (
        <p className="error" role="alert" data-testid="edit-remarks-problem">
          {remarksProblem}
        </p>
      )}
      <label>
        Time ({zone === 'utc' ? 'UTC' : 'local'})
        <input
          type="text"
          value={draft.time}
          onChange={(e) => set({ time: e.target.value })}
          aria-label="Edit time"
          placeholder="YYYY-MM-DD HH:MM:SS"
          aria-invalid={!timeReading.ok}
          aria-describedby={timeReading.ok ? undefined : 'edit-time-problem'}
        />
      </label>
      <FieldProblem field="edit-time" problem={timeReading.ok ? null : timeReading.problem} />
      <div className="row">
        <input
          type="text"
          inputMode="numeric"
          aria-label="Edit sequence"
          placeholder="seq"
          value={draft.sequence}
          onChange={(e) => set({ sequence: e.target.value })}
          aria-invalid={!sequenceReading.ok}
          aria-describedby={sequenceReading.ok ? undefined : 'edit-sequence-problem'}
        />
        <input
          type="text"
          inputMode="numeric"
          aria-label="Edit shot point"
          placeholder="SP"
          value={draft.point}
          onChange={(e) => set({ point: e.target.value })}
          aria-invalid={!pointReading.ok}
          aria-describedby={pointReading.ok ? undefined : 'edit-point-problem'}
        />
      </div>
      <FieldProblem field="edit-sequence" problem={sequenceReading.ok ? null : sequenceReading.problem} />
      <FieldProblem field="edit-point" problem={pointReading.ok ? null : pointReading.problem} />
      <LabelPicker labels={labels} value={draft.labels} onChange={(next) => set({ labels: next })} label="Edit labels" typed={labelTyped} onTypedChange={setLabelTyped} />
      <div className="row">
        <button type="submit" className="primary">
          Save changes
        </button>
      </div>
    </form>
  );
}

function describe(value: EditValues[Field]): string {
  const text = typeof value === 'string' ? value : value.join(', ');
  // Cut at a whole character (never half an emoji) and shown by the one display rule.
  return text === '' ? '(empty)' : displayText(text, { maxCharacters: 80, cutMark: 'ellipsis' });
}

/** A field's problem, said under it; `${field}-problem` is what the field's aria-describedby names. */
function FieldProblem({ field, problem }: { field: string; problem: string | null }) {
  if (!problem) return null;
  return (
    <p className="error" id={`${field}-problem`} role="alert" data-testid={`${field}-problem`}>
      {problem}
    </p>
  );
}
