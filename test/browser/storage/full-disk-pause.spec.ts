/**
 * "Pause uploads" on a full disk: the queue pauses for this window at once, but the choice cannot
 * be written down, so after a reload uploads would start again. The user must be told that, the
 * pause must hold meanwhile, and the pause can be saved once space is back.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { openPhotosAt } from '../photos/photo-screen';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

const pausedSetting = async (app: Page) =>
  (await storedRows<{ key: string; value: unknown }>(app, 'corelog-photos', 'settings')).find((r) => r.key === 'uploadsPaused')?.value ?? false;

test('pausing uploads on a full disk pauses this session, says the pause was not saved, and saves it once space is back', async ({ app, corelog }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  await openPhotosAt(app, corelog);
  const queue = app.locator('.upload-queue');
  await expect(queue.getByRole('button', { name: 'Pause uploads' })).toBeVisible();
  await disk.fill();

  await queue.getByRole('button', { name: 'Pause uploads' }).click();
  const problem = queue.getByTestId('queue-pause-problem');
  await expect(problem).toContainText('Uploads are paused in this window only');
  await expect(problem).toContainText('The disk is full');
  await expect(problem).not.toContainText('QuotaExceededError');
  // The session's pause holds, and is what the queue shows.
  await expect(queue.getByRole('button', { name: 'Resume uploads' })).toBeVisible();
  await app.waitForTimeout(1_500);
  await expect(queue.getByRole('button', { name: 'Resume uploads' })).toBeVisible();
  expect(await pausedSetting(app)).toBe(false);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await problem.getByRole('button', { name: 'Save the pause' }).click();
  await expect(problem).toHaveCount(0);
  await expect.poll(() => pausedSetting(app)).toBe(true);
  await app.reload();
  await expect(app.locator('.upload-queue').getByRole('button', { name: 'Resume uploads' })).toBeVisible();
});
