/**
 * What the Photos screen is looking at (workspace, dataset, hole, imagery type, interval, image
 * type), kept in IndexedDB so it survives a restart, resolved against the cached user context.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import type { CatalogueDataset, CatalogueImageryType, CatalogueWorkspace } from '../../../common/bridge/photo-contract';
import { getSetting, photosDb, putSetting, reportUnsaved, type CachedCatalogue, type Hole, type ImageryInterval } from './photos-db';

export interface PhotoSelection {
  workspaceName: string;
  datasetName: string;
  holeId: string;
  imageryTypeName: string;
  intervalId: string;
  imageTypeName: string;
}

const EMPTY: PhotoSelection = { workspaceName: '', datasetName: '', holeId: '', imageryTypeName: '', intervalId: '', imageTypeName: '' };

export interface ResolvedSelection {
  loaded: boolean;
  selection: PhotoSelection;
  catalogue: CachedCatalogue | undefined;
  workspace: CatalogueWorkspace | undefined;
  dataset: CatalogueDataset | undefined;
  imageryType: CatalogueImageryType | undefined;
  /**
   * The dataset's `lengthUnits` ("metres", "feet", …): depths are entered and shown in them and
   * sent to Imago as entered. Undefined until the dataset is known (then depths show no unit).
   */
  lengthUnits: string | undefined;
  hole: Hole | undefined;
  holes: Hole[];
  intervals: ImageryInterval[];
  interval: ImageryInterval | undefined;
  readonly: boolean;
  select(change: Partial<PhotoSelection>): void;
}

export function usePhotoSelection(): ResolvedSelection {
  const data = useLiveQuery(async () => {
    const [catalogue, selection] = await Promise.all([photosDb.catalogue.get('imago'), getSetting<PhotoSelection>('selection', EMPTY)]);
    const holes = await photosDb.holes.where('[workspaceName+datasetName]').equals([selection.workspaceName, selection.datasetName]).toArray();
    const intervals = selection.holeId ? await photosDb.intervals.where('[holeId+imageryTypeName]').equals([selection.holeId, selection.imageryTypeName]).toArray() : [];
    return { catalogue, selection: { ...EMPTY, ...selection }, holes: holes.sort((a, b) => a.name.localeCompare(b.name)), intervals: intervals.sort((a, b) => a.from - b.from) };
  }, []);
  const selection = data?.selection ?? EMPTY;
  const workspace = data?.catalogue?.workspaces.find((w) => w.name === selection.workspaceName);
  const dataset = workspace?.datasets.find((d) => d.name === selection.datasetName);
  const imageryType = dataset?.imageryTypes.find((t) => t.name === selection.imageryTypeName);
  return {
    loaded: data !== undefined,
    selection,
    catalogue: data?.catalogue,
    workspace,
    dataset,
    imageryType,
    lengthUnits: dataset?.lengthUnits,
    hole: data?.holes.find((h) => h.id === selection.holeId),
    holes: data?.holes ?? [],
    intervals: data?.intervals ?? [],
    interval: data?.intervals.find((i) => i.id === selection.intervalId),
    readonly: workspace?.readonly ?? false,
    select(change) {
      void changeSelection(change).catch(reportUnsaved);
    },
  };
}

/**
 * Applies a change to the stored selection, reading the current one in the same transaction: two
 * picks in quick succession (before the screen re-renders) must not undo each other.
 */
async function changeSelection(change: Partial<PhotoSelection>): Promise<void> {
  await photosDb.transaction('rw', photosDb.settings, async () => {
    const current = { ...EMPTY, ...(await getSetting<PhotoSelection>('selection', EMPTY)) };
    const next = { ...current, ...change };
    // Choosing something higher up clears what depended on it.
    if (change.workspaceName !== undefined && change.workspaceName !== current.workspaceName) Object.assign(next, { datasetName: change.datasetName ?? '', holeId: '', intervalId: '' });
    if (change.datasetName !== undefined && change.datasetName !== current.datasetName) Object.assign(next, { holeId: change.holeId ?? '', intervalId: '' });
    if ((change.holeId !== undefined && change.holeId !== current.holeId) || (change.imageryTypeName !== undefined && change.imageryTypeName !== current.imageryTypeName)) {
      next.intervalId = change.intervalId ?? '';
    }
    await putSetting('selection', next);
  });
}
