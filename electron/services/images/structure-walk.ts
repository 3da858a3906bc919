/**
 * One structure walk on the calling thread: what a structure-check thread runs for each request,
 * and what the service process runs itself when no thread can start (structure-threads.ts).
 */
import { checkJpegBody, type DcImage, type JpegHeader } from './jpeg-structure';
import { checkPngBody, type PngHeader } from './png-structure';

export type WalkedStructure = { kind: 'jpeg'; header: JpegHeader } | { kind: 'png'; header: PngHeader };

/** Walks the body after the header; with `dcImage`, also returns a baseline JPEG's 1/8-scale DC image (else null). Throws `ImageDamage`. */
export async function walkHere(structure: WalkedStructure, filePath: string, dcImage = false): Promise<DcImage | null> {
  if (structure.kind === 'png') {
    await checkPngBody(filePath, structure.header);
    return null;
  }
  return (await checkJpegBody(filePath, structure.header, { dcImage })).dcImage ?? null;
}
