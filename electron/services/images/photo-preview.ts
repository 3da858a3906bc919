/** A viewer-sized JPEG of a stored photo, decoded where its cost allows (decode-placement.ts). */
import { inProcessDecodes, placeDecode } from './decode-placement';
import { runInDecodeWorker } from './decode-worker-client';
import { checkPhotoHeader, decodeCost, readPhotoStructure, readStart } from './photo-check';
import { renderPreview } from './sharp-setup';

/** Up to `width` × 2048 px, upright, alpha flattened on white. */
export async function renderStoredPreview(storedPath: string, width: number): Promise<Buffer> {
  const start = await readStart(storedPath);
  const walked = await readPhotoStructure(storedPath, start.sniffed);
  if (walked?.openHere) {
    const cost = decodeCost(await checkPhotoHeader(storedPath, start, walked.structure), false);
    if (placeDecode(cost) === 'service') return inProcessDecodes.run(cost, () => renderPreview(storedPath, width));
  }
  const { jpeg } = await runInDecodeWorker({ op: 'preview', filePath: storedPath, width });
  return Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
