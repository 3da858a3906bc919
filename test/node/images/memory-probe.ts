/**
 * Run in a child process by memory.test.ts, so the peak memory it reports is the service
 * process's alone:
 *
 *   node --import tsx memory-probe.ts <dataDir> each|together <photo>...
 *
 * It starts the real services (as browser mode does) and takes each photo in through the
 * `intakePhoto` handler. `each`: one after another, with the peak resident size (VmHWM) reset
 * before each photo (Linux), so each gets its own figure; `together`: all at once, as a big pick
 * would, through the intake's own concurrency. Prints one line of JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createAppServices } from '../../../electron/services/app-services';
import { decodeWorkerStats } from '../../../electron/services/images/decode-worker-client';

const [dataDir, mode, ...photos] = process.argv.slice(2);
if (dataDir === undefined || (mode !== 'each' && mode !== 'together')) throw new Error('usage: memory-probe <dataDir> each|together <photo>...');

const MB = 1024 * 1024;
const linux = process.platform === 'linux';
/** Peak resident size since the last reset: VmHWM on Linux, else the lifetime peak. */
function peakRss(): number {
  if (!linux) return process.resourceUsage().maxRSS * 1024;
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))![1]) * 1024;
}
function resetPeak(): void {
  // "5" resets VmHWM to the current resident size (proc(5), /proc/pid/clear_refs).
  if (linux) writeFileSync('/proc/self/clear_refs', '5');
}

const services = createAppServices({ dataDir, appVersion: 'memory-probe', transport: 'browser', env: { ...process.env, CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2' } });

interface Outcome {
  name: string;
  accepted: boolean;
  reason?: string;
  converted?: string | null;
  width?: number;
  height?: number;
  ms: number;
  /** Peak RSS of this process during the photo (each) or the whole run (together). */
  peakRssMb?: number;
  /** Above the resident size just before the photo. */
  growthMb?: number;
  /** The decode worker's own peak, when the photo went there. */
  workerPeakMb?: number | null;
}

async function intake(path: string): Promise<Outcome> {
  const started = performance.now();
  const runsBefore = decodeWorkerStats().runs;
  const { ref } = await services.stagedFiles.registerPath({ path });
  const outcome = await services.handlers.intakePhoto({ ref });
  const stats = decodeWorkerStats();
  const workerPeakMb = stats.runs > runsBefore && stats.lastPeakRssBytes !== null ? Math.round(stats.lastPeakRssBytes / MB) : null;
  const base = { name: basename(path), ms: Math.round(performance.now() - started), workerPeakMb };
  return outcome.accepted
    ? { ...base, accepted: true, converted: outcome.converted, width: outcome.width, height: outcome.height }
    : { ...base, accepted: false, reason: outcome.reason };
}

const startRss = process.memoryUsage.rss();
const outcomes: Outcome[] = [];
if (mode === 'each') {
  for (const photo of photos) {
    resetPeak();
    const before = process.memoryUsage.rss();
    const outcome = await intake(photo);
    const peak = peakRss();
    outcomes.push({ ...outcome, peakRssMb: Math.round(peak / MB), growthMb: Math.round((peak - before) / MB) });
  }
} else {
  resetPeak();
  outcomes.push(...(await Promise.all(photos.map(intake))));
}
await services.dispose();
console.log(JSON.stringify({ mode, startRssMb: Math.round(startRss / MB), peakRssMb: Math.round(peakRss() / MB), outcomes }));
