/**
 * Choices the photos screen remembers without anyone waiting on them (the dataset chosen, the
 * viewer's layout, strip columns, carried-forward values) on a full disk: the choice cannot be
 * kept, and that must be said on the storage banner, not fail unseen while the screen snaps back.
 * Once space is back the same choice is kept, across a reload.
 */
import { expect, test } from '../fixtures';
import { openPhotosAt } from '../photos/photo-screen';
import { limitedDisk } from './storage-helpers';

test.use({ systems: 'emulators' });

test('a dataset chosen on a full disk is said not to be kept, and is kept once space is back', async ({ app, corelog }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  await openPhotosAt(app, corelog);
  const dataset = app.getByLabel('Dataset');
  await expect(dataset).toHaveValue(/Diamond Drilling/);
  await disk.fill();

  await dataset.selectOption('Drilling Chips');
  const banner = app.getByTestId('storage-problem');
  await expect(banner).toHaveAttribute('data-kind', 'full', { timeout: 10_000 });
  await expect(banner).toContainText(/disk is full/i);
  await expect(app.locator('body')).not.toContainText('QuotaExceededError');
  // Nothing was kept: the screen shows the stored choice, not a choice that would vanish at a reload.
  await expect(dataset).toHaveValue(/Diamond Drilling/);

  await disk.free();
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await dataset.selectOption('Drilling Chips');
  await expect(dataset).toHaveValue(/Drilling Chips/);
  await app.reload();
  await expect(app.getByLabel('Dataset')).toHaveValue(/Drilling Chips/);
});
