/**
 * Browser mode's answer to hidden-tab timer throttling (renderer/src/sync/hidden-tab-timers.ts):
 * the page's own timers are stood in for by a "throttled" timer host that never fires by itself,
 * as Chromium's may not for a minute; the worker's tick must run each due timer once, in due
 * order, and leave the rest alone.
 */
import { describe, expect, it } from 'vitest';
import { installTimerRescue, type TimerTarget } from '../../../renderer/src/sync/hidden-tab-timers';

/** A timer host whose timers fire only when `fire(id)` is called, i.e. throttled indefinitely. */
function throttledHost() {
  let nextId = 1;
  const armed = new Map<number, () => void>();
  const host: TimerTarget & { armed: Map<number, () => void>; fire(id: number): void } = {
    armed,
    setTimeout(handler, _timeout, ...args) {
      const id = nextId++;
      armed.set(id, () => (typeof handler === 'function' ? handler(...args) : undefined));
      return id;
    },
    clearTimeout(id) {
      if (id !== undefined) armed.delete(id);
    },
    fire(id) {
      const run = armed.get(id);
      armed.delete(id);
      run?.();
    },
  };
  return host;
}

describe('hidden-tab timer rescue', () => {
  it('runs each due timer on the tick, in due order, once, and cancels its throttled wake-up', () => {
    const host = throttledHost();
    let clock = 1000;
    const rescue = installTimerRescue(host, () => clock);
    const ran: string[] = [];
    host.setTimeout(() => ran.push('pull in 200 ms'), 200);
    host.setTimeout((what: unknown) => ran.push(String(what)), 50, 'retry in 50 ms');
    const cancelled = host.setTimeout(() => ran.push('cancelled'), 10);
    host.setTimeout(() => ran.push('backoff in 60 s'), 60_000);
    host.clearTimeout(cancelled);
    expect(rescue.waiting).toBe(3);

    clock += 100;
    rescue.tick();
    expect(ran).toEqual(['retry in 50 ms']);
    clock += 150;
    rescue.tick();
    rescue.tick();
    expect(ran).toEqual(['retry in 50 ms', 'pull in 200 ms']);
    // The rescued timers' own (throttled) wake-ups were cancelled: they cannot run a second time.
    expect(host.armed.size).toBe(1);
    expect(rescue.waiting).toBe(1);
    rescue.uninstall();
  });

  it('a timer that fires by itself first is not run again by the tick', () => {
    const host = throttledHost();
    let clock = 0;
    const rescue = installTimerRescue(host, () => clock);
    let runs = 0;
    const id = host.setTimeout(() => runs++, 10);
    host.fire(id);
    clock = 50;
    rescue.tick();
    expect(runs).toBe(1);
    expect(rescue.waiting).toBe(0);
  });

  it('timers set and cleared by a timer run on a tick behave as ordinary timers', () => {
    const host = throttledHost();
    let clock = 0;
    const rescue = installTimerRescue(host, () => clock);
    const ran: string[] = [];
    let later = 0;
    // An engine round: it runs, then sets its next wake-up, and cancels another pending one.
    const other = host.setTimeout(() => ran.push('other'), 30);
    host.setTimeout(() => {
      ran.push('round 1');
      host.clearTimeout(other);
      later = host.setTimeout(() => ran.push('round 2'), 100);
    }, 20);
    clock = 40;
    rescue.tick();
    expect(ran).toEqual(['round 1']);
    expect(later).toBeGreaterThan(0);
    clock = 100;
    rescue.tick();
    expect(ran).toEqual(['round 1']);
    clock = 141;
    rescue.tick();
    expect(ran).toEqual(['round 1', 'round 2']);
  });

  it('one throwing timer does not stop the others; uninstall gives back the original functions', () => {
    const host = throttledHost();
    const original = { set: host.setTimeout, clear: host.clearTimeout };
    let clock = 0;
    const rescue = installTimerRescue(host, () => clock);
    const reported: unknown[] = [];
    const reportError = globalThis.reportError;
    globalThis.reportError = (error: unknown) => reported.push(error);
    try {
      const ran: string[] = [];
      host.setTimeout(() => {
        throw new Error('engine round failed');
      }, 1);
      host.setTimeout(() => ran.push('next'), 2);
      clock = 5;
      rescue.tick();
      expect(ran).toEqual(['next']);
      expect(reported).toEqual([new Error('engine round failed')]);
    } finally {
      globalThis.reportError = reportError;
    }
    rescue.uninstall();
    expect(host.setTimeout).toBe(original.set);
    expect(host.clearTimeout).toBe(original.clear);
  });
});
