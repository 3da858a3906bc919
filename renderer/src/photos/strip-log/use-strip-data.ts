/**
 * What the strip log draws, read live from the photos database so it redraws when an interval is
 * saved, synced or refreshed: the hole, its dataset (units, imagery types), the intervals of the
 * chosen imagery types with their pending / conflict state, and the remembered column choices.
 * Photos are read separately, only for the intervals in view (see useStripPhotos): a hole of
 * 2,000 intervals draws its blocks without first reading 4,000 thumbnails.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CatalogueDataset, CatalogueImageryType } from '../../../../common/bridge/photo-contract';
import { photosDb, type Hole, type ImageryInterval, type TrayPhoto } from '../photos-db';
import { columnsSettingKey } from './strip-columns';

export type IntervalMark = 'synced' | 'pending' | 'conflict';

export interface StripGroup {
  imageryType: CatalogueImageryType;
  /** Sorted by From, then To. */
  intervals: ImageryInterval[];
  marks: Map<string, IntervalMark>;
  /** The user's remembered columns for this imagery type (undefined: never chosen). */
  rememberedColumns: string[] | undefined;
}

export interface StripData {
  hole: Hole;
  dataset: CatalogueDataset | undefined;
  groups: StripGroup[];
}

/** Whether Imago changed the interval since our copy while a local edit waits (the user has not chosen yet). */
export function hasConflict(interval: ImageryInterval): boolean {
  return Boolean(interval.conflict);
}

/** `null` while loading, `undefined` when the hole is not in the database. */
export function useStripData(holeId: string, imageryTypeIds: readonly string[]): StripData | null | undefined {
  const data = useLiveQuery(async () => {
    // Everything in one round: the intervals do not wait for the hole and catalogue (a cold read of
    // 2,000 intervals is most of the strip's first paint).
    const [hole, catalogue, intervals, outbox, remembered] = await Promise.all([
      photosDb.holes.get(holeId),
      photosDb.catalogue.get('imago'),
      photosDb.intervals.where('holeId').equals(holeId).toArray(),
      photosDb.outbox.where('kind').equals('interval').toArray(),
      photosDb.settings.where('key').startsWith(columnsSettingKey('')).toArray(),
    ]);
    if (!hole) return { found: false as const };
    const dataset = catalogue?.workspaces.find((w) => w.name === hole.workspaceName)?.datasets.find((d) => d.name === hole.datasetName);
    // Ids as the catalogue gives them; a name is accepted too, so a caller holding only the selection's name is not stuck.
    const types = imageryTypeIds.flatMap((id) => dataset?.imageryTypes.find((t) => t.id === id) ?? dataset?.imageryTypes.find((t) => t.name === id) ?? []);
    const mine = outbox.filter((o) => o.holeId === holeId && o.intervalId);
    const queued = new Set(mine.map((o) => o.intervalId));
    // Main refused the write because Imago's copy changed (the record's `conflict` may not be filled in yet).
    const refused = new Set(mine.filter((o) => o.lastError?.kind === 'conflict').map((o) => o.intervalId));
    const groups: StripGroup[] = types.map((imageryType) => {
      const ofType = intervals.filter((i) => i.imageryTypeName === imageryType.name).sort((a, b) => a.from - b.from || a.to - b.to);
      const marks = new Map<string, IntervalMark>();
      for (const i of ofType) marks.set(i.id, hasConflict(i) || refused.has(i.id) ? 'conflict' : !i.remoteId || queued.has(i.id) ? 'pending' : 'synced');
      const value = remembered.find((r) => r.key === columnsSettingKey(imageryType.id))?.value;
      return { imageryType, intervals: ofType, marks, rememberedColumns: Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined };
    });
    return { found: true as const, hole, dataset, groups };
  }, [holeId, imageryTypeIds.join('\u0000')]);
  if (data === undefined) return null;
  return data.found ? { hole: data.hole, dataset: data.dataset, groups: data.groups } : undefined;
}

/**
 * Local photos of the given intervals (thumbnails are in the rows), read again when they change.
 * `key` names the intervals the photos were read for, so the strip can tell (and a benchmark can
 * wait until) the thumbnails in view have been read.
 */
export function useStripPhotos(intervalIds: readonly string[]): { key: string; photos: TrayPhoto[] } {
  const key = intervalIds.join(' ');
  return useLiveQuery(
    async () => ({ key, photos: intervalIds.length ? await photosDb.photos.where('intervalId').anyOf([...intervalIds]).toArray() : [] }),
    [key],
    { key: '', photos: [] as TrayPhoto[] },
  );
}
