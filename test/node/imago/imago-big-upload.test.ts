/**
 * A 200 MB photo upload must stream (multipart, the default, as well as raw): the client
 * process's peak memory stays far below the file size, and the emulator stores exactly the bytes sent.
 *
 * The file is a real (small) JPEG followed by zero padding up to 200 MiB: JPEG readers stop at
 * the end-of-image marker, so the suite.emulator's header check accepts it, and writing it takes well
 * under a second where encoding a genuine 200 MB photo would take many.
 *
 * The child script is bundled with esbuild and run by plain `node`, not `node --import tsx`:
 * tsx's own transpiler costs ~40 MB of RSS, which would be measured as if it were the client's.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SEEDED_TARGET, useImagoSuite } from './imago-fixture';

const FILE_SIZE = 200 * 1024 * 1024;
const PEAK_LIMIT = 150 * 1024 * 1024;
const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '../../..');

const suite = useImagoSuite();

async function writePaddedJpeg(path: string, size: number): Promise<string> {
  const jpeg = await sharp({ create: { width: 1600, height: 700, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer();
  const hash = createHash('sha256').update(jpeg);
  const file = await open(path, 'w');
  try {
    await file.write(jpeg);
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    for (let written = jpeg.length; written < size; ) {
      const chunk = zeros.subarray(0, Math.min(zeros.length, size - written));
      await file.write(chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

interface ChildResult {
  reply: { imageId: string };
  peakBeforeUpload: number;
  peakRssBytes: number;
  sent: number;
  progressCalls: number;
}

async function bundleChild(): Promise<string> {
  const outfile = join(suite.temp, 'upload-child.mjs');
  // CommonJS dependencies (content-disposition) call require(): give the ESM bundle one, as scripts/build.mjs does.
  const banner = { js: "import { createRequire as __childRequire } from 'node:module'; const require = __childRequire(import.meta.url);" };
  await build({ entryPoints: [join(here, 'upload-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent', banner });
  return outfile;
}

function runChild(script: string, env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`upload child exited ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(line));
    });
  });
}

describe('streaming a 200 MB upload', () => {
  let prepared: Promise<[string, string]> | null = null;
  const path = () => join(suite.temp, 'huge-tray.jpg');
  // One file and one bundle for both encodings.
  const prepare = () => (prepared ??= Promise.all([writePaddedJpeg(path(), FILE_SIZE), bundleChild()]));

  it.runIf(process.platform === 'linux').each([
    { encoding: 'multipart', framing: [100, 400] },
    { encoding: 'raw', framing: [0, 0] },
  ] as const)('$encoding: keeps the uploader well under the file size in memory and stores exactly the bytes', async ({ encoding, framing }) => {
    const [sha256, script] = await prepare();
    suite.emulator.server.log.clear();
    const result = await runChild(script, {
      IMAGO_BASE_URL: suite.emulator.server.baseUrl,
      UPLOAD_FILE: path(),
      UPLOAD_TARGET: JSON.stringify(SEEDED_TARGET),
      IMAGO_API: JSON.stringify({ uploadEncoding: encoding }),
    });
    expect(result.sent).toBe(FILE_SIZE);
    expect(result.progressCalls).toBeGreaterThan(100);
    expect(result.peakBeforeUpload).toBeGreaterThan(0);
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
    const why = `client peak RSS ${mib(result.peakRssBytes)} (${mib(result.peakBeforeUpload)} before the upload). If this is ~300 MiB, the upload is being buffered: Node 20's fetch tees (copies) a streamed request body unless redirect is 'error'`;
    console.log(`200 MiB ${encoding} upload: ${why.split('. If')[0]}`);
    expect(result.peakRssBytes, why).toBeLessThan(PEAK_LIMIT);
    expect(result.peakRssBytes - result.peakBeforeUpload, why).toBeLessThan(FILE_SIZE / 2);
    // Multipart framing is a few hundred bytes around the streamed file; raw has none.
    const sent = suite.emulator.server.log.list().find((e) => e.method === 'POST' && e.path === '/image')!;
    expect(sent.bodyBytes - FILE_SIZE).toBeGreaterThanOrEqual(framing[0]);
    expect(sent.bodyBytes - FILE_SIZE).toBeLessThanOrEqual(framing[1]);
    const stored = suite.emulator.image(result.reply.imageId)!;
    expect(stored.record).toMatchObject({ size: FILE_SIZE, checksum: sha256, mimeType: 'image/jpeg', width: 1600, height: 700 });
    const onDisk = await open(stored.path, 'r');
    try {
      expect((await onDisk.stat()).size).toBe(FILE_SIZE);
    } finally {
      await onDisk.close();
    }
  }, 60_000);
});
