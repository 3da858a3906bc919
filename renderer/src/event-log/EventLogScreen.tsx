/**
 * The vessel event log: entry line, filters, the virtualized log and the selected event, plus the
 * sequences list and QC results. Reads only local data, so it works the same with Dougal down.
 * A guest (or an unknown role) gets no write controls. Filters are read by the same field rules as
 * the forms (common/forms): a sequence that is not one is said at the field, not silently ignored.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { displayText } from '../../../common/display-text';
import { dateField } from '../../../common/forms/date-fields';
import { sequenceField } from '../../../common/forms/number-fields';
import { setCurrentProject, useCurrentProject } from './current-project';
import { downloadCsv, eventsToCsv } from './csv-export';
import { mayWrite, useDougalStatus } from './dougal-status';
import { EntryLine } from './EntryLine';
import { eventIndex, NO_FILTER, type EventFilter } from './event-index';
import { eventLogDb } from './event-log-db';
import { useAppSettings } from '../settings/app-settings-store';
import { EventPanel } from './EventPanel';
import { EventTable } from './EventTable';
import { QcPanel } from './QcPanel';
import { LogReportsButton } from './reports/LogReport';
import { SequencesPanel } from './SequencesPanel';
import { LinesPanel } from './survey/LinesPanel';
import { PlanPanel } from './survey/PlanPanel';
import { eventLogSync } from './sync-engine';
import { NAME_CHARACTERS } from '../ui/ShownText';

type Tab = 'log' | 'sequences' | 'plan' | 'lines' | 'qc';
const TAB_NAMES: Record<Tab, string> = { log: 'Log', sequences: 'Sequences', plan: 'Plan', lines: 'Lines', qc: 'QC' };
const fromDayField = dateField('From day');
const toDayField = dateField('To day');
/**
 * Project and label names as a drop-down shows them (the option's value stays the exact name): an
 * override cannot turn the text around, 100,000 characters cannot widen the select.
 */
const SHOWN_NAME = { maxCharacters: NAME_CHARACTERS };

/** What is wrong with the filter's fields, said next to them (null when nothing). */
function filterProblem(sequenceText: string, filter: EventFilter): string | null {
  const sequence = sequenceField.read(sequenceText);
  if (!sequence.ok) return sequence.problem;
  const from = fromDayField.read(filter.from ?? '');
  if (!from.ok) return from.problem;
  const to = toDayField.read(filter.to ?? '');
  if (!to.ok) return to.problem;
  return from.value && to.value && from.value > to.value ? 'From day must not be after To day: no event can match.' : null;
}

export function EventLogScreen() {
  const project = useCurrentProject();
  const status = useDougalStatus();
  const canWrite = mayWrite(status);
  const projects = useLiveQuery(() => eventLogDb.projects.toArray(), []) ?? [];
  const reference = useLiveQuery(() => (project ? eventLogDb.reference.get(project) : undefined), [project]);
  const engine = useSyncExternalStore(eventLogSync.subscribe, eventLogSync.getStatus);
  const version = useSyncExternalStore(eventIndex.subscribe, eventIndex.getVersion);
  const [tab, setTab] = useState<Tab>('log');
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER);
  // The sequence box keeps what was typed; the filter gets the number only when it is one.
  const [sequenceText, setSequenceText] = useState('');
  const deferredFilter = useDeferredValue(filter);
  // UTC or local is one app setting (Settings), the same on every screen.
  const zone = useAppSettings().timeZone;
  const [selectedKey, setSelectedKey] = useState<string | null>(null);

  useEffect(() => {
    if (project) void eventIndex.open(project);
  }, [project]);

  // `version` changes with every write, so the memo re-runs exactly when the log does.
  const rows = useMemo(() => eventIndex.query(deferredFilter), [version, deferredFilter]);
  const counts = useMemo(() => (tab === 'sequences' ? eventIndex.countBySequence() : new Map<number, number>()), [version, tab]);
  const labels = reference?.labels ?? [];
  const labelMap = useMemo(() => new Map(labels.map((l) => [l.name, l])), [labels]);
  const selected = selectedKey ? eventIndex.get(selectedKey) : undefined;
  const patch = (p: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...p }));
  const filterSequence = (text: string) => {
    setSequenceText(text);
    const reading = sequenceField.read(text);
    patch({ sequence: reading.ok ? reading.value : null });
  };
  const problem = filterProblem(sequenceText, filter);

  if (!project) {
    return (
      <section className="screen card" data-testid="event-log-empty">
        <h1>Event log</h1>
        <p>No Dougal project on this computer yet. Sign in to Dougal (Connections, Alt+2); the log loads the first time Dougal is reachable.</p>
      </section>
    );
  }

  return (
    <div className="event-log" data-testid="event-log">
      <header className="event-log-head row">
        <h1>Event log</h1>
        <label className="inline">
          Project{' '}
          <select value={project} onChange={(e) => setCurrentProject(e.target.value)} aria-label="Project">
            {(projects.length ? projects : [{ pid: project, name: project }]).map((p) => (
              <option key={p.pid} value={p.pid}>
                {`${displayText(p.name, SHOWN_NAME)} (${displayText(p.pid, SHOWN_NAME)})`}
              </option>
            ))}
          </select>
        </label>
        <nav className="tabs" aria-label="Event log views">
          {(['log', 'sequences', 'plan', 'lines', 'qc'] as const).map((t) => (
            <button key={t} type="button" className={tab === t ? 'active' : ''} aria-pressed={tab === t} onClick={() => setTab(t)}>
              {TAB_NAMES[t]}
            </button>
          ))}
        </nav>
        <LogReportsButton project={project} />
        <span className="muted" data-testid="event-log-zone" title="Change it in Settings (Alt+5)">
          Times in {zone === 'utc' ? 'UTC' : 'local time'}
        </span>
        {!canWrite && status && (
          <span className="badge" data-testid="read-only-mode">
            read only{status.role === 'guest' ? ' (guest)' : ''}
          </span>
        )}
        {engine.progress?.firstLoad && (
          <span className="muted" role="status">
            Loading from Dougal… {engine.progress.loaded.toLocaleString()} events
          </span>
        )}
        {eventIndex.state === 'first-rows' && (
          <span className="muted" role="status">
            Opening the log…
          </span>
        )}
      </header>
      {reference?.notes && reference.notes.length > 0 && (
        // Parts of the reference Dougal could not give (no label endpoint, an odd reply): the log
        // works without them, and the navigator knows why labels or sequences are missing.
        <div className="banner warning" role="status" data-testid="reference-notes">
          {reference.notes.map((note) => (
            <p key={note}>{note}</p>
          ))}
        </div>
      )}

      {tab === 'sequences' && (
        <SequencesPanel
          project={project}
          canWrite={canWrite}
          reference={reference}
          counts={counts}
          zone={zone}
          onPick={(sequence) => {
            filterSequence(String(sequence));
            setTab('log');
          }}
        />
      )}
      {tab === 'plan' && <PlanPanel project={project} zone={zone} canWrite={canWrite} />}
      {tab === 'lines' && (
        <LinesPanel
          project={project}
          zone={zone}
          onPickSequence={(sequence) => {
            filterSequence(String(sequence));
            setTab('log');
          }}
        />
      )}
      {tab === 'qc' && <QcPanel project={project} canWrite={canWrite} zone={zone} />}
      {tab === 'log' && (
        <>
          {canWrite && <EntryLine project={project} labels={labels} sequences={reference?.sequences} />}
          <div className={`event-log-body${selected ? ' with-panel' : ''}`}>
            <div className="event-log-main">
              <div className="event-filters row" role="search">
                <input type="search" aria-label="Search remarks" placeholder="Search remarks and labels" value={filter.text} onChange={(e) => patch({ text: e.target.value })} />
                <input
                  type="text"
                  inputMode="numeric"
                  aria-label="Filter sequence"
                  placeholder="seq"
                  className="entry-number"
                  value={sequenceText}
                  aria-invalid={!sequenceField.read(sequenceText).ok}
                  aria-describedby={problem ? 'filter-problem' : undefined}
                  onChange={(e) => filterSequence(e.target.value)}
                />
                <select aria-label="Filter label" value={filter.label ?? ''} onChange={(e) => patch({ label: e.target.value || null })}>
                  <option value="">any label</option>
                  {labels.map((l) => (
                    <option key={l.name} value={l.name}>
                      {displayText(l.name, SHOWN_NAME)}
                    </option>
                  ))}
                </select>
                <input type="date" aria-label="From day (UTC)" value={filter.from ?? ''} onChange={(e) => patch({ from: e.target.value || null })} aria-describedby={problem ? 'filter-problem' : undefined} />
                <input type="date" aria-label="To day (UTC)" value={filter.to ?? ''} onChange={(e) => patch({ to: e.target.value || null })} aria-describedby={problem ? 'filter-problem' : undefined} />
                <select aria-label="Filter sync state" value={filter.sync} onChange={(e) => patch({ sync: e.target.value as EventFilter['sync'] })}>
                  <option value="all">all events</option>
                  <option value="unsynced">not yet on Dougal</option>
                  <option value="conflict">conflicts</option>
                </select>
                <label className="inline">
                  <input type="checkbox" checked={filter.showDeleted} onChange={(e) => patch({ showDeleted: e.target.checked })} /> deleted
                </label>
                <button
                  type="button"
                  onClick={() => {
                    setFilter(NO_FILTER);
                    setSequenceText('');
                  }}
                  disabled={JSON.stringify(filter) === JSON.stringify(NO_FILTER) && sequenceText === ''}
                >
                  Clear
                </button>
                <button type="button" onClick={() => downloadCsv(eventsToCsv(rows, zone), `event-log-${project}.csv`)} disabled={rows.length === 0}>
                  Export CSV
                </button>
                <span className="muted" data-testid="event-count">
                  {rows.length.toLocaleString()} of {eventIndex.size.toLocaleString()} events
                </span>
                {problem && (
                  <p className="error" id="filter-problem" data-testid="filter-problem" role="alert">
                    {problem}
                  </p>
                )}
              </div>
              <EventTable rows={rows} zone={zone} labels={labelMap} selectedKey={selectedKey} onSelect={setSelectedKey} />
            </div>
            {selected && <EventPanel key={selected.key} row={selected} zone={zone} labels={labels} canWrite={canWrite} onClose={() => setSelectedKey(null)} />}
          </div>
        </>
      )}
    </div>
  );
}
