/**
 * A memory-weighted queue: jobs declare how many bytes they will need and run only while the sum
 * of what running jobs declared stays within the budget, first come first served (a big job is
 * never overtaken for ever by small ones). Used so that intake's three jobs side by side, plus a
 * preview, cannot add up past the service process's memory ceiling.
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; start: () => void }> = [];

  constructor(readonly totalBytes: number) {
    if (!(totalBytes > 0)) throw new RangeError(`totalBytes must be positive, not ${totalBytes}`);
  }

  /** Bytes declared by the jobs running now. */
  get inUse(): number {
    return this.used;
  }

  /** Jobs waiting for room. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once `bytes` fit; a job larger than the whole budget runs alone. */
  async run<T>(bytes: number, task: () => Promise<T>): Promise<T> {
    const take = Math.min(Math.max(0, bytes), this.totalBytes);
    if (this.waiting.length > 0 || this.used + take > this.totalBytes) {
      await new Promise<void>((start) => this.waiting.push({ bytes: take, start }));
    } else {
      this.used += take;
    }
    try {
      return await task();
    } finally {
      this.used -= take;
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    for (let next = this.waiting[0]; next !== undefined && this.used + next.bytes <= this.totalBytes; next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.start();
    }
  }
}
