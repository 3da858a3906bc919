/**
 * What the strip log draws in pixels around its intervals: column headings, the depth axis and
 * its grid, gap and overlap marks, the selection outline, values as text, and the legend.
 */
import { useMemo } from 'react';
import { displayText } from '../../../../common/display-text';
import { formatDepthValue } from '../../../../common/forms/length-units';
import { isStructuredValue, structuredText } from '../../../../common/photos/attribute-value';
import { formatDepthRange } from '../../settings/depth-format';
import type { ImageryInterval } from '../photos-db';
import type { ColumnValue, StripColumn } from './strip-columns';
import { AXIS_WIDTH, BLOCK_WIDTH, HEADER_HEIGHT, LABEL_MIN_PX, MARK_MIN_PX, MAX_MARKS, THUMB_WIDTH, type GroupLayout } from './strip-layout';
import { gapsBetween } from '../interval-rules';
import { overlapsOf, ticksBetween } from './strip-scale';
import type { StripGroup } from './use-strip-data';

/** A value's tooltip shows this much of it. */
const TITLE_CHARACTERS = 2000;

export function GroupHeader({ layout }: { layout: GroupLayout }) {
  const columns = [
    { key: 'block', x: layout.blockX, width: BLOCK_WIDTH, text: 'Interval' },
    ...layout.columns.map((c) => ({ key: c.column.key, x: c.x, width: c.width, text: c.column.attribute })),
    ...layout.thumbs.map((t) => ({ key: `thumb:${t.imageTypeName}`, x: t.x, width: THUMB_WIDTH, text: t.imageTypeName })),
  ];
  return (
    <g className="strip-group-header">
      <text x={layout.x} y={13} className="strip-group-title">
        {truncate(layout.imageryType.name, Math.floor(layout.width / 7))}
      </text>
      <line x1={layout.x} x2={layout.x + layout.width} y1={18} y2={18} className="strip-group-rule" />
      {columns.map((c) =>
        c.width >= 60 ? (
          <text key={c.key} x={c.x} y={HEADER_HEIGHT - 6} className="strip-column-title">
            {truncate(c.text, Math.floor(c.width / 6.5))}
          </text>
        ) : (
          <text key={c.key} transform={`translate(${c.x + c.width / 2 + 4} ${HEADER_HEIGHT - 4}) rotate(-90)`} className="strip-column-title">
            {truncate(c.text, 11)}
          </text>
        ),
      )}
    </g>
  );
}

export function Axis({ from, to, step, decimals, yOf, width }: { from: number; to: number; step: number; decimals: number; yOf: (d: number) => number; width: number }) {
  return (
    <g className="strip-axis" data-testid="strip-axis">
      <line x1={AXIS_WIDTH - 4} x2={AXIS_WIDTH - 4} y1={yOf(from)} y2={yOf(to)} />
      {ticksBetween(from, to, step).map((depth) => (
        <g key={depth}>
          <line x1={AXIS_WIDTH - 10} x2={AXIS_WIDTH - 4} y1={yOf(depth)} y2={yOf(depth)} />
          <line className="strip-grid" x1={AXIS_WIDTH} x2={width} y1={yOf(depth)} y2={yOf(depth)} />
          <text x={AXIS_WIDTH - 12} y={yOf(depth) + 4} textAnchor="end" data-testid="strip-tick">
            {formatDepthValue(depth, decimals)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Gaps and overlaps across the block column, at least MARK_MIN_PX tall so they show at any zoom. */
export function GapsAndOverlaps({ intervals, layout, yOf, units }: { intervals: ImageryInterval[]; layout: GroupLayout; yOf: (d: number) => number; units: string | undefined }) {
  const gaps = useMemo(() => gapsBetween(intervals).slice(0, MAX_MARKS), [intervals]);
  const overlaps = useMemo(() => overlapsOf(intervals).slice(0, MAX_MARKS), [intervals]);
  const band = (kind: 'gap' | 'overlap', range: { from: number; to: number }, key: number) => {
    const top = yOf(range.from);
    const h = Math.max(MARK_MIN_PX, yOf(range.to) - top);
    const words = `${kind === 'gap' ? 'Gap' : 'Overlap'} ${formatDepthRange(range.from, range.to, { units })}`;
    return (
      <g key={`${kind}${key}`} className={`strip-${kind}`} data-testid={`strip-${kind}`} data-from={range.from} data-to={range.to}>
        <rect x={layout.markX} y={top + (yOf(range.to) - top) / 2 - h / 2} width={layout.blockX + BLOCK_WIDTH - layout.markX} height={h} />
        {h >= LABEL_MIN_PX && (
          <text x={layout.blockX + BLOCK_WIDTH / 2} y={top + h / 2 + 4} textAnchor="middle">
            {kind === 'gap' ? 'gap' : '⚠'}
          </text>
        )}
        <title>{words}</title>
      </g>
    );
  };
  return (
    <g>
      {gaps.map((g, i) => band('gap', g, i))}
      {overlaps.map((o, i) => band('overlap', { from: o.top, to: o.bottom }, i))}
    </g>
  );
}

export function Selection({ group, layout, selectedId, yOf }: { group: StripGroup; layout: GroupLayout; selectedId: string | null; yOf: (d: number) => number }) {
  const selected = selectedId ? group.intervals.find((i) => i.id === selectedId) : undefined;
  if (!selected) return null;
  const top = yOf(selected.from);
  const h = Math.max(MARK_MIN_PX, yOf(selected.to) - top);
  return <rect className="strip-selection" data-testid="strip-selection" x={layout.x - 2} y={top} width={layout.width} height={h} />;
}

export function ValueText({ value, x, y, width, kind }: { value: ColumnValue; x: number; y: number; width: number; kind: StripColumn['kind'] }) {
  if (value === null || value === '') return null;
  const whole = isStructuredValue(value) ? structuredText(value) : String(value);
  const text = typeof value === 'string' ? value.split('\n')[0]! : typeof value === 'boolean' ? (value ? 'yes' : 'no') : whole;
  return (
    <g>
      <text className={`strip-value ${kind}`} x={kind === 'bar' ? x + width - 2 : x + 2} y={y + 11} textAnchor={kind === 'bar' ? 'end' : 'start'}>
        {truncate(text, Math.floor(width / 6.2))}
      </text>
      <title>{displayText(whole, { maxCharacters: TITLE_CHARACTERS })}</title>
    </g>
  );
}

/** As much of `text` as fits `max` characters, shown safely and cut at a whole character (never half an emoji). */
function truncate(text: string, max: number): string {
  return displayText(text, { maxCharacters: Math.max(1, max - 1), cutMark: 'ellipsis' });
}

export function Legend() {
  return (
    <p className="strip-legend muted" aria-hidden="true">
      <span className="strip-swatch mark-pending" /> not in Imago yet <span className="strip-swatch mark-conflict" /> changed in Imago too <span className="strip-swatch mark-gap" /> gap <span className="strip-swatch mark-overlap" /> overlap
    </p>
  );
}
