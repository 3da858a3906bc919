/**
 * Turns a checked photo into the file Imago gets: PNG or JPEG, upright pixels, no orientation tag.
 * A JPEG or PNG that needs none of that is stored byte for byte, never re-encoded. The decode runs
 * in the service process or the decode worker as its cost requires (decode-placement.ts).
 */
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { CorelogError } from '../../../common/errors';
import { inProcessDecodes, placeDecode } from './decode-placement';
import { runInDecodeWorker } from './decode-worker-client';
import {
  checkPhotoHeader,
  convertPhoto,
  walkedCheck,
  decodeCheck,
  decodeCost,
  HarmlessWarningOnly,
  readPhotoStructure,
  readStart,
  thumbnailFromWalk,
  type CheckedPhoto,
  type PhotoInspection,
} from './photo-check';
import type { PhotoStore, PutResult } from './photo-store';
import type { UploadMimeType } from './upload-rules';

export interface PreparedPhoto {
  sha256: string;
  storedPath: string;
  mimeType: UploadMimeType;
  /** Of the stored file, which is upright. */
  width: number;
  height: number;
  /** Size of the stored file. */
  bytes: number;
  thumbnailJpeg: Buffer;
  /** Why the stored file differs from the original, or null when it is the original. */
  converted: string | null;
}

/** Photos up to this size are read into memory once (a 24 MP tray photo is ~10 MB; three run at a time). */
const READ_ONCE_MAX_BYTES = 64 * 1024 * 1024;

/** Checks a photo and stores the file to upload; throws `CorelogError('rejected')` for a bad file. */
export async function preparePhotoForUpload(filePath: string, store: PhotoStore): Promise<PreparedPhoto> {
  const start = await readStart(filePath);
  const walked = await readPhotoStructure(filePath, start.sniffed);
  if (walked === null) return prepareInWorker(filePath, store, null);
  if (!walked.openHere) return prepareInWorker(filePath, store, start.sniffed === 'png' ? 'image/png' : 'image/jpeg');
  const checked = await checkPhotoHeader(filePath, start, walked.structure);
  const cost = decodeCost(checked, true);
  if (placeDecode(cost) === 'service') {
    try {
      return await inProcessDecodes.run(cost, () => prepareHere(checked, store));
    } catch (error) {
      // A warning that may be harmless: the worker judges it on its own.
      if (!(error instanceof HarmlessWarningOnly)) throw error;
    }
  }
  return prepareInWorker(filePath, store, checked.inspection.needsConversion ? null : checked.inspection.uploadMimeType);
}

async function prepareHere(checked: CheckedPhoto, store: PhotoStore): Promise<PreparedPhoto> {
  const { inspection, filePath } = checked;
  const mimeType = inspection.uploadMimeType;
  let thumbnailJpeg: Buffer;
  let stored: PutResult;
  if (inspection.needsConversion) {
    // Small enough: read once for both the thumbnail and the conversion.
    const bytes = inspection.bytes <= READ_ONCE_MAX_BYTES ? await readFile(filePath) : undefined;
    thumbnailJpeg = await decodeCheck(checked, 'strict', bytes);
    stored = await store.putWritten(mimeType, (tempPath) => convertPhoto(checked, 'strict', tempPath, bytes));
  } else if (thumbnailFromWalk(checked)) {
    // Stored as is, and the walk makes the thumbnail: it reads every byte on its thread, so it
    // hashes them too, while the operating system copies the file into the store and it is fsynced.
    // A change to the file meanwhile is refused.
    const before = await stat(filePath);
    const walk = walkedCheck(checked, { hash: true });
    const content = walk.then((walked) => walked.content ?? Promise.reject(new CorelogError('internal', 'the structure walk hashed nothing', { retryable: false })));
    content.catch(() => {}); // its failure is the walk's, reported by settleStore
    const [walked, copy] = await Promise.allSettled([walk, store.putCopy(filePath, mimeType, content)]);
    const settled = await settleStore(store, walked, copy);
    thumbnailJpeg = settled.checked.thumbnail;
    stored = settled.stored;
    await refuseIfChanged(store, filePath, before, stored);
  } else {
    // Stored as is: hashed, written and fsynced while libvips decodes it for the thumbnail, so the
    // wait on the disk overlaps the decode. Up to 64 MB are read once: libvips decodes the same
    // bytes that are hashed and stored (reading and hashing them a second time cost a third of the
    // decode's CPU); bigger files are copied into the store in 1 MB steps.
    const bytes = inspection.bytes <= READ_ONCE_MAX_BYTES ? await readFile(filePath) : undefined;
    const [thumbnail, copy] = await Promise.allSettled([
      decodeCheck(checked, 'strict', bytes),
      bytes !== undefined ? store.putBytes(bytes, mimeType) : store.putFile(filePath, mimeType),
    ]);
    ({ checked: thumbnailJpeg, stored } = await settleStore(store, thumbnail, copy));
  }
  return prepared(stored, inspection, thumbnailJpeg);
}

/**
 * The decode worker checks the photo and, when it needs converting, writes the upload version into
 * the store's temp folder; this process stores the result. `asIs` is the type of a JPEG or PNG
 * that the worker may find needs no conversion (then this process copies the file to the store),
 * null when it will be converted.
 */
async function prepareInWorker(filePath: string, store: PhotoStore, asIs: UploadMimeType | null): Promise<PreparedPhoto> {
  if (asIs !== null) {
    const reply = await runInDecodeWorker({ op: 'prepare', filePath, outputPath: null });
    if (!reply.inspection.needsConversion) return prepared(await store.putFile(filePath, asIs), reply.inspection, Buffer.from(reply.thumbnail));
  }
  let inspection: PhotoInspection | null = null;
  let thumbnail = Buffer.alloc(0);
  const stored = await store.putConverted(async (tempPath) => {
    const reply = await runInDecodeWorker({ op: 'prepare', filePath, outputPath: tempPath });
    if (!reply.converted) throw new CorelogError('internal', 'the photo checker did not convert the photo', { retryable: false });
    inspection = reply.inspection;
    thumbnail = Buffer.from(reply.thumbnail);
    return reply.inspection.uploadMimeType;
  });
  return prepared(stored, inspection!, thumbnail);
}

/**
 * The outcome of a check and a store copy run side by side: a damaged file must not stay in the
 * store (identical content would be damaged too), so a copy added before the check failed is removed.
 */
async function settleStore<T>(store: PhotoStore, check: PromiseSettledResult<T>, copy: PromiseSettledResult<PutResult>): Promise<{ checked: T; stored: PutResult }> {
  if (check.status === 'rejected') {
    if (copy.status === 'fulfilled' && copy.value.added) await store.remove(copy.value.sha256);
    throw check.reason;
  }
  if (copy.status === 'rejected') throw copy.reason;
  return { checked: check.value, stored: copy.value };
}

/** Refuses (and removes from the store) a copy of a file that changed while it was taken in. */
async function refuseIfChanged(store: PhotoStore, filePath: string, before: Stats, stored: PutResult): Promise<void> {
  if (!(await changedSince(filePath, before, stored.bytes))) return;
  if (stored.added) await store.remove(stored.sha256);
  throw new CorelogError('rejected', 'the file changed while it was being taken in; take it in again once it is saved', { retryable: true });
}

/** Whether the file is no longer the one checked: another size or modification time, or `copied` bytes of another size. */
async function changedSince(filePath: string, before: Stats, copied: number): Promise<boolean> {
  const after = await stat(filePath).catch(() => null);
  return after === null || after.size !== before.size || after.mtimeMs !== before.mtimeMs || copied !== before.size;
}

function prepared(stored: PutResult, inspection: PhotoInspection, thumbnailJpeg: Buffer): PreparedPhoto {
  return {
    sha256: stored.sha256,
    storedPath: stored.path,
    mimeType: stored.mimeType,
    width: inspection.width,
    height: inspection.height,
    bytes: stored.bytes,
    thumbnailJpeg,
    converted: inspection.conversion,
  };
}
