/**
 * The archive run's bandwidth cap: a token bucket the upload stream waits on before each piece
 * it sends (`file.pace` in http-request.ts). The cap can change while a file is on its way (the
 * user moves the slider when the satellite link is needed for something else), so a waiting piece
 * looks at the current rate again at least every quarter second.
 */
import { CorelogError } from '../../../common/errors';

/**
 * Lowest cap accepted. An upload's deadline grows by 1 KiB/s of its size (http-request.ts); a cap
 * well above that keeps a capped upload clear of it.
 */
export const MIN_RATE_BYTES_PER_SECOND = 4096;

/** How much may go at once after a quiet spell: a quarter second at the cap (at least one piece). */
const BURST_SECONDS = 0.25;
const RECHECK_MS = 250;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CorelogError('cancelled', 'The upload was paused.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CorelogError('cancelled', 'The upload was paused.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Refuses a cap too low to work with (null: no cap). */
export function checkRate(bytesPerSecond: number | null | undefined): number | null {
  if (bytesPerSecond === null || bytesPerSecond === undefined) return null;
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < MIN_RATE_BYTES_PER_SECOND) {
    throw new CorelogError('validation', `A bandwidth cap must be at least ${MIN_RATE_BYTES_PER_SECOND / 1024} KB/s (or none).`, {
      retryable: false,
      issues: [{ path: 'maxBytesPerSecond', message: `At least ${MIN_RATE_BYTES_PER_SECOND} bytes per second.` }],
    });
  }
  return bytesPerSecond;
}

export class TokenBucket {
  private tokens = 0;
  private last = Date.now();

  constructor(
    private rate: number | null,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
    this.tokens = this.capacity();
  }

  get bytesPerSecond(): number | null {
    return this.rate;
  }

  setRate(rate: number | null): void {
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /**
   * Waits until `bytes` may be sent. A piece may take the bucket below zero (it is already cut);
   * the next one then waits for the debt to be paid, so the average never exceeds the cap.
   */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.rate === null) return;
      this.refill();
      if (this.tokens >= 0) {
        this.tokens -= bytes;
        return;
      }
      await sleep(Math.min(RECHECK_MS, Math.ceil((-this.tokens / this.rate) * 1000)), signal);
    }
  }

  private capacity(): number {
    return this.rate === null ? 0 : Math.max(this.rate * BURST_SECONDS, 1);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    if (this.rate !== null) this.tokens = Math.min(this.capacity(), this.tokens + elapsed * this.rate);
  }
}

/** The send rate over the last few seconds, for "rate" and "time left". */
export class RateMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(bytes: number): void {
    if (bytes <= 0) return;
    const at = this.now();
    this.samples.push({ at, bytes });
    this.trim(at);
  }

  /** Bytes per second over the window, or null before there is anything to go on. */
  bytesPerSecond(): number | null {
    const now = this.now();
    this.trim(now);
    const first = this.samples[0];
    if (!first) return null;
    const span = Math.max(1_000, now - first.at);
    const total = this.samples.reduce((sum, s) => sum + s.bytes, 0);
    return (total * 1000) / span;
  }

  reset(): void {
    this.samples.length = 0;
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && now - this.samples[0]!.at > this.windowMs) this.samples.shift();
    // Bounded whatever the chunk size: progress arrives per 64 KiB piece at most.
    if (this.samples.length > 10_000) this.samples.splice(0, this.samples.length - 10_000);
  }
}
