/**
 * Runs tasks that share a key one after another, and tells each task whether another with its key
 * ran (or was running) just before it. Tasks with different keys run side by side.
 *
 * Why: the same write can reach main twice at once, e.g. a window whose socket dropped retries a
 * create while main is still sending the first copy to Dougal. Run side by side, both idempotency
 * look-ups find nothing and the event is logged twice; run in turn, the second one looks first and
 * finds the event the first one logged.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: (afterAnother: boolean) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const mine = (previous ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => task(previous !== undefined));
    this.tails.set(key, mine);
    const forget = () => {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }

  /** Keys with a task queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
