/**
 * Where the emulator keeps its world: the JSON tables (saved through JsonStateFile when a data
 * directory is given) and the image files beside them. In-memory mode still needs somewhere for
 * image bytes, so it uses a temp directory that `close()` removes.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStateFile } from '../kit/state-file';
import { emptyWorld, type Collection, type Dataset, type Imagery, type ImageryType, type ImagoWorld, type StoredImage, type Workspace } from './state';

export class ImagoStore {
  world: ImagoWorld;
  readonly root: string;
  readonly imagesDir: string;
  private readonly stateFile: JsonStateFile<ImagoWorld>;
  private readonly temporary: boolean;

  constructor(dataDir: string | null) {
    this.temporary = !dataDir;
    this.root = dataDir ? join(dataDir, 'imago') : mkdtempSync(join(tmpdir(), 'imago-emulator-'));
    this.imagesDir = join(this.root, 'images');
    mkdirSync(this.imagesDir, { recursive: true });
    this.stateFile = new JsonStateFile<ImagoWorld>(dataDir ? join(this.root, 'state.json') : null);
    this.world = this.stateFile.load() ?? emptyWorld();
  }

  /** True when nothing was loaded, so the caller seeds. */
  get isEmpty(): boolean {
    return this.world.accounts.length === 0;
  }

  save(): void {
    this.stateFile.save(this.world);
  }

  flush(): void {
    this.stateFile.save(this.world);
    this.stateFile.flush();
  }

  /** Drops everything, images included (for `/__admin/reset`). */
  clear(): void {
    this.world = emptyWorld();
    rmSync(this.imagesDir, { recursive: true, force: true });
    mkdirSync(this.imagesDir, { recursive: true });
  }

  close(): void {
    this.flush();
    if (this.temporary) rmSync(this.root, { recursive: true, force: true });
  }

  imagePath(image: StoredImage): string {
    return join(this.imagesDir, image.file);
  }

  workspace(id: string): Workspace {
    return this.world.workspaces.find((w) => w.id === id)!;
  }
  dataset(id: string): Dataset {
    return this.world.datasets.find((d) => d.id === id)!;
  }
  collection(id: string): Collection {
    return this.world.collections.find((c) => c.id === id)!;
  }
  imageryType(id: string): ImageryType {
    return this.world.imageryTypes.find((t) => t.id === id)!;
  }
  imagery(id: string): Imagery {
    return this.world.imageries.find((i) => i.id === id)!;
  }

  /** The chain of names and ids above an imagery, as list replies show them. */
  context(imagery: Imagery) {
    const collection = this.collection(imagery.collectionId);
    const dataset = this.dataset(collection.datasetId);
    const workspace = this.workspace(dataset.workspaceId);
    const imageryType = this.imageryType(imagery.imageryTypeId);
    return { collection, dataset, workspace, imageryType };
  }
}
