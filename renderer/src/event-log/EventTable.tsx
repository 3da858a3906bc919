/**
 * The log as a virtualized table (@tanstack/react-virtual): only the rows on screen are in the
 * DOM, so 100,000 events scroll like 100. ↑/↓ move the selection, which opens the event on the
 * side. Remarks are rendered as text, never as HTML.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { EventLabel } from '../../../common/bridge/event-log-contract';
import { displayText } from '../../../common/display-text';
import type { LogEvent } from './event-log-db';
import { formatEventTime, type TimeZoneChoice } from './event-time';
import { LabelChip } from './LabelPicker';

const ROW_HEIGHT = 34;
/** A row shows one line of remarks; its tooltip a few lines. The side panel shows them all. */
const ROW_CHARACTERS = 400;
const TITLE_CHARACTERS = 2000;

export function SyncBadge({ row }: { row: LogEvent }) {
  if (row.sync === 'synced' && !row.deleted) return row.readonly ? <span className="badge badge-readonly">read-only</span> : null;
  const text = row.sync === 'synced' ? 'deleted' : row.sync === 'pending' ? (row.deleted ? 'delete pending' : 'pending') : row.sync;
  return <span className={`badge badge-${row.sync === 'synced' ? 'deleted' : row.sync}`}>{text}</span>;
}

export function EventTable({
  rows,
  zone,
  labels,
  selectedKey,
  onSelect,
}: {
  rows: readonly LogEvent[];
  zone: TimeZoneChoice;
  labels: Map<string, EventLabel>;
  selectedKey: string | null;
  onSelect: (key: string | null) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]!.key,
  });
  const selectedIndex = selectedKey ? rows.findIndex((r) => r.key === selectedKey) : -1;

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = Math.max(0, Math.min(rows.length - 1, selectedIndex + (event.key === 'ArrowDown' ? 1 : -1)));
    if (rows[next]) onSelect(rows[next].key);
  };

  return (
    <div className="event-table" role="table" aria-label="Event log" aria-rowcount={rows.length}>
      <div className="event-row event-head" role="row">
        <span role="columnheader">Time ({zone === 'utc' ? 'UTC' : 'local'})</span>
        <span role="columnheader">Seq</span>
        <span role="columnheader">SP</span>
        <span role="columnheader">Remarks</span>
        <span role="columnheader">Labels</span>
        <span role="columnheader">Status</span>
      </div>
      <div ref={scrollRef} className="event-scroll" tabIndex={0} onKeyDown={onKeyDown} data-testid="event-scroll">
        {rows.length === 0 && <p className="muted event-empty">No events match.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={row.key === selectedKey}
                className={`event-row${row.key === selectedKey ? ' selected' : ''}${row.deleted ? ' deleted' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-testid="event-row"
                data-key={row.key}
                data-sync={row.sync}
                onClick={() => onSelect(row.key)}
              >
                <span role="cell" className="mono">
                  {row.tstamp ? formatEventTime(row.tstamp, zone) : <span className="muted">at shot</span>}
                </span>
                <span role="cell">{row.sequence ?? ''}</span>
                <span role="cell">{row.point ?? ''}</span>
                <span role="cell" className="event-remarks" title={displayText(row.remarks, { maxCharacters: TITLE_CHARACTERS })} data-testid="event-remarks">
                  {displayText(row.remarks, { maxCharacters: ROW_CHARACTERS })}
                </span>
                <span role="cell" className="event-labels">
                  {row.labels.map((name) => (
                    <LabelChip key={name} name={name} label={labels.get(name)} />
                  ))}
                </span>
                <span role="cell">
                  <SyncBadge row={row} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
