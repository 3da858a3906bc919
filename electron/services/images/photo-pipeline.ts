/**
 * Photo intake for the main process: check, convert, store and thumbnail, a few photos at a time so
 * a batch of hundreds does not starve the CPU. Memory is bounded apart from that: each decode waits
 * for room in the process-wide memory budget, or runs in the decode worker (decode-placement.ts).
 */
import { basename } from 'node:path';
import { toBridgeError, type BridgeError } from '../../../common/errors';
import type { PhotoStore } from './photo-store';
import { preparePhotoForUpload, type PreparedPhoto } from './prepare-photo';
import { TaskQueue } from './task-queue';

export interface IntakenPhoto extends PreparedPhoto {
  /** The name the user knows the file by. */
  originalName: string;
}

export type IntakeResult =
  | { ok: true; photo: IntakenPhoto }
  | { ok: false; filePath: string; originalName: string; reason: string; error: BridgeError };

export interface IntakeProgress {
  filePath: string;
  stage: 'queued' | 'started' | 'done' | 'failed';
  /** Jobs running and waiting after this event. */
  running: number;
  queued: number;
}

export interface PhotoPipelineOptions {
  /** Photos processed at the same time (default 2). */
  concurrency?: number;
  onProgress?: (progress: IntakeProgress) => void;
}

export const DEFAULT_INTAKE_CONCURRENCY = 2;

export class PhotoPipeline {
  private readonly queue: TaskQueue;
  private readonly onProgress: (progress: IntakeProgress) => void;

  constructor(
    private readonly store: PhotoStore,
    options: PhotoPipelineOptions = {},
  ) {
    this.queue = new TaskQueue(options.concurrency ?? DEFAULT_INTAKE_CONCURRENCY);
    this.onProgress = options.onProgress ?? (() => {});
  }

  /** Jobs running now. */
  get running(): number {
    return this.queue.running;
  }

  /** Jobs waiting for a slot. */
  get queued(): number {
    return this.queue.queued;
  }

  /** Takes in one photo. Never throws: a refused or failed photo resolves to `ok: false` with a reason. */
  async intake(filePath: string, options: { originalName?: string } = {}): Promise<IntakeResult> {
    const originalName = options.originalName ?? basename(filePath);
    const report = (stage: IntakeProgress['stage']): void => {
      try {
        this.onProgress({ filePath, stage, running: this.queue.running, queued: this.queue.queued });
      } catch {
        // A broken progress listener must not lose the photo.
      }
    };
    report('queued');
    const result = await this.queue.run(async (): Promise<IntakeResult> => {
      report('started');
      try {
        const prepared = await preparePhotoForUpload(filePath, this.store);
        return { ok: true, photo: { ...prepared, originalName } };
      } catch (error) {
        const bridgeError = toBridgeError(error);
        return { ok: false, filePath, originalName, reason: bridgeError.message, error: bridgeError };
      }
    });
    report(result.ok ? 'done' : 'failed');
    return result;
  }
}
