/**
 * The photos the viewer can show for one hole and imagery type, grouped by interval in depth
 * order, and the rules for stepping along the hole in each layout. Imago's photos come scaled
 * through main (which keeps them on disk, so a hole browsed once browses offline); photos not
 * uploaded yet come from the local store.
 */
import type { Result } from '../../../../common/result';
import { bridge } from '../../bridge/bridge';
import type { CatalogueImageryType } from '../../../../common/bridge/photo-contract';
import type { Hole, ImageryInterval, TrayPhoto } from '../photos-db';
import { fetchIntervalImage } from '../imago-image';

/** One photo on screen: `key` is `remote:<imageId>` or `local:<photoId>`. */
export interface ViewerPhoto {
  key: string;
  intervalId: string;
  from: number;
  to: number;
  imageTypeName: string;
  load(): Promise<Result<{ dataUrl: string }>>;
}

export interface IntervalPhotos {
  interval: ImageryInterval;
  photos: ViewerPhoto[];
}

/** How the viewer lays photos out: one at a time, two image types of one interval, or one type of two neighbouring intervals. */
export type ViewerLayout = 'single' | 'types' | 'neighbours';

/** Viewer photos are asked for at most this wide: enough for a full-screen tray, light on the bridge. */
const VIEW_WIDTH = 2048;

/** The hole's photos grouped by interval (intervals in depth order; Imago's photos first, each sorted by image type). */
export function viewerPhotos(hole: Hole | undefined, intervals: ImageryInterval[], local: TrayPhoto[]): IntervalPhotos[] {
  // By interval, so a hole of thousands of intervals is grouped in one pass.
  const localByInterval = new Map<string, TrayPhoto[]>();
  for (const photo of local) if (photo.intervalId) localByInterval.set(photo.intervalId, [...(localByInterval.get(photo.intervalId) ?? []), photo]);
  return intervals.map((interval) => {
    const base = { intervalId: interval.id, from: interval.from, to: interval.to };
    const photos: ViewerPhoto[] = [];
    for (const image of [...interval.remoteImages].sort((a, b) => a.imageTypeName.localeCompare(b.imageTypeName))) {
      photos.push({
        ...base,
        key: `remote:${image.id}`,
        imageTypeName: image.imageTypeName,
        load: () =>
          fetchIntervalImage(hole!, interval, image, Math.min(VIEW_WIDTH, image.width ?? VIEW_WIDTH)),
      });
    }
    // A photo already uploaded is shown once, as Imago has it.
    const notUploaded = (localByInterval.get(interval.id) ?? []).filter((p) => !interval.remoteImages.some((r) => r.id === p.remoteImageId));
    for (const photo of notUploaded.sort((a, b) => a.binding.imageTypeName.localeCompare(b.binding.imageTypeName))) {
      photos.push({
        ...base,
        key: `local:${photo.id}`,
        imageTypeName: photo.binding.imageTypeName,
        load: () => bridge.previewStoredPhoto({ sha256: photo.sha256, width: Math.min(VIEW_WIDTH, photo.width) }),
      });
    }
    return { interval, photos };
  });
}

/** The image types to choose from: the imagery type's own, in its order, then any others the photos carry. */
export function imageTypeNames(imageryType: CatalogueImageryType | undefined, groups: IntervalPhotos[]): string[] {
  const names = imageryType?.imageTypes.map((t) => t.name) ?? [];
  for (const group of groups) for (const photo of group.photos) if (!names.includes(photo.imageTypeName)) names.push(photo.imageTypeName);
  return names;
}

/** The interval's photo of that image type (Imago's copy before one still waiting to upload). */
export function photoOfType(group: IntervalPhotos | undefined, imageTypeName: string): ViewerPhoto | undefined {
  return group?.photos.find((p) => p.imageTypeName === imageTypeName);
}

/**
 * The intervals a compare layout steps through: those with a photo of one of the shown types.
 * Intervals without one are skipped, so ← and → never land on two empty panes.
 */
export function stops(groups: IntervalPhotos[], types: string[]): IntervalPhotos[] {
  return groups.filter((g) => g.photos.some((p) => types.includes(p.imageTypeName)));
}

/**
 * Where `intervalId` sits among `stops` (by depth when it is not one of them: the first stop at or
 * below it, else the last), so switching layout keeps the viewer at the same place in the hole.
 */
export function stopIndex(stopList: IntervalPhotos[], groups: IntervalPhotos[], intervalId: string): number {
  const exact = stopList.findIndex((g) => g.interval.id === intervalId);
  if (exact >= 0) return exact;
  const from = groups.find((g) => g.interval.id === intervalId)?.interval.from;
  if (from === undefined) return 0;
  const below = stopList.findIndex((g) => g.interval.from >= from);
  return below >= 0 ? below : Math.max(0, stopList.length - 1);
}
