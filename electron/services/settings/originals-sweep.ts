/**
 * The sweep of photo originals after upload: the photo store's copy of a photo is deleted once
 * Imago confirmed it more than N days ago (Settings → "Originals after upload"), never earlier
 * and never without that confirmation. Two sides must agree, each on what only it can know:
 * - main's ledger: Imago's receipt for these bytes, its age, and no intake of them since;
 * - the renderer's queue (IndexedDB, which main cannot read): no photo record still needs them.
 * The renderer asks for candidates, answers with those it releases, and main checks each again
 * at the moment of deleting, while no intake or upload is running that could need the file.
 */
import type { SweepReport } from '../../../common/bridge/settings-contract';
import type { PhotoStore } from '../images';
import type { OriginalsLedger } from './originals-ledger';

export interface OriginalsSweepOptions {
  ledger: OriginalsLedger;
  store: () => Promise<PhotoStore>;
  /** The current "keep originals N days" setting (null: keep). */
  keepDays: () => number | null;
  now?: () => number;
}

export class OriginalsSweep {
  private intakesRunning = 0;
  private readonly uploadsRunning = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OriginalsSweepOptions) {}

  /** Runs an intake with the sweep held off; records the bytes as taken in when it accepted them. */
  async duringIntake<T extends { accepted: boolean; sha256?: string }>(intake: () => Promise<T>): Promise<T> {
    this.intakesRunning += 1;
    try {
      const outcome = await intake();
      if (outcome.accepted && outcome.sha256) this.options.ledger.takenIn(outcome.sha256);
      return outcome;
    } finally {
      this.intakesRunning -= 1;
    }
  }

  /** Runs an upload of `sha` with its file held; records Imago's receipt as the confirmation. */
  async duringUpload<T extends { imageId: string }>(sha: string, upload: () => Promise<T>): Promise<T> {
    this.uploadsRunning.set(sha, (this.uploadsRunning.get(sha) ?? 0) + 1);
    try {
      const receipt = await upload();
      try {
        this.options.ledger.confirmed(sha, receipt.imageId);
      } catch {
        // The photo did reach Imago: the upload is reported as done (not sent again). A confirmation
        // that could not be written (a full disk) is still known for this run; lost at a restart,
        // it only means the original is kept longer.
      }
      return receipt;
    } finally {
      const left = (this.uploadsRunning.get(sha) ?? 1) - 1;
      if (left > 0) this.uploadsRunning.set(sha, left);
      else this.uploadsRunning.delete(sha);
    }
  }

  /** Originals main's record allows sweeping now and that are still in the store (at most `limit`). */
  async candidates(limit: number): Promise<string[]> {
    const keepDays = this.options.keepDays();
    if (keepDays === null) return [];
    const store = await this.options.store();
    const now = this.now();
    const found: string[] = [];
    for (const sha of this.options.ledger.confirmedHashes()) {
      if (found.length >= limit) break;
      if (!this.options.ledger.maySweep(sha, keepDays, now)) continue;
      if (await store.has(sha)) found.push(sha);
      // Already gone (deleted by hand, or an earlier sweep that crashed before its record): forget it.
      else this.options.ledger.forget(sha);
    }
    return found;
  }

  /** Deletes those of `release` main's record still allows; one sweep at a time. */
  sweep(release: readonly string[]): Promise<SweepReport> {
    const run = this.queue.then(() => this.sweepNow(release));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sweepNow(release: readonly string[]): Promise<SweepReport> {
    const store = await this.options.store();
    let removed = 0;
    let freedBytes = 0;
    let kept = 0;
    for (const sha of new Set(release)) {
      const found = await store.find(sha);
      if (!found) {
        this.options.ledger.forget(sha);
        continue;
      }
      // Checked again for each file, right before deleting it: the setting may have changed, the
      // photo may have been taken in again, and an intake running now may be storing these same
      // bytes (its commit finds the file present and writes nothing, so it must not vanish now).
      if (this.intakesRunning > 0 || this.uploadsRunning.has(sha) || !this.options.ledger.maySweep(sha, this.options.keepDays(), this.now())) {
        kept += 1;
        continue;
      }
      if (await store.remove(sha)) {
        removed += 1;
        freedBytes += found.bytes;
      }
      this.options.ledger.forget(sha);
    }
    const damaged = await this.sweepDamaged(store);
    removed += damaged.removed;
    freedBytes += damaged.freedBytes;
    // Records of originals no longer in the store (discarded by hand, swept earlier) are dropped;
    // one whose damaged copy is still kept keeps its record, the confirmation the rule above needs.
    for (const sha of this.options.ledger.hashes()) if (!damaged.stillKept.has(sha) && !(await store.has(sha))) this.options.ledger.forget(sha);
    const report: SweepReport = { at: new Date(this.now()).toISOString(), removed, freedBytes, kept };
    this.options.ledger.recordSwept(report);
    this.options.ledger.compact();
    return report;
  }

  /**
   * Damaged copies the upload set aside (their bytes no longer matched their hash): deleted once a
   * sound copy was stored again, or once they are DAMAGED_KEEP_MS old and Imago confirmed those
   * bytes (main's ledger), never while the setting keeps originals. Answers the hashes still kept.
   */
  private async sweepDamaged(store: PhotoStore): Promise<{ removed: number; freedBytes: number; stillKept: Set<string> }> {
    const keeping = this.options.keepDays() === null;
    const swept = await store.sweepDamaged({
      now: this.now(),
      onImago: (sha) => !keeping && !this.uploadsRunning.has(sha) && Boolean(this.options.ledger.get(sha)?.confirmedAt),
    });
    const stillKept = new Set((await store.damagedCopies()).map((copy) => copy.sha256));
    return { ...swept, stillKept };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
