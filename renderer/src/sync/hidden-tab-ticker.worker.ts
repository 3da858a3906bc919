/**
 * The ticker behind hidden-tab-timers.ts: a dedicated worker's timers keep their pace while the
 * page is hidden, so it posts a tick every `tickEveryMs` for the page to run its due timers.
 * `{ tickEveryMs: null }` stops it (the page is visible again).
 */
let interval: ReturnType<typeof setInterval> | undefined;

self.onmessage = (event: MessageEvent<{ tickEveryMs: number | null }>) => {
  clearInterval(interval);
  interval = undefined;
  const every = event.data?.tickEveryMs;
  if (typeof every === 'number' && every >= 100) interval = setInterval(() => self.postMessage('tick'), every);
};
