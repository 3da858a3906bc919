/**
 * Where a photo is decoded, decided from its header before any pixel is decoded, so that no single
 * input — and no three intakes side by side — can push the service process past its memory ceiling:
 *
 * - in the service process, when the decode is a JPEG or PNG estimated at ≤ 200 MB, under a
 *   memory-weighted queue that keeps all such decodes together within 320 MB;
 * - in the decode worker (a child process with its own cap) otherwise;
 * - nowhere, when even the worker's cap is too small: refused at once, saying so.
 */
import { CorelogError } from '../../../common/errors';
import { decodeWorkerSettings } from './decode-worker-client';
import { tooLargeToCheckReason, WORKER_BASELINE_BYTES } from './decode-worker-protocol';
import { MemoryBudget } from './memory-budget';

const MB = 1024 * 1024;

/** Issue 10: no single input may push the service process above this resident size. */
export const SERVICE_PROCESS_MEMORY_CEILING = 600 * MB;
/**
 * What decodes in the service process may use together: the ceiling less the process's own
 * ~120 MB (Node, sharp, the services; Electron's main process a little more), ~20 MB for the two
 * structure-check threads, and ~140 MB left for everything else it does meanwhile (uploads,
 * replies, the event log). Measured with fifteen hostile and big photos at once: 410–486 MB.
 */
export const IN_PROCESS_DECODE_BUDGET = 320 * MB;
/**
 * A larger decode goes to the worker. A 24 MP tray photo turned by EXIF is ~100 MB, a 40 MP
 * progressive one ~160 MB: both stay here, where there is no process to start (~0.2 s).
 */
export const IN_PROCESS_JOB_LIMIT = 200 * MB;

/** Shared by intake and previews: every decode in the service process goes through it. */
export const inProcessDecodes = new MemoryBudget(IN_PROCESS_DECODE_BUDGET);

export type Placement = 'service' | 'worker';

/** Where a decode of `costBytes` runs; throws the refusal when it fits nowhere on this computer. */
export function placeDecode(costBytes: number): Placement {
  if (costBytes <= IN_PROCESS_JOB_LIMIT) return 'service';
  const { memoryCapBytes } = decodeWorkerSettings();
  if (WORKER_BASELINE_BYTES + costBytes > memoryCapBytes) {
    throw new CorelogError('rejected', tooLargeToCheckReason(memoryCapBytes, WORKER_BASELINE_BYTES + costBytes), { retryable: false });
  }
  return 'worker';
}
