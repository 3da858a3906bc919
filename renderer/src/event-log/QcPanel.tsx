/**
 * QC results with accept / un-accept. The list is kept for offline reading; a change is queued in
 * the outbox like any other and shows at once.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';
import { CELL_CHARACTERS, ShownText } from '../ui/ShownText';
import { eventLogDb } from './event-log-db';
import { formatEventTime, type TimeZoneChoice } from './event-time';
import { cacheQcResults, queueQcAcceptance } from './event-writes';

export function QcPanel({ project, canWrite, zone }: { project: string; canWrite: boolean; zone: TimeZoneChoice }) {
  const cached = useLiveQuery(() => eventLogDb.qc.get(project), [project]);
  const [error, setError] = useState<BridgeError | null>(null);

  const refresh = async () => {
    const result = await bridge.eventLogQcResults({ project });
    if (!result.ok) return setError(result.error);
    setError(null);
    await cacheQcResults(project, result.value.results);
  };
  useEffect(() => {
    void refresh();
  }, [project]);

  return (
    <section className="card" aria-label="QC results">
      <header className="row">
        <h2>QC results</h2>
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
        {cached && <span className="muted">as of {formatEventTime(cached.fetchedAt, zone)}</span>}
      </header>
      {error && <ErrorNotice error={error} />}
      {!cached && !error && <p className="muted">Loading…</p>}
      {cached && cached.results.length === 0 && <p className="muted">No QC results.</p>}
      {cached && cached.results.length > 0 && (
        <table className="plain-table" data-testid="qc-results">
          <thead>
            <tr>
              <th>Test</th>
              <th>Event</th>
              <th>Seq / SP</th>
              <th>Time</th>
              <th>Remarks</th>
              <th>Accepted</th>
            </tr>
          </thead>
          <tbody>
            {cached.results.map((r) => (
              <tr key={`${r.test}:${r.eventId}`}>
                <td>
                  <ShownText text={r.test} max={CELL_CHARACTERS} />
                </td>
                <td>{r.eventId}</td>
                <td>
                  {r.sequence ?? '–'} / {r.point ?? '–'}
                </td>
                <td className="mono">{r.tstamp ? formatEventTime(r.tstamp, zone) : ''}</td>
                <td>
                  <ShownText text={r.remarks} max={CELL_CHARACTERS} />
                </td>
                <td>
                  {canWrite ? (
                    <input
                      type="checkbox"
                      aria-label={`Accept QC result ${r.eventId}`}
                      checked={r.accepted}
                      onChange={(e) => void queueQcAcceptance(project, [r.eventId], e.target.checked)}
                    />
                  ) : r.accepted ? (
                    'yes'
                  ) : (
                    'no'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
