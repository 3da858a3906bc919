/**
 * The strip log's intervals: drawn in depth units as a few paths (GroupBlocks), and as the
 * listbox's options over them in pixels (IntervalOptions), only where there is room for them.
 */
import { memo, useMemo } from 'react';
import { formatDepthRange } from '../../settings/depth-format';
import type { ImageryInterval } from '../photos-db';
import { barMaximum, columnValue, swatch } from './strip-columns';
import { BLOCK_WIDTH, MARK_WIDTH, type GroupLayout } from './strip-layout';
import type { IntervalMark, StripGroup } from './use-strip-data';

/** The element id of an interval's option (the listbox's `aria-activedescendant`). */
export const optionId = (intervalId: string) => `strip-option-${intervalId}`;

const MARK_WORDS: Record<IntervalMark, string> = { synced: '', pending: ', not in Imago yet', conflict: ', changed in Imago too: choose which to keep' };

/**
 * One imagery type's interval blocks and attribute columns in depth units, drawn under the
 * scaling transform as a few paths (one per fill: block shades, marks, each colour, each bar
 * column) rather than an element per interval: 2,000 intervals are a handful of elements, and a
 * zoom step or a scroll redraws none of them.
 */
export const GroupBlocks = memo(function GroupBlocks({ group, layout }: { group: StripGroup; layout: GroupLayout }) {
  const paths = useMemo(() => {
    const byFill = new Map<string, { className: string; fill?: string; d: string[] }>();
    const add = (key: string, className: string, x: number, width: number, from: number, to: number, fill?: string) => {
      let entry = byFill.get(key);
      if (!entry) byFill.set(key, (entry = { className, fill, d: [] }));
      entry.d.push(`M${x} ${from}h${round3(width)}V${to}h${round3(-width)}z`);
    };
    const maxima = new Map(layout.columns.filter((c) => c.column.kind === 'bar').map((c) => [c.column.key, barMaximum(c.column, group.intervals.map((i) => columnValue(i.attributes, c.column)))]));
    group.intervals.forEach((interval, index) => {
      const { from, to } = interval;
      const mark = group.marks.get(interval.id) ?? 'synced';
      const shade = mark === 'synced' ? (index % 2 ? 'odd' : 'even') : mark;
      add(`block:${shade}`, `strip-block mark-${shade}`, layout.blockX, BLOCK_WIDTH, from, to);
      if (mark !== 'synced') add(`mark:${mark}`, `strip-mark mark-${mark}`, layout.markX, MARK_WIDTH, from, to);
      for (const c of layout.columns) {
        const value = columnValue(interval.attributes, c.column);
        if (c.column.kind === 'colour') {
          const colour = swatch(value);
          if (colour) add(`colour:${c.column.key}:${colour.toUpperCase()}`, 'strip-colour', c.x, c.width, from, to, colour.toUpperCase());
        } else if (c.column.kind === 'bar' && typeof value === 'number' && value > 0) {
          add(`bar:${c.column.key}`, 'strip-bar', c.x, Math.min(1, value / (maxima.get(c.column.key) ?? 1)) * c.width, from, to);
        }
      }
    });
    return [...byFill.entries()];
  }, [group, layout]);
  return (
    <g data-imagery-type={group.imageryType.name}>
      {paths.map(([key, p]) => (
        <path key={key} className={p.className} fill={p.fill} d={p.d.join('')} data-column={key.startsWith('colour:') || key.startsWith('bar:') ? key.split(':')[1] : undefined} />
      ))}
    </g>
  );
});

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The intervals as the listbox's options: transparent boxes over their blocks in pixels, named for
 * screen readers and tests (depths, imagery type, pending or conflict). Only those in view and
 * tall enough are drawn, plus the selected one; `aria-setsize`/`aria-posinset` say where each is
 * among all the hole's intervals.
 */
export function IntervalOptions({ group, intervals, layout, yOf, selectedId, units, interactive }: { group: StripGroup; intervals: ImageryInterval[]; layout: GroupLayout; yOf: (d: number) => number; selectedId: string | null; units: string | undefined; interactive: boolean }) {
  return (
    <g className="strip-options" data-imagery-type={group.imageryType.name}>
      {intervals.map((interval) => {
        const mark = group.marks.get(interval.id) ?? 'synced';
        const selected = interval.id === selectedId;
        const top = yOf(interval.from);
        return (
          <rect
            key={interval.id}
            id={interactive && selected ? optionId(interval.id) : undefined}
            role={interactive ? 'option' : undefined}
            aria-selected={interactive ? selected : undefined}
            aria-setsize={interactive ? group.intervals.length : undefined}
            aria-posinset={interactive ? group.intervals.indexOf(interval) + 1 : undefined}
            aria-label={`${formatDepthRange(interval.from, interval.to, { units })} ${group.imageryType.name}${MARK_WORDS[mark]}`}
            data-testid="strip-block"
            data-from={interval.from}
            data-to={interval.to}
            data-mark={mark}
            className="strip-option"
            x={layout.blockX}
            y={top}
            width={BLOCK_WIDTH}
            height={Math.max(1, yOf(interval.to) - top)}
          />
        );
      })}
    </g>
  );
}
