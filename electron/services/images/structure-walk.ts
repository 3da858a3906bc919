/**
 * One structure walk on the calling thread: what a structure-check thread runs for each request,
 * and what the service process runs itself when no thread can start (structure-threads.ts).
 */
import type { FileDigest } from './byte-source';
import { checkJpegBody, type DcImage, type JpegHeader } from './jpeg-structure';
import { checkPngBody, type PngHeader } from './png-structure';

export type WalkedStructure = { kind: 'jpeg'; header: JpegHeader } | { kind: 'png'; header: PngHeader };

/** What a walk gives besides its verdict. */
export interface WalkResult {
  /** A baseline JPEG's 1/8-scale DC image, when asked for and possible (see `dcImageRefusal`). */
  dcImage: DcImage | null;
  /** The whole file's SHA-256 as the walk read it, when asked for (JPEG only). */
  content: FileDigest | null;
}

export interface WalkOptions {
  dcImage?: boolean;
  hash?: boolean;
}

/** Walks the body after the header. Throws `ImageDamage`. */
export async function walkHere(structure: WalkedStructure, filePath: string, options: WalkOptions = {}): Promise<WalkResult> {
  if (structure.kind === 'png') {
    await checkPngBody(filePath, structure.header);
    return { dcImage: null, content: null };
  }
  const body = await checkJpegBody(filePath, structure.header, options);
  return { dcImage: body.dcImage ?? null, content: body.content ?? null };
}
