/**
 * The hole drawn to scale as a strip log: depth running down in the dataset's units, intervals as
 * blocks, the attribute columns the user chose (colours, bars, labels), Wet/Dry thumbnails beside
 * their interval, gaps, overlaps, pending and conflicting intervals marked. Several imagery types
 * of the hole stand side by side. Zoom runs from the whole hole to one unit filling the view
 * (+ and −, Ctrl+wheel); click or ↑/↓ select an interval (←/→ cross to the next imagery type).
 *
 * Drawing stays smooth on a 2,000-interval hole because the blocks and columns are drawn once,
 * in depth units, as a few paths under one scaling transform (StripIntervals) — a zoom step changes
 * that transform, not 2,000 elements — and only what needs pixels (axis, text, thumbnails, gap and
 * overlap marks, the listbox's options) is drawn per view, for the intervals in view. `mode="print"` fits the whole hole to a page, without
 * interaction (the hole report uses it).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type JSX, type KeyboardEvent } from 'react';
import { displayText } from '../../../../common/display-text';
import { lengthUnitSymbol, lengthUnitWords } from '../../../../common/forms/length-units';
import { formatDepthRange, useDepthPrecision } from '../../settings/depth-format';
import type { ImageryInterval, TrayPhoto } from '../photos-db';
import { ColumnChooser } from './ColumnChooser';
import { availableColumns, columnValue, rememberColumns, shownColumns } from './strip-columns';
import { AXIS_WIDTH, HEADER_HEIGHT, LABEL_MIN_PX, OPTION_MIN_PX, PAD, THUMB_MIN_PX, THUMB_WIDTH, layoutGroups } from './strip-layout';
import { Axis, GapsAndOverlaps, GroupHeader, Legend, Selection, ValueText } from './StripAnnotations';
import { holeSpan, inView, reachOf, tickStep, zoomLimits, zoomStep, type DepthSpan } from './strip-scale';
import { GroupBlocks, IntervalOptions, optionId } from './StripIntervals';
import { StripThumb, type ThumbSource } from './StripThumb';
import { useStripData, useStripPhotos, type StripGroup } from './use-strip-data';
import './strip-log.css';

/** The page height the whole hole is fitted to in print. */
const PRINT_HEIGHT = 900;
/** The strip's view on screen: 70 % of the window, within 320–720 px (padding included). */
const screenViewHeight = () => Math.min(720, Math.max(320, Math.round(window.innerHeight * 0.7))) - 2 * PAD;

export function StripLog(props: {
  holeId: string;
  imageryTypeIds: string[];
  mode: 'screen' | 'print';
  columns?: string[];
  selectedIntervalId?: string | null;
  onSelect?: (intervalId: string) => void;
}): JSX.Element {
  const { holeId, imageryTypeIds, mode, columns: requestedColumns, selectedIntervalId = null, onSelect } = props;
  const print = mode === 'print';
  const data = useStripData(holeId, imageryTypeIds);
  useDepthPrecision(); // tick labels and names follow the Settings precision
  const [startedAt] = useState(() => performance.now());
  const scroller = useRef<HTMLDivElement>(null);
  const [viewHeight, setViewHeight] = useState(() => (print ? PRINT_HEIGHT : screenViewHeight()));
  /** Pixels per unit; 'fit' follows the view height (the whole hole). */
  const [scaleChoice, setScaleChoice] = useState<number | 'fit'>('fit');
  const [scrollTop, setScrollTop] = useState(0);
  const pendingScroll = useRef<number | null>(null);
  const frame = useRef(0);

  const groups = useMemo(() => data?.groups ?? [], [data]);
  const allIntervals = useMemo(() => groups.flatMap((g) => g.intervals), [groups]);
  const span = useMemo(() => holeSpan(allIntervals), [allIntervals]);
  const limits = zoomLimits(span, viewHeight);
  const scale = print || scaleChoice === 'fit' ? limits.min : Math.min(limits.max, Math.max(limits.min, scaleChoice));
  const units = data?.dataset?.lengthUnits;

  // A choice made here shows at once; the stored one (read back live) catches up a moment later.
  const [justChosen, setJustChosen] = useState<Record<string, string[]>>({});
  const chosen = useMemo(
    () =>
      groups.map((g) => {
        const available = availableColumns(g.imageryType);
        return { imageryType: g.imageryType, available, columns: shownColumns(available, requestedColumns, justChosen[g.imageryType.id] ?? g.rememberedColumns) };
      }),
    [groups, requestedColumns, justChosen],
  );
  const chooseColumns = (imageryTypeId: string, keys: string[]) => {
    setJustChosen((current) => ({ ...current, [imageryTypeId]: keys }));
    void rememberColumns(imageryTypeId, keys);
  };
  const { layouts, width } = useMemo(() => layoutGroups(chosen), [chosen]);
  const reaches = useMemo(() => groups.map((g) => reachOf(g.intervals)), [groups]);

  // The view's height follows the window (set here, not measured: reading layout would force the
  // browser to lay out the whole screen before the strip's first paint).
  useEffect(() => {
    if (print) return;
    const follow = () => setViewHeight(screenViewHeight());
    window.addEventListener('resize', follow);
    return () => window.removeEventListener('resize', follow);
  }, [print]);

  // Another hole opens on its whole length, from the top.
  const shownHole = useRef(holeId);
  if (shownHole.current !== holeId) {
    shownHole.current = holeId;
    pendingScroll.current = 0;
    setScaleChoice('fit');
    setScrollTop(0);
  }

  // A zoom decides its scroll position with the scale; it is applied before the browser paints.
  useLayoutEffect(() => {
    if (pendingScroll.current !== null && scroller.current) {
      scroller.current.scrollTop = pendingScroll.current;
      pendingScroll.current = null;
    }
  });

  const depthAt = (y: number) => span.top + (y - PAD) / scale;
  const yOf = (depth: number, k = scale) => PAD + (depth - span.top) * k;
  const view: DepthSpan = print ? span : { top: depthAt(scrollTop), bottom: depthAt(scrollTop + viewHeight + 2 * PAD) };

  const zoom = useCallback(
    (direction: 1 | -1 | 'fit', anchorY?: number) => {
      const next = direction === 'fit' ? limits.min : zoomStep(scale, direction, limits);
      if (next === scale) return;
      // Keep the selected interval where it is on screen when it is in view, else the pointer's or the view's middle depth.
      const selected = allIntervals.find((i) => i.id === selectedIntervalId);
      const selectedMiddle = selected ? (selected.from + selected.to) / 2 : null;
      const offset =
        anchorY ?? (selectedMiddle !== null && yOf(selectedMiddle) >= scrollTop && yOf(selectedMiddle) <= scrollTop + viewHeight ? yOf(selectedMiddle) - scrollTop : viewHeight / 2 + PAD);
      const depth = depthAt(scrollTop + offset);
      const top = Math.max(0, yOf(depth, next) - offset);
      pendingScroll.current = top;
      setScrollTop(top);
      setScaleChoice(direction === 'fit' || next === limits.min ? 'fit' : next);
    },
    // yOf/depthAt read scale/span, both listed.
    [scale, limits.min, limits.max, allIntervals, selectedIntervalId, scrollTop, viewHeight, span.top],
  );

  // Ctrl+wheel zooms (the page must not zoom instead, hence a listener that may cancel).
  const wheelZoom = useRef(zoom);
  wheelZoom.current = zoom;
  useEffect(() => {
    const element = scroller.current;
    if (print || !element) return;
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey) return;
      event.preventDefault();
      wheelZoom.current(event.deltaY < 0 ? 1 : -1, event.clientY - element.getBoundingClientRect().top);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [print, data === null]);

  // The selected interval comes into view when it is chosen elsewhere (the form, ↑/↓).
  useEffect(() => {
    if (print || !selectedIntervalId || !scroller.current) return;
    const selected = allIntervals.find((i) => i.id === selectedIntervalId);
    if (!selected) return;
    const element = scroller.current;
    const top = yOf(selected.from);
    const bottom = yOf(selected.to);
    if (top < element.scrollTop || bottom > element.scrollTop + element.clientHeight) {
      const target = Math.max(0, (top + bottom) / 2 - element.clientHeight / 2);
      element.scrollTop = target;
      setScrollTop(target);
    }
    // Only a new selection moves the view; zooming keeps its own anchor.
  }, [selectedIntervalId, allIntervals.length > 0]);

  const visible = useMemo(
    () =>
      groups.map((g, index) => {
        const margin = (view.bottom - view.top) * 0.25;
        return inView(g.intervals, reaches[index]!, view.top - margin, view.bottom + margin).map((n) => g.intervals[n]!);
      }),
    [groups, reaches, view.top, view.bottom],
  );
  // Text and thumbnails only for intervals tall enough to show them: the rest need no elements and no photo read.
  const tall = useMemo(() => visible.map((list) => list.filter((i) => (i.to - i.from) * scale >= LABEL_MIN_PX)), [visible, scale]);
  const thumbIds = useMemo(() => tall.flatMap((list) => list.filter((i) => (i.to - i.from) * scale >= THUMB_MIN_PX).map((i) => i.id)), [tall, scale]);
  const photos = useStripPhotos(thumbIds);

  // For the benchmark: from the first render to the frame after the blocks are drawn, and how much of it was reading the database.
  const readAt = useRef<number | null>(null);
  if (data && readAt.current === null) readAt.current = performance.now();
  useEffect(() => {
    if (data && groups.length) {
      requestAnimationFrame(() =>
        setTimeout(() => {
          try {
            performance.measure('strip-log:data-read', { start: startedAt, end: readAt.current ?? startedAt });
            performance.measure('strip-log:first-paint', { start: startedAt, end: performance.now() });
          } catch {
            // A browser without these measures draws the same.
          }
        }, 0),
      );
    }
  }, [data !== null && groups.length > 0]);

  // `data-state` lets a caller (the printed report) wait until the strip is drawn.
  if (data === null)
    return (
      <div className="strip-log muted" data-state="loading">
        Loading the strip log…
      </div>
    );
  if (data === undefined)
    return (
      <div className="strip-log muted" data-state="missing">
        This hole is not on this computer.
      </div>
    );
  if (groups.length === 0)
    return (
      <div className="strip-log muted" data-state="empty">
        Choose an imagery type to draw the strip log.
      </div>
    );

  const select = (id: string) => onSelect?.(id);
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const key = event.key;
    if (key === '+' || key === '=' || key === 'Add') return handled(event, () => zoom(1));
    if (key === '-' || key === '_' || key === 'Subtract') return handled(event, () => zoom(-1));
    if (key === '0') return handled(event, () => zoom('fit'));
    if (!['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(key)) return;
    const groupIndex = Math.max(0, groups.findIndex((g) => g.intervals.some((i) => i.id === selectedIntervalId)));
    const list = groups[groupIndex]!.intervals;
    const at = list.findIndex((i) => i.id === selectedIntervalId);
    const current = list[at];
    let next: ImageryInterval | undefined;
    if (key === 'ArrowDown') next = at < 0 ? list[0] : list[Math.min(list.length - 1, at + 1)];
    else if (key === 'ArrowUp') next = at < 0 ? list.at(-1) : list[Math.max(0, at - 1)];
    else if (key === 'Home') next = list[0];
    else if (key === 'End') next = list.at(-1);
    else {
      const other = groups[groupIndex + (key === 'ArrowRight' ? 1 : -1)];
      if (other && other.intervals.length) {
        const depth = current ? (current.from + current.to) / 2 : view.top;
        next = other.intervals.reduce((best, i) => (distance(i, depth) < distance(best, depth) ? i : best));
      }
    }
    handled(event, () => next && next.id !== selectedIntervalId && select(next.id));
  };

  const height = print ? PRINT_HEIGHT + 2 * PAD : Math.ceil((span.bottom - span.top) * scale + 2 * PAD);
  const shownFrom = Math.max(span.top, view.top);
  const shownTo = Math.min(span.bottom, view.bottom);
  const symbol = lengthUnitSymbol(units);
  const step = tickStep(scale);
  const tickDecimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  const photosByInterval = new Map<string, TrayPhoto[]>();
  for (const photo of photos.photos) if (photo.intervalId) photosByInterval.set(photo.intervalId, [...(photosByInterval.get(photo.intervalId) ?? []), photo]);
  // One element per interval only for those in view and at least OPTION_MIN_PX tall, and the selected one (it is the listbox's active option).
  const optionsFor = (group: StripGroup, inSight: ImageryInterval[]) => {
    const shown = inSight.filter((i) => (i.to - i.from) * scale >= OPTION_MIN_PX);
    const selected = group.intervals.find((i) => i.id === selectedIntervalId);
    return selected && !shown.includes(selected) ? [...shown, selected] : shown;
  };
  const activeId = selectedIntervalId && allIntervals.some((i) => i.id === selectedIntervalId) ? optionId(selectedIntervalId) : undefined;

  return (
    <div className={`strip-log ${print ? 'print' : 'screen'}`} data-testid="strip-log" data-mode={mode} data-state="ready">
      {!print && (
        <div className="strip-toolbar row">
          <button type="button" onClick={() => zoom(1)} disabled={scale >= limits.max} aria-label="Zoom in" title="Zoom in (+)">
            +
          </button>
          <button type="button" onClick={() => zoom(-1)} disabled={scale <= limits.min} aria-label="Zoom out" title="Zoom out (−)">
            −
          </button>
          <button type="button" onClick={() => zoom('fit')} disabled={scale <= limits.min} title="Whole hole (0)">
            Whole hole
          </button>
          <span className="muted" data-testid="strip-view" data-view-top={shownFrom} data-view-bottom={shownTo} data-scale={scale}>
            Showing {formatDepthRange(shownFrom, shownTo, { units })}
            {lengthUnitWords(units) ? ` · 1 ${symbol} = ${scale < 10 ? scale.toFixed(1) : Math.round(scale)} px` : ''}
          </span>
          {requestedColumns === undefined && chosen.map((c, index) => <ColumnChooser key={c.imageryType.id} name={c.imageryType.name} available={c.available} shown={c.columns} multiple={chosen.length > 1 || index > 0} onChoose={(keys) => chooseColumns(c.imageryType.id, keys)} />)}
        </div>
      )}
      <Legend />
      <div className="strip-frame">
        <svg className="strip-header" width={width} height={HEADER_HEIGHT} viewBox={print ? `0 0 ${width} ${HEADER_HEIGHT}` : undefined} aria-hidden="true">
          <text x={AXIS_WIDTH - 8} y={HEADER_HEIGHT - 6} textAnchor="end" className="strip-axis-title">
            {symbol || 'depth'}
          </text>
          {layouts.map((layout) => (
            <GroupHeader key={layout.imageryType.id} layout={layout} />
          ))}
        </svg>
        <div
          ref={scroller}
          className="strip-scroller"
          style={print ? undefined : { height: viewHeight + 2 * PAD }}
          tabIndex={print ? undefined : 0}
          role={print ? undefined : 'listbox'}
          aria-label={print ? undefined : `Strip log of ${displayText(data.hole.name, { maxCharacters: 200 })}: ↑ ↓ select, + − zoom`}
          aria-activedescendant={print ? undefined : activeId}
          onKeyDown={print ? undefined : move}
          onScroll={
            print
              ? undefined
              : (event) => {
                  const top = event.currentTarget.scrollTop;
                  cancelAnimationFrame(frame.current);
                  frame.current = requestAnimationFrame(() => setScrollTop(top));
                }
          }
        >
          <svg
            className="strip-body"
            width={width}
            height={height}
            // In print the drawing scales down to the page width (a viewBox lets CSS shrink it evenly).
            viewBox={print ? `0 0 ${width} ${height}` : undefined}
            data-testid="strip-body"
            data-scale={scale}
            data-span-top={span.top}
            data-span-bottom={span.bottom}
            data-blocks={allIntervals.length}
            data-visible-key={thumbIds.join(' ')}
            data-photos-key={photos.key}
            onClick={
              print
                ? undefined
                : (event) => {
                    // Hit by depth and column, not by element: a block 0.3 px tall is still clickable, and the strip needs no handler per interval.
                    const box = event.currentTarget.getBoundingClientRect();
                    const index = layouts.findIndex((l) => event.clientX - box.left >= l.x && event.clientX - box.left < l.x + l.width);
                    const depth = depthAt(event.clientY - box.top);
                    const group = groups[index];
                    const hit = group ? inView(group.intervals, reaches[index]!, depth, depth + 1e-9).at(-1) : undefined;
                    if (hit !== undefined) select(group!.intervals[hit]!.id);
                  }
            }
          >
            {/* The axis and its grid first, so the blocks cover the grid lines. */}
            <Axis from={print ? span.top : Math.max(span.top, view.top)} to={print ? span.bottom : Math.min(span.bottom, view.bottom)} step={step} decimals={tickDecimals} yOf={yOf} width={width} />
            <g transform={`translate(0 ${PAD}) scale(1 ${scale}) translate(0 ${-span.top})`} className="strip-scaled">
              {groups.map((group, index) => (
                <GroupBlocks key={group.imageryType.id} group={group} layout={layouts[index]!} />
              ))}
            </g>
            {groups.map((group, index) => {
              const layout = layouts[index]!;
              return (
                <g key={group.imageryType.id} className="strip-pixels">
                  <GapsAndOverlaps intervals={group.intervals} layout={layout} yOf={yOf} units={units} />
                  <IntervalOptions group={group} intervals={optionsFor(group, visible[index]!)} layout={layout} yOf={yOf} selectedId={selectedIntervalId} units={units} interactive={!print} />
                  {tall[index]!.map((interval) => {
                    const top = yOf(interval.from);
                    const px = (interval.to - interval.from) * scale;
                    return (
                      <g key={interval.id}>
                        {px >= LABEL_MIN_PX &&
                          layout.columns
                            .filter((c) => c.column.kind !== 'colour')
                            .map((c) => <ValueText key={c.column.key} value={columnValue(interval.attributes, c.column)} x={c.x} y={top} width={c.width} kind={c.column.kind} />)}
                        {px >= THUMB_MIN_PX &&
                          layout.thumbs.map((t) => (
                            <StripThumb
                              key={t.imageTypeName}
                              hole={data.hole}
                              interval={interval}
                              imageTypeName={t.imageTypeName}
                              source={thumbSource(interval, t.imageTypeName, photosByInterval.get(interval.id))}
                              box={{ x: t.x, y: top + 2, width: THUMB_WIDTH, height: Math.min(px - 4, THUMB_WIDTH * 0.75) }}
                            />
                          ))}
                      </g>
                    );
                  })}
                  <Selection group={group} layout={layout} selectedId={selectedIntervalId} yOf={yOf} />
                </g>
              );
            })}
          </svg>
        </div>
      </div>
    </div>
  );
}

function handled(event: KeyboardEvent, action: () => unknown): void {
  event.preventDefault();
  action();
}

function distance(interval: { from: number; to: number }, depth: number): number {
  return depth < interval.from ? interval.from - depth : depth > interval.to ? depth - interval.to : 0;
}

/** The photo to show for an image type: one taken here (its thumbnail is at hand), else Imago's. */
function thumbSource(interval: ImageryInterval, imageTypeName: string, local: TrayPhoto[] | undefined): ThumbSource {
  const photo = local?.filter((p) => p.binding.imageTypeName === imageTypeName).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (photo) return { kind: 'local', photo };
  const image = interval.remoteImages.find((r) => r.imageTypeName === imageTypeName);
  return image ? { kind: 'remote', image } : { kind: 'none' };
}
