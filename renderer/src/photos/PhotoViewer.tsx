/**
 * Full-size viewer for the photos of a hole, in depth order: zoom (+/−, wheel), pan (drag),
 * previous/next along the hole (←/→), Esc to close, and a button that opens the hole and depth in
 * the Imago portal. Imago's photos come scaled through main, which caches them on disk so a hole
 * browsed once can be browsed offline; photos not uploaded yet come from the local store. Depths
 * are titled in the dataset's units (the portal link carries the depth as Imago keeps it).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import type { Result } from '../../../common/result';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';
import { formatRange } from './interval-rules';
import { photosDb } from './photos-db';
import type { ResolvedSelection } from './use-photo-selection';

export interface ViewerStart {
  intervalId: string;
  /** `remote:<imageId>` or `local:<photoId>`. */
  key: string;
}

interface ViewerItem {
  key: string;
  intervalId: string;
  from: number;
  to: number;
  imageTypeName: string;
  load(): Promise<Result<{ dataUrl: string }>>;
}

const VIEW_WIDTH = 2048;

export function PhotoViewer({ view, start, onClose }: { view: ResolvedSelection; start: ViewerStart; onClose: () => void }) {
  const { hole, intervals, imageryType, lengthUnits: units } = view;
  const local = useLiveQuery(() => photosDb.photos.where('intervalId').anyOf(intervals.map((i) => i.id)).toArray(), [intervals.map((i) => i.id).join()], []);
  const items: ViewerItem[] = [];
  for (const interval of intervals) {
    const base = { intervalId: interval.id, from: interval.from, to: interval.to };
    for (const image of [...interval.remoteImages].sort((a, b) => a.imageTypeName.localeCompare(b.imageTypeName))) {
      items.push({
        ...base,
        key: `remote:${image.id}`,
        imageTypeName: image.imageTypeName,
        load: () =>
          bridge.fetchImagoImage({
            workspaceName: hole!.workspaceName,
            datasetName: hole!.datasetName,
            collectionName: hole!.name,
            imageryTypeName: interval.imageryTypeName,
            imageTypeName: image.imageTypeName,
            imageryId: interval.remoteId!,
            imageId: image.id,
            width: Math.min(VIEW_WIDTH, image.width ?? VIEW_WIDTH),
          }),
      });
    }
    for (const photo of local.filter((p) => p.intervalId === interval.id && !interval.remoteImages.some((r) => r.id === p.remoteImageId))) {
      items.push({ ...base, key: `local:${photo.id}`, imageTypeName: photo.binding.imageTypeName, load: () => bridge.previewStoredPhoto({ sha256: photo.sha256, width: Math.min(VIEW_WIDTH, photo.width) }) });
    }
  }
  const [key, setKey] = useState(start.key);
  const index = Math.max(0, items.findIndex((i) => i.key === key));
  const item = items[index];
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const [image, setImage] = useState<{ key: string; dataUrl: string } | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  const go = (step: number) => {
    const next = items[Math.min(items.length - 1, Math.max(0, index + step))];
    if (next) setKey(next.key);
  };

  useEffect(() => dialog.current?.focus(), []);
  useEffect(() => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
    if (!item) return;
    let alive = true;
    setError(null);
    void item.load().then((result) => {
      if (!alive) return;
      if (result.ok) setImage({ key: item.key, dataUrl: result.value.dataUrl });
      else setError(result.error);
    });
    return () => {
      alive = false;
    };
  }, [item?.key]);

  const onKey = (event: React.KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => go(-1),
      ArrowRight: () => go(1),
      '+': () => setZoom((z) => Math.min(8, z * 1.25)),
      '=': () => setZoom((z) => Math.min(8, z * 1.25)),
      '-': () => setZoom((z) => Math.max(1, z / 1.25)),
      '0': () => {
        setZoom(1);
        setPan({ x: 0, y: 0 });
      },
      Escape: onClose,
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const openPortal = async () => {
    if (!hole || !item) return;
    const result = await bridge.imagoPortalLink({ workspace: hole.workspaceName, dataset: hole.datasetName, collection: hole.name, imageryType: imageryType?.name, imageType: item.imageTypeName, depth: item.from });
    if (result.ok) window.open(result.value.url, '_blank', 'noopener,noreferrer');
    else setError(result.error);
  };

  return (
    <div className="viewer-backdrop" role="dialog" aria-modal="true" aria-label="Photo viewer" tabIndex={-1} ref={dialog} onKeyDown={onKey} data-testid="photo-viewer">
      <header className="viewer-bar">
        <strong data-testid="viewer-caption">{item ? `${hole?.name} ${formatRange(item, units)} · ${item.imageTypeName}` : 'No photos'}</strong>
        <span className="muted">
          {items.length ? `${index + 1} of ${items.length}` : ''} · zoom {Math.round(zoom * 100)} %
        </span>
        <button type="button" onClick={() => go(-1)} disabled={index === 0} aria-label="Previous photo">
          ←
        </button>
        <button type="button" onClick={() => go(1)} disabled={index >= items.length - 1} aria-label="Next photo">
          →
        </button>
        <button type="button" onClick={() => setZoom((z) => Math.max(1, z / 1.25))} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => setZoom((z) => Math.min(8, z * 1.25))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => void openPortal()} disabled={!hole?.remoteId}>
          Open in Imago
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && <ErrorNotice error={error} testId="viewer-error" />}
      <div
        className="viewer-stage"
        onWheel={(e) => setZoom((z) => Math.min(8, Math.max(1, z * (e.deltaY < 0 ? 1.1 : 1 / 1.1))))}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX - pan.x, y: e.clientY - pan.y };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => drag.current && setPan({ x: e.clientX - drag.current.x, y: e.clientY - drag.current.y })}
        onPointerUp={() => (drag.current = null)}
      >
        {image && image.key === item?.key && (
          <img src={image.dataUrl} alt={item ? `${item.imageTypeName} photo at ${formatRange(item, units)}` : ''} draggable={false} style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }} data-testid="viewer-image" />
        )}
      </div>
    </div>
  );
}
