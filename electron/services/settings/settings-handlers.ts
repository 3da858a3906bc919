/**
 * The Settings screen's main-side services: the app settings file, the data folder's usage, and
 * the sweep of originals after upload. `watchUploads` wraps the photo module's intake and upload
 * handlers so main records what it takes in and what Imago confirms (the sweep's evidence);
 * app-services applies it where the modules are put together.
 */
import { dirname, join } from 'node:path';
import { MAX_SWEEP_BATCH } from '../../../common/bridge/settings-contract';
import type { ServiceContext, ServiceModule } from '../app-services';
import type { PhotoModule } from '../photos/photo-handlers';
import { APP_SETTINGS_FILE, AppSettingsFile } from './app-settings-file';
import { onJsonFileSetAside } from '../desktop/json-file';
import { dataFolderUsage } from './data-usage';
import { OriginalsLedger } from './originals-ledger';
import { OriginalsSweep } from './originals-sweep';

export interface SettingsModule extends ServiceModule {
  settings: AppSettingsFile;
  ledger: OriginalsLedger;
  sweep: OriginalsSweep;
  /** The photo module with intake and upload recorded in the originals ledger. */
  watchUploads(photos: PhotoModule): PhotoModule;
}

const MB = 1024 * 1024;

export function createSettingsModule(context: ServiceContext): SettingsModule {
  const { dataDir, events } = context;
  const log = context.desktop.log;
  // App-wide, not per profile (sample systems or real ones): next to the log, in the folder of the
  // desktop services the profile host lends every profile, so the theme does not change with it.
  const settings = new AppSettingsFile(join(dirname(log.dir), APP_SETTINGS_FILE));
  // Per profile, as the photo store it speaks for.
  const ledger = new OriginalsLedger(dataDir);
  let photoStore: PhotoModule['photoStore'] | null = null;
  const sweep = new OriginalsSweep({
    ledger,
    store: () => {
      if (!photoStore) throw new Error('the originals sweep has no photo store');
      return photoStore();
    },
    keepDays: () => settings.current.keepOriginalsDays,
  });

  let stopTellingSetAside: (() => void) | null = null;

  return {
    settings,
    ledger,
    sweep,
    watchUploads(photos) {
      photoStore = photos.photoStore;
      const { intakePhoto, uploadPhoto } = photos.handlers;
      if (!intakePhoto || !uploadPhoto) return photos;
      return {
        ...photos,
        handlers: {
          ...photos.handlers,
          intakePhoto: (input) => sweep.duringIntake(() => intakePhoto(input)),
          uploadPhoto: (job) => sweep.duringUpload(job.sha256, () => uploadPhoto(job)),
        },
      };
    },
    start() {
      for (const problem of settings.problems) log.warn(`app settings: ${problem}`);
      // Any settings or credentials file found damaged and set aside, by whichever store read it.
      // (The settings file's own is among its problems, logged just above.)
      const told = new Set(settings.problems);
      stopTellingSetAside = onJsonFileSetAside((notice) => {
        if (!told.delete(notice)) log.warn(`data folder: ${notice}`);
      });
    },
    dispose() {
      stopTellingSetAside?.();
      stopTellingSetAside = null;
    },
    handlers: {
      getAppSettings: async () => settings.current,
      async setAppSettings(patch) {
        const next = settings.change(patch);
        log.info(`app settings changed: ${Object.keys(patch).join(', ') || 'nothing'}`);
        events.emit('appSettingsChanged', next);
        return next;
      },
      async getDataUsage() {
        const usage = await dataFolderUsage(dataDir, { logs: log.dir });
        const confirmed = ledger.confirmedHashes().length;
        return { dataDir, ...usage, originals: { keepDays: settings.current.keepOriginalsDays, confirmed, lastSweep: ledger.lastSweep } };
      },
      originalsToSweep: async () => ({ keepDays: settings.current.keepOriginalsDays, candidates: photoStore ? await sweep.candidates(MAX_SWEEP_BATCH) : [] }),
      async sweepOriginals({ release }) {
        if (!photoStore) return { at: new Date().toISOString(), removed: 0, freedBytes: 0, kept: release.length };
        const report = await sweep.sweep(release);
        if (report.removed > 0 || report.kept > 0) {
          log.info(`originals sweep: deleted ${report.removed} confirmed upload(s), ${(report.freedBytes / MB).toFixed(1)} MB freed; ${report.kept} kept`);
        }
        return report;
      },
    },
  };
}
