/**
 * The originals sweep end to end, through the bridge handlers of the real services: a real JPEG
 * is taken in by the photo pipeline, uploaded to the Imago emulator on 127.0.0.1, and main records
 * Imago's receipt as the confirmation. Only once that confirmation is older than the kept days
 * (the clock moved on) does the sweep delete the file; a photo that was taken in but never
 * confirmed, or confirmed and then taken in again, stays.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IntervalTarget } from '../../../common/bridge/photo-contract';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { PhotoStore } from '../../../electron/services/images';
import { DAY_MS } from '../../../electron/services/settings/originals-ledger';
import { LIVE_WORKSPACE, useImagoSuite } from '../imago/imago-fixture';

const suite = useImagoSuite();
let services: AppServices;
let dataDir: string;

const target = (from: number, to: number): IntervalTarget => ({
  workspaceName: LIVE_WORKSPACE,
  datasetName: 'Diamond Drilling',
  collectionName: 'FF-DD-0777',
  imageryTypeName: 'Core Trays',
  from,
  to,
});

/** Hands a generated tray photo to main and takes it in; answers its hash. */
async function takeIn(name: string, colour: string): Promise<string> {
  const path = join(suite.temp, name);
  await writeFile(path, await sharp({ create: { width: 800, height: 300, channels: 3, background: colour } }).jpeg({ quality: 85 }).toBuffer());
  const [staged] = await services.stagedFiles.registerPaths([{ path }]);
  const outcome = await services.handlers.intakePhoto({ ref: staged!.ref });
  if (!outcome.accepted) throw new Error(`not taken in: ${outcome.reason}`);
  return outcome.sha256;
}

async function upload(sha256: string, from: number, to: number): Promise<string> {
  const receipt = await services.handlers.uploadPhoto({ jobId: `job-${sha256.slice(0, 8)}-${from}`, sha256, target: target(from, to), imageTypeName: 'Wet', attributes: {}, resend: false });
  return receipt.imageId;
}

const inStore = async (sha256: string) => (await PhotoStore.open(join(dataDir, 'photos'))).has(sha256);

beforeAll(() => {
  dataDir = join(suite.temp, 'data');
  services = createAppServices({
    dataDir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: suite.emulator.server.baseUrl, CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api', CORELOG_DEMO_LOGINS: '1' },
  });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await services.dispose();
});

describe('originals after upload', () => {
  it('are deleted only after Imago confirmed them, and only once the kept days have passed', async () => {
    const uploaded = await takeIn('uploaded.jpg', '#6b5a44');
    const neverSent = await takeIn('never-sent.jpg', '#44576b');
    const imageId = await upload(uploaded, 20, 22.5);
    expect(suite.emulator.world.images.some((image) => image.id === imageId && image.checksum === uploaded)).toBe(true);

    // Just confirmed: nothing may go yet, whatever the renderer says.
    expect(await services.handlers.originalsToSweep(undefined)).toEqual({ keepDays: 30, candidates: [] });
    expect(await services.handlers.sweepOriginals({ release: [uploaded, neverSent] })).toMatchObject({ removed: 0, kept: 2 });
    expect(await inStore(uploaded)).toBe(true);

    // 31 days later (only the clock is moved; the files and records are the real ones).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * DAY_MS);
    expect(await services.handlers.originalsToSweep(undefined)).toEqual({ keepDays: 30, candidates: [uploaded] });
    const report = await services.handlers.sweepOriginals({ release: [uploaded, neverSent] });
    expect(report).toMatchObject({ removed: 1, kept: 1 });
    expect(report.freedBytes).toBeGreaterThan(1000);
    expect(await inStore(uploaded)).toBe(false);
    expect(await inStore(neverSent)).toBe(true);
    const usage = await services.handlers.getDataUsage(undefined);
    expect(usage.originals.lastSweep).toEqual(report);
  });

  it('keeps a confirmed photo that was taken in again after its upload, until that copy is confirmed too', async () => {
    const sha = await takeIn('again.jpg', '#5b6b44');
    await upload(sha, 30, 31.5);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 40 * DAY_MS);
    expect((await services.handlers.originalsToSweep(undefined)).candidates).toContain(sha);
    // The same file is taken in again (for another interval): it is needed again.
    expect(await takeIn('again-copy.jpg', '#5b6b44')).toBe(sha);
    expect((await services.handlers.originalsToSweep(undefined)).candidates).not.toContain(sha);
    expect(await services.handlers.sweepOriginals({ release: [sha] })).toMatchObject({ removed: 0, kept: 1 });
    expect(await inStore(sha)).toBe(true);
  });

  it('keeps every original when the setting says keep', async () => {
    const sha = await takeIn('kept.jpg', '#6b444f');
    await upload(sha, 40, 41);
    await services.handlers.setAppSettings({ keepOriginalsDays: null });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000 * DAY_MS);
    expect(await services.handlers.originalsToSweep(undefined)).toEqual({ keepDays: null, candidates: [] });
    expect(await services.handlers.sweepOriginals({ release: [sha] })).toMatchObject({ removed: 0, kept: 1 });
    expect(await inStore(sha)).toBe(true);
  });
});
