/**
 * Runs at most `size` tasks at once, the others waiting their turn in the order they came.
 *
 * Why: the renderer hands main whole batches of creates (a push of what was logged offline) and
 * keeps the next batch on its way while one is sent, so that Dougal always has work; without a
 * bound main would send every create of every batch at once. With one, Dougal sees as many
 * requests side by side as the renderer's lanes alone would send.
 */
export class WriteLanes {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running += 1;
    // A finishing task hands its lane straight to the next one, so `running` stays as it is.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Tasks running and waiting (for tests and diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
