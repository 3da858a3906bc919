/**
 * The zoom and pan the viewer applies to every photo on screen. Side by side, both photos get the
 * same transform, which is what links them: the pan is kept in fractions of the photo's fitted
 * size (not in pixels), so the same spot of two trays photographed alike stays under the same
 * spot of both panes even when one pane's photo is a little smaller than the other's.
 */

export interface ViewTransform {
  /** 1 = the whole photo fitted in its pane. */
  zoom: number;
  /** Shift of the photo's centre, in fractions of its fitted width and height. */
  x: number;
  y: number;
}

export const FITTED: ViewTransform = { zoom: 1, x: 0, y: 0 };
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;
/** One key press or button click zooms by this factor. */
export const ZOOM_STEP = 1.25;
/** One arrow key press pans by this fraction of the fitted photo. */
export const PAN_STEP = 0.1;

/**
 * Keeps the photo covering its fitted box: at zoom 1 it cannot be pushed aside, and zoomed in it
 * can be panned only as far as its own edge, so a pan can never lose the photo off screen.
 */
export function clampTransform(t: ViewTransform): ViewTransform {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, t.zoom));
  const reach = (zoom - 1) / 2;
  const clamp = (v: number) => (Math.abs(v) < 1e-9 ? 0 : Math.min(reach, Math.max(-reach, v)));
  return { zoom, x: clamp(t.x), y: clamp(t.y) };
}

/**
 * Zooms by `factor` keeping the point at (`atX`, `atY`) where it is on screen; the point is given
 * relative to the photo's fitted centre, in fractions of its fitted size (0,0: zoom about the centre).
 */
export function zoomAbout(t: ViewTransform, factor: number, atX = 0, atY = 0): ViewTransform {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, t.zoom * factor));
  const ratio = zoom / t.zoom;
  // A photo point p shows at x + zoom·p; keeping it under the cursor `at` gives x' = at − ratio·(at − x).
  return clampTransform({ zoom, x: atX - ratio * (atX - t.x), y: atY - ratio * (atY - t.y) });
}

/** Moves the photo by (`dx`, `dy`) fractions of its fitted size. */
export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return clampTransform({ zoom: t.zoom, x: t.x + dx, y: t.y + dy });
}

/** The wheel's zoom factor: smooth for touchpads (small deltas), one notch ≈ 16 %. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, pixels)) * 0.0015);
}

/** The CSS transform of a photo: translate in % of its own (fitted) box, then scale about its centre. */
export function cssTransform(t: ViewTransform): string {
  return `translate(${t.x * 100}%, ${t.y * 100}%) scale(${t.zoom})`;
}
