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

test('drafts queued on a full disk stay drafts, each with a plain reason, and queue once space is back', async ({ app, corelog }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  const dir = await mkdtemp(join(corelog.dataDir, 'picked-'));
  const photos = await writeGoodPhotos(dir, 'DD-FULL-02', 3);
  await openPhotosAt(app, corelog);
  await app.getByLabel('Add photos').setInputFiles(photos.map((p) => p.path));
  await expect(app.getByTestId('draft-list').locator('li')).toHaveCount(3, { timeout: 30_000 });
  await disk.fill();

  await app.getByTestId('queue-drafts').click();
  const left = app.getByTestId('left-behind');
  await expect(left.locator('li')).toHaveCount(3, { timeout: 20_000 });
  await expect(left).toContainText('The disk is full');
  await expect(left).not.toContainText('QuotaExceededError');
  // Nothing half-recorded: every photo still a draft, no upload queued for any.
  expect((await storedRows<{ state: string }>(app, 'corelog-photos', 'photos')).map((p) => p.state)).toEqual(['draft', 'draft', 'draft']);
  expect((await storedRows<{ kind: string }>(app, 'corelog-photos', 'outbox')).filter((o) => o.kind === 'upload')).toEqual([]);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await app.getByTestId('queue-drafts').click();
  await expect.poll(async () => (await storedRows<{ state: string }>(app, 'corelog-photos', 'photos')).filter((p) => p.state !== 'draft').length, { timeout: 20_000 }).toBe(3);
});
