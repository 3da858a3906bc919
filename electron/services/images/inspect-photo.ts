/**
 * `inspectPhoto(path)`: the whole intake check of a file without storing it — content type,
 * structure, header limits and a full strict decode — in the service process or the decode worker
 * as its cost requires (decode-placement.ts). Every refusal is a `CorelogError` whose message a
 * user can act on.
 */
import { placeDecode, inProcessDecodes } from './decode-placement';
import { runInDecodeWorker } from './decode-worker-client';
import { checkPhotoHeader, decodeCheck, decodeCost, HarmlessWarningOnly, readPhotoStructure, readStart, type PhotoInspection } from './photo-check';

export type { PhotoInspection } from './photo-check';

/** Checks a file from its content, decoding it once (at thumbnail size) to prove it is intact. */
export async function inspectPhoto(filePath: string): Promise<PhotoInspection> {
  return (await examinePhoto(filePath)).inspection;
}

/** `inspectPhoto` plus the thumbnail its decode check produced. */
export async function examinePhoto(filePath: string): Promise<{ inspection: PhotoInspection; thumbnailJpeg: Buffer }> {
  const start = await readStart(filePath);
  const walked = await readPhotoStructure(filePath, start.sniffed);
  if (walked?.openHere) {
    const checked = await checkPhotoHeader(filePath, start, walked.structure);
    const cost = decodeCost(checked, false);
    if (placeDecode(cost) === 'service') {
      try {
        return { inspection: checked.inspection, thumbnailJpeg: await inProcessDecodes.run(cost, () => decodeCheck(checked, 'strict')) };
      } catch (error) {
        if (!(error instanceof HarmlessWarningOnly)) throw error;
      }
    }
  }
  const reply = await runInDecodeWorker({ op: 'prepare', filePath, outputPath: null });
  return { inspection: reply.inspection, thumbnailJpeg: Buffer.from(reply.thumbnail) };
}
