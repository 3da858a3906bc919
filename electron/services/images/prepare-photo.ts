/**
 * Turns a checked photo into the file Imago gets: PNG or JPEG, upright pixels, no orientation tag.
 * A JPEG or PNG that needs none of that is stored byte for byte, never re-encoded.
 */
import { examinePhoto } from './inspect-photo';
import type { PhotoStore } from './photo-store';
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

/** Checks a photo and stores the file to upload; throws `CorelogError('rejected')` for a bad file. */
export async function preparePhotoForUpload(filePath: string, store: PhotoStore): Promise<PreparedPhoto> {
  const { inspection, thumbnailJpeg } = await examinePhoto(filePath);
  const mimeType = inspection.uploadMimeType;
  const stored = inspection.needsConversion
    ? await store.putWritten(mimeType, async (tempPath) => {
        // EXIF (capture time, camera) is kept; autoOrient has removed its orientation tag.
        const image = openPhoto(filePath).keepExif();
        await (mimeType === 'image/png' ? image.png(PNG_OUTPUT) : image.jpeg(JPEG_OUTPUT)).toFile(tempPath);
      })
    : await store.putFile(filePath, mimeType);
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
