import { describe, expect, it } from 'vitest';
import { ReachabilityTracker } from '../../../electron/services/connections/reachability';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reachability tracker', () => {
  it('reports changes from request outcomes and keeps the last error until a success', () => {
    const changes: string[] = [];
    const tracker = new ReachabilityTracker({ probe: async () => ({ reachable: true }), onChange: (s) => changes.push(s.reachability) });
    tracker.record({ reachable: false, error: { kind: 'offline', message: 'gone', retryable: true } });
    expect(tracker.snapshot).toMatchObject({ reachability: 'unreachable', lastError: { kind: 'offline' }, lastReachableAt: null });
    tracker.record({ reachable: true });
    expect(tracker.snapshot.reachability).toBe('reachable');
    expect(tracker.snapshot.lastError).toBeNull();
    expect(tracker.snapshot.lastReachableAt).not.toBeNull();
    expect(changes).toEqual(['unreachable', 'reachable']);
  });

  it('probes with growing delays while unreachable, and recovers', async () => {
    const probes: number[] = [];
    let up = false;
    const started = Date.now();
    const tracker = new ReachabilityTracker({
      probe: async () => (probes.push(Date.now() - started), { reachable: up }),
      onChange: () => undefined,
      firstRetryMs: 40,
      maxRetryMs: 200,
      quietProbeMs: 10_000,
      random: () => 0.5,
    });
    tracker.start();
    await wait(400);
    up = true;
    await wait(300);
    tracker.stop();
    expect(probes.length).toBeGreaterThanOrEqual(4);
    expect(probes.length).toBeLessThan(12);
    const gaps = probes.slice(1, 4).map((t, i) => t - probes[i]!);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]! * 1.5);
    expect(tracker.snapshot.reachability).toBe('reachable');
  });
});
