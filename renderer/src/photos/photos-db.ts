/**
 * The photography database (`corelog-photos`, separate from `corelog` so this feature's schema
 * evolves on its own). Everything the Photos screen shows comes from here, so it works offline:
 * the cached Imago user context, holes, intervals with attributes, photo records with their
 * thumbnails, and the outbox the upload engine works through. Schema changes add a new
 * `version(n)`; never edit an old one.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { AttributeValues, IntervalBase, PhotoCatalogue } from '../../../common/bridge/photo-contract';
import type { BridgeError } from '../../../common/errors';
import type { FailureStreak } from '../../../common/retry-policy';
import { profileDbName } from '../first-run/profile';
import { withPlainStorageErrors } from '../storage/plain-storage-errors';
import { reportLocalWriteFailure } from '../storage/storage-health';

export interface CachedCatalogue extends PhotoCatalogue {
  id: 'imago';
}

/** A drillhole (an Imago collection), known from Imago or created here and not yet sent. */
export interface Hole {
  /** `workspace/dataset/name`, unique as Imago's names are. */
  id: string;
  workspaceName: string;
  datasetName: string;
  name: string;
  remoteId: string | null;
}

export interface RemoteImageRef {
  id: string;
  imageTypeName: string;
  width: number | null;
  height: number | null;
}

/** An imagery interval of a hole for one imagery type. */
export interface ImageryInterval {
  id: string;
  holeId: string;
  imageryTypeName: string;
  from: number;
  to: number;
  attributes: AttributeValues;
  /** Imago's imagery id, once Imago has it. */
  remoteId: string | null;
  /** Images Imago holds for this interval (as of the last refresh or upload). */
  remoteImages: RemoteImageRef[];
  updatedAt: string;
  /**
   * Imago's version the local attributes started from (last read from or written to Imago);
   * null or absent: never seen there (rows from before version 2 get it on the next refresh).
   */
  base?: IntervalBase | null;
  /** Imago's copy, changed there since `base` while a local edit waits: shown side by side until the user chooses. */
  conflict?: IntervalConflict | null;
}

export interface IntervalConflict {
  attributes: AttributeValues;
  /** Imago's `updatedAt` for its copy, when it says. */
  updatedAt: string | null;
  /** When Corelog saw the difference. */
  seenAt: string;
}

/**
 * An interval removed here that Imago still has: its API documents no way to delete an interval,
 * so it must be removed in Imago by hand. Kept so a refresh does not bring it back, and to tell
 * the user; dropped once a refresh no longer finds it in Imago.
 */
export interface RemovedInterval {
  /** The local interval's id. */
  id: string;
  holeId: string;
  imageryTypeName: string;
  from: number;
  to: number;
  remoteId: string;
  removedAt: string;
}

/** Where a photo goes; parts may be missing while it is a draft under review. */
export interface PhotoBinding {
  hole: string;
  imageryTypeName: string;
  imageTypeName: string;
  from: number | null;
  to: number | null;
}

export type PhotoState = 'draft' | 'queued' | 'uploaded' | 'failed';

/** A tray photo taken in: its upload-ready file lives in main's photo store under `sha256`. */
export interface TrayPhoto {
  id: string;
  sha256: string;
  originalName: string;
  mimeType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  bytes: number;
  converted: string | null;
  thumbnail: Blob;
  source: 'picker' | 'watch-folder';
  workspaceName: string;
  datasetName: string;
  binding: PhotoBinding;
  intervalId: string | null;
  state: PhotoState;
  remoteImageId: string | null;
  lastError: BridgeError | null;
  createdAt: string;
  uploadedAt: string | null;
}

export type OutboxKind = 'hole' | 'interval' | 'upload';

/** One piece of work for Imago. Its schedule is stored, so back-off carries on across restarts. */
export interface OutboxItem {
  id: string;
  kind: OutboxKind;
  holeId: string;
  intervalId: string | null;
  photoId: string | null;
  label: string;
  state: 'pending' | 'sending' | 'failed';
  /** Failed attempts so far. */
  attempts: number;
  /** Epoch ms; 0 = as soon as possible. */
  nextAttemptAt: number;
  /** An attempt may have reached Imago: check before sending the photo again. */
  maybeSent: boolean;
  lastError: BridgeError | null;
  /** The failure repeating on this item, for "needs attention" (absent on items never failed). */
  failures?: FailureStreak | null;
  createdAt: string;
}

export interface Rejection {
  id: string;
  name: string;
  reason: string;
  at: string;
}

export interface Setting {
  key: string;
  value: unknown;
}

export class PhotosDb extends Dexie {
  catalogue!: EntityTable<CachedCatalogue, 'id'>;
  holes!: EntityTable<Hole, 'id'>;
  intervals!: EntityTable<ImageryInterval, 'id'>;
  photos!: EntityTable<TrayPhoto, 'id'>;
  outbox!: EntityTable<OutboxItem, 'id'>;
  rejections!: EntityTable<Rejection, 'id'>;
  settings!: EntityTable<Setting, 'key'>;
  removedIntervals!: EntityTable<RemovedInterval, 'id'>;

  constructor(name = 'corelog-photos') {
    super(name);
    this.version(1).stores({
      catalogue: 'id',
      holes: 'id, [workspaceName+datasetName]',
      intervals: 'id, holeId, [holeId+imageryTypeName]',
      photos: 'id, state, intervalId, sha256, createdAt',
      outbox: 'id, state, kind, photoId, intervalId, createdAt',
      rejections: 'id, at',
      settings: 'key',
    });
    // Issue 12: intervals removed here but still in Imago. New fields on intervals need no index.
    this.version(2).stores({ removedIntervals: 'id, holeId' });
  }
}

/** `corelog-photos`, or `corelog-photos-sample` on the sample systems: the two profiles' photos never mix. */
/** A transaction the browser's storage refuses (a full disk) fails in plain words (storage/plain-storage-errors.ts). */
export const photosDb = withPlainStorageErrors(new PhotosDb(profileDbName('corelog-photos')));

export const holeId = (workspaceName: string, datasetName: string, name: string): string => `${workspaceName}/${datasetName}/${name}`;

export async function getSetting<T>(key: string, fallback: T): Promise<T> {
  const row = await photosDb.settings.get(key);
  return row === undefined ? fallback : (row.value as T);
}

export async function putSetting(key: string, value: unknown): Promise<void> {
  await photosDb.settings.put({ key, value });
}

/**
 * Remembers a choice nobody waits on (a layout, columns, the selection): a write the storage
 * refuses (a full disk) reaches the storage banner instead of failing unseen while the choice
 * silently snaps back. Never rejects.
 */
export function rememberSetting(key: string, value: unknown): Promise<void> {
  return putSetting(key, value).catch(reportUnsaved);
}

/** A write of a choice that failed: said on the storage banner, or logged if it was not storage. */
export function reportUnsaved(error: unknown): void {
  if (!reportLocalWriteFailure(error)) console.error('Corelog could not remember a choice', error);
}
