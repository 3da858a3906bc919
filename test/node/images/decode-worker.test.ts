import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CorelogError } from '../../../common/errors';
import {
  configureDecodeWorker,
  decodeWorkerSettings,
  decodeWorkerStats,
  forkDecodeWorker,
  runInDecodeWorker,
  type WorkerLauncher,
} from '../../../electron/services/images/decode-worker-client';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import { makeTempDir, noisyJpeg, uncompressedTiff } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
const original = decodeWorkerSettings();
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('corelog-worker-')));
afterAll(() => cleanup());
afterEach(() => void configureDecodeWorker(original));

/** The default launcher, noting each worker's process id. */
function recordingLauncher(pids: number[]): WorkerLauncher {
  return (spec) => {
    const handle = forkDecodeWorker(spec);
    if (handle.pid !== undefined) pids.push(handle.pid);
    return handle;
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('decode worker', () => {
  it('checks a TIFF in a process of its own, reports its peak memory and ends the process', async () => {
    const pids: number[] = [];
    configureDecodeWorker({ launch: recordingLauncher(pids) });
    const path = join(dir, 'scan.tif');
    await writeFile(path, uncompressedTiff(400, 300));
    const reply = await runInDecodeWorker({ op: 'prepare', filePath: path, outputPath: null });
    expect(reply.inspection).toMatchObject({ format: 'tiff', width: 400, height: 300, uploadMimeType: 'image/jpeg' });
    expect(reply.thumbnail.length).toBeGreaterThan(100);
    expect(reply.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(decodeWorkerStats().lastPeakRssBytes).toBe(reply.peakRssBytes);
    expect(pids).toHaveLength(1);
    await waitUntilGone(pids[0]!);
    expect(alive(pids[0]!)).toBe(false);
  });

  it('stops a worker that goes over its memory cap and refuses the photo saying so', async () => {
    // A cap below what Node and sharp need to start: the worker's own check stops it within 10 ms.
    const pids: number[] = [];
    configureDecodeWorker({ launch: recordingLauncher(pids), memoryCapBytes: 24 * 1024 * 1024 });
    const path = join(dir, 'small.tif');
    await writeFile(path, uncompressedTiff(64, 64));
    const error = await runInDecodeWorker({ op: 'prepare', filePath: path, outputPath: null }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorelogError);
    expect(error).toMatchObject({
      kind: 'rejected',
      retryable: false,
      message: 'the photo is too large to check on this computer: decoding it needed more than the 24 MB of memory Corelog may use for one photo, so the check was stopped',
    });
    await waitUntilGone(pids[0]!);
    expect(alive(pids[0]!)).toBe(false);
  });

  it('stops a worker that takes too long', async () => {
    const pids: number[] = [];
    configureDecodeWorker({ launch: recordingLauncher(pids), timeoutMs: 50 });
    const path = join(dir, 'slow.tif');
    await writeFile(path, uncompressedTiff(64, 64));
    await expect(runInDecodeWorker({ op: 'prepare', filePath: path, outputPath: null })).rejects.toMatchObject({
      kind: 'rejected',
      message: 'the photo took too long to check (over 1 second); it is damaged or far larger than a photo',
    });
    await waitUntilGone(pids[0]!);
    expect(alive(pids[0]!)).toBe(false);
  });

  it('without a launcher (Electron not yet wired) refuses what needs the worker and still checks the rest here', async () => {
    configureDecodeWorker({ launch: null });
    const tiff = join(dir, 'needs-worker.tif');
    await writeFile(tiff, uncompressedTiff(64, 64));
    await expect(inspectPhoto(tiff)).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'the photo needs more memory to check than Corelog may use in its main process, and the separate photo checker cannot be started here',
    });
    const jpeg = join(dir, 'light.jpg');
    await writeFile(jpeg, await noisyJpeg(600, 400));
    expect(await inspectPhoto(jpeg)).toMatchObject({ format: 'jpeg', width: 600 });
  });
});
