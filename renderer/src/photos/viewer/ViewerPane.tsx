/**
 * One pane of the viewer: a photo fitted to the pane under the viewer's shared zoom and pan, its
 * depth label, or a plain note when the interval has no photo of that type. Drags and wheel turns
 * are reported in fractions of the fitted photo, so the viewer can apply them to every pane alike.
 */
import { useEffect, useRef } from 'react';
import { displayText } from '../../../../common/display-text';
import { ErrorNotice } from '../../app/ErrorNotice';
import { NAME_CHARACTERS } from '../../ui/ShownText';
import { usePhotoImage } from './use-photo-image';
import { cssTransform, wheelFactor, type ViewTransform } from './view-transform';
import type { ViewerPhoto } from './viewer-photos';

export interface PaneGestures {
  /** A drag began on this pane. */
  dragStart(): void;
  /** The drag has moved this far from where it began, in fractions of the fitted photo. */
  drag(dx: number, dy: number): void;
  /** Wheel: zoom by `factor` about (`atX`, `atY`), fractions of the fitted photo from its centre. */
  zoomAt(factor: number, atX: number, atY: number): void;
}

export function ViewerPane({
  photo,
  alt,
  caption,
  empty,
  transform,
  gestures,
  side,
}: {
  photo: ViewerPhoto | undefined;
  alt: string;
  /** The depth label over the photo; none in the one-photo layout (the bar says it). */
  caption: string | null;
  /** Said when there is no photo to show. */
  empty: string;
  transform: ViewTransform;
  gestures: PaneGestures;
  side: 'left' | 'right' | 'single';
}) {
  const { dataUrl, error } = usePhotoImage(photo);
  const frame = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const drag = useRef<{ x: number; y: number; w: number; h: number } | null>(null);
  const latest = useRef(gestures);
  useEffect(() => {
    latest.current = gestures;
  });

  // React's wheel listener is passive, and a passive listener cannot stop the page behind the
  // viewer from scrolling; this one is not.
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      const img = image.current;
      event.preventDefault();
      if (!img || !img.offsetWidth || !img.offsetHeight) return;
      const box = element.getBoundingClientRect();
      const atX = (event.clientX - (box.left + box.width / 2)) / img.offsetWidth;
      const atY = (event.clientY - (box.top + box.height / 2)) / img.offsetHeight;
      latest.current.zoomAt(wheelFactor(event.deltaY, event.deltaMode), atX, atY);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  return (
    <figure className={`viewer-pane viewer-pane-${side}`} data-testid="viewer-pane" data-side={side}>
      {caption !== null && (
        <figcaption className="viewer-pane-caption" data-testid="pane-caption">
          {displayText(caption, { maxCharacters: NAME_CHARACTERS })}
        </figcaption>
      )}
      <div
        className="viewer-frame"
        ref={frame}
        data-testid="viewer-frame"
        onPointerDown={(e) => {
          const img = image.current;
          if (!img || !img.offsetWidth || e.button !== 0) return;
          drag.current = { x: e.clientX, y: e.clientY, w: img.offsetWidth, h: img.offsetHeight };
          e.currentTarget.setPointerCapture(e.pointerId);
          gestures.dragStart();
        }}
        onPointerMove={(e) => {
          const start = drag.current;
          if (start) gestures.drag((e.clientX - start.x) / start.w, (e.clientY - start.y) / start.h);
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      >
        {photo && dataUrl && (
          <img
            ref={image}
            src={dataUrl}
            alt={alt}
            draggable={false}
            style={{ transform: cssTransform(transform) }}
            data-testid="viewer-image"
            data-photo={photo.key}
          />
        )}
        {photo && !dataUrl && !error && <p className="viewer-note">Loading {displayText(photo.imageTypeName, { maxCharacters: NAME_CHARACTERS })} photo…</p>}
        {!photo && (
          <p className="viewer-note" data-testid="pane-empty">
            {empty}
          </p>
        )}
        {error && <ErrorNotice error={error} testId="viewer-error" />}
      </div>
    </figure>
  );
}
