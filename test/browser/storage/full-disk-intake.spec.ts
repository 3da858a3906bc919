/**
 * Photos picked while the disk is full: none can be kept in the browser's storage. Each must be
 * named as not taken in, in plain words (none half-recorded, none silently gone), and the same
 * files taken in again once space is back.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { writeGoodPhotos } from '../photos/photo-files';
import { openPhotosAt } from '../photos/photo-screen';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

test('photos picked on a full disk are each named as not taken in, and go in once space is back', async ({ app, corelog }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  const dir = await mkdtemp(join(corelog.dataDir, 'picked-'));
  const photos = await writeGoodPhotos(dir, 'DD-FULL-01', 4);
  await openPhotosAt(app, corelog);
  await disk.fill();

  await app.getByLabel('Add photos').setInputFiles(photos.map((p) => p.path));
  const notKept = app.getByTestId('intake-not-kept');
  await expect(notKept).toBeVisible({ timeout: 20_000 });
  await expect(notKept).toContainText('the disk is full');
  for (const photo of photos) await expect(notKept).toContainText(photo.path.split('/').pop()!);
  await expect(app.getByTestId('intake-status')).toContainText('Took in 0 photos');
  await expect(app.locator('body')).not.toContainText('QuotaExceededError');
  await expect(app.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'full');
  // Nothing half-recorded: no draft, no upload queued.
  expect(await storedRows(app, 'corelog-photos', 'photos')).toEqual([]);
  expect(await storedRows(app, 'corelog-photos', 'outbox')).toEqual([]);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await app.getByLabel('Add photos').setInputFiles(photos.map((p) => p.path));
  await expect(app.getByTestId('intake-status')).toContainText('Took in 4 photos', { timeout: 20_000 });
  await expect(notKept).toHaveCount(0);
  await expect(app.getByTestId('draft-list').locator('li')).toHaveCount(4);
});
