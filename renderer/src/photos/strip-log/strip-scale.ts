/**
 * The strip log's geometry: which depths the hole spans, how many pixels a unit of depth gets at
 * each zoom step (from the whole hole fitted to the view down to one unit filling it), where the
 * depth ticks go, and which intervals overlap or leave gaps. Depths stay in the dataset's own
 * units; nothing here converts them. Pure functions.
 */

export interface DepthSpan {
  top: number;
  bottom: number;
}

/** One zoom step in or out multiplies the scale by this. */
export const ZOOM_FACTOR = 1.5;

/**
 * The depths the strip shows: from the shallowest From to the deepest To, widened to whole units
 * so the axis starts and ends on a tick. An empty hole shows 0–10 so the axis still reads.
 */
export function holeSpan(intervals: readonly { from: number; to: number }[]): DepthSpan {
  if (intervals.length === 0) return { top: 0, bottom: 10 };
  let top = Infinity;
  let bottom = -Infinity;
  for (const i of intervals) {
    if (i.from < top) top = i.from;
    if (i.to > bottom) bottom = i.to;
  }
  top = Math.floor(top);
  bottom = Math.ceil(bottom);
  return bottom - top < 1 ? { top, bottom: top + 1 } : { top, bottom };
}

/** Pixels per unit at which the whole span fits `viewHeight`, and at which one unit fills it. */
export function zoomLimits(span: DepthSpan, viewHeight: number): { min: number; max: number } {
  const min = viewHeight / (span.bottom - span.top);
  return { min, max: Math.max(min, viewHeight) };
}

/** The next scale one step in (`+1`) or out (`-1`), held within the limits. */
export function zoomStep(scale: number, direction: 1 | -1, limits: { min: number; max: number }): number {
  const next = direction > 0 ? scale * ZOOM_FACTOR : scale / ZOOM_FACTOR;
  // Within 1 % of a limit counts as the limit, so "whole hole" is always reachable exactly.
  if (next >= limits.max * 0.99) return limits.max;
  if (next <= limits.min * 1.01) return limits.min;
  return next;
}

/** Depth between ticks: 1, 2 or 5 × 10ⁿ units, the smallest that keeps ticks `minGapPx` apart. */
export function tickStep(pixelsPerUnit: number, minGapPx = 40): number {
  const raw = minGapPx / pixelsPerUnit;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Tick depths within `[from, to]` on multiples of `step`. */
export function ticksBetween(from: number, to: number, step: number): number[] {
  const ticks: number[] = [];
  const first = Math.ceil(from / step - 1e-9) * step;
  for (let d = first, n = 0; d <= to + 1e-9 && n < 1000; d += step, n++) ticks.push(Number(d.toFixed(6)));
  return ticks;
}


/** Depth stretches that two intervals of the same imagery type both cover (they should not). */
export function overlapsOf(intervals: readonly { from: number; to: number }[]): DepthSpan[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const overlaps: DepthSpan[] = [];
  let reach = -Infinity;
  for (const i of sorted) {
    if (i.from < reach - 1e-9) overlaps.push({ top: i.from, bottom: Math.min(reach, i.to) });
    reach = Math.max(reach, i.to);
  }
  return overlaps;
}

/** For intervals sorted by From: the deepest To reached by each interval or any before it. */
export function reachOf(sorted: readonly { to: number }[]): number[] {
  const reach: number[] = new Array<number>(sorted.length);
  let deepest = -Infinity;
  for (let i = 0; i < sorted.length; i++) reach[i] = deepest = Math.max(deepest, sorted[i]!.to);
  return reach;
}

/**
 * Indexes of the sorted intervals that show between depths `top` and `bottom`, found by a binary
 * search on `reach` (see reachOf) instead of a scan of the whole hole: scrolling a 2,000-interval
 * hole only ever touches what is in view.
 */
export function inView(sorted: readonly { from: number; to: number }[], reach: readonly number[], top: number, bottom: number): number[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reach[mid]! > top) hi = mid;
    else lo = mid + 1;
  }
  const shown: number[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.from < bottom; i++) if (sorted[i]!.to > top) shown.push(i);
  return shown;
}
