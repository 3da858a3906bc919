/**
 * The hole report's data, read live from the photos database (works offline): the hole, its
 * workspace and dataset from the cached user context, every interval of the hole (all imagery
 * types), the photos taken here for them, and which intervals still wait for Imago.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CatalogueDataset, CatalogueWorkspace } from '../../../../common/bridge/photo-contract';
import { photosDb, type Hole, type ImageryInterval, type TrayPhoto } from '../photos-db';

export interface ReportData {
  hole: Hole;
  workspace: CatalogueWorkspace | undefined;
  dataset: CatalogueDataset | undefined;
  intervals: ImageryInterval[];
  localPhotos: TrayPhoto[];
  /** Interval ids with a write still in the outbox (not in Imago as shown). */
  pendingIntervalIds: ReadonlySet<string>;
}

/** `null` while loading, `undefined` when the hole is not on this computer. */
export function useReportData(holeId: string): ReportData | null | undefined {
  const data = useLiveQuery(async () => {
    const [hole, catalogue] = await Promise.all([photosDb.holes.get(holeId), photosDb.catalogue.get('imago')]);
    if (!hole) return { found: false as const };
    const workspace = catalogue?.workspaces.find((w) => w.name === hole.workspaceName);
    const dataset = workspace?.datasets.find((d) => d.name === hole.datasetName);
    const [intervals, outbox] = await Promise.all([photosDb.intervals.where('holeId').equals(holeId).toArray(), photosDb.outbox.where('kind').equals('interval').toArray()]);
    const localPhotos = intervals.length ? await photosDb.photos.where('intervalId').anyOf(intervals.map((i) => i.id)).toArray() : [];
    const pendingIntervalIds = new Set(outbox.filter((o) => o.holeId === holeId && o.intervalId).map((o) => o.intervalId!));
    return { found: true as const, report: { hole, workspace, dataset, intervals, localPhotos, pendingIntervalIds } };
  }, [holeId]);
  if (data === undefined) return null;
  return data.found ? data.report : undefined;
}
