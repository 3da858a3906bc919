/**
 * What the service process and the decode worker (decode-worker.ts) say to each other, and the
 * memory rules both apply. No Node or sharp imports: both sides load it.
 */
import type { BridgeError } from '../../../common/errors';
import type { PhotoInspection } from './photo-check';

/** The environment variable that hands the worker its memory cap, in bytes. */
export const WORKER_CAP_ENV = 'CORELOG_DECODE_WORKER_CAP_BYTES';

/** A worker's own memory before it decodes anything (Node, sharp, libvips): measured ~60 MB. */
export const WORKER_BASELINE_BYTES = 96 * 1024 * 1024;

export type WorkerRequest =
  /** Check the photo (and make its thumbnail); when `outputPath` is set and it needs converting, write the upload version there. */
  | { op: 'prepare'; filePath: string; outputPath: string | null }
  /** A viewer-sized JPEG of a stored photo. */
  | { op: 'preview'; filePath: string; width: number };

export type WorkerMessage =
  | { type: 'prepared'; inspection: PhotoInspection; thumbnail: Uint8Array; converted: boolean; peakRssBytes: number }
  | { type: 'preview'; jpeg: Uint8Array; peakRssBytes: number }
  | { type: 'failed'; error: BridgeError; peakRssBytes: number }
  /** Sent just before the worker stops itself for going over its cap. */
  | { type: 'over-memory'; rssBytes: number };

/** "1.5 GB", "600 MB". */
export function memorySize(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  if (gb >= 10) return `${Math.round(gb)} GB`;
  if (gb >= 1) return `${gb.toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
}

/** The refusal for a photo whose decode would not fit in (or did not fit in) the worker's cap. */
export function tooLargeToCheckReason(capBytes: number, neededBytes: number | null): string {
  if (neededBytes === null) {
    return `the photo is too large to check on this computer: decoding it needed more than the ${memorySize(capBytes)} of memory Corelog may use for one photo, so the check was stopped`;
  }
  return `the photo is too large to check on this computer: decoding it would need about ${memorySize(neededBytes)} of memory, more than the ${memorySize(capBytes)} Corelog may use for one photo`;
}
