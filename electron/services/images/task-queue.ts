/** Runs async tasks at most `limit` at a time, first come first served. */
export class TaskQueue {
  private runningCount = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.runningCount >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.runningCount += 1;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next task, so the count never dips and lets a newcomer jump the line.
      const next = this.waiting.shift();
      if (next === undefined) this.runningCount -= 1;
      else next();
    }
  }
}
