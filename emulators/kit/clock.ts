/**
 * The emulators' notion of "now": real time plus an offset that tests can move forward, so token
 * expiry and validity ranges can be exercised without waiting.
 */
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only move forward by a finite amount');
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}
