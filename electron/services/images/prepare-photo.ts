/**
 * Turns a checked photo into the file Imago gets: PNG or JPEG, upright pixels, no orientation tag.
 * A JPEG or PNG that needs none of that is stored byte for byte, never re-encoded.
 */
import { readFile } from 'node:fs/promises';
import { checkPhotoHeader, decodeThumbnail } from './inspect-photo';
import type { PhotoStore, PutResult } from './photo-store';
import { JPEG_OUTPUT, openPhoto, PNG_OUTPUT } from './sharp-setup';
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
  const checked = await checkPhotoHeader(filePath);
  const { inspection } = checked;
  const mimeType = inspection.uploadMimeType;
  let thumbnailJpeg: Buffer;
  let stored: PutResult;
  if (inspection.needsConversion) {
    // Small enough: read once for both the thumbnail and the conversion.
    const source = inspection.bytes <= READ_ONCE_MAX_BYTES ? await readFile(filePath) : filePath;
    thumbnailJpeg = await decodeThumbnail(checked, typeof source === 'string' ? undefined : source);
    stored = await store.putWritten(mimeType, async (tempPath) => {
      // EXIF (capture time, camera) is kept; autoOrient has removed its orientation tag.
      const image = openPhoto(source).keepExif();
      await (mimeType === 'image/png' ? image.png(PNG_OUTPUT) : image.jpeg(JPEG_OUTPUT)).toFile(tempPath);
    });
  } else if (inspection.bytes <= READ_ONCE_MAX_BYTES) {
    // Stored as is, read once: the thumbnail is decoded from the same bytes that are hashed and
    // stored. Reading and hashing the file a second time cost a third of the decode's CPU, and the
    // store now holds exactly the bytes that were checked, even if the file changes meanwhile.
    const bytes = await readFile(filePath);
    thumbnailJpeg = await decodeThumbnail(checked, bytes);
    stored = await store.putBytes(bytes, mimeType);
  } else {
    // Too big to hold: copy and hash the file while it is decoded for the thumbnail.
    const [thumbnail, copy] = await Promise.allSettled([decodeThumbnail(checked), store.putFile(filePath, mimeType)]);
    if (thumbnail.status === 'rejected') {
      // A damaged file must not stay in the store; identical content would be damaged too.
      if (copy.status === 'fulfilled' && copy.value.added) await store.remove(copy.value.sha256);
      throw thumbnail.reason;
    }
    if (copy.status === 'rejected') throw copy.reason;
    thumbnailJpeg = thumbnail.value;
    stored = copy.value;
  }
  return {
    sha256: stored.sha256,
    storedPath: stored.path,
    mimeType,
    width: inspection.width,
    height: inspection.height,
    bytes: stored.bytes,
    thumbnailJpeg,
    converted: inspection.conversion,
  };
}
