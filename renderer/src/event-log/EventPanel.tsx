/**
 * One event on the side of the table: its content, editing (all fields, as Dougal's PUT needs),
 * delete and undelete, its history from Dougal (kept for offline reading), and, when a change
 * collided with someone else's, the conflict side by side.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { REMARKS_RULES, type EventFields, type EventInstance, type EventLabel } from '../../../common/bridge/event-log-contract';
import type { BridgeError } from '../../../common/errors';
import { displayText } from '../../../common/display-text';
import { freeTextProblem } from '../../../common/free-text';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';
import { eventLogDb, type LogEvent, type OutboxItem } from './event-log-db';
import { describeExtra, fieldsOf, mergeRemarks } from './event-model';
import { pasteCleanedText } from './EntryLine';
import { formatEventTime, type TimeZoneChoice } from './event-time';
import { deleteEvent, discardChanges, editEvent, resolveConflict, retryFailed, undeleteEvent } from './event-writes';
import { LabelChip } from './LabelPicker';
import { EventEditForm } from './EventEditForm';
import { SyncBadge } from './EventTable';

interface PanelProps {
  row: LogEvent;
  zone: TimeZoneChoice;
  labels: EventLabel[];
  canWrite: boolean;
  onClose: () => void;
}

export function EventPanel({ row, zone, labels, canWrite, onClose }: PanelProps) {
  const items = useLiveQuery(() => eventLogDb.outbox.where('eventKey').equals(row.key).sortBy('seq'), [row.key, row.sync]) ?? [];
  const conflict = items.find((i) => i.state === 'conflict');
  const failed = items.find((i) => i.state === 'failed');
  const [error, setError] = useState<string | null>(null);
  const act = (action: () => Promise<void>) => () => void action().then(() => setError(null), (e: Error) => setError(e.message));
  const byName = new Map(labels.map((l) => [l.name, l]));
  const editable = canWrite && !row.readonly;

  return (
    <aside className="event-panel card" aria-label="Event" data-testid="event-panel" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="row event-panel-head">
        <h2>
          {row.id !== null ? `Event ${row.id}` : 'New event'} <SyncBadge row={row} />
        </h2>
        <button type="button" onClick={onClose} aria-label="Close event">
          Close
        </button>
      </header>
      <dl className="facts">
        <dt>Time</dt>
        <dd>{row.tstamp ? formatEventTime(row.tstamp, zone) : 'from the shot, when Dougal has it'}</dd>
        <dt>Sequence / SP</dt>
        <dd>
          {row.sequence ?? '–'} / {row.point ?? '–'}
        </dd>
        <dt>Labels</dt>
        <dd>
          {row.labels.map((name) => (
            <LabelChip key={name} name={name} label={byName.get(name)} />
          ))}
        </dd>
        <OtherAttributes extra={row.extra} />
      </dl>
      <p className="event-text" data-testid="panel-remarks">
        {displayText(row.remarks)}
      </p>
      {row.readonly && <p className="muted">Dougal made this event (QC result or midnight shot): it cannot be edited or deleted.</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {conflict && <ConflictView row={row} item={conflict} canWrite={canWrite} zone={zone} onError={setError} />}
      {failed?.lastError && (
        <div>
          <ErrorNotice error={failed.lastError} testId="event-failed" />
          {canWrite && (
            <div className="row">
              <button type="button" onClick={act(() => retryFailed(failed.seq!))}>
                Try again
              </button>
              <button type="button" onClick={act(() => discardChanges(row.key))}>
                Discard my changes
              </button>
            </div>
          )}
        </div>
      )}
      {/* Keyed on the event only: a save settling or a pull changing the row must not remount the form and lose what is being typed (EventEditForm keeps it). */}
      {editable && !conflict && !row.deleted && <EventEditForm key={row.key} row={row} zone={zone} labels={labels} onError={setError} />}
      {editable && !conflict && (
        <div className="row">
          {row.deleted ? (
            <button type="button" onClick={act(() => undeleteEvent(row.key, fieldsOf(row), labels, row.uid ?? undefined))}>
              Undelete
            </button>
          ) : (
            <button type="button" className="danger" onClick={act(() => deleteEvent(row.key))}>
              Delete event
            </button>
          )}
        </div>
      )}
      {row.id !== null && <HistoryView row={row} zone={zone} labels={labels} canWrite={editable && !conflict} onError={setError} />}
    </aside>
  );
}

/** What else Dougal stores with the event (geometry, attributes of other loggers): kept on every write. */
function OtherAttributes({ extra }: { extra: Record<string, unknown> | undefined }) {
  const lines = describeExtra(extra);
  if (lines.length === 0) return null;
  return (
    <>
      <dt>Also on Dougal</dt>
      <dd data-testid="event-extra">
        {lines.map(({ name, value }) => (
          <div key={name} className="muted">
            {displayText(name)}: <span className="mono shown-text">{displayText(value)}</span>
          </div>
        ))}
      </dd>
    </>
  );
}

function ConflictView({ row, item, canWrite, zone, onError }: { row: LogEvent; item: OutboxItem; canWrite: boolean; zone: TimeZoneChoice; onError: (m: string | null) => void }) {
  const theirs = item.theirs ?? null;
  const mine = item.fields;
  const [merged, setMerged] = useState(() => mergeRemarks(mine?.remarks ?? '', theirs?.remarks ?? ''));
  const mergedProblem = freeTextProblem(merged, { ...REMARKS_RULES, label: 'Merged remarks' });
  const resolve = (choice: 'mine' | 'theirs' | 'merged') => () => {
    if (choice === 'merged' && mergedProblem) return onError(mergedProblem);
    void resolveConflict(row.key, choice, merged).then(() => onError(null), (e: Error) => onError(e.message));
  };
  const side = (title: string, fields: (EventFields & { extra?: Record<string, unknown> }) | null | undefined, testId: string) => (
    <div className="conflict-side" data-testid={testId}>
      <h3>{title}</h3>
      {fields ? (
        <>
          <p className="mono">{fields.tstamp ? formatEventTime(fields.tstamp, zone) : 'time from shot'}</p>
          <p>
            seq {fields.sequence ?? '–'} · SP {fields.point ?? '–'} · {displayText(fields.labels.join(', ')) || 'no labels'}
          </p>
          <p className="event-text">{displayText(fields.remarks)}</p>
          {describeExtra(fields.extra).map(({ name, value }) => (
            <p key={name} className="muted">
              {displayText(name)}: <span className="mono shown-text">{displayText(value)}</span>
            </p>
          ))}
        </>
      ) : (
        <p className="muted">{item.kind === 'delete' ? 'Delete the event' : 'Deleted on Dougal'}</p>
      )}
    </div>
  );
  return (
    <section className="conflict" aria-label="Conflict" data-testid="conflict">
      <p className="error">{item.lastError?.message ?? 'Someone else changed this event first.'} Nothing was overwritten; choose what Dougal should keep.</p>
      <div className="conflict-sides">
        {side('Mine', mine, 'conflict-mine')}
        {side('Theirs (on Dougal now)', theirs, 'conflict-theirs')}
        {mine && (
          <div className="conflict-side">
            <h3>Merged remarks</h3>
            <textarea
              aria-label="Merged remarks"
              value={merged}
              rows={4}
              onChange={(e) => setMerged(e.target.value)}
              onPaste={(e) => pasteCleanedText(e, true, setMerged)}
              disabled={!canWrite}
              aria-invalid={mergedProblem !== null}
            />
            {mergedProblem && <p className="error">{mergedProblem}</p>}
          </div>
        )}
      </div>
      {canWrite && (
        <div className="row">
          <button type="button" onClick={resolve('mine')}>
            {item.kind === 'delete' ? 'Delete anyway' : 'Keep mine'}
          </button>
          <button type="button" onClick={resolve('theirs')}>
            Take theirs
          </button>
          {mine && (
            <button type="button" className="primary" onClick={resolve('merged')}>
              Use merged
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function HistoryView({ row, zone, labels, canWrite, onError }: { row: LogEvent; zone: TimeZoneChoice; labels: EventLabel[]; canWrite: boolean; onError: (m: string | null) => void }) {
  const id = row.id!;
  const cached = useLiveQuery(() => eventLogDb.history.get([row.project, id]), [row.project, id]);
  const [loadError, setLoadError] = useState<BridgeError | null>(null);

  useEffect(() => {
    let alive = true;
    void bridge.eventLogHistory({ project: row.project, id }).then(async (result) => {
      if (!alive) return;
      if (!result.ok) return setLoadError(result.error);
      setLoadError(null);
      await eventLogDb.history.put({ project: row.project, id, instances: result.value.instances, fetchedAt: new Date().toISOString() });
    });
    return () => {
      alive = false;
    };
  }, [row.project, id, row.uid]);

  const restore = (instance: EventInstance) => {
    const fields = fieldsOf(instance);
    const action = row.deleted ? undeleteEvent(row.key, fields, labels, instance.uid) : editEvent(row.key, fields, labels);
    void action.then(() => onError(null), (e: Error) => onError(e.message));
  };

  return (
    <section className="history" aria-label="History" data-testid="history">
      <h3>History</h3>
      {!cached && loadError && <p className="muted">History is not on this computer yet ({loadError.message}).</p>}
      {cached && loadError && <p className="muted">Shown as of {formatEventTime(cached.fetchedAt, zone)}; Dougal cannot be asked now.</p>}
      <ol className="history-list">
        {[...(cached?.instances ?? [])].reverse().map((instance) => {
          const current = instance.validity[2] === null;
          return (
            <li key={instance.uid} data-testid="history-item">
              <span className="mono">
                {instance.validity[1] ? formatEventTime(instance.validity[1], zone) : '…'} → {instance.validity[2] ? formatEventTime(instance.validity[2], zone) : 'now'}
              </span>{' '}
              {current ? <strong>current</strong> : instance.uid === (cached?.instances.at(-1)?.uid ?? -1) ? <strong>deleted</strong> : null}
              <div className="event-text">{displayText(instance.remarks)}</div>
              <div className="muted">
                seq {instance.sequence ?? '–'} · SP {instance.point ?? '–'} · {displayText(instance.labels.join(', ')) || 'no labels'}
              </div>
              {canWrite && !current && (
                <button type="button" onClick={() => restore(instance)}>
                  {row.deleted ? 'Undelete with this version' : 'Restore this version'}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
