/**
 * The event log's printable reports (issue 13 §3): the watch report (a time range, by default the
 * last watch as long as Settings says, its events grouped by sequence, counts by label, the
 * sequences started and ended with their status) and the sequence report (one sequence's events,
 * first and last shot, QC results with the accepted ones marked). Both are made from IndexedDB
 * only, so they work offline, and say what still waits to be sent. Like the hole report it covers
 * the window and, printed, is all that prints (log-report.css): the desktop app's Save as PDF
 * (Electron prints the page) and the browser's Print give the same pages. Export CSV writes the
 * same content (report-model.ts makes both).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { readEventTime } from '../../../../common/forms/date-fields';
import { displayText } from '../../../../common/display-text';
import type { BridgeError } from '../../../../common/errors';
import { ErrorNotice } from '../../app/ErrorNotice';
import { localDate, pad } from '../../app/time-format';
import { bridge } from '../../bridge/bridge';
import { useAppSettings } from '../../settings/app-settings-store';
import { ShownText } from '../../ui/ShownText';
import { downloadCsv } from '../csv-export';
import { eventLogDb } from '../event-log-db';
import type { TimeZoneChoice } from '../event-time';
import {
  EVENT_COLUMNS,
  QC_COLUMNS,
  reportFileStem,
  reportToCsv,
  SEQUENCE_COLUMNS,
  sequenceReport,
  watchReport,
  type EventLine,
  type LabelCount,
  type ReportFact,
  type SequenceReport,
  type WatchReport,
} from './report-model';
import { reportQueryKey, useReportInput, useReportSequences, type ReportQuery } from './use-report-data';
import '../../app/report-sheet.css';
import './log-report.css';

const HOUR_MS = 3_600_000;

/**
 * Event rows drawn at first, then added per step, one step per task: a watch of 100,000 events
 * drawn at once froze the window for most of a minute with nothing to show; drawn in steps, the
 * report is readable at once, says how far it has got, and the window answers throughout.
 */
const FIRST_ROWS = 1_000;
const STEP_ROWS = 2_000;

/**
 * How many of `total` event rows to draw now. Restarts at FIRST_ROWS for another report
 * (`reportKey`); the same report refreshed (an event reaching Dougal) keeps what is drawn.
 */
function useRowsDrawn(total: number, reportKey: string): number {
  const [drawn, setDrawn] = useState({ key: reportKey, rows: FIRST_ROWS });
  const rows = drawn.key === reportKey ? drawn.rows : FIRST_ROWS;
  useEffect(() => {
    if (rows >= total) return;
    const timer = setTimeout(() => setDrawn({ key: reportKey, rows: rows + STEP_ROWS }), 0);
    return () => clearTimeout(timer);
  }, [rows, total, reportKey]);
  return Math.min(rows, total);
}

/** An ISO time as the range fields show it, `YYYY-MM-DD HH:MM` in the chosen zone. */
function rangeText(iso: string, zone: TimeZoneChoice): string {
  const date = new Date(iso);
  return zone === 'utc' ? iso.slice(0, 16).replace('T', ' ') : `${localDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The last watch: `hours` up to now, to the minute (the end rounded up, so what was just logged is in). */
function lastWatch(hours: number): { from: string; to: string } {
  const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
  return { from: new Date(to - hours * HOUR_MS).toISOString(), to: new Date(to).toISOString() };
}

export type ReportKind = 'watch' | 'sequence';

/** The "Reports" button of the event log: opens the report dialog. */
export function LogReportsButton({ project }: { project: string }) {
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} title="Watch and sequence reports, printed or saved as PDF or CSV">
        Reports
      </button>
      {open && <LogReport project={project} onClose={close} />}
    </>
  );
}

export function LogReport({ project, onClose, initial = 'watch' }: { project: string; onClose: () => void; initial?: ReportKind }) {
  const { timeZone: zone, watchHours } = useAppSettings();
  const root = useRef<HTMLDivElement>(null);
  const [kind, setKind] = useState<ReportKind>(initial);
  const [range, setRange] = useState(() => lastWatch(watchHours));
  const [fromText, setFromText] = useState(() => rangeText(range.from, zone));
  const [toText, setToText] = useState(() => rangeText(range.to, zone));
  const sequences = useReportSequences(project);
  const [sequence, setSequence] = useState<number | null>(null);
  const [madeAt] = useState(() => new Date().toISOString());

  // Printed, only the report shows (log-report.css); Esc closes it.
  useEffect(() => {
    document.body.classList.add('log-report-open');
    root.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      document.body.classList.remove('log-report-open');
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  // The fields follow the zone setting; what they mean does not change.
  useEffect(() => {
    setFromText(rangeText(range.from, zone));
    setToText(rangeText(range.to, zone));
  }, [zone]);

  useEffect(() => {
    if (sequence === null && sequences?.length) setSequence(sequences[0]!);
  }, [sequences, sequence]);

  // QC results are kept for offline reading; while Dougal answers, the sequence report reads them fresh.
  useEffect(() => {
    if (kind !== 'sequence') return;
    void (async () => {
      const result = await bridge.eventLogQcResults({ project });
      if (result.ok) await eventLogDb.qc.put({ project, results: result.value.results, fetchedAt: new Date().toISOString() });
    })();
  }, [kind, project]);

  const from = readEventTime(fromText, zone, 'From');
  const to = readEventTime(toText, zone, 'To');
  const problem = !from.ok ? from.problem : !to.ok ? to.problem : !from.value || !to.value ? 'Give both ends of the time range.' : from.value > to.value ? 'From must not be after To.' : null;
  const apply = () => {
    if (!problem && from.ok && to.ok && from.value && to.value) setRange({ from: from.value, to: to.value });
  };
  const showRange = (next: { from: string; to: string }) => {
    setRange(next);
    setFromText(rangeText(next.from, zone));
    setToText(rangeText(next.to, zone));
  };
  const shift = (direction: -1 | 1) => {
    const length = Date.parse(range.to) - Date.parse(range.from) || watchHours * HOUR_MS;
    showRange({ from: new Date(Date.parse(range.from) + direction * length).toISOString(), to: new Date(Date.parse(range.to) + direction * length).toISOString() });
  };

  const query: ReportQuery | null = kind === 'watch' ? { kind, ...range } : sequence === null ? null : { kind, sequence };
  const input = useReportInput(project, query, madeAt, zone);
  const report = useMemo(() => {
    // Only the answer to the query shown: the previous one (still held while the new one is read) would mix reports.
    if (!input || !query || input.key !== reportQueryKey(query)) return null;
    return query.kind === 'watch' ? watchReport(input.state, input.events, query) : sequenceReport(input.state, query.sequence, input.events, input.qc);
  }, [input]);
  const stem = report ? reportFileStem(report, project, range, zone) : '';
  const drawn = useRowsDrawn(report?.total ?? 0, reportQueryKey(query));
  const drawing = report !== null && drawn < report.total;

  return createPortal(
    <div className="report-sheet log-report-root" ref={root} tabIndex={-1} role="dialog" aria-modal="true" aria-label="Event log report">
      <div className="log-report-toolbar" data-testid="log-report-toolbar">
        <div className="row">
          <fieldset className="log-report-kind">
            <legend className="visually-hidden">Report</legend>
            {(['watch', 'sequence'] as const).map((k) => (
              <label key={k} className="inline">
                <input type="radio" name="log-report-kind" checked={kind === k} onChange={() => setKind(k)} /> {k === 'watch' ? 'Watch report' : 'Sequence report'}
              </label>
            ))}
          </fieldset>
          {kind === 'watch' ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                apply();
              }}
            >
              <label className="inline">
                From <input type="text" className="mono" size={16} aria-label={`From (${zone === 'utc' ? 'UTC' : 'local time'})`} value={fromText} onChange={(e) => setFromText(e.target.value)} onBlur={apply} aria-invalid={!from.ok} />
              </label>
              <label className="inline">
                To <input type="text" className="mono" size={16} aria-label={`To (${zone === 'utc' ? 'UTC' : 'local time'})`} value={toText} onChange={(e) => setToText(e.target.value)} onBlur={apply} aria-invalid={!to.ok} />
              </label>
              <button type="submit" disabled={problem !== null}>
                Show
              </button>
              <button type="button" onClick={() => shift(-1)} title="The watch before this one">
                ◀ Earlier
              </button>
              <button type="button" onClick={() => shift(1)} title="The watch after this one">
                Later ▶
              </button>
              <button type="button" onClick={() => showRange(lastWatch(watchHours))} title={`The last ${watchHours} hours up to now (watch length in Settings)`}>
                Last watch
              </button>
            </form>
          ) : (
            <label className="inline">
              Sequence{' '}
              <select aria-label="Sequence" value={sequence ?? ''} onChange={(e) => setSequence(Number(e.target.value))} disabled={!sequences?.length}>
                {(sequences ?? []).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <div className="row">
          <SaveButtons report={report} stem={stem} drawing={drawing} />
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {kind === 'watch' && problem && (
          <p className="error" role="alert" data-testid="log-report-problem">
            {problem}
          </p>
        )}
        {kind === 'sequence' && sequences?.length === 0 && <p className="muted">No sequences on this computer yet: they load the first time Dougal is reachable.</p>}
        {drawing && (
          <p className="muted" role="status" data-testid="log-report-drawing">
            Drawing the events: {drawn.toLocaleString('en-US')} of {report.total.toLocaleString('en-US')}… (Export CSV already holds them all.)
          </p>
        )}
      </div>
      {!report ? <p className="muted">Making the report…</p> : report.kind === 'watch' ? <WatchReportView report={report} drawn={drawn} /> : <SequenceReportView report={report} drawn={drawn} />}
    </div>,
    document.body,
  );
}

function SaveButtons({ report, stem, drawing }: { report: WatchReport | SequenceReport | null; stem: string; drawing: boolean }) {
  const desktop = Boolean(window.corelog);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);

  const savePdf = async () => {
    if (!report) return;
    setError(null);
    setSaved(null);
    if (!desktop) {
      // Browser mode: the browser's own print dialog, where "Save as PDF" is a printer; the print CSS gives the same pages.
      window.print();
      return;
    }
    setSaving(true);
    const result = await bridge.saveLogReportPdf({ fileName: `${stem}.pdf`, report: report.kind });
    setSaving(false);
    if (result.ok) setSaved(result.value.path);
    else if (result.error.kind !== 'cancelled') setError(result.error);
  };

  return (
    <>
      {/* Printed while rows are still being drawn, the PDF would lack the rest. */}
      <button type="button" className="primary" onClick={() => void savePdf()} disabled={!report || saving || drawing} title={drawing ? 'Ready once every event is drawn' : undefined} data-testid="save-log-report">
        {desktop ? 'Save as PDF…' : 'Print or save as PDF…'}
      </button>
      <button type="button" onClick={() => report && downloadCsv(reportToCsv(report), `${stem}.csv`)} disabled={!report}>
        Export CSV
      </button>
      <span className="muted" role="status">
        {saving ? 'Saving…' : saved ? `Saved to ${saved}` : desktop ? '' : 'In the print dialog, choose “Save as PDF” as the printer.'}
      </span>
      {error && <ErrorNotice error={error} testId="log-report-save-error" />}
    </>
  );
}

function Facts({ facts }: { facts: ReportFact[] }) {
  return (
    <dl className="report-facts">
      {facts.map((f) => (
        <div key={f.term}>
          <dt>{f.term}</dt>
          <dd>{displayText(f.value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Notes({ notes, waiting }: { notes: string[]; waiting: number }) {
  return (
    <div className="log-report-notes" data-testid="log-report-notes">
      {notes.map((note, i) => (
        <p key={note} className={i === 0 && waiting > 0 ? 'report-note' : undefined}>
          {displayText(note)}
        </p>
      ))}
    </div>
  );
}

/** The header row of a report table: one column heading per name. */
function ColumnHeads({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function EventsTable({ lines, testId, withSeq = true, limit = lines.length }: { lines: EventLine[]; testId: string; withSeq?: boolean; limit?: number }) {
  const columns = EVENT_COLUMNS.map((c, i) => ({ c, i })).filter(({ c }) => withSeq || c !== 'Seq');
  return (
    <table className="report-table" data-testid={testId}>
      <ColumnHeads columns={columns.map(({ c }) => c)} />
      <tbody>
        {(limit < lines.length ? lines.slice(0, limit) : lines).map((line) => (
          <tr key={line.key} data-testid="log-report-event" data-sync={line.sync} className={line.sync === 'synced' ? undefined : 'not-sent'}>
            {columns.map(({ c, i }) => (
              <td key={c} className={c === 'Time' ? 'nowrap mono' : c === 'SP' || c === 'Seq' ? 'number' : undefined}>
                {displayText(line.cells[i])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LabelCounts({ counts, unlabelled, total }: { counts: LabelCount[]; unlabelled: number; total: number }) {
  return (
    <table className="report-table log-report-counts" data-testid="log-report-label-counts">
      <ColumnHeads columns={['Label', 'Events']} />
      <tbody>
        {counts.map((c) => (
          <tr key={c.label} data-testid="log-report-label-count">
            <th scope="row">
              <ShownText text={c.label} />
            </th>
            <td className="number">{c.count}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">(no label)</th>
          <td className="number">{unlabelled}</td>
        </tr>
        <tr className="total">
          <th scope="row">All events</th>
          <td className="number">{total}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Title, facts and the "still waiting to be sent" notes: the same head on both reports. */
function ReportHeader({ report }: { report: WatchReport | SequenceReport }) {
  return (
    <header className="report-header">
      <h1 id="log-report-title" className="shown-text">
        {displayText(report.title)}
      </h1>
      <Facts facts={report.facts} />
      <Notes notes={report.notes} waiting={report.waiting.changes} />
    </header>
  );
}

function WatchReportView({ report, drawn }: { report: WatchReport; drawn: number }) {
  // The rows drawn so far, given to the groups in order.
  let left = drawn;
  const limits = report.groups.map((group) => {
    const limit = Math.max(0, Math.min(group.lines.length, left));
    left -= limit;
    return limit;
  });
  return (
    <article className="log-report" data-testid="log-report" data-kind="watch" data-state={drawn < report.total ? 'drawing' : 'ready'} aria-labelledby="log-report-title">
      <ReportHeader report={report} />
      <section aria-labelledby="log-report-sequences">
        <h2 id="log-report-sequences">Sequences</h2>
        {report.sequences.length === 0 ? (
          <p>No sequence was shot or logged in this watch.</p>
        ) : (
          <table className="report-table" data-testid="log-report-sequences">
            <ColumnHeads columns={SEQUENCE_COLUMNS} />
            <tbody>
              {report.sequences.map((cells) => (
                <tr key={cells[0]} data-testid="log-report-sequence">
                  {cells.map((text, i) => (
                    <td key={SEQUENCE_COLUMNS[i]}>{displayText(text)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="log-report-counts">
        <h2 id="log-report-counts">Counts by label</h2>
        <LabelCounts counts={report.labelCounts} unlabelled={report.unlabelled} total={report.total} />
      </section>
      <section aria-labelledby="log-report-events">
        <h2 id="log-report-events">Events by sequence</h2>
        {report.groups.length === 0 && <p>No events in this time range on this computer.</p>}
        {report.groups.map((group, i) =>
          limits[i] === 0 ? null : (
            <div key={group.sequence ?? 'none'} className="log-report-group" data-testid="log-report-group">
              <h3 className="shown-text">{displayText(group.title)}</h3>
              <EventsTable lines={group.lines} testId="log-report-events" withSeq={false} limit={limits[i]} />
            </div>
          ),
        )}
      </section>
    </article>
  );
}

function SequenceReportView({ report, drawn }: { report: SequenceReport; drawn: number }) {
  return (
    <article className="log-report" data-testid="log-report" data-kind="sequence" data-state={drawn < report.total ? 'drawing' : 'ready'} aria-labelledby="log-report-title">
      <ReportHeader report={report} />
      <section aria-labelledby="log-report-qc">
        <h2 id="log-report-qc">QC results</h2>
        {report.qc.length === 0 ? (
          <p>{report.qcFetchedAt ? 'No QC results for this sequence.' : 'QC results have not been read from Dougal on this computer yet.'}</p>
        ) : (
          <table className="report-table" data-testid="log-report-qc">
            <ColumnHeads columns={QC_COLUMNS} />
            <tbody>
              {report.qc.map((q) => (
                <tr key={`${q.cells[0]}:${q.cells[1]}`} data-testid="log-report-qc-result" data-accepted={q.accepted} className={q.accepted ? 'accepted' : undefined}>
                  {q.cells.map((text, i) => (
                    <td key={QC_COLUMNS[i]}>
                      {i === q.cells.length - 1 && q.accepted && <span aria-hidden="true">✓ </span>}
                      {displayText(text)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="log-report-counts">
        <h2 id="log-report-counts">Counts by label</h2>
        <LabelCounts counts={report.labelCounts} unlabelled={report.unlabelled} total={report.total} />
      </section>
      <section aria-labelledby="log-report-events">
        <h2 id="log-report-events">Events</h2>
        {report.events.length === 0 ? <p>No events of this sequence on this computer.</p> : <EventsTable lines={report.events} testId="log-report-events" withSeq={false} limit={drawn} />}
      </section>
    </article>
  );
}
