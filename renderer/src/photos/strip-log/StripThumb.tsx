/**
 * A tray thumbnail beside its interval on the strip log: a photo taken on this computer shows
 * the thumbnail stored with it; a photo only Imago holds comes small through main, which keeps it
 * in its disk cache (so a hole seen once draws offline). What cannot be had shows as an empty
 * frame saying why, never as a broken image.
 */
import { useEffect, useState } from 'react';
import { displayText } from '../../../../common/display-text';
import type { Hole, ImageryInterval, RemoteImageRef, TrayPhoto } from '../photos-db';
import { fetchIntervalImage } from '../imago-image';

/** Width asked of Imago for a strip thumbnail (twice the drawn width, for high-density screens). */
const REMOTE_THUMB_WIDTH = 128;

/** Remote thumbnails fetched this session, by image id: scrolling back does not ask main again. */
const remoteThumbs = new Map<string, Promise<string | null>>();

function remoteThumb(hole: Hole, interval: ImageryInterval, image: RemoteImageRef): Promise<string | null> {
  let found = remoteThumbs.get(image.id);
  if (!found) {
    found = fetchIntervalImage(hole, interval, image, REMOTE_THUMB_WIDTH)
      .then((result) => (result.ok ? result.value.dataUrl : null));
    remoteThumbs.set(image.id, found);
    // A failure (offline and not cached) is tried again next time the thumbnail comes into view.
    void found.then((url) => url ?? remoteThumbs.delete(image.id));
  }
  return found;
}

/**
 * Object URLs of local thumbnails by photo id. The database hands out a new Blob each time it is
 * read, so a URL per Blob would reload every thumbnail in view on each zoom step; a photo's
 * thumbnail never changes, so one URL per photo serves. The oldest are released past the cap.
 */
const localThumbs = new Map<string, string>();
const LOCAL_THUMB_CAP = 600;

function localThumb(photo: TrayPhoto): string {
  let url = localThumbs.get(photo.id);
  if (url) {
    // Most recently used last, so the oldest go first.
    localThumbs.delete(photo.id);
  } else {
    url = URL.createObjectURL(photo.thumbnail);
  }
  localThumbs.set(photo.id, url);
  for (const [id, old] of localThumbs) {
    if (localThumbs.size <= LOCAL_THUMB_CAP) break;
    URL.revokeObjectURL(old);
    localThumbs.delete(id);
  }
  return url;
}

export interface ThumbBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ThumbSource = { kind: 'local'; photo: TrayPhoto } | { kind: 'remote'; image: RemoteImageRef } | { kind: 'none' };

export function StripThumb({ hole, interval, imageTypeName, source, box }: { hole: Hole; interval: ImageryInterval; imageTypeName: string; source: ThumbSource; box: ThumbBox }) {
  if (source.kind === 'local') return <LocalThumb photo={source.photo} from={interval.from} imageTypeName={imageTypeName} box={box} />;
  if (source.kind === 'remote' && interval.remoteId) return <RemoteThumb hole={hole} interval={interval} image={source.image} box={box} />;
  return null;
}

function LocalThumb({ photo, from, imageTypeName, box }: { photo: TrayPhoto; from: number; imageTypeName: string; box: ThumbBox }) {
  const url = localThumb(photo);
  const pending = photo.state !== 'uploaded';
  return (
    <g className={`strip-thumb${pending ? ' pending' : ''}`} data-testid="strip-thumb" data-from={from} data-image-type={imageTypeName} data-source="local" data-state={photo.state}>
      <rect className="strip-thumb-frame" {...box} />
      {url && <image href={url} {...box} preserveAspectRatio="xMidYMid meet" />}
      <title>{displayText(`${imageTypeName}: ${photo.originalName}${pending ? ' (not in Imago yet)' : ''}`, { maxCharacters: 400 })}</title>
    </g>
  );
}

function RemoteThumb({ hole, interval, image, box }: { hole: Hole; interval: ImageryInterval; image: RemoteImageRef; box: ThumbBox }) {
  const [state, setState] = useState<{ id: string; url: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    void remoteThumb(hole, interval, image).then((url) => live && setState({ id: image.id, url }));
    return () => {
      live = false;
    };
    // The image id names the picture; the rest only says where to fetch it.
  }, [image.id]);
  const url = state?.id === image.id ? state.url : undefined;
  return (
    <g className="strip-thumb" data-testid="strip-thumb" data-from={interval.from} data-image-type={image.imageTypeName} data-source="remote" data-state={url ? 'shown' : url === null ? 'missing' : 'loading'}>
      <rect className="strip-thumb-frame" {...box} />
      {url && <image href={url} {...box} preserveAspectRatio="xMidYMid meet" />}
      <title>{displayText(url === null ? `${image.imageTypeName}: not on this computer and Imago cannot be reached` : `${image.imageTypeName} (Imago)`, { maxCharacters: 400 })}</title>
    </g>
  );
}
