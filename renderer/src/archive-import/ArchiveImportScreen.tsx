/**
 * The Archive import screen (issue 14): the jobs this computer knows on the left (they live in the
 * background service's journal, so they survive a reload, a closed window and a restart), and on
 * the right either a new import's form or the chosen job. The chosen job is remembered.
 */
import { useEffect, useState } from 'react';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { recall, remember } from '../app/remembered';
import { PHASE_LABEL, runFiles } from './archive-figures';
import { ArchiveJobView } from './ArchiveJobView';
import { ArchiveSourceForm } from './ArchiveSourceForm';
import { draftFromSource, recallDraft, rememberDraft } from './source-draft';
import { useArchiveJobs } from './use-archive-jobs';
import './archive-import.css';

const NEW = 'new';

/** The folder's last part, which is how people name an archive ("2019", "AR-DD-0001"). */
function folderName(folder: string): string {
  return folder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || folder;
}

function jobSummary(job: ArchiveJobStatus): string {
  if (job.phase === 'scanning') return `${job.filesSeen} files read`;
  const files = runFiles(job.counts);
  if (job.phase === 'planned') return `${job.counts.ready ?? 0} ready of ${job.filesTotal ?? job.filesSeen}`;
  return `${files.done} of ${files.total} sent`;
}

export function ArchiveImportScreen() {
  const list = useArchiveJobs();
  const [chosen, setChosen] = useState<string>(() => recall('archiveImportJob') ?? NEW);
  useEffect(() => remember('archiveImportJob', chosen), [chosen]);
  const job = list.jobs.find((j) => j.jobId === chosen);
  // A remembered job that is no longer there (removed, another computer's data folder): the form.
  useEffect(() => {
    if (list.loaded && chosen !== NEW && !job) setChosen(NEW);
  }, [list.loaded, chosen, job]);

  return (
    <section className="screen archive-import" aria-labelledby="archive-title">
      <h1 id="archive-title">Archive import</h1>
      <div className="archive-columns">
        <nav className="card archive-jobs" aria-label="Import jobs">
          <button type="button" className={chosen === NEW ? 'primary' : ''} aria-current={chosen === NEW ? 'page' : undefined} onClick={() => setChosen(NEW)}>
            New import…
          </button>
          {list.error && <ErrorNotice error={list.error} testId="archive-jobs-error" />}
          {list.loaded && list.jobs.length === 0 && <p className="muted">No imports yet.</p>}
          <ul data-testid="archive-job-list">
            {list.jobs.map((j) => (
              <li key={j.jobId}>
                <button
                  type="button"
                  className={`archive-job-item${j.jobId === chosen ? ' active' : ''}`}
                  aria-current={j.jobId === chosen ? 'page' : undefined}
                  onClick={() => setChosen(j.jobId)}
                  data-testid="archive-job-item"
                  data-phase={j.phase}
                >
                  <strong>{folderName(j.source.folder)}</strong>
                  <span>
                    {PHASE_LABEL[j.phase]} · {jobSummary(j)}
                  </span>
                  <span className="muted">{formatDateTime(j.createdAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="archive-main">
          {job ? (
            <ArchiveJobView
              key={job.jobId}
              job={job}
              onChanged={list.upsert}
              onRemoved={() => {
                list.drop(job.jobId);
                setChosen(NEW);
              }}
              onReuse={() => {
                rememberDraft(draftFromSource(job.source, recallDraft().sample));
                setChosen(NEW);
              }}
            />
          ) : (
            <ArchiveSourceForm
              onStarted={(status) => {
                list.upsert(status);
                setChosen(status.jobId);
              }}
            />
          )}
        </div>
      </div>
    </section>
  );
}
