/** Acquired and planned sequences, with their status and how many events each has in the log. */
import type { ReferenceRow } from './event-log-db';
import { formatEventTime, type TimeZoneChoice } from './event-time';

function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
      </tr>
    </thead>
  );
}

export function SequencesPanel({
  reference,
  counts,
  zone,
  onPick,
}: {
  reference: ReferenceRow | undefined;
  counts: Map<number, number>;
  zone: TimeZoneChoice;
  onPick: (sequence: number) => void;
}) {
  if (!reference) return <p className="muted">Sequences load the first time Dougal is reachable.</p>;
  const sequences = [...reference.sequences].sort((a, b) => b.sequence - a.sequence);
  return (
    <section className="card" aria-label="Sequences">
      <h2>Sequences</h2>
      <table className="plain-table" data-testid="sequences">
        <Head columns={['Seq', 'Line', 'Status', 'SP range', 'First shot', 'Shots', 'Events']} />
        <tbody>
          {sequences.map((s) => (
            <tr key={s.sequence}>
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
            </tr>
          ))}
        </tbody>
      </table>
      {reference.plan.length > 0 && (
        <>
          <h3>Planned</h3>
          <table className="plain-table">
            <Head columns={['Seq', 'Line', 'Name', 'SP range', 'Planned start']} />
            <tbody>
              {reference.plan.map((p) => (
                <tr key={p.sequence}>
                  <td>{p.sequence}</td>
                  <td>{p.line}</td>
                  <td>{p.name ?? ''}</td>
                  <td>
                    {p.fsp}–{p.lsp}
                  </td>
                  <td className="mono">{p.ts0 ? formatEventTime(p.ts0, zone) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p className="muted">
        {reference.lines.length} preplot lines ({reference.lines.filter((l) => l.ntba).length} not to be acquired). Updated {formatEventTime(reference.fetchedAt, zone)}.
      </p>
    </section>
  );
}
