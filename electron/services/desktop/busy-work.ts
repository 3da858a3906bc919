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
  private readonly listeners = new Set<(busy: boolean) => void>();

  /** Registers running work; pass the token to `end` when it finishes or fails. */
  begin(label: string): string {
    const token = randomUUID();
    this.items.set(token, { token, label, since: new Date() });
    if (this.items.size === 1) this.changed();
    return token;
  }

  /** Ends the work; unknown or already-ended tokens are ignored. Returns how much is still running. */
  end(token: string): number {
    if (!this.items.delete(token)) return this.items.size;
    if (this.items.size === 0) {
      for (const resolve of [...this.idleWaiters]) resolve();
      this.changed();
    }
    return this.items.size;
  }

  /** Calls `listener` whenever the registry turns busy or idle (e.g. to keep the computer awake); returns the unsubscribe. */
  onBusyChange(listener: (busy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.busy);
      } catch {
        // A listener's failure (say, the OS refusing a power blocker) must never fail the work itself.
      }
    }
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
