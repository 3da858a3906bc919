/**
 * Queueing a photo into a hole not yet known, on a disk with room for a little but not for the
 * photo's queueing: the hole and its Imago job were written first, on their own, so a refused
 * queueing left a hole to be created in Imago with no photo for it. Queueing is all or nothing.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { writeGoodPhotos } from '../photos/photo-files';
import { openPhotosAt } from '../photos/photo-screen';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

const HOLE = 'NF-QUEUE-01';

test('a photo that cannot be queued on a nearly full disk leaves no hole and no Imago job behind, and queues once space is back', async ({ app, corelog, emulators }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  const dir = await mkdtemp(join(corelog.dataDir, 'picked-'));
  const [photo] = await writeGoodPhotos(dir, HOLE, 1);
  await openPhotosAt(app, corelog);
  await app.getByLabel('Add photos').setInputFiles([photo!.path]);
  await expect(app.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
  // Uploads held: what is queued stays in the outbox to be looked at.
  await app.locator('.upload-queue').getByRole('button', { name: 'Pause uploads' }).click();
  await expect(app.locator('.upload-queue').getByRole('button', { name: 'Resume uploads' })).toBeVisible();
  await disk.fill();
  await disk.leave(1_500);

  await app.getByTestId('queue-drafts').click();
  await expect(app.getByTestId('left-behind')).toContainText('disk is full', { timeout: 20_000 });
  expect((await storedRows<{ name: string }>(app, 'corelog-photos', 'holes')).filter((h) => h.name === HOLE)).toEqual([]);
  expect(await storedRows(app, 'corelog-photos', 'outbox')).toEqual([]);
  expect((await storedRows<{ state: string }>(app, 'corelog-photos', 'photos')).map((p) => p.state)).toEqual(['draft']);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await app.getByTestId('queue-drafts').click();
  await expect.poll(async () => (await storedRows<{ state: string }>(app, 'corelog-photos', 'photos')).map((p) => p.state)).toEqual(['queued']);
  const jobs = await storedRows<{ kind: string }>(app, 'corelog-photos', 'outbox');
  expect(jobs.map((j) => j.kind).sort()).toEqual(['hole', 'upload']);
  expect(emulators!.imago.world.collections.filter((c) => c.name === HOLE)).toEqual([]);
});
