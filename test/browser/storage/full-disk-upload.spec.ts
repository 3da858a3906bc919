/**
 * The disk fills while a photo is on its way to Imago: Imago takes it, and the upload queue cannot
 * write down that it did. It must not upload it again, must not park the photo as failed (Imago
 * has it), must not spin, and must finish by itself once space is back.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { RunningEmulators } from '../../support/emulators';
import { writeGoodPhotos } from '../photos/photo-files';
import { LIVE_WORKSPACE, openPhotosAt } from '../photos/photo-screen';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

const HOLE = 'FF-DD-FULL';

function imagesOfHole(emulators: RunningEmulators): number {
  const world = emulators.imago.world;
  const collections = new Set(world.collections.filter((c) => c.name === HOLE).map((c) => c.id));
  const imageries = new Set(world.imageries.filter((i) => collections.has(i.collectionId)).map((i) => i.id));
  return world.images.filter((image) => imageries.has(image.imageryId)).length;
}

const imagoRequests = (emulators: RunningEmulators) => emulators.imago.server.log.list().filter((r) => !r.path.startsWith('/__admin'));
const uploadPosts = (emulators: RunningEmulators) => imagoRequests(emulators).filter((r) => r.method === 'POST' && r.path === '/image').length;

async function photoStates(app: Page): Promise<string[]> {
  return (await storedRows<{ state: string }>(app, 'corelog-photos', 'photos')).map((p) => p.state);
}

test('a photo Imago took while the disk filled is settled once, by itself, when space is back', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const disk = await limitedDisk(app, corelog.server.url);
  const dir = await mkdtemp(join(corelog.dataDir, 'picked-'));
  const [photo] = await writeGoodPhotos(dir, HOLE, 1);
  await openPhotosAt(app, corelog);
  await app.getByLabel('New hole name').fill(HOLE);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE_WORKSPACE}/Diamond Drilling/${HOLE}`);
  await app.getByLabel('Add photos').setInputFiles([photo!.path]);
  await expect(app.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });

  // Imago holds each reply long enough for the disk to fill meanwhile (filling takes a few seconds under load).
  emulators!.imago.server.faults = { ...emulators!.imago.server.faults, latencyMs: 6_000 };
  await app.getByTestId('queue-drafts').click();
  // The upload itself is on its way (the hole and interval went first): the disk fills meanwhile.
  await expect
    .poll(async () => (await storedRows<{ kind: string; state: string }>(app, 'corelog-photos', 'outbox')).some((o) => o.kind === 'upload' && o.state === 'sending'), { timeout: 30_000 })
    .toBe(true);
  await disk.fill();
  await expect.poll(() => imagesOfHole(emulators!), { timeout: 30_000 }).toBe(1);
  emulators!.imago.server.faults = { ...emulators!.imago.server.faults, latencyMs: 0 };

  const before = imagoRequests(emulators!).length;
  await app.waitForTimeout(6_000);
  // No spinning against Imago, no second upload, and the photo is not parked as failed: Imago has it.
  expect(imagoRequests(emulators!).length - before).toBeLessThan(12);
  expect(uploadPosts(emulators!)).toBe(1);
  expect(await photoStates(app)).not.toContain('failed');
  await expect(app.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'full');

  await disk.free();
  await expect.poll(() => photoStates(app), { timeout: 30_000 }).toEqual(['uploaded']);
  expect(imagesOfHole(emulators!)).toBe(1);
  expect(uploadPosts(emulators!)).toBe(1);
  expect(await storedRows(app, 'corelog-photos', 'outbox')).toEqual([]);
});
