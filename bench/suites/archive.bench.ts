/**
 * Archive import benchmark (issue 14): the dry run (`planArchive`) over 10,000 files — half of them
 * photos a pattern reads, half names no pattern reads, a quarter of all files already on Imago
 * (uploaded beforehand over HTTP, so found by checksum) — against the Imago emulator, in under 60 s.
 * The matching photos are real JPEGs of 640×427 (~40 KB; each one checked by the intake check's full
 * decode and hashed), spread over 100 holes in two naming conventions and two years (10 holes in the smoke run).
 *
 * The archive is generated once into `<tmpdir>/corelog-bench-archive/` and reused; the emulator is
 * fresh each run, in this process; the dry run runs in a child (archive-plan-child.ts), the service
 * process's stand-in, whose peak memory (VmHWM) is the second row (< 400 MB, the ceiling
 * for the service process).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createImagoEmulator, type ImagoEmulator } from '../../emulators/imago/index';
import { ImagoClient } from '../../electron/services/imago/imago-client';
import type { ArchiveOutcome, ArchiveSource } from '../../common/bridge/archive-contract';
import { below, round, type BenchSuite } from '../bench-harness';

const ROOT = join(tmpdir(), 'corelog-bench-archive', 'v1');
const TARGET = { workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', imageryTypeName: 'Core Trays' };
const PATTERNS = ['{hole}/{from}-{to}_{imageType}', '{hole}_{from}_{to}_{imageType}'];

/** A JPEG with a comment segment inserted after SOI: same pixels, different bytes. */
function withComment(jpeg: Buffer, comment: string): Buffer {
  const body = Buffer.from(comment);
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

interface BenchPhoto {
  path: string;
  hole: string;
  from: number;
  to: number;
  imageType: string;
  onImago: boolean;
}

/**
 * The archive of `files` files: per hole, `files / 2 / HOLES` photos (alternately Wet and Dry, 2 m
 * trays), the first half of each hole's photos on Imago; plus as many camera-named files.
 */
async function archive(files: number, log: (m: string) => void): Promise<{ folder: string; photos: BenchPhoto[] }> {
  const folder = join(ROOT, `archive-${files}`);
  const HOLES = files >= 10_000 ? 100 : 10;
  const perHole = Math.max(2, Math.floor(files / 2 / HOLES));
  const photos: BenchPhoto[] = [];
  const others: string[] = [];
  for (let h = 0; h < HOLES; h++) {
    const hole = `BX-DD-${String(h + 1).padStart(4, '0')}`;
    const year = h % 2 === 0 ? '2017' : '2021';
    for (let i = 0; i < perHole; i++) {
      const from = Math.floor(i / 2) * 2;
      const imageType = i % 2 === 0 ? 'Wet' : 'Dry';
      const name = h % 2 === 0 ? `${year}/${hole}/${from}.0-${from + 2}.0_${imageType}.jpg` : `${year}/${hole}_${from}_${from + 2}_${imageType}.jpg`;
      photos.push({ path: name, hole, from, to: from + 2, imageType, onImago: i < perHole / 2 });
    }
  }
  for (let i = 0; others.length < files - photos.length; i++) others.push(`camera-dumps/${String(Math.floor(i / 500)).padStart(2, '0')}/DSC_${String(i).padStart(5, '0')}.JPG`);
  const done = join(folder, '.complete');
  if (existsSync(done)) return { folder, photos };
  log(`generating an archive of ${files} files into ${folder} (once)…`);
  const bases: Buffer[] = [];
  for (let b = 0; b < 8; b++) {
    const noise = await sharp({ create: { width: 640, height: 427, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 90 + b * 12, sigma: 20 } } }).raw().toBuffer();
    bases.push(await sharp(noise, { raw: { width: 640, height: 427, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
  }
  let n = 0;
  for (const path of [...photos.map((p) => p.path), ...others]) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), withComment(bases[n % bases.length]!, `corelog archive bench ${n}`));
    n++;
  }
  await writeFile(done, new Date().toISOString());
  return { folder, photos };
}

/** Uploads the photos meant to be on Imago, four at a time, as a colleague's earlier import would have. */
async function seed(emulator: ImagoEmulator, client: ImagoClient, folder: string, photos: BenchPhoto[]): Promise<void> {
  const wanted = photos.filter((p) => p.onImago);
  for (const hole of new Set(wanted.map((p) => p.hole))) await client.createCollection({ workspaceName: TARGET.workspaceName, datasetName: TARGET.datasetName, name: hole });
  let next = 0;
  const lane = async () => {
    while (next < wanted.length) {
      const p = wanted[next++]!;
      await client.uploadImage({ ...TARGET, collectionName: p.hole, imageTypeName: p.imageType, startDepth: p.from, endDepth: p.to }, join(folder, p.path), { contentType: 'image/jpeg' });
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  if (emulator.summary().images < wanted.length) throw new Error('seeding did not put every photo on Imago');
}

/** Runs the dry run in a child process (the service process's stand-in) and reads its one JSON line. */
async function planInChild(baseUrl: string, source: ArchiveSource): Promise<{ seconds: number; filesTotal: number; counts: Partial<Record<ArchiveOutcome, number>>; peakRssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./archive-plan-child.ts', import.meta.url)), baseUrl, JSON.stringify(source)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`dry-run child exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; filesTotal: number; counts: Partial<Record<ArchiveOutcome, number>>; peakRssMb: number };
}

const suite: BenchSuite = {
  name: 'archive',
  async run(context) {
    const files = context.smoke ? 200 : 10_000;
    const { folder, photos } = await archive(files, context.log);
    const emulator = await createImagoEmulator();
    await emulator.server.listen(0);
    try {
      const client = new ImagoClient({ baseUrl: emulator.server.baseUrl, timeoutMs: 30_000, credentials: async () => ({ username: 'demo', password: 'demo' }) });
      const seedStarted = performance.now();
      await seed(emulator, client, folder, photos);
      context.log(`seeded ${photos.filter((p) => p.onImago).length} photos on Imago in ${round((performance.now() - seedStarted) / 1000)} s`);

      const source: ArchiveSource = { folder, patterns: PATTERNS, manifest: null, target: TARGET };
      const { seconds, filesTotal, counts, peakRssMb } = await planInChild(emulator.server.baseUrl, source);
      const expected = { ready: photos.filter((p) => !p.onImago).length, 'on-imago': photos.filter((p) => p.onImago).length, unmatched: files - photos.length };
      for (const [outcome, count] of Object.entries(expected)) {
        if ((counts[outcome as ArchiveOutcome] ?? 0) !== count) throw new Error(`dry run gave ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
      }
      if (filesTotal !== files) throw new Error(`dry run saw ${filesTotal} files, expected ${files}`);
      const bytes = photos.length > 0 ? (await readFile(join(folder, photos[0]!.path))).length : 0;
      context.log(
        `dry run over ${files} files (${photos.length} matching, ~${Math.round(bytes / 1024)} KB each; ${expected['on-imago']} on Imago): ${round(seconds)} s, ${Math.round(files / seconds)} files/s; counts ${JSON.stringify(counts)}; peak RSS of the dry-run process ${Math.round(peakRssMb)} MB`,
      );
      const label = files.toLocaleString('en-US');
      context.record(below(`archive: dry run over ${label} files`, seconds, 's', 60));
      context.record(below(`archive: dry-run process peak RSS (${label} files)`, peakRssMb, 'MB', 400));
    } finally {
      await emulator.close();
    }
  },
};

export default suite;
