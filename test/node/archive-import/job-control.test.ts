/**
 * Controlling a running archive job, against a real Imago emulator on the shared fixture archive,
 * through the app's own bridge handlers (as the window calls them): pause stops the uploads and
 * resume goes on where it stopped; Imago going away puts the job in `waiting-for-imago` and it
 * goes on by itself when Imago answers again; a photo taken at the station while the import runs
 * goes first; and the end result is still exactly the expected photos, each once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { PhotoStore } from '../../../electron/services/images';
import { RateMeter, TokenBucket } from '../../../electron/services/archive-import/rate-limiter';
import { PhotoUploadExecutor, UploadPriorityGate, uploadPriority } from '../../../electron/services/photos/upload-executor';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { createArchiveFixture, listArchivePhotosOnImago, photoKey, seedArchiveOnImago, type ArchiveFixture } from '../../support/archive-fixture';
import { clientFor, LIVE_WORKSPACE, startImago } from '../imago/imago-fixture';
import { removeTestFolder } from '../../support/temp-folder';

let fixture: ArchiveFixture;
let emulator: ImagoEmulator;
let services: AppServices;
let temp: { path: string };
const events: ArchiveJobStatus[] = [];

beforeAll(async () => {
  fixture = await createArchiveFixture();
  emulator = await startImago();
  await seedArchiveOnImago(fixture, { baseUrl: emulator.server.baseUrl });
  temp = { path: mkdtempSync(join(tmpdir(), 'corelog-archive-control-')) };
  services = createAppServices({
    dataDir: join(temp.path, 'data'),
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulator.server.baseUrl, CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api', CORELOG_DEMO_LOGINS: '1' },
  });
  services.events.subscribe((event, payload) => {
    if (event === 'archiveJobChanged') events.push(payload as ArchiveJobStatus);
  });
  services.start();
}, 60_000);

afterAll(async () => {
  await services?.dispose();
  await emulator?.close();
  await fixture?.remove();
  if (temp) await removeTestFolder(temp.path);
});

const images = () => emulator.world.images.filter((i) => !i.deleted).length;
async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a running archive job, through the bridge handlers', () => {
  it('pauses, resumes, waits for Imago and goes on by itself, and ends with exactly the expected photos', async () => {
    const h = services.handlers;
    const { jobId } = await h.archiveDryRun(fixture.source);
    await until('the dry run', async () => (await h.archiveJob({ jobId })).phase !== 'scanning');
    const planned = await h.archiveJob({ jobId });
    expect(planned.counts).toEqual(fixture.counts);
    expect(events.filter((e) => e.jobId === jobId).at(-1)?.phase).toBe('planned');
    expect((await h.archiveJobs(undefined)).map((j) => j.jobId)).toContain(jobId);

    const before = images();
    // Capped so the run lasts long enough to steer (the fixture's photos are a few KB each).
    expect((await h.archiveRun({ jobId, maxBytesPerSecond: 256 * 1024 })).phase).toBe('running');
    await until('40 uploads', () => images() - before >= 40);
    const paused = await h.archivePause({ jobId });
    expect(paused.phase).toBe('paused');
    // The file on its way when the pause came may still land (its body had reached Imago before the
    // cancel); it is looked up on resume. After that, nothing more may arrive while paused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atPause = images();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(images()).toBe(atPause);
    expect((await h.archiveJob({ jobId })).counts.uploaded).toBeGreaterThanOrEqual(atPause - before - 1);
    expect((await h.archiveJob({ jobId })).counts.uploaded).toBeLessThanOrEqual(atPause - before);

    // Resumed; then Imago goes away mid-run.
    await h.archiveSetRate({ jobId, maxBytesPerSecond: null });
    await h.archiveRun({ jobId });
    await until('more uploads', () => images() - atPause >= 20);
    emulator.server.faults = { ...emulator.server.faults, down: true };
    const waiting = await until('waiting-for-imago', async () => {
      const status = await h.archiveJob({ jobId });
      return status.phase === 'waiting-for-imago' ? status : null;
    });
    expect(waiting.message).toMatch(/Imago/);
    expect(events.some((e) => e.jobId === jobId && e.phase === 'waiting-for-imago')).toBe(true);
    emulator.server.faults = { ...emulator.server.faults, down: false };
    const done = await until(
      'the run to end',
      async () => {
        const status = await h.archiveJob({ jobId });
        return status.phase === 'done' ? status : null;
      },
      120_000,
    );
    expect(done.counts).toEqual({ ...fixture.counts, ready: 0, uploaded: fixture.counts.ready });
    expect(done.secondsLeft).toBe(0);

    const listed = await listArchivePhotosOnImago(fixture, { baseUrl: emulator.server.baseUrl });
    expect(listed.filter((p) => !p.deleted).map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
    expect(listed.filter((p) => p.deleted)).toEqual([]);

    const page = await h.archiveRows({ jobId, offset: 0, limit: 10, outcomes: ['uploaded'] });
    expect(page.total).toBe(fixture.counts.ready);
    expect(page.rows.every((r) => r.imageId && r.imageryId)).toBe(true);
    // Progress events were throttled, not one per chunk.
    const running = events.filter((e) => e.jobId === jobId && e.phase === 'running');
    expect(running.length).toBeGreaterThan(2);
    expect(running.length).toBeLessThan(fixture.counts.ready * 2);
  }, 240_000);
});

describe('the interactive queue goes first', () => {
  it('an archive upload does not start while a photo taken at the station is being sent', async () => {
    const gate = new UploadPriorityGate(200);
    const log: string[] = [];
    const leave = gate.enter();
    const background = gate.clear().then(() => log.push('background'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    log.push('interactive done');
    leave();
    await background;
    expect(log).toEqual(['interactive done', 'background']);
  });

  it('with real uploads: a background file waits for the interactive one and the quiet after it', async () => {
    const store = await PhotoStore.open(join(temp.path, 'gate-photos'));
    const file = join(temp.path, 'tray.jpg');
    writeFileSync(file, await sharp({ create: { width: 400, height: 200, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer());
    const photo = await store.putFile(file, 'image/jpeg');
    const { client } = clientFor(emulator);
    const gate = new UploadPriorityGate(300);
    const started: string[] = [];
    const make = (priority: 'interactive' | 'background') =>
      new PhotoUploadExecutor({ client: () => client, store: async () => store, gate, priority, onProgress: (id, sent) => sent > 0 && !started.includes(id) && started.push(id) });
    const job = (jobId: string, from: number) => ({
      jobId,
      sha256: photo.sha256,
      target: { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'GATE-01', imageryTypeName: 'Core Trays', from, to: from + 1 },
      imageTypeName: 'Wet',
      attributes: {},
      resend: false,
    });
    // Slow replies, so the interactive upload is still on its way when the background one asks.
    emulator.server.faults = { ...emulator.server.faults, latencyMs: 300 };
    try {
      const interactive = make('interactive').upload(job('station', 1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const archive = make('background').upload(job('archive', 2));
      await interactive;
      const interactiveEnded = Date.now();
      await archive;
      expect(started).toEqual(['station', 'archive']);
      expect(gate.interactiveRunning).toBe(0);
      expect(Date.now() - interactiveEnded).toBeGreaterThanOrEqual(300);
    } finally {
      emulator.server.faults = { ...emulator.server.faults, latencyMs: 0 };
    }
    // The process-wide gate is the one the photo module's executor uses by default.
    expect(uploadPriority.interactiveRunning).toBe(0);
  }, 60_000);
});

describe('the bandwidth cap and the rate shown', () => {
  it('a token bucket lets through its rate on average (after one burst), and a new rate takes hold at once', async () => {
    const bucket = new TokenBucket(200_000);
    const started = Date.now();
    for (let i = 0; i < 100; i++) await bucket.take(4_000);
    const seconds = (Date.now() - started) / 1000;
    // 400 KB at 200 KB/s, less the quarter-second burst and the last piece's debt: at least 1.7 s.
    expect(seconds).toBeGreaterThanOrEqual((400_000 - 50_000 - 4_000) / 200_000);
    bucket.setRate(null);
    const free = Date.now();
    for (let i = 0; i < 100; i++) await bucket.take(1_000_000);
    expect(Date.now() - free).toBeLessThan(1_000);
  });

  it('the rate shown is the bytes of the last few seconds', () => {
    let now = 0;
    const meter = new RateMeter(5_000, () => now);
    expect(meter.bytesPerSecond()).toBeNull();
    meter.add(5_000);
    now += 2_000;
    meter.add(5_000);
    expect(meter.bytesPerSecond()).toBeCloseTo(5_000, 0);
    now += 10_000;
    expect(meter.bytesPerSecond()).toBeNull();
  });

  it('refuses a cap too low to keep an upload within its deadline', async () => {
    await expect(services.handlers.archiveSetRate({ jobId: 'x', maxBytesPerSecond: 100 })).rejects.toMatchObject({ kind: 'not-found' });
    const { jobId } = (await services.handlers.archiveJobs(undefined))[0]!;
    await expect(services.handlers.archiveSetRate({ jobId, maxBytesPerSecond: 100 })).rejects.toMatchObject({ kind: 'validation' });
  });
});
