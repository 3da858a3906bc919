/**
 * One import job: what it reads and where it sends, the dry run's counts, the run (Upload / Pause
 * / Resume, bandwidth cap, progress with rate and time left), the report CSV, and the files
 * table. Everything comes from main's status of the job; this page only asks main to act.
 */
import { useEffect, useState } from 'react';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import type { BridgeError } from '../../../common/errors';
import type { Result } from '../../../common/result';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { bridge } from '../bridge/bridge';
import { formatBandwidthCap, formatBytes, OUTCOME_LABEL, OUTCOME_ORDER, parseBandwidthCap, PHASE_LABEL, progressLine } from './archive-figures';
import { ArchiveRowTable } from './ArchiveRowTable';

/** Where the report goes by default: beside the archive folder, not in it (the next scan would read it). */
export function defaultReportPath(job: ArchiveJobStatus): string {
  const folder = job.source.folder.replace(/[\\/]+$/, '');
  const kind = job.phase === 'done' ? 'report' : 'dry-run';
  const stamp = job.updatedAt.slice(0, 16).replace(/[:T]/g, '-');
  return `${folder}-import-${kind}-${stamp}.csv`;
}

const RUNNING: ReadonlySet<ArchiveJobStatus['phase']> = new Set(['running', 'waiting-for-imago']);
const CAN_RUN: ReadonlySet<ArchiveJobStatus['phase']> = new Set(['planned', 'paused', 'failed']);

export function ArchiveJobView({
  job,
  onChanged,
  onRemoved,
  onReuse,
}: {
  job: ArchiveJobStatus;
  onChanged: (status: ArchiveJobStatus) => void;
  onRemoved: () => void;
  /** Opens the new-import form filled with this job's settings. */
  onReuse: () => void;
}) {
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);
  const [capText, setCapText] = useState(() => formatBandwidthCap(job.maxBytesPerSecond));
  const [reportPath, setReportPath] = useState(() => defaultReportPath(job));
  // Until the user types a path of their own, the default follows the job (a dry-run report becomes the final report).
  const [reportPathTyped, setReportPathTyped] = useState(false);
  const suggested = defaultReportPath(job);
  useEffect(() => {
    if (!reportPathTyped) setReportPath(suggested);
  }, [suggested, reportPathTyped]);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  // Another job chosen: its own cap and report path.
  useEffect(() => {
    setCapText(formatBandwidthCap(job.maxBytesPerSecond));
    setReportPathTyped(false);
    setSaved(null);
    setError(null);
    setConfirmRemove(false);
  }, [job.jobId]);
  const cap = parseBandwidthCap(capText);
  const capChanged = cap.ok && cap.bytesPerSecond !== job.maxBytesPerSecond;

  /** Asks main to act; its answer is the job's new status (its event may come before or after). */
  const act = async <T,>(call: () => Promise<Result<T>>, then?: (value: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      const result = await call();
      if (!result.ok) setError(result.error);
      else then?.(result.value);
    } finally {
      setBusy(false);
    }
  };
  const run = () => act(() => bridge.archiveRun({ jobId: job.jobId, maxBytesPerSecond: cap.ok ? cap.bytesPerSecond : undefined }), onChanged);
  const pause = () => act(() => bridge.archivePause({ jobId: job.jobId }), onChanged);
  const applyCap = () => cap.ok && act(() => bridge.archiveSetRate({ jobId: job.jobId, maxBytesPerSecond: cap.bytesPerSecond }), onChanged);
  const saveReport = () =>
    act(
      () => bridge.archiveSaveReport({ jobId: job.jobId, path: reportPath }),
      (value) => setSaved(`Saved ${value.rows} ${value.rows === 1 ? 'row' : 'rows'} to ${value.path}.`),
    );
  const remove = () => act(() => bridge.archiveRemoveJob({ jobId: job.jobId }), onRemoved);

  const running = RUNNING.has(job.phase);
  const ready = job.counts.ready ?? 0;
  const canRun = CAN_RUN.has(job.phase) && ready > 0;
  const percent = job.bytesToSend > 0 ? Math.min(100, Math.round((100 * job.bytesSent) / job.bytesToSend)) : 0;
  const t = job.source.target;

  return (
    <div className="card archive-job" data-testid="archive-job" data-phase={job.phase} data-job-id={job.jobId}>
      <div className="row archive-job-head">
        <h2>
          {PHASE_LABEL[job.phase]}
          <span className="muted"> · {job.source.folder}</span>
        </h2>
      </div>
      <p className="muted">
        To {t.workspaceName} › {t.datasetName} › {t.imageryTypeName} · {job.source.manifest ? `manifest ${job.source.manifest}` : ''}
        {job.source.manifest && job.source.patterns.length > 0 ? ' and ' : ''}
        {job.source.patterns.length > 0 ? `patterns ${job.source.patterns.join('  ')}` : ''} · started {formatDateTime(job.createdAt)}
      </p>
      {job.message && (
        <p className={job.phase === 'failed' ? 'notice notice-error' : 'notice notice-transient'} role={job.phase === 'failed' ? 'alert' : 'status'} data-testid="archive-message">
          {job.message}
        </p>
      )}

      {job.phase === 'scanning' && (
        <div role="status" data-testid="archive-scanning">
          <p>
            Reading the archive: {job.filesSeen} {job.filesTotal !== null ? `of ${job.filesTotal} ` : ''}files checked so far…
          </p>
          {job.filesTotal !== null && job.filesTotal > 0 ? <progress max={job.filesTotal} value={job.filesSeen} aria-label="Dry run progress" /> : <progress aria-label="Dry run progress" />}
        </div>
      )}

      <dl className="archive-counts" data-testid="archive-counts" aria-label="Files by outcome">
        <div>
          <dt>Files</dt>
          <dd data-testid="count-files">{job.filesTotal ?? job.filesSeen}</dd>
        </div>
        {OUTCOME_ORDER.filter((o) => (job.counts[o] ?? 0) > 0 || o === 'ready').map((o) => (
          <div key={o} className={`outcome-${o}`}>
            <dt>{OUTCOME_LABEL[o]}</dt>
            <dd data-testid={`count-${o}`}>{job.counts[o] ?? 0}</dd>
          </div>
        ))}
      </dl>

      {job.phase !== 'scanning' && (
        <div className="archive-run">
          <div className="row">
            {running ? (
              <button type="button" onClick={() => void pause()} disabled={busy}>
                Pause
              </button>
            ) : (
              canRun && (
                <button type="button" className="primary" onClick={() => void run()} disabled={busy || !cap.ok}>
                  {job.phase === 'planned' ? `Upload ${ready} ready ${ready === 1 ? 'file' : 'files'}` : 'Resume'}
                </button>
              )
            )}
            {(running || canRun) && (
              <>
                <label className="archive-cap">
                  Bandwidth cap
                  <input
                    value={capText}
                    onChange={(e) => setCapText(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && running && capChanged) void applyCap();
                    }}
                    placeholder="none, e.g. 512 kbit/s"
                    aria-invalid={!cap.ok}
                    aria-describedby="archive-cap-help"
                  />
                </label>
                {running && capChanged && (
                  <button type="button" onClick={() => void applyCap()} disabled={busy}>
                    Apply cap
                  </button>
                )}
                <span id="archive-cap-help" className={cap.ok ? 'muted' : 'field-error'} role={cap.ok ? undefined : 'alert'}>
                  {cap.ok
                    ? job.maxBytesPerSecond !== null
                      ? `Capped at ${formatBandwidthCap(job.maxBytesPerSecond)}.`
                      : 'Blank: as fast as the link allows. kbit/s, Mbit/s, KB/s or MB/s.'
                    : cap.reason}
                </span>
              </>
            )}
          </div>
          {(running || job.phase === 'paused' || job.phase === 'done' || job.bytesSent > 0) && (
            <div className="archive-progress" data-testid="archive-progress">
              <progress max={100} value={percent} aria-label="Upload progress" />
              <span>{progressLine(job)}</span>
            </div>
          )}
          {job.phase === 'planned' && ready === 0 && <p className="muted">Nothing to upload: no file is ready.</p>}
        </div>
      )}

      <div className="row archive-report">
        <label>
          Report CSV
          <input
            value={reportPath}
            onChange={(e) => {
              setReportPath(e.target.value);
              setReportPathTyped(true);
            }}
            aria-describedby="archive-report-help"
          />
        </label>
        <button type="button" onClick={() => void saveReport()} disabled={busy || !reportPath.trim() || job.phase === 'scanning'}>
          Save report CSV
        </button>
        <span id="archive-report-help" className="muted">
          File, outcome, reason and Imago ids, one line per file: written by the background service to this path.
        </span>
        {saved && (
          <span role="status" data-testid="archive-report-saved">
            {saved}
          </span>
        )}
      </div>

      {error && <ErrorNotice error={error} testId="archive-job-error" />}

      <ArchiveRowTable job={job} />

      <div className="row">
        {confirmRemove ? (
          <>
            <span role="alert">Remove this job and its journal from this computer? Photos already on Imago stay there.</span>
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              Remove job
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)} autoFocus>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirmRemove(true)} disabled={running}>
            Remove job…
          </button>
        )}
        {running && <span className="muted">Pause the job to remove it.</span>}
        <button type="button" onClick={onReuse}>
          Change and dry run again…
        </button>
        <span className="muted">
          {formatBytes(job.bytesToSend)} to send in all · last change {formatDateTime(job.updatedAt)}
        </span>
      </div>
    </div>
  );
}
