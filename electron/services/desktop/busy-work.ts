/**
 * Work that quitting must not cut short (an upload half-way through a batch). Services register
 * it while it runs; the desktop shell asks before quitting while anything is registered.
 */
import { randomUUID } from 'node:crypto';

export interface BusyWorkItem {
  token: string;
  label: string;
  since: Date;
}

export class BusyWork {
  private readonly items = new Map<string, BusyWorkItem>();
  private readonly idleWaiters = new Set<() => void>();

  /** Registers running work; pass the token to `end` when it finishes or fails. */
  begin(label: string): string {
    const token = randomUUID();
    this.items.set(token, { token, label, since: new Date() });
    return token;
  }

  /** Ends the work; unknown or already-ended tokens are ignored. Returns how much is still running. */
  end(token: string): number {
    this.items.delete(token);
    if (this.items.size === 0) for (const resolve of [...this.idleWaiters]) resolve();
    return this.items.size;
  }

  /** Runs `work` registered under `label`, ending it however it settles. */
  async run<T>(label: string, work: () => Promise<T>): Promise<T> {
    const token = this.begin(label);
    try {
      return await work();
    } finally {
      this.end(token);
    }
  }

  get busy(): boolean {
    return this.items.size > 0;
  }

  active(): BusyWorkItem[] {
    return [...this.items.values()];
  }

  /** Resolves once nothing is registered. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idleWaiters.delete(done);
        resolve();
      };
      this.idleWaiters.add(done);
    });
  }
}
