/**
 * A job's files as a virtualized table (@tanstack/react-virtual), read from main page by page as
 * it scrolls, filterable by outcome. ↑/↓ (Home/End, PageUp/PageDown) move the selection; the
 * selected file's whole story (reason, checksum, duplicate of, Imago ids) shows under the table.
 * File names and reasons are rendered as text, never as HTML.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ArchiveJobStatus, ArchiveOutcome, ArchiveRow } from '../../../common/bridge/archive-contract';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatBytes, OUTCOME_LABEL, OUTCOME_ORDER } from './archive-figures';
import { useArchiveRows } from './use-archive-rows';

const ROW_HEIGHT = 32;

function depthRange(row: ArchiveRow): string {
  if (row.from === null && row.to === null) return '';
  return `${row.from ?? '?'}–${row.to ?? '?'}`;
}

/** What the last column says: why, or where the file went. */
function detail(row: ArchiveRow): string {
  if (row.outcome === 'uploaded') return row.imageId ? `Imago image ${row.imageId}` : 'Uploaded';
  if (row.outcome === 'duplicate' && row.duplicateOf) return row.reason ?? `Same bytes as ${row.duplicateOf}`;
  return row.reason ?? '';
}

export function ArchiveRowTable({ job }: { job: ArchiveJobStatus }) {
  const [outcomes, setOutcomes] = useState<ArchiveOutcome[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const view = useArchiveRows(job.jobId, outcomes, job.updatedAt);
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = view.total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { showing } = view;
  useEffect(() => showing(first, last), [first, last, showing]);
  // A new filter is a new list: the selection and the scroll start again at the top.
  useEffect(() => {
    setSelected(null);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [outcomes]);

  const toggle = (outcome: ArchiveOutcome) => setOutcomes((current) => (current.includes(outcome) ? current.filter((o) => o !== outcome) : [...current, outcome]));
  const shown = OUTCOME_ORDER.filter((o) => (job.counts[o] ?? 0) > 0 || outcomes.includes(o));

  const move = (to: number) => {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, to));
    setSelected(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, items.length - 2);
    const at = selected ?? -1;
    const steps: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: count - 1 };
    const target = steps[event.key];
    if (target === undefined) return;
    event.preventDefault();
    move(target);
  };
  const selectedRow = selected !== null ? view.rowAt(selected) : undefined;

  return (
    <div className="archive-rows">
      <div className="row archive-filter" role="group" aria-label="Show files">
        <span className="muted">Show:</span>
        <button type="button" aria-pressed={outcomes.length === 0} onClick={() => setOutcomes([])}>
          All ({job.filesTotal ?? job.filesSeen})
        </button>
        {shown.map((o) => (
          <button key={o} type="button" aria-pressed={outcomes.includes(o)} onClick={() => toggle(o)} data-testid={`filter-${o}`}>
            {OUTCOME_LABEL[o]} ({job.counts[o] ?? 0})
          </button>
        ))}
      </div>
      {view.error && <ErrorNotice error={view.error} testId="archive-rows-error" />}
      <div className="archive-table" role="table" aria-label="Files of the archive" aria-rowcount={count}>
        <div className="archive-row archive-head" role="row">
          <span role="columnheader">File</span>
          <span role="columnheader">Outcome</span>
          <span role="columnheader">Hole</span>
          <span role="columnheader">Depths</span>
          <span role="columnheader">Image type</span>
          <span role="columnheader">Size</span>
          <span role="columnheader">Why / where</span>
        </div>
        <div
          ref={scrollRef}
          className="archive-scroll"
          tabIndex={0}
          onKeyDown={onKeyDown}
          aria-label="Files: ↑ ↓ to move, Page Up/Down, Home, End"
          data-testid="archive-rows"
          data-total={view.total ?? ''}
        >
          {view.total === 0 && <p className="muted event-empty">{outcomes.length > 0 ? 'No file has these outcomes.' : 'No files yet.'}</p>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = view.rowAt(item.index);
              const isSelected = item.index === selected;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 1}
                  aria-selected={isSelected}
                  className={`archive-row${isSelected ? ' selected' : ''}${row ? ` outcome-${row.outcome}` : ''}`}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={() => setSelected(item.index)}
                  data-testid="archive-row"
                  data-outcome={row?.outcome}
                  data-file={row?.file}
                >
                  {row ? (
                    <>
                      <span role="cell" className="archive-file" title={row.file}>
                        {row.file}
                      </span>
                      <span role="cell">
                        <span className={`badge outcome-badge outcome-${row.outcome}`}>{OUTCOME_LABEL[row.outcome]}</span>
                      </span>
                      <span role="cell">{row.hole ?? ''}</span>
                      <span role="cell" className="mono">
                        {depthRange(row)}
                      </span>
                      <span role="cell">{row.imageType ?? ''}</span>
                      <span role="cell" className="mono">
                        {formatBytes(row.bytes)}
                      </span>
                      <span role="cell" className="archive-detail" title={detail(row)}>
                        {detail(row)}
                      </span>
                    </>
                  ) : (
                    <span role="cell" className="muted">
                      …
                    </span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {selectedRow && (
        <dl className="facts archive-row-facts" data-testid="archive-row-facts" aria-live="polite">
          <dt>File</dt>
          <dd className="event-text">{selectedRow.file}</dd>
          <dt>Outcome</dt>
          <dd>{OUTCOME_LABEL[selectedRow.outcome]}</dd>
          {selectedRow.reason && (
            <>
              <dt>Why</dt>
              <dd className="event-text">{selectedRow.reason}</dd>
            </>
          )}
          {selectedRow.duplicateOf && (
            <>
              <dt>Same bytes as</dt>
              <dd className="event-text">{selectedRow.duplicateOf}</dd>
            </>
          )}
          {selectedRow.sha256 && (
            <>
              <dt>SHA-256</dt>
              <dd className="mono">{selectedRow.sha256}</dd>
            </>
          )}
          {(selectedRow.imageId || selectedRow.imageryId) && (
            <>
              <dt>Imago</dt>
              <dd className="mono">
                image {selectedRow.imageId ?? '—'} · imagery {selectedRow.imageryId ?? '—'}
              </dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}
