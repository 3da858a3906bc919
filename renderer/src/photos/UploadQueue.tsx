/**
 * The upload queue: overall progress (photos, bytes, time left), pause and resume, "Retry now"
 * (everything waiting, failed photos included), and every queued or failed photo with its own
 * progress, the server's reason, or — when its failure keeps repeating — a plain "needs
 * attention" summary. A virtual list, because a core-shed station queues hundreds of photos a day.
 *
 * Pause takes effect in this window at once and is then saved (so it holds after a restart); when
 * the saving is refused (a full disk) the window stays paused and says the pause is not saved yet,
 * with a button to save it once space is back.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { useRef, useState } from 'react';
import { displayText } from '../../../common/display-text';
import { formatRelative } from '../app/time-format';
import { whyNotSaved } from '../storage/local-write-failure';
import { attentionSummary } from '../sync/attention';
import { NAME_CHARACTERS } from '../ui/ShownText';

/** A label's or an error's tooltip shows this much of it. */
const TITLE_CHARACTERS = 2000;
import { datasetLengthUnits, labelInUnits } from './interval-rules';
import { photosDb, type OutboxItem } from './photos-db';
import { photoUploadEngine } from './upload-engine';
import { useQueueProgress, useUploadEngineSnapshot } from './use-photo-sync';

const MB = 1024 * 1024;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const formatMb = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function UploadQueue() {
  const progress = useQueueProgress();
  const snapshot = useUploadEngineSnapshot();
  const items = useLiveQuery(() => photosDb.outbox.where('kind').equals('upload').sortBy('createdAt'), [], [] as OutboxItem[]);
  // Labels name depths: each is shown in the units of the dataset its hole belongs to.
  const holeIds = [...new Set(items.map((i) => i.holeId))];
  const unitsOf = useLiveQuery(
    async () => {
      const [catalogue, holes] = await Promise.all([photosDb.catalogue.get('imago'), photosDb.holes.bulkGet(holeIds)]);
      return new Map(holes.flatMap((h) => (h ? [[h.id, datasetLengthUnits(catalogue, h.workspaceName, h.datasetName)] as const] : [])));
    },
    [holeIds.join('\n')],
    new Map<string, string | undefined>(),
  );
  const failed = items.filter((i) => i.state === 'failed').length;
  const retried = items.filter((i) => i.state !== 'failed' && i.attempts > 0).length;
  const now = Date.now();
  const attentionOf = (item: OutboxItem) => (item.state === 'failed' ? null : attentionSummary('imago', item.failures, item.lastError, now));
  const needing = items.filter((i) => attentionOf(i));
  const worst = needing.reduce<OutboxItem | null>((a, b) => ((b.failures?.count ?? 0) > (a?.failures?.count ?? 0) ? b : a), null);
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => 52, overscan: 8 });
  const percent = progress.totalBytes > 0 ? Math.round((100 * progress.sentBytes) / progress.totalBytes) : 0;
  // Paused in this window, saved or not: a pause that could not be written down still holds here.
  const paused = progress.paused || snapshot.paused;
  const [pauseProblem, setPauseProblem] = useState<{ pausing: boolean; message: string } | null>(null);
  const pause = () =>
    void photoUploadEngine.pause().then(
      () => setPauseProblem(null),
      (e: unknown) =>
        setPauseProblem({
          pausing: true,
          message: `Uploads are paused in this window only: the pause could not be saved, so after a restart or a reload uploads would start again. ${capitalised(whyNotSaved(e, 'press “Save the pause”'))}`,
        }),
    );
  const resume = () =>
    void photoUploadEngine.resume().then(
      () => setPauseProblem(null),
      (e: unknown) => setPauseProblem({ pausing: false, message: `Uploads could not be resumed: ${whyNotSaved(e, 'press Resume uploads again')}` }),
    );

  return (
    <div className="card upload-queue">
      <div className="row">
        <h2>Upload queue</h2>
        {paused ? (
          <button type="button" className="primary" onClick={resume}>
            Resume uploads
          </button>
        ) : (
          <button type="button" onClick={pause}>
            Pause uploads
          </button>
        )}
        {(failed > 0 || retried > 0) && (
          <button type="button" onClick={() => void photoUploadEngine.retryNow()} data-testid="queue-retry-now">
            Retry now{failed > 0 ? ` (${failed} failed included)` : ''}
          </button>
        )}
      </div>
      {pauseProblem && (
        <p className="error" role="alert" data-testid="queue-pause-problem">
          {pauseProblem.message}{' '}
          {pauseProblem.pausing && paused && (
            <button type="button" onClick={pause}>
              Save the pause
            </button>
          )}
        </p>
      )}
      {snapshot.heldReason && items.length > 0 && (
        <p className="error" role="alert" data-testid="queue-held">
          {snapshot.heldReason}
        </p>
      )}
      <p data-testid="queue-summary" data-waiting={progress.waitingCount} data-failed={failed} data-attention={needing.length}>
        {progress.waitingCount === 0 && progress.doneCount === 0
          ? 'Nothing waiting.'
          : `${progress.doneCount} of ${progress.totalCount} photos sent · ${formatMb(progress.sentBytes)} of ${formatMb(progress.totalBytes)}${
              progress.secondsLeft !== null ? ` · about ${formatDuration(progress.secondsLeft)} left` : ''
            }${paused ? ' · paused' : ''}`}
      </p>
      {progress.totalBytes > 0 && <progress max={100} value={percent} aria-label="Upload progress" />}
      {worst && (
        <p className="error" role="alert" data-testid="queue-attention-summary">
          {needing.length === 1 ? '1 photo needs' : `${needing.length} photos need`} attention: {attentionOf(worst)}
        </p>
      )}
      {!snapshot.active && items.length > 0 && <p className="muted">Another Corelog window is sending these.</p>}
      <div ref={parent} className="queue-list" data-testid="queue-list" hidden={items.length === 0}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((row) => {
            const item = items[row.index]!;
            const running = snapshot.running.find((r) => r.outboxId === item.id);
            const attention = running ? null : attentionOf(item);
            const label = labelInUnits(item.label, unitsOf.get(item.holeId));
            return (
              <div key={item.id} className={`queue-row state-${item.state}${attention ? ' needs-attention' : ''}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: row.size, transform: `translateY(${row.start}px)` }} data-testid="queue-row">
                <span className="queue-label" title={displayText(label, { maxCharacters: TITLE_CHARACTERS })}>
                  {displayText(label, { maxCharacters: NAME_CHARACTERS })}
                </span>
                {running ? (
                  <progress max={running.totalBytes || 1} value={running.sentBytes} aria-label={`Progress of ${displayText(label, { maxCharacters: NAME_CHARACTERS })}`} />
                ) : item.state === 'failed' ? (
                  <span className="error">
                    <span className="queue-label queue-error" title={displayText(item.lastError?.message, { maxCharacters: TITLE_CHARACTERS })}>
                      {displayText(item.lastError?.message, { maxCharacters: NAME_CHARACTERS })}
                    </span>{' '}
                    <button type="button" onClick={() => void photoUploadEngine.retryItem(item.id)}>
                      Retry
                    </button>
                  </span>
                ) : attention ? (
                  <span className="error" data-testid="queue-attention" title={attention}>
                    Needs attention ({item.failures?.count} failures) · next try {formatRelative(new Date(item.nextAttemptAt).toISOString())}
                  </span>
                ) : item.attempts > 0 ? (
                  <span className="muted">
                    {displayText(item.lastError?.message ?? 'Waiting', { maxCharacters: NAME_CHARACTERS })} · next try {formatRelative(new Date(item.nextAttemptAt).toISOString())}
                  </span>
                ) : (
                  <span className="muted">{paused ? 'Paused' : 'Waiting'}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
