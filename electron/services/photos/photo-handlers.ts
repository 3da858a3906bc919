/**
 * Bridge handlers for core photography: the user context for offline use, photo intake (staged
 * file → pipeline → content-addressed store, thumbnail back to the renderer), uploads, the watch
 * folder, the viewer's image cache and portal links. Plain Node; the queue itself lives in the
 * renderer's IndexedDB.
 */
import { join } from 'node:path';
import type { AttributeValues, IntakeOutcome, IntervalBase, IntervalTarget, PhotoCatalogue, RemoteInterval } from '../../../common/bridge/photo-contract';
import { CorelogError } from '../../../common/errors';
import { attributeRuleProblems } from '../../../common/forms/attribute-rules';
import type { ServiceContext, ServiceModule } from '../app-services';
import { PhotoPipeline, PhotoStore, renderStoredPreview } from '../images';
import type { ImagoContext, ImageryInterval } from '../imago/imago-client';
import type { AllPages } from '../imago/paging';
import { attributesOf, changedAttributes } from './interval-attributes';
import { nameImageTypes } from './image-type-names';
import { ImagoImageCache, toDataUrl } from './image-cache';
import { PhotoUploadExecutor } from './upload-executor';
import { WatchFolder } from './watch-folder';

export interface PhotoModule extends ServiceModule {
  executor: PhotoUploadExecutor;
  watchFolder: WatchFolder;
  photoStore(): Promise<PhotoStore>;
}

/**
 * Photos taken in side by side. Three rather than the pipeline's default two: each intake also
 * copies, hashes and fsyncs the file (~55 ms for a 10 MB photo, mostly waiting on the disk), which
 * a third job overlaps with the other two's decoding. Peak stays near 3 × ~100 MB for rotated 24 MP photos.
 */
export const PHOTO_INTAKE_CONCURRENCY = 3;

export function createPhotoModule(context: ServiceContext, options: { watchStabilityMs?: number } = {}): PhotoModule {
  const { clients, events, stagedFiles, dataDir } = context;
  let opened: Promise<{ store: PhotoStore; pipeline: PhotoPipeline }> | null = null;
  const photos = () =>
    (opened ??= PhotoStore.open(join(dataDir, 'photos')).then((store) => ({ store, pipeline: new PhotoPipeline(store, { concurrency: PHOTO_INTAKE_CONCURRENCY }) })));
  const photoStore = async () => (await photos()).store;

  const lastProgress = new Map<string, number>();
  const executor = new PhotoUploadExecutor({
    client: () => clients.imago(),
    store: photoStore,
    onProgress: (jobId, sentBytes, totalBytes) => {
      // At most ~5 events a second per upload (a chunk is 256 KB), and always the last one.
      const now = Date.now();
      if (sentBytes < totalBytes && now - (lastProgress.get(jobId) ?? 0) < 200) return;
      lastProgress.set(jobId, now);
      if (sentBytes >= totalBytes) lastProgress.delete(jobId);
      events.emit('photoUploadProgress', { jobId, sentBytes, totalBytes });
    },
  });
  const watchFolder = new WatchFolder({
    settingsFile: join(dataDir, 'watch-folder.json'),
    stagedFiles,
    onFile: (file) => events.emit('watchFolderFile', file),
    onStatus: (status) => events.emit('watchFolderChanged', status),
    ...(options.watchStabilityMs !== undefined ? { stabilityMs: options.watchStabilityMs } : {}),
  });
  const imageCache = new ImagoImageCache(join(dataDir, 'image-cache'));
  // The user context last read, for checking attribute rules on interval writes without asking Imago each time.
  let lastCatalogue: PhotoCatalogue | null = null;
  const loadCatalogue = async () => (lastCatalogue = toCatalogue(await clients.imago().context()));
  /**
   * Refuses attribute values that break their definition's rules, with the form's own words. The
   * rules are those of the catalogue last read; one that refuses is read again first, since the
   * definitions may have changed in Imago since (a rule relaxed, a range widened), and a photo
   * station must not refuse what Imago now takes until someone reopens the Photos screen.
   */
  const checkAttributeRules = async (target: IntervalTarget, attributes: AttributeValues, base: IntervalBase | null | undefined) => {
    // A value the edit did not change is Imago's own (written by another tool, or before a rule
    // existed): it goes back as it is and is not the user's to fix; only what the user changed is judged.
    const changed = base ? new Set(changedAttributes(attributes, base.attributes)) : null;
    const problemsIn = (catalogue: PhotoCatalogue | null) => {
      const type = catalogue?.workspaces
        .find((w) => w.name === target.workspaceName)
        ?.datasets.find((d) => d.name === target.datasetName)
        ?.imageryTypes.find((t) => t.name === target.imageryTypeName);
      // No such type: Imago itself says whether the imagery type exists.
      if (!type) return null;
      return Object.entries(attributeRuleProblems(type.attributeDefinitions, attributes)).filter(([path]) => !changed || changed.has(path));
    };
    const cached = problemsIn(lastCatalogue);
    // Imago out of reach: the cached verdict stands (the user hears of a broken rule now, not when back online).
    const problems = cached !== null && cached.length === 0 ? cached : problemsIn(await loadCatalogue().catch(() => lastCatalogue));
    const issues = (problems ?? []).map(([path, message]) => ({ path: `attributes.${path}`, message }));
    if (issues.length) throw new CorelogError('validation', issues.map((i) => i.message).join(' '), { issues, retryable: false });
  };

  return {
    executor,
    watchFolder,
    photoStore,
    start() {
      void watchFolder.start();
    },
    async dispose() {
      await watchFolder.dispose();
    },
    handlers: {
      loadPhotoCatalogue: loadCatalogue,
      async listHoles({ workspaceName, datasetName }) {
        const read = await clients.imago().readAllCollections({ workspaceName, datasetName });
        const holes = read.items.map((c) => ({ id: c.id, name: c.name })).sort((a, b) => a.name.localeCompare(b.name));
        return { holes, incomplete: incompleteNote(read) };
      },
      async listHoleIntervals({ workspaceName, datasetName, collectionName, imageryTypeName }) {
        const read = await clients.imago().readAllImagery({ workspaceName, datasetName, collectionName, imageryTypeName, includeFeatures: false });
        const intervals = (await nameImageTypes(read.items, () => clients.imago().context())).map(toRemoteInterval);
        return { intervals, incomplete: incompleteNote(read) };
      },

      async intakePhoto({ ref }) {
        const staged = stagedFiles.get(ref);
        try {
          const result = await (await photos()).pipeline.intake(staged.path, { originalName: staged.name });
          if (!result.ok) return { accepted: false, reason: result.reason } satisfies IntakeOutcome;
          const { photo } = result;
          return {
            accepted: true,
            sha256: photo.sha256,
            mimeType: photo.mimeType,
            width: photo.width,
            height: photo.height,
            bytes: photo.bytes,
            converted: photo.converted,
            thumbnailBase64: photo.thumbnailJpeg.toString('base64'),
          } satisfies IntakeOutcome;
        } finally {
          // A watch-folder find stays offered (and handed over) until the renderer says it has written
          // what it made of it (discardStagedFiles): a page that dies now gets it offered again.
          if (!watchFolder.offers(ref)) await stagedFiles.release(ref);
        }
      },
      // Also the renderer's word that a watch-folder find is written (a draft or a refusal): only then is it done.
      async discardStagedFiles({ refs }) {
        for (const ref of refs) {
          watchFolder.settle(ref);
          await stagedFiles.release(ref);
        }
        return { released: refs.length };
      },

      createHole: async ({ workspaceName, datasetName, collectionName }) => ({
        id: (await clients.imago().createCollection({ workspaceName, datasetName, name: collectionName })).id,
      }),
      async saveInterval({ target, attributes, base }) {
        await checkAttributeRules(target, attributes, base);
        const saved = await executor.saveIntervalVersion(target, attributes, base === undefined ? {} : { base });
        return { imageryId: saved.id, updatedAt: saved.updatedAt, attributes: saved.attributes };
      },
      uploadPhoto: (job) =>
        context.desktop.busyWork.run(`Uploading a photo of ${job.target.collectionName}`, () => executor.upload(job)).finally(() => lastProgress.delete(job.jobId)),
      cancelPhotoUpload: async ({ jobId }) => ({ cancelled: executor.cancel(jobId) }),

      fetchImagoImage: async ({ width, imageId, ...target }) =>
        imageCache.dataUrl(imageId, width, async () => (await clients.imago().downloadImage(target, { width, imageId })).bytes),
      async previewStoredPhoto({ sha256, width }) {
        const stored = await (await photoStore()).find(sha256);
        if (!stored) throw new CorelogError('not-found', 'This photo is no longer in Corelog’s photo store on this computer.', { retryable: false });
        // Decoded under the same memory rules as intake (in this process or the decode worker).
        const jpeg = await renderStoredPreview(stored.path, width);
        return { dataUrl: toDataUrl(jpeg) };
      },
      // Built by the client from its configured portal base, so the renderer can only open that site.
      imagoPortalLink: async ({ workspace, dataset, collection, imageryType, imageType, depth }) => ({
        url: clients.imago().portalDeepLink({ workspace, dataset, collection, imageryType, imageType, depth }),
      }),

      getWatchFolder: async () => watchFolder.status(),
      setWatchFolder: ({ folder, pattern }) => watchFolder.configure(folder === '' ? null : folder, pattern),
    },
  };
}

function toCatalogue(context: ImagoContext): PhotoCatalogue {
  return {
    fetchedAt: new Date().toISOString(),
    workspaces: context.workspaces.map((w) => ({
      id: w.id,
      name: w.name,
      readonly: w.readonly,
      folder: w.workspaceFolder ?? null,
      datasets: w.datasets.map((d) => ({
        id: d.id,
        name: d.name,
        lengthUnits: d.lengthUnits ?? 'metres',
        imageryTypes: d.imageryTypes.map((t) => ({
          id: t.id,
          name: t.name,
          geometryType: t.geometryType,
          imageTypes: t.imageTypes.map((i) => ({ name: i.name })),
          attributeDefinitions: t.attributeDefinitions.map((a) => ({
            name: a.name,
            attributeTypes: a.attributeTypes.map((at) => ({
              name: at.name,
              dataType: at.dataType,
              required: at.required ?? null,
              minimum: at.minimum ?? at.min ?? null,
              maximum: at.maximum ?? at.max ?? null,
              values: at.values ?? null,
            })),
          })),
        })),
      })),
    })),
  };
}

/** Why a list read from Imago is not whole, in words for the window (null: it is whole). */
function incompleteNote(read: AllPages<unknown>): string | null {
  if (read.complete) return null;
  return `Imago handed out only part of the list (${(read.note ?? 'the server holds more').slice(0, 300)})`;
}

function toRemoteInterval(imagery: ImageryInterval): RemoteInterval {
  return {
    id: imagery.id,
    imageryTypeName: imagery.imageryTypeName ?? '',
    from: imagery.startDepth,
    to: imagery.endDepth,
    // As Imago sent them (booleans included), so writing the interval back keeps every value as it was.
    attributes: attributesOf(imagery),
    updatedAt: typeof imagery.updatedAt === 'string' ? imagery.updatedAt : null,
    // An image whose type could not be named (not even by id through the context) cannot be shown as any type's photo.
    images: imagery.images.flatMap((i) => (i.imageTypeName === undefined ? [] : [{ id: i.id, imageTypeName: i.imageTypeName, width: i.width ?? null, height: i.height ?? null, mimeType: i.mimeType ?? null }])),
  };
}
