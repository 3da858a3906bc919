/**
 * Whether a system can be reached right now, learned from the outcome of every real request plus
 * a cheap probe. While a system is unreachable the probe backs off (5 s doubling to 2 min, with
 * jitter) so a ship's workstation does not hammer a dead satellite link; while it is reachable,
 * a probe only runs after a quiet period, since real traffic already tells us.
 */
import type { BridgeError } from '../../../common/errors';

export type Reachability = 'unknown' | 'reachable' | 'unreachable';

export interface ReachabilitySnapshot {
  reachability: Reachability;
  lastCheckedAt: string | null;
  lastReachableAt: string | null;
  lastError: BridgeError | null;
}

export interface ReachabilityOptions {
  /** Sends one cheap request; resolves true when any HTTP answer came back. */
  probe: () => Promise<{ reachable: boolean; error?: BridgeError }>;
  onChange: (snapshot: ReachabilitySnapshot) => void;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Probe a reachable system after this long without traffic. */
  quietProbeMs?: number;
  now?: () => number;
  random?: () => number;
}

export class ReachabilityTracker {
  private state: ReachabilitySnapshot = { reachability: 'unknown', lastCheckedAt: null, lastReachableAt: null, lastError: null };
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private probing: Promise<void> | null = null;

  constructor(private readonly options: ReachabilityOptions) {}

  get snapshot(): ReachabilitySnapshot {
    return { ...this.state };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Called after every real request to the system. */
  record(outcome: { reachable: boolean; error?: BridgeError }): void {
    const at = new Date(this.now()).toISOString();
    const previous = this.state;
    this.failures = outcome.reachable ? 0 : this.failures + 1;
    this.state = {
      reachability: outcome.reachable ? 'reachable' : 'unreachable',
      lastCheckedAt: at,
      lastReachableAt: outcome.reachable ? at : previous.lastReachableAt,
      lastError: outcome.reachable ? (outcome.error ?? null) : (outcome.error ?? previous.lastError),
    };
    if (previous.reachability !== this.state.reachability || previous.lastError?.message !== this.state.lastError?.message) {
      this.options.onChange(this.snapshot);
    }
    if (!this.stopped) this.schedule(this.nextDelay());
  }

  /** Probes now (the user pressed "Check"), then continues the schedule. */
  async checkNow(): Promise<ReachabilitySnapshot> {
    await this.runProbe();
    return this.snapshot;
  }

  /** Clears a shown error once the user has dealt with it (e.g. signed in again). */
  clearError(): void {
    if (!this.state.lastError) return;
    this.state = { ...this.state, lastError: null };
    this.options.onChange(this.snapshot);
  }

  private nextDelay(): number {
    if (this.state.reachability === 'reachable') return this.options.quietProbeMs ?? 60_000;
    const first = this.options.firstRetryMs ?? 5_000;
    const max = this.options.maxRetryMs ?? 120_000;
    const base = Math.min(max, first * 2 ** Math.max(0, this.failures - 1));
    const jitter = 0.8 + (this.options.random ?? Math.random)() * 0.4;
    return Math.round(base * jitter);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runProbe(), delayMs);
    this.timer.unref?.();
  }

  private runProbe(): Promise<void> {
    this.probing ??= (async () => {
      try {
        const outcome = await this.options.probe();
        this.record(outcome);
      } catch (error) {
        this.record({ reachable: false, error: { kind: 'internal', message: String((error as Error)?.message ?? error), retryable: true } });
      } finally {
        this.probing = null;
      }
    })();
    return this.probing;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
