/**
 * The plan: planned sequences as Dougal has them with this computer's queued changes on top (each
 * marked until Dougal has it), a form to add or change one (number, line, shot points, times, name,
 * remarks) and the changes Dougal refused. Works offline: everything is queued in the event log's
 * outbox and sent in order.
 */
import { useState } from 'react';
import { readEventTime } from '../../../../common/forms/date-fields';
import { sequenceField, shotPointField } from '../../../../common/forms/number-fields';
import { freeTextProblem } from '../../../../common/free-text';
import { PLAN_NAME_RULES, SURVEY_REMARKS_RULES, type PlanFields } from '../../../../common/bridge/survey-contract';
import { formatEventTime, type TimeZoneChoice } from '../event-time';
import { CELL_CHARACTERS, ShownText } from '../../ui/ShownText';
import { planWithChanges, rowState, sequencesWithChanges, type PlanRow } from './survey-change';
import { RefusedChanges } from './RefusedChanges';
import { useSurvey, useSurveyRefresh } from './use-survey';
import { addPlannedSequence, editPlannedSequence, removePlannedSequence } from './survey-writes';

/** Seconds between shots when Dougal's summary gives no shooting rate (a typical 25 m at 4.6 kn). */
const DEFAULT_SHOT_SECONDS = 10.8;

interface FormText {
  sequence: string;
  line: string;
  fsp: string;
  lsp: string;
  ts0: string;
  ts1: string;
  name: string;
  remarks: string;
}

function StateBadge({ items }: { items: PlanRow['items'] }) {
  const state = rowState(items);
  if (!state) return null;
  return <span className={`badge badge-${state}`}>{state === 'failed' ? 'refused' : 'not yet on Dougal'}</span>;
}

export interface PlanFormProps {
  zone: TimeZoneChoice;
  /** The row being changed; null to add one. */
  editing: PlanRow | null;
  initial: FormText;
  takenNumbers: Set<number>;
  lines: Map<number, { fsp: number | null; lsp: number | null }>;
  shotSeconds: number;
  onSave: (sequence: number, fields: PlanFields) => Promise<void>;
  onCancel: () => void;
}

function PlanForm({ zone, editing, initial, takenNumbers, lines, shotSeconds, onSave, onCancel }: PlanFormProps) {
  const [text, setText] = useState<FormText>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (key: keyof FormText) => (e: { target: { value: string } }) => setText((t) => ({ ...t, [key]: e.target.value }));

  const read = (): { sequence: number; fields: PlanFields } | string => {
    const number = sequenceField.read(text.sequence);
    if (!number.ok) return number.problem;
    if (number.value === null || number.value < 1) return 'Give the planned sequence a number (1 or more).';
    if (number.value !== editing?.sequence && takenNumbers.has(number.value)) return `Sequence ${number.value} is already in the plan or acquired: choose another number.`;
    const line = sequenceField.read(text.line);
    if (!line.ok || line.value === null || line.value < 1) return 'Line: give a preplot line number.';
    const preplot = lines.get(line.value);
    if (lines.size > 0 && !preplot) return `Line ${line.value} is not a preplot line of this project.`;
    const fsp = shotPointField.read(text.fsp);
    const lsp = shotPointField.read(text.lsp);
    if (!fsp.ok) return `First ${fsp.problem.charAt(0).toLowerCase()}${fsp.problem.slice(1)}`;
    if (!lsp.ok) return `Last ${lsp.problem.charAt(0).toLowerCase()}${lsp.problem.slice(1)}`;
    const first = fsp.value ?? preplot?.fsp ?? null;
    const last = lsp.value ?? preplot?.lsp ?? null;
    if (first === null || last === null) return 'Give the first and last shot points.';
    if (preplot && preplot.fsp !== null && preplot.lsp !== null) {
      const [lo, hi] = [Math.min(preplot.fsp, preplot.lsp), Math.max(preplot.fsp, preplot.lsp)];
      for (const p of [first, last]) if (p < lo || p > hi) return `Shot point ${p} is not on line ${line.value} (${lo}–${hi}).`;
    }
    // A time left as shown keeps Dougal's own value (the form shows whole seconds; Dougal may keep more).
    const asShown = (key: 'ts0' | 'ts1') => (editing && text[key] === initial[key] && editing[key] ? { ok: true as const, value: editing[key] } : null);
    const start = asShown('ts0') ?? readEventTime(text.ts0, zone, 'Planned start');
    if (!start.ok) return start.problem;
    if (start.value === null) return 'Give the planned start.';
    const end = asShown('ts1') ?? readEventTime(text.ts1, zone, 'Planned end');
    if (!end.ok) return end.problem;
    // Left empty: the line's length at the project's shooting rate.
    const ts1 = end.value ?? new Date(Date.parse(start.value) + (Math.abs(last - first) + 1) * shotSeconds * 1000).toISOString();
    if (Date.parse(ts1) < Date.parse(start.value)) return 'The planned end is before the planned start.';
    const name = text.name.trim();
    const nameProblem = freeTextProblem(name, PLAN_NAME_RULES) ?? freeTextProblem(text.remarks, SURVEY_REMARKS_RULES);
    if (nameProblem) return nameProblem;
    return { sequence: number.value, fields: { line: line.value, fsp: first, lsp: last, ts0: start.value, ts1, name, remarks: text.remarks } };
  };

  const save = async () => {
    const reading = read();
    if (typeof reading === 'string') return setProblem(reading);
    setProblem(null);
    try {
      await onSave(reading.sequence, reading.fields);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <form
      className="card"
      aria-label={editing ? `Change planned sequence ${editing.sequence}` : 'Add a planned sequence'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3>{editing ? `Planned sequence ${editing.sequence}` : 'New planned sequence'}</h3>
      <div className="row">
        <label>
          Number <input className="entry-number" inputMode="numeric" value={text.sequence} onChange={set('sequence')} autoFocus />
        </label>
        <label>
          Line{' '}
          <input className="entry-number" inputMode="numeric" value={text.line} onChange={set('line')} disabled={editing !== null} title={editing ? 'Dougal never moves a planned sequence to another line: remove it and add a new one.' : undefined} />
        </label>
        <label>
          First SP <input className="entry-number" inputMode="numeric" value={text.fsp} onChange={set('fsp')} placeholder="line's first" />
        </label>
        <label>
          Last SP <input className="entry-number" inputMode="numeric" value={text.lsp} onChange={set('lsp')} placeholder="line's last" />
        </label>
      </div>
      <div className="row">
        <label>
          Planned start ({zone === 'utc' ? 'UTC' : 'local'}) <input value={text.ts0} onChange={set('ts0')} placeholder="YYYY-MM-DD HH:MM" />
        </label>
        <label>
          Planned end <input value={text.ts1} onChange={set('ts1')} placeholder="empty: from the shooting rate" />
        </label>
        <label>
          Name <input value={text.name} onChange={set('name')} />
        </label>
      </div>
      <label style={{ display: 'block' }}>
        Remarks <textarea rows={2} value={text.remarks} onChange={set('remarks')} />
      </label>
      <div className="row">
        <button type="submit" className="primary">
          {editing ? 'Save change' : 'Add to plan'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {problem && (
          <span className="error" role="alert" data-testid="plan-form-problem">
            {problem}
          </span>
        )}
      </div>
    </form>
  );
}

export function PlanPanel({ project, zone, canWrite }: { project: string; zone: TimeZoneChoice; canWrite: boolean }) {
  const { row, planItems, sequenceItems, loaded } = useSurvey(project);
  const { refresh, busy, problem } = useSurveyRefresh(project);
  const [form, setForm] = useState<{ editing: PlanRow | null; initial: FormText } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  if (!loaded) return null;
  const { rows, unplaced } = planWithChanges(row?.plan ?? [], planItems);
  const sequences = sequencesWithChanges(row?.sequences ?? [], sequenceItems);
  const taken = new Set([...rows.filter((r) => !r.removed).map((r) => r.sequence), ...sequences.map((s) => s.sequence)]);
  const lines = new Map((row?.lines ?? []).map((l) => [l.line, { fsp: l.fsp, lsp: l.lsp }]));
  const shotSeconds = row?.counts?.shootingRate ?? DEFAULT_SHOT_SECONDS;
  const time = (iso: string) => (iso ? formatEventTime(iso, zone) : '');

  const startAdd = () => {
    const last = rows.filter((r) => !r.removed).at(-1);
    const start = last?.ts1 ? new Date(Date.parse(last.ts1) + 2 * 3_600_000) : new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    setForm({ editing: null, initial: { sequence: String(Math.max(0, ...taken) + 1), line: '', fsp: '', lsp: '', ts0: time(start.toISOString()), ts1: '', name: '', remarks: '' } });
  };
  const startEdit = (r: PlanRow) =>
    setForm({ editing: r, initial: { sequence: String(r.sequence), line: String(r.line), fsp: String(r.fsp), lsp: String(r.lsp), ts0: time(r.ts0), ts1: time(r.ts1), name: r.name, remarks: r.remarks } });
  const save = async (sequence: number, fields: PlanFields) => {
    if (form?.editing) await editPlannedSequence(project, form.editing, sequence, fields);
    else await addPlannedSequence(project, sequence, fields);
    setForm(null);
  };

  return (
    <section className="card" aria-label="Plan" data-testid="plan-panel">
      <div className="row">
        <h2>Plan</h2>
        {canWrite && (
          <button type="button" onClick={startAdd} disabled={form !== null}>
            Add planned sequence
          </button>
        )}
        <button type="button" onClick={refresh} disabled={busy} title="Read the plan from Dougal now">
          {busy ? 'Reading…' : 'Refresh'}
        </button>
        <span className="muted">{row ? `Read from Dougal ${formatEventTime(row.fetchedAt, zone)}.` : 'Not read from Dougal yet: it is read the first time Dougal is reachable.'}</span>
      </div>
      {problem && <p className="error">{problem}</p>}
      {row?.unavailable.includes('plan') && <p className="banner warning">{row.notes.find((n) => n.startsWith('The plan')) ?? 'Dougal could not give the plan.'}</p>}
      <RefusedChanges items={planItems} canWrite={canWrite} />
      {unplaced.length > 0 && (
        <p className="banner warning" data-testid="plan-unplaced">
          {unplaced.length === 1 ? 'A queued change' : `${unplaced.length} queued changes`} no longer find their planned sequence here ({unplaced.map((i) => i.label).join('; ')}): Dougal will say
          what became of it.
        </p>
      )}
      {form && (
        <PlanForm
          key={form.editing?.sequence ?? 'new'}
          zone={zone}
          editing={form.editing}
          initial={form.initial}
          takenNumbers={taken}
          lines={lines}
          shotSeconds={shotSeconds}
          onSave={save}
          onCancel={() => setForm(null)}
        />
      )}
      <table className="plain-table" data-testid="plan">
        <thead>
          <tr>
            <th>Seq</th>
            <th>Line</th>
            <th>Name</th>
            <th>SP range</th>
            <th>Points</th>
            <th>Planned start</th>
            <th>Planned end</th>
            <th>Remarks</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.server?.sequence ?? 'new'}-${r.items[0]?.seq ?? ''}-${i}`} data-testid={`plan-row-${r.sequence}`}>
              <td>{r.removed ? <s>{r.sequence}</s> : r.sequence}</td>
              <td>{r.line}</td>
              <td>
                <ShownText text={r.name} max={CELL_CHARACTERS} />
              </td>
              <td>
                {r.fsp}–{r.lsp}
              </td>
              <td>{r.numPoints ?? ''}</td>
              <td className="mono">{time(r.ts0)}</td>
              <td className="mono">{time(r.ts1)}</td>
              <td>
                <ShownText text={r.remarks} max={CELL_CHARACTERS} />
              </td>
              <td>
                <StateBadge items={r.items} /> {r.removed && <span className="badge">removing</span>} {r.clash && <span className="badge badge-failed">number taken</span>}{' '}
                {canWrite && !r.removed && (
                  <>
                    <button type="button" className="link" onClick={() => startEdit(r)} aria-label={`Change planned sequence ${r.sequence}`} disabled={form !== null}>
                      Change
                    </button>{' '}
                    {/* Two steps: once Dougal has the removal, only adding it again brings an entry back. */}
                    {confirming === i ? (
                      <button
                        type="button"
                        className="link"
                        autoFocus
                        onBlur={() => setConfirming(null)}
                        onClick={() => {
                          setConfirming(null);
                          void removePlannedSequence(project, r);
                        }}
                        aria-label={`Confirm removal of planned sequence ${r.sequence}`}
                      >
                        Remove {r.sequence}?
                      </button>
                    ) : (
                      <button type="button" className="link" onClick={() => setConfirming(i)} aria-label={`Remove planned sequence ${r.sequence}`}>
                        Remove
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted">Nothing planned.</p>}
    </section>
  );
}
