/**
 * Issue 10: no single input may push the service process above 600 MB. The hostile files and big
 * legitimate photos below are taken in through the real `intakePhoto` handler in a child process
 * (memory-probe.ts), one at a time with the peak measured for each, then all at once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PROCESS_MEMORY_CEILING } from '../../../electron/services/images/decode-placement';
import {
  corruptJpegData,
  flipPngByte,
  jpegHeaderOnly,
  jpegWithRepeatedScans,
  makeTempDir,
  noisyJpeg,
  paddedJpegHeader,
  uncompressedTiff,
  writePngHeaderOnly,
} from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
const probe = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const MB = 1024 * 1024;

/**
 * The big photos take ~30 s to generate on a busy 2-core machine; they are made once into the
 * system's temp folder (like the benchmarks' photos) and reused. Written under a temp name and
 * renamed, so an interrupted run never leaves half a photo there.
 */
const CACHE = join(tmpdir(), 'corelog-test-photos', 'v1');
async function cached(name: string, make: () => Promise<Buffer>): Promise<Buffer> {
  const path = join(CACHE, name);
  if (existsSync(path)) return readFile(path);
  const content = await make();
  await mkdir(CACHE, { recursive: true });
  await writeFile(`${path}.${process.pid}.part`, content);
  await rename(`${path}.${process.pid}.part`, path);
  return content;
}
const tray24 = () => cached('tray-24mp.jpg', () => noisyJpeg(6000, 4000));

/** Each input and what intake must make of it. */
const inputs: Array<{ name: string; make: () => Promise<Buffer>; expect: { accepted: true; converted?: string | null } | { accepted: false; reason: RegExp } }> = [
  // Hostile: refused from the header, before anything is decoded.
  { name: 'claims-600mp-progressive.jpg', make: () => jpegHeaderOnly(30_000, 20_000, true), expect: { accepted: false, reason: /^the image is a progressive JPEG of 600 megapixels; Imago accepts/ } },
  { name: 'claims-1600mp-baseline.jpg', make: () => jpegHeaderOnly(40_000, 40_000, false), expect: { accepted: false, reason: /^the image has 1,600 megapixels/ } },
  { name: 'exif-flood.jpg', make: async () => paddedJpegHeader(await noisyJpeg(64, 64), 0xe1, 400), expect: { accepted: false, reason: /more than 16 MB of metadata/ } },
  { name: 'scan-bomb.jpg', make: () => jpegWithRepeatedScans(5000), expect: { accepted: false, reason: /more than 300 scans/ } },
  // Hostile: damaged; refused by the decode check.
  { name: 'corrupt-24mp.jpg', make: async () => corruptJpegData(await tray24(), 0.8, 4000), expect: { accepted: false, reason: /^the JPEG is damaged: its image data is corrupt/ } },
  { name: 'bad-crc.png', make: async () => flipPngByte(await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#6b5a44' } }).png().toBuffer(), 'IDAT'), expect: { accepted: false, reason: /^the PNG is damaged: its image data is corrupt \(IDAT: CRC error\)/ } },
  { name: 'cut.tif', make: async () => uncompressedTiff(3000, 2000).subarray(0, 9_000_000), expect: { accepted: false, reason: /^the TIFF is damaged: the file ends before the image does/ } },
  // Odd but whole: a header padded with 100 MB of comments is read in the worker, stored as is.
  { name: 'comment-padded.jpg', make: async () => paddedJpegHeader(await noisyJpeg(600, 400), 0xfe, 1600), expect: { accepted: true, converted: null } },
  // Big and legitimate.
  { name: 'tray-24mp.jpg', make: tray24, expect: { accepted: true, converted: null } },
  { name: 'tray-24mp-exif6.jpg', make: () => cached('tray-24mp-exif6.jpg', () => noisyJpeg(6000, 4000, { orientation: 6 })), expect: { accepted: true, converted: 'EXIF orientation 6 applied to the pixels' } },
  { name: 'progressive-40mp.jpg', make: () => cached('progressive-40mp.jpg', () => noisyJpeg(7750, 5170, { progressive: true })), expect: { accepted: true, converted: null } },
  { name: 'progressive-100mp.jpg', make: () => cached('progressive-100mp.jpg', () => noisyJpeg(12_250, 8_170, { progressive: true, quality: 80 })), expect: { accepted: true, converted: null } },
  { name: 'tray-60mp-exif6.jpg', make: () => cached('tray-60mp-exif6.jpg', () => noisyJpeg(9500, 6330, { orientation: 6, quality: 85 })), expect: { accepted: true, converted: 'EXIF orientation 6 applied to the pixels' } },
];
/** Not generated: written as a header-only PNG. */
const pngBombs = [
  { name: 'claims-70000-wide.png', width: 70_000, height: 100, reason: /^the image is 70,000 × 100 px; Imago accepts at most 65,500 px/ },
  { name: 'claims-2500mp.png', width: 50_000, height: 50_000, reason: /^the image has 2,500 megapixels/ },
];
let paths: string[] = [];

interface ProbeOutcome {
  name: string;
  accepted: boolean;
  reason?: string;
  converted?: string | null;
  ms: number;
  peakRssMb?: number;
  growthMb?: number;
  workerPeakMb?: number | null;
}

async function runProbe(mode: 'each' | 'together', dataDir: string): Promise<{ peakRssMb: number; startRssMb: number; outcomes: ProbeOutcome[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe, dataDir, mode, ...paths], { timeout: 240_000, maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { peakRssMb: number; startRssMb: number; outcomes: ProbeOutcome[] };
}

function checkOutcomes(outcomes: ProbeOutcome[]): void {
  for (const input of inputs) {
    const outcome = outcomes.find((o) => o.name === input.name)!;
    expect(outcome, input.name).toBeDefined();
    if (input.expect.accepted) expect(outcome, input.name).toMatchObject({ accepted: true, converted: input.expect.converted });
    else {
      expect(outcome.accepted, input.name).toBe(false);
      expect(outcome.reason, input.name).toMatch(input.expect.reason);
    }
  }
  for (const bomb of pngBombs) expect(outcomes.find((o) => o.name === bomb.name)?.reason, bomb.name).toMatch(bomb.reason);
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-memory-'));
  await mkdir(join(dir, 'in'));
  paths = [];
  for (const input of inputs) {
    const path = join(dir, 'in', input.name);
    await writeFile(path, await input.make());
    paths.push(path);
  }
  for (const bomb of pngBombs) paths.push(await writePngHeaderOnly(join(dir, 'in', bomb.name), bomb.width, bomb.height));
}, 240_000);
afterAll(() => cleanup());

describe('memory of the service process during intake', () => {
  it('stays under 600 MB for each hostile or big photo on its own', async () => {
    const result = await runProbe('each', join(dir, 'data-each'));
    console.log(`started at ${result.startRssMb} MB; per photo:\n${result.outcomes.map((o) => `  ${o.name}: ${o.accepted ? 'accepted' : `refused (${o.reason})`}, ${o.ms} ms, peak ${o.peakRssMb} MB (+${o.growthMb} MB)${o.workerPeakMb ? `, decode worker peak ${o.workerPeakMb} MB` : ''}`).join('\n')}`);
    checkOutcomes(result.outcomes);
    for (const outcome of result.outcomes) expect(outcome.peakRssMb! * MB, outcome.name).toBeLessThan(SERVICE_PROCESS_MEMORY_CEILING);
    // The refusals from the header cost nothing: no decode ran.
    for (const name of ['claims-600mp-progressive.jpg', 'claims-70000-wide.png', 'claims-2500mp.png']) {
      expect(result.outcomes.find((o) => o.name === name)!.growthMb!, name).toBeLessThan(16);
    }
  }, 300_000);

  it('stays under 600 MB with all of them taken in at once', async () => {
    const result = await runProbe('together', join(dir, 'data-together'));
    console.log(`all ${result.outcomes.length} photos at once: peak ${result.peakRssMb} MB (started at ${result.startRssMb} MB)`);
    checkOutcomes(result.outcomes);
    expect(result.peakRssMb * MB).toBeLessThan(SERVICE_PROCESS_MEMORY_CEILING);
  }, 300_000);
});
