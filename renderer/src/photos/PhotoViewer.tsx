/**
 * Full-size viewer for the photos of a hole, in depth order. Three layouts: one photo at a time,
 * two image types of one interval side by side (Wet | Dry), or one image type of two neighbouring
 * intervals side by side. Side by side, zoom and pan are linked: a drag, a wheel turn or a key
 * moves both photos alike. ←/→ step along the hole, +/− zoom, ↑/↓ (or Shift+arrows) pan, 0 fits,
 * F toggles full screen, Esc leaves full screen and then closes. A button opens the hole and depth
 * in the Imago portal. Depths are labelled in the dataset's units (the portal link carries the
 * depth as Imago keeps it). The layout and the types chosen are remembered.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { displayText } from '../../../common/display-text';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';
import { NAME_CHARACTERS } from '../ui/ShownText';
import { formatRange } from './interval-rules';
import { getSetting, photosDb, rememberSetting } from './photos-db';
import type { ResolvedSelection } from './use-photo-selection';
import { useFullScreen } from './viewer/use-full-screen';
import { preloadPhotos } from './viewer/use-photo-image';
import { FITTED, PAN_STEP, ZOOM_STEP, panBy, zoomAbout, type ViewTransform } from './viewer/view-transform';
import { imageTypeNames, photoOfType, stopIndex, stops, viewerPhotos, type IntervalPhotos, type ViewerLayout, type ViewerPhoto } from './viewer/viewer-photos';
import { ViewerPane, type PaneGestures } from './viewer/ViewerPane';
import './viewer/viewer.css';

export interface ViewerStart {
  intervalId: string;
  /** `remote:<imageId>` or `local:<photoId>`. */
  key: string;
}

/** What the viewer remembers between openings. */
interface ViewerChoice {
  layout: ViewerLayout;
  /** Image types on the left and right in the two-types layout. */
  left: string;
  right: string;
  /** Image type of the two-intervals layout. */
  single: string;
}

const CHOICE_KEY = 'photoViewer.choice';
const NO_CHOICE: ViewerChoice = { layout: 'single', left: '', right: '', single: '' };

const LAYOUTS: { layout: ViewerLayout; label: string; hint: string }[] = [
  { layout: 'single', label: 'One photo', hint: 'One photo at a time' },
  { layout: 'types', label: 'Two types', hint: 'Two image types of one interval side by side' },
  { layout: 'neighbours', label: 'Two intervals', hint: 'One image type of two neighbouring intervals side by side' },
];

interface Pane {
  photo: ViewerPhoto | undefined;
  caption: string | null;
  alt: string;
  empty: string;
  side: 'left' | 'right' | 'single';
}

export function PhotoViewer({ view, start, onClose }: { view: ResolvedSelection; start: ViewerStart; onClose: () => void }) {
  const { hole, intervals, imageryType, lengthUnits: units } = view;
  const local = useLiveQuery(() => photosDb.photos.where('intervalId').anyOf(intervals.map((i) => i.id)).toArray(), [intervals.map((i) => i.id).join()], []);
  const stored = useLiveQuery(() => getSetting<ViewerChoice>(CHOICE_KEY, NO_CHOICE), [], NO_CHOICE);
  // Kept across renders: a drag re-renders the viewer on every pointer move, the hole need not be regrouped.
  const groups = useMemo(() => viewerPhotos(hole, intervals, local), [hole, intervals, local]);
  const items = useMemo(() => groups.flatMap((g) => g.photos), [groups]);
  const typeNames = useMemo(() => imageTypeNames(imageryType, groups), [imageryType, groups]);

  const [at, setAt] = useState<ViewerStart>(start);
  const [transform, setTransform] = useState<ViewTransform>(FITTED);
  const [error, setError] = useState<BridgeError | null>(null);
  const dragFrom = useRef<ViewTransform>(FITTED);
  const dialog = useRef<HTMLDivElement>(null);
  const full = useFullScreen(dialog);

  // Where the viewer stands in the one-photo layout. A photo that finished uploading meanwhile is
  // Imago's now (another key): stay on its interval rather than jump to the top of the hole.
  const found = items.findIndex((i) => i.key === at.key);
  const index = Math.max(0, found >= 0 ? found : items.findIndex((i) => i.intervalId === at.intervalId));
  // The photo the viewer was opened on (or stepped to) decides the types when nothing remembered fits.
  const current = items[index];
  const currentType = current?.imageTypeName ?? typeNames[0] ?? '';
  const choice = { ...NO_CHOICE, ...stored };
  const remembered = (name: string) => typeNames.includes(name);
  const left = remembered(choice.left) && choice.left !== choice.right && remembered(choice.right) ? choice.left : currentType;
  const right = remembered(choice.right) && choice.left !== choice.right && remembered(choice.left) ? choice.right : (typeNames.find((t) => t !== left) ?? left);
  const single = remembered(choice.single) ? choice.single : currentType;
  const layout: ViewerLayout = choice.layout === 'types' || choice.layout === 'neighbours' ? choice.layout : 'single';
  const remember = (change: Partial<ViewerChoice>) => void rememberSetting(CHOICE_KEY, { layout, left, right, single, ...change });

  // Side by side, the viewer stands on an interval.
  const stopList = layout === 'types' ? stops(groups, [left, right]) : layout === 'neighbours' ? stops(groups, [single]) : [];
  // Two intervals: the pair always ends on the deepest one, so both panes stay filled when they can.
  const lastStop = layout === 'neighbours' ? Math.max(0, stopList.length - 2) : Math.max(0, stopList.length - 1);
  const stop = Math.min(stopIndex(stopList, groups, at.intervalId), lastStop);

  const range = (g: { from: number; to: number }) => formatRange(g, units);
  const panes: Pane[] = paneList();
  function paneList(): Pane[] {
    if (layout === 'single') {
      const item = items[index];
      return [{ photo: item, caption: null, alt: item ? `${item.imageTypeName} photo at ${range(item)}` : '', empty: 'No photos of this hole to show.', side: 'single' }];
    }
    const shown = (group: IntervalPhotos | undefined, type: string, side: 'left' | 'right', none: string): Pane => {
      const photo = photoOfType(group, type);
      const depth = group ? range(group.interval) : '';
      return { photo, caption: group ? `${depth} · ${type}` : type, alt: `${type} photo at ${depth}`, empty: group ? `No ${type} photo for ${depth}.` : none, side };
    };
    if (layout === 'types') {
      const group = stopList[stop];
      return [shown(group, left, 'left', `No ${left} or ${right} photos in this hole.`), shown(group, right, 'right', `No ${left} or ${right} photos in this hole.`)];
    }
    return [shown(stopList[stop], single, 'left', `No ${single} photos in this hole.`), shown(stopList[stop + 1], single, 'right', `No other ${single} photo in this hole.`)];
  }

  const caption = (() => {
    const name = hole?.name ?? '';
    if (layout === 'single') {
      const item = items[index];
      return item ? `${name} ${range(item)} · ${item.imageTypeName}` : 'No photos';
    }
    const first = stopList[stop];
    if (!first) return `${name} · no photos to compare`;
    if (layout === 'types') return `${name} ${range(first.interval)} · ${left} | ${right}`;
    const second = stopList[stop + 1];
    return `${name} ${range(first.interval)}${second ? ` | ${range(second.interval)}` : ''} · ${single}`;
  })();
  const position = layout === 'single' ? (items.length ? `${index + 1} of ${items.length}` : '') : stopList.length ? `interval ${stop + 1}${layout === 'neighbours' && stopList.length > 1 ? `–${stop + 2}` : ''} of ${stopList.length}` : '';
  const atFirst = layout === 'single' ? index === 0 : stop === 0;
  const atLast = layout === 'single' ? index >= items.length - 1 : stop >= lastStop;

  /** Steps along the hole; a big step goes to the end (Home/End). */
  const go = (step: number) => {
    if (layout === 'single') {
      const next = items[Math.min(items.length - 1, Math.max(0, index + step))];
      if (next) setAt({ intervalId: next.intervalId, key: next.key });
      return;
    }
    const next = stopList[Math.min(lastStop, Math.max(0, stop + step))];
    if (next) setAt({ intervalId: next.interval.id, key: (photoOfType(next, layout === 'types' ? left : single) ?? next.photos[0])?.key ?? '' });
  };

  // The photos one step either way, so stepping along the hole shows them at once.
  useEffect(() => {
    if (layout === 'single') return preloadPhotos([items[index + 1], items[index - 1]]);
    const types = layout === 'types' ? [left, right] : [single];
    const near = layout === 'types' ? [stopList[stop + 1], stopList[stop - 1]] : [stopList[stop + 2], stopList[stop - 1]];
    preloadPhotos(near.flatMap((g) => types.map((t) => photoOfType(g, t))));
  }, [layout, index, stop, left, right, single, items.length]);

  useEffect(() => dialog.current?.focus(), []);

  const zoomBy = (factor: number) => setTransform((t) => zoomAbout(t, factor));
  const pan = (dx: number, dy: number) => setTransform((t) => panBy(t, dx, dy));
  const gestures: PaneGestures = {
    dragStart: () => (dragFrom.current = transform),
    drag: (dx, dy) => setTransform(panBy(dragFrom.current, dx, dy)),
    zoomAt: (factor, x, y) => setTransform((t) => zoomAbout(t, factor, x, y)),
  };

  const onKey = (event: React.KeyboardEvent) => {
    // A focused list keeps its own keys (arrows, letters pick an option).
    if (event.target instanceof HTMLSelectElement && event.key !== 'Escape') return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const shift = event.shiftKey;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => (shift ? pan(PAN_STEP, 0) : go(-1)),
      ArrowRight: () => (shift ? pan(-PAN_STEP, 0) : go(1)),
      ArrowUp: () => pan(0, PAN_STEP),
      ArrowDown: () => pan(0, -PAN_STEP),
      PageUp: () => go(-1),
      PageDown: () => go(1),
      Home: () => go(-Infinity),
      End: () => go(Infinity),
      '+': () => zoomBy(ZOOM_STEP),
      '=': () => zoomBy(ZOOM_STEP),
      '-': () => zoomBy(1 / ZOOM_STEP),
      _: () => zoomBy(1 / ZOOM_STEP),
      '0': () => setTransform(FITTED),
      f: full.toggle,
      F: full.toggle,
      Escape: () => {
        if (full.on) full.leave();
        else if (!full.justLeft()) onClose();
      },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const openPortal = async () => {
    const item = panes[0]?.photo ?? items[index];
    if (!hole || !item) return;
    const result = await bridge.imagoPortalLink({ workspace: hole.workspaceName, dataset: hole.datasetName, collection: hole.name, imageryType: imageryType?.name, imageType: item.imageTypeName, depth: item.from });
    if (result.ok) window.open(result.value.url, '_blank', 'noopener,noreferrer');
    else setError(result.error);
  };

  const typeSelect = (label: string, value: string, onChange: (name: string) => void) => (
    <label className="viewer-type">
      {label}
      <select
        aria-label={label === 'Type' ? 'Image type' : `${label} image type`}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          // Back to the viewer's keys (← → along the hole) rather than the list's.
          dialog.current?.focus();
        }}
      >
        {typeNames.map((name) => (
          <option key={name} value={name}>
            {displayText(name, { maxCharacters: NAME_CHARACTERS })}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div
      className={`viewer-backdrop viewer-${layout}${full.on ? ' viewer-full' : ''}`}
      role="dialog"
      aria-modal="true"
      aria-label="Photo viewer"
      tabIndex={-1}
      ref={dialog}
      onKeyDown={onKey}
      data-testid="photo-viewer"
      data-layout={layout}
      data-full={full.on}
      data-zoom={transform.zoom.toFixed(3)}
    >
      <header className="viewer-bar">
        <strong data-testid="viewer-caption" className="shown-text">
          {displayText(caption, { maxCharacters: NAME_CHARACTERS })}
        </strong>
        <span className="muted">
          {position} · zoom {Math.round(transform.zoom * 100)} %
        </span>
        <span className="viewer-layouts" role="group" aria-label="Layout">
          {LAYOUTS.map((l) => (
            <button key={l.layout} type="button" aria-pressed={layout === l.layout} title={l.hint} onClick={() => remember({ layout: l.layout })}>
              {l.label}
            </button>
          ))}
        </span>
        {layout === 'types' && (
          <>
            {typeSelect('Left', left, (name) => remember(name === right ? { left: name, right: left } : { left: name }))}
            {typeSelect('Right', right, (name) => remember(name === left ? { right: name, left: right } : { right: name }))}
          </>
        )}
        {layout === 'neighbours' && typeSelect('Type', single, (name) => remember({ single: name }))}
        <button type="button" onClick={() => go(-1)} disabled={atFirst} aria-label={layout === 'single' ? 'Previous photo' : 'Shallower'}>
          ←
        </button>
        <button type="button" onClick={() => go(1)} disabled={atLast} aria-label={layout === 'single' ? 'Next photo' : 'Deeper'}>
          →
        </button>
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={full.toggle} aria-pressed={full.on}>
          Full screen
        </button>
        <button type="button" onClick={() => void openPortal()} disabled={!hole?.remoteId}>
          Open in Imago
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <ErrorNotice error={error} testId="viewer-error" />}
      <div className="viewer-stage">
        {panes.map((pane) => (
          <ViewerPane key={pane.side} {...pane} transform={transform} gestures={gestures} />
        ))}
      </div>
      <p className="viewer-keys muted">← → along the hole · + − or wheel: zoom · drag, ↑ ↓ or Shift+arrows: pan · 0: fit · F: full screen · Esc: close</p>
    </div>
  );
}
