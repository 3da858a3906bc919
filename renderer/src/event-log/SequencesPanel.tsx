/**
 * Acquired sequences, with their status, how many events each has in the log, and their remarks
 * (raw, and final where Dougal has processed data), editable offline: a change is queued in the
 * event log's outbox and marked until Dougal has it. The plan has its own view (survey/PlanPanel).
 */
import { useState } from 'react';
import { freeTextProblem } from '../../../common/free-text';
import { SURVEY_REMARKS_RULES } from '../../../common/bridge/survey-contract';
import { CELL_CHARACTERS, ShownText } from '../ui/ShownText';
import type { ReferenceRow } from './event-log-db';
import { formatEventTime, type TimeZoneChoice } from './event-time';
import { RefusedChanges } from './survey/RefusedChanges';
import { rowState, sequencesWithChanges, type SequenceRow } from './survey/survey-change';
import { useSurvey } from './survey/use-survey';
import { editSequenceRemarks } from './survey/survey-writes';

function RemarksForm({ project, row, onDone }: { project: string; row: SequenceRow; onDone: () => void }) {
  const [remarks, setRemarks] = useState(row.remarks);
  const [remarksFinal, setRemarksFinal] = useState(row.remarksFinal);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async () => {
    const bad = freeTextProblem(remarks, SURVEY_REMARKS_RULES) ?? freeTextProblem(remarksFinal, { ...SURVEY_REMARKS_RULES, label: 'Final remarks' });
    if (bad) return setProblem(bad);
    try {
      await editSequenceRemarks(project, row, { remarks, remarksFinal });
      onDone();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form
      aria-label={`Remarks of sequence ${row.sequence}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
        if (e.key === 'Enter' && e.ctrlKey) void save();
      }}
    >
      <label style={{ display: 'block' }}>
        Remarks <textarea rows={2} value={remarks} onChange={(e) => setRemarks(e.target.value)} autoFocus />
      </label>
      <label style={{ display: 'block' }} title={row.hasFinal ? undefined : 'Dougal keeps final remarks only once the sequence has processed data.'}>
        Final remarks <textarea rows={2} value={remarksFinal} onChange={(e) => setRemarksFinal(e.target.value)} disabled={!row.hasFinal} />
      </label>
      <div className="row">
        <button type="submit" className="primary">
          Save remarks
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )}
      </div>
    </form>
  );
}

export function SequencesPanel({
  project,
  reference,
  counts,
  zone,
  canWrite,
  onPick,
}: {
  project: string;
  reference: ReferenceRow | undefined;
  counts: Map<number, number>;
  zone: TimeZoneChoice;
  canWrite: boolean;
  onPick: (sequence: number) => void;
}) {
  const survey = useSurvey(project);
  const [editing, setEditing] = useState<number | null>(null);
  if (!reference && !survey.row) return <p className="muted">Sequences load the first time Dougal is reachable.</p>;
  // The survey copy has remarks; the event log's reference is the fall-back before it is read.
  const sequences: SequenceRow[] = survey.row
    ? sequencesWithChanges(survey.row.sequences, survey.sequenceItems)
    : (reference?.sequences ?? []).map((s) => ({ ...s, remarks: '', remarksFinal: '', hasFinal: s.status === 'final', items: [] }));
  sequences.sort((a, b) => b.sequence - a.sequence);
  const lines = survey.row?.lines ?? reference?.lines ?? [];
  return (
    <section className="card" aria-label="Sequences">
      <h2>Sequences</h2>
      <RefusedChanges items={survey.sequenceItems} canWrite={canWrite} />
      <table className="plain-table" data-testid="sequences">
        <thead>
          <tr>
            {['Seq', 'Line', 'Status', 'SP range', 'First shot', 'Shots', 'Events', 'Remarks'].map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sequences.map((s) => {
            const state = rowState(s.items);
            return (
              <tr key={s.sequence} data-testid={`sequence-row-${s.sequence}`}>
                <td>
                  <button type="button" className="link" onClick={() => onPick(s.sequence)} title="Show this sequence’s events">
                    {s.sequence}
                  </button>
                </td>
                <td>{s.line}</td>
                <td>
                  <span className={`status status-${s.status}`}>{s.status}</span>
                </td>
                <td>
                  {s.fsp ?? '–'}–{s.lsp ?? '…'}
                </td>
                <td className="mono">{s.ts0 ? formatEventTime(s.ts0, zone) : ''}</td>
                <td>{s.numPoints ?? ''}</td>
                <td data-testid={`sequence-count-${s.sequence}`}>{counts.get(s.sequence) ?? 0}</td>
                <td>
                  {editing === s.sequence ? (
                    <RemarksForm project={project} row={s} onDone={() => setEditing(null)} />
                  ) : (
                    <>
                      <ShownText testId={`sequence-remarks-${s.sequence}`} text={s.remarks} max={CELL_CHARACTERS} />
                      {s.remarksFinal && (
                        <span className="muted">
                          {' '}
                          · final: <ShownText text={s.remarksFinal} max={CELL_CHARACTERS} />
                        </span>
                      )}{' '}
                      {state && <span className={`badge badge-${state}`}>{state === 'failed' ? 'refused' : 'not yet on Dougal'}</span>}{' '}
                      {canWrite && survey.row && (
                        <button type="button" className="link" onClick={() => setEditing(s.sequence)} aria-label={`Edit remarks of sequence ${s.sequence}`}>
                          Edit
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        {lines.length} preplot lines ({lines.filter((l) => l.ntba).length} not to be acquired); the plan and the lines have their own views.
        {reference ? ` Updated ${formatEventTime(survey.row?.fetchedAt ?? reference.fetchedAt, zone)}.` : ''}
      </p>
    </section>
  );
}
