/**
 * Photo pixels for the viewer. The last few photos shown (and the ones about to be) are kept in
 * memory: stepping back and forth along the hole, or switching layout, then costs no second trip
 * over the bridge. Main keeps Imago's photos on disk anyway; this only saves the transfer.
 */
import { useEffect, useState } from 'react';
import type { BridgeError } from '../../../../common/errors';
import type { Result } from '../../../../common/result';
import type { ViewerPhoto } from './viewer-photos';

/** Enough for the two panes, the two about to be shown, and a step back. */
const KEPT = 12;
const kept = new Map<string, Promise<Result<{ dataUrl: string }>>>();

function load(photo: ViewerPhoto): Promise<Result<{ dataUrl: string }>> {
  const known = kept.get(photo.key);
  if (known) {
    // Most recently used last, so the oldest goes first.
    kept.delete(photo.key);
    kept.set(photo.key, known);
    return known;
  }
  const loading = photo.load().then(
    (result) => {
      // A failure is not kept: the next look tries again (the link may be back).
      if (!result.ok) kept.delete(photo.key);
      return result;
    },
    (e: unknown): Result<{ dataUrl: string }> => {
      kept.delete(photo.key);
      return { ok: false, error: { kind: 'internal', message: `The photo could not be shown: ${e instanceof Error ? e.message : String(e)}`, retryable: false } };
    },
  );
  kept.set(photo.key, loading);
  while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return loading;
}

/** Starts loading photos the user is likely to look at next. */
export function preloadPhotos(photos: (ViewerPhoto | undefined)[]): void {
  for (const photo of photos) if (photo) void load(photo);
}

/** The photo's data URL once loaded, or why it could not be. */
export function usePhotoImage(photo: ViewerPhoto | undefined): { dataUrl: string | null; error: BridgeError | null } {
  const [state, setState] = useState<{ key: string; dataUrl: string | null; error: BridgeError | null } | null>(null);
  useEffect(() => {
    if (!photo) return;
    let alive = true;
    void load(photo).then((result) => {
      if (alive) setState(result.ok ? { key: photo.key, dataUrl: result.value.dataUrl, error: null } : { key: photo.key, dataUrl: null, error: result.error });
    });
    return () => {
      alive = false;
    };
  }, [photo?.key]);
  // Never show the previous photo's pixels under the new photo's label.
  return state && photo && state.key === photo.key ? state : { dataUrl: null, error: null };
}
