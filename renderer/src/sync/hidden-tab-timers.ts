/**
 * Browser mode only: Chromium slows the timers of a hidden tab (to about once a second, and after
 * five minutes hidden, chained timers to once a minute), and the sync engines' retries, backoffs
 * and pulls wait on timers. The desktop app switches this off for its window
 * (`backgroundThrottling: false`); a web page cannot. What a page can do: a dedicated worker's
 * timers are not throttled with the page, so while the page is hidden a worker ticks once a
 * second, and on each tick every page timer whose time has come runs at once instead of waiting
 * for its throttled wake-up. Visible pages are not touched (the worker is stopped).
 *
 * What remains (the README says so): Chromium may still freeze or discard a tab hidden for long
 * (memory saver, low memory), which stops everything in it; and a page cannot keep the computer
 * awake while it uploads. The desktop app has neither limit.
 */

type TimerHandler = string | ((...args: unknown[]) => void);

/** The part of `window` this module wraps. */
export interface TimerTarget {
  setTimeout(handler: TimerHandler, timeout?: number, ...args: unknown[]): number;
  clearTimeout(id: number | undefined): void;
}

export interface TimerRescue {
  /** Runs every wrapped timer that is due (in due order) and cancels its throttled twin. */
  tick(): void;
  /** How many wrapped timers are waiting. */
  readonly waiting: number;
  /** Puts the original functions back; timers already set still fire the ordinary way. */
  uninstall(): void;
}

/**
 * Wraps `target.setTimeout`/`clearTimeout` so that `tick()` can run due timers early. Each timer
 * runs once: whichever comes first, its own wake-up or a tick, cancels the other.
 */
export function installTimerRescue(target: TimerTarget, now: () => number = () => performance.now()): TimerRescue {
  const nativeSet = target.setTimeout;
  const nativeClear = target.clearTimeout;
  const waiting = new Map<number, { due: number; run: () => void }>();

  const wrappedSet = function (this: unknown, handler: TimerHandler, timeout = 0, ...args: unknown[]): number {
    // Strings would be eval'd (the CSP refuses that anyway): leave them to the browser.
    if (typeof handler !== 'function') return nativeSet.call(target, handler, timeout, ...args);
    const run = () => handler(...args);
    const id = nativeSet.call(target, () => {
      waiting.delete(id);
      run();
    }, timeout);
    waiting.set(id, { due: now() + Math.max(0, Number(timeout) || 0), run });
    return id;
  };
  const wrappedClear = function (this: unknown, id: number | undefined): void {
    if (id !== undefined) waiting.delete(id);
    nativeClear.call(target, id);
  };
  target.setTimeout = wrappedSet as TimerTarget['setTimeout'];
  target.clearTimeout = wrappedClear;

  return {
    tick() {
      const at = now();
      const due = [...waiting.entries()].filter(([, timer]) => timer.due <= at).sort(([a, x], [b, y]) => x.due - y.due || a - b);
      for (const [id, timer] of due) {
        // A timer run earlier in this tick may have cleared this one.
        if (!waiting.delete(id)) continue;
        nativeClear.call(target, id);
        try {
          timer.run();
        } catch (error) {
          // As a throwing timer does: reported, and the other timers still run.
          globalThis.reportError?.(error);
        }
      }
    },
    get waiting() {
      return waiting.size;
    },
    uninstall() {
      if (target.setTimeout === (wrappedSet as TimerTarget['setTimeout'])) target.setTimeout = nativeSet;
      if (target.clearTimeout === wrappedClear) target.clearTimeout = nativeClear;
    },
  };
}

/** How often the worker wakes the page while it is hidden. */
export const HIDDEN_TICK_MS = 1000;

/**
 * Keeps this page's timers on time while it is hidden (browser mode); returns the function that
 * undoes it. Does nothing where there are no workers.
 */
export function keepTimersOnTimeWhileHidden(): () => void {
  if (typeof Worker === 'undefined') return () => undefined;
  const rescue = installTimerRescue(window as unknown as TimerTarget);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./hidden-tab-ticker.worker.ts', import.meta.url), { type: 'module', name: 'corelog-hidden-tab-ticker' });
  } catch {
    rescue.uninstall();
    return () => undefined;
  }
  worker.onmessage = () => rescue.tick();
  const follow = () => {
    worker.postMessage(document.hidden ? { tickEveryMs: HIDDEN_TICK_MS } : { tickEveryMs: null });
    if (!document.hidden) rescue.tick();
  };
  document.addEventListener('visibilitychange', follow);
  follow();
  return () => {
    document.removeEventListener('visibilitychange', follow);
    worker.terminate();
    rescue.uninstall();
  };
}
