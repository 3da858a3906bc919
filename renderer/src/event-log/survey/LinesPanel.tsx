/**
 * Preplot lines, browsable offline: the project's point counts (Dougal's project summary:
 * acquired once, more than once, virgin, NTBA, remaining), then every line with its shot point
 * range, points, NTBA flag and remarks, and the sequences acquired or planned on it.
 */
import { useMemo, useState } from 'react';
import type { TimeZoneChoice } from '../event-time';
import { formatEventTime } from '../event-time';
import { CELL_CHARACTERS, ShownText } from '../../ui/ShownText';
import { planWithChanges, sequencesWithChanges } from './survey-change';
import { useSurvey, useSurveyRefresh } from './use-survey';

const count = (n: number | null | undefined) => (typeof n === 'number' ? n.toLocaleString('en-US') : '–');

export function LinesPanel({ project, zone, onPickSequence }: { project: string; zone: TimeZoneChoice; onPickSequence: (sequence: number) => void }) {
  const { row, planItems, sequenceItems, loaded } = useSurvey(project);
  const { refresh, busy, problem } = useSurveyRefresh(project);
  const [find, setFind] = useState('');
  const [onlyOpen, setOnlyOpen] = useState(false);
  const bySequence = useMemo(() => {
    const acquired = new Map<number, number[]>();
    for (const s of sequencesWithChanges(row?.sequences ?? [], sequenceItems)) acquired.set(s.line, [...(acquired.get(s.line) ?? []), s.sequence]);
    const planned = new Map<number, number[]>();
    for (const p of planWithChanges(row?.plan ?? [], planItems).rows.filter((r) => !r.removed)) planned.set(p.line, [...(planned.get(p.line) ?? []), p.sequence]);
    return { acquired, planned };
  }, [row, planItems, sequenceItems]);
  if (!loaded) return null;
  const counts = row?.counts ?? null;
  const wanted = find.trim();
  const lines = (row?.lines ?? []).filter((l) => (!wanted || String(l.line).includes(wanted) || (l.remarks ?? '').toLowerCase().includes(wanted.toLowerCase())) && (!onlyOpen || (!l.ntba && !bySequence.acquired.has(l.line))));

  return (
    <section className="card" aria-label="Preplot lines" data-testid="lines-panel">
      <div className="row">
        <h2>Preplot lines</h2>
        <button type="button" onClick={refresh} disabled={busy}>
          {busy ? 'Reading…' : 'Refresh'}
        </button>
        <span className="muted">{row ? `Read from Dougal ${formatEventTime(row.fetchedAt, zone)}.` : 'Not read from Dougal yet.'}</span>
      </div>
      {problem && <p className="error">{problem}</p>}
      {counts ? (
        <dl className="row" data-testid="project-counts">
          <div>
            <dt>Lines</dt>
            <dd>{count(counts.lines)}</dd>
          </div>
          <div>
            <dt>Preplot points</dt>
            <dd>{count(counts.total)}</dd>
          </div>
          <div>
            <dt>Acquired once</dt>
            <dd data-testid="count-prime">{count(counts.prime)}</dd>
          </div>
          <div>
            <dt>Acquired more than once</dt>
            <dd>{count(counts.other)}</dd>
          </div>
          <div>
            <dt>Virgin</dt>
            <dd data-testid="count-virgin">{count(counts.virgin)}</dd>
          </div>
          <div>
            <dt>NTBA</dt>
            <dd>{count(counts.ntba)}</dd>
          </div>
          <div>
            <dt>Remaining</dt>
            <dd>{count(counts.remaining)}</dd>
          </div>
          <div>
            <dt>Sequences raw / final</dt>
            <dd>
              {count(counts.seqRaw)} / {count(counts.seqFinal)}
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{row?.notes.find((n) => n.startsWith('The project summary')) ?? 'No project summary from Dougal yet.'}</p>
      )}
      <div className="row" role="search">
        <input type="search" aria-label="Find a line" placeholder="line or remarks" value={find} onChange={(e) => setFind(e.target.value)} />
        <label className="inline">
          <input type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} /> only lines not yet acquired
        </label>
        <span className="muted" data-testid="line-count">
          {lines.length} of {row?.lines.length ?? 0} lines
        </span>
      </div>
      <table className="plain-table" data-testid="lines">
        <thead>
          <tr>
            <th>Line</th>
            <th>SP range</th>
            <th>Points</th>
            <th>Length (m)</th>
            <th>NTBA</th>
            <th>Acquired</th>
            <th>Planned</th>
            <th>Remarks</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.line} data-testid={`line-${l.line}`}>
              <td>{l.line}</td>
              <td>
                {l.fsp ?? '–'}–{l.lsp ?? '–'}
              </td>
              <td>{count(l.numPoints)}</td>
              <td>{l.length === null ? '' : Math.round(l.length).toLocaleString('en-US')}</td>
              <td>{l.ntba ? 'yes' : ''}</td>
              <td>
                {(bySequence.acquired.get(l.line) ?? []).map((n) => (
                  <button key={n} type="button" className="link" onClick={() => onPickSequence(n)} title="Show this sequence’s events">
                    {n}
                  </button>
                ))}
              </td>
              <td>{(bySequence.planned.get(l.line) ?? []).join(', ')}</td>
              <td>
                <ShownText text={l.remarks} max={CELL_CHARACTERS} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
