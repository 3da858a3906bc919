/**
 * The report's tray photos, loaded the way the viewer and the strip log load them so that what
 * they cached is what the report finds offline: Imago's photos through main's disk cache (at the
 * viewer's width first, then the strip log's thumbnail width), photos taken here from the local
 * store (then their stored thumbnail). A photo none of these can give is "missing from the cache",
 * with the reason, and the report lists it instead of printing a broken image.
 */
import { useEffect, useState } from 'react';
import { displayText } from '../../../../common/display-text';
import type { BridgeError } from '../../../../common/errors';
import type { Result } from '../../../../common/result';
import { bridge } from '../../bridge/bridge';
import type { Hole } from '../photos-db';
import type { ReportPhoto } from './report-model';
import { fetchIntervalImage } from '../imago-image';

/** The viewer asks for Imago's photos at this width at most (viewer/viewer-photos.ts), so its cache files are found. */
const VIEWER_WIDTH = 2048;
/** The strip log's thumbnail width (strip-log/StripThumb.tsx): a smaller copy still prints. */
const STRIP_THUMB_WIDTH = 128;
/** Photos loaded at once: enough to keep main busy, few enough not to flood the bridge. */
const AT_ONCE = 3;

export type LoadedPhoto =
  | { state: 'shown'; src: string; /** Only a thumbnail-sized copy was available. */ small: boolean }
  | { state: 'missing'; reason: string };

export interface ReportPhotoState {
  /** By `ReportPhoto.key`. */
  loaded: ReadonlyMap<string, LoadedPhoto>;
  /** True once every photo is shown or known missing: the report is ready to print. */
  done: boolean;
}

/** Why a photo could not be had, in plain words (never a server's page). */
export function missingReason(error: BridgeError, source: ReportPhoto['source']): string {
  if (source === 'local') return 'Not in Corelog’s photo store on this computer any more.';
  if (error.kind === 'offline' || error.kind === 'timeout' || error.kind === 'malformed-response') return 'Not in the cache on this computer, and Imago could not be reached.';
  if (error.kind === 'auth') return 'Not in the cache on this computer; sign in to Imago to fetch it.';
  if (error.kind === 'not-found') return 'Imago no longer has this photo.';
  return `Not in the cache on this computer (${displayText(error.message, { maxCharacters: 200, cutMark: 'ellipsis' })}).`;
}

async function firstOf(attempts: (() => Promise<Result<{ dataUrl: string }>>)[]): Promise<{ index: number; src: string } | { error: BridgeError }> {
  let last: BridgeError = { kind: 'not-found', message: 'nothing to load', retryable: false };
  for (const [index, attempt] of attempts.entries()) {
    const result = await attempt().catch((e: unknown): Result<{ dataUrl: string }> => ({ ok: false, error: { kind: 'internal', message: String(e), retryable: false } }));
    if (result.ok) return { index, src: result.value.dataUrl };
    // The first reason is the one that matters (the viewer-size copy); later attempts only look for a smaller copy.
    if (index === 0) last = result.error;
  }
  return { error: last };
}

async function loadPhoto(hole: Hole, photo: ReportPhoto): Promise<LoadedPhoto> {
  if (photo.source === 'imago') {
    const { interval, image } = photo;
    if (!interval.remoteId) return { state: 'missing', reason: 'Its interval has no Imago id on this computer; refresh the hole from Imago.' };
    const ask = (width: number) => () =>
      fetchIntervalImage(hole, interval, image, width);
    const found = await firstOf([ask(Math.min(VIEWER_WIDTH, image.width ?? VIEWER_WIDTH)), ask(STRIP_THUMB_WIDTH)]);
    return 'src' in found ? { state: 'shown', src: found.src, small: found.index > 0 } : { state: 'missing', reason: missingReason(found.error, 'imago') };
  }
  const stored = await firstOf([() => bridge.previewStoredPhoto({ sha256: photo.photo.sha256, width: Math.max(16, Math.min(VIEWER_WIDTH, photo.photo.width)) })]);
  if ('src' in stored) return { state: 'shown', src: stored.src, small: false };
  // The thumbnail taken at intake is in IndexedDB whatever happened to the file.
  if (photo.photo.thumbnail instanceof Blob && photo.photo.thumbnail.size > 0) return { state: 'shown', src: await blobDataUrl(photo.photo.thumbnail), small: true };
  return { state: 'missing', reason: missingReason(stored.error, 'local') };
}

function blobDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the thumbnail'));
    reader.readAsDataURL(blob);
  });
}

/** Loads the photos (a few at a time); starts again when the list of photos changes. */
export function useReportPhotos(hole: Hole | undefined, photos: readonly ReportPhoto[]): ReportPhotoState {
  const key = hole ? `${hole.id}\u0000${photos.map((p) => p.key).join(' ')}` : '';
  const [state, setState] = useState<{ key: string; loaded: Map<string, LoadedPhoto> }>({ key: '', loaded: new Map() });
  useEffect(() => {
    if (!hole) return;
    let live = true;
    const loaded = new Map<string, LoadedPhoto>();
    setState({ key, loaded: new Map() });
    let next = 0;
    const worker = async () => {
      while (live && next < photos.length) {
        const photo = photos[next++]!;
        const result = await loadPhoto(hole, photo).catch((e: unknown): LoadedPhoto => ({ state: 'missing', reason: `Could not be read (${displayText(String(e), { maxCharacters: 200, cutMark: 'ellipsis' })}).` }));
        if (!live) return;
        loaded.set(photo.key, result);
        setState({ key, loaded: new Map(loaded) });
      }
    };
    void Promise.all(Array.from({ length: Math.min(AT_ONCE, photos.length) }, worker));
    return () => {
      live = false;
    };
    // `key` names the hole and the photos; the arrays themselves are rebuilt on every live-query answer.
  }, [key]);
  const current = state.key === key ? state.loaded : new Map<string, LoadedPhoto>();
  return { loaded: current, done: Boolean(hole) && photos.every((p) => current.has(p.key)) };
}
