/**
 * The scratch note (database `corelog`) on a full disk: the typed text stays in the box with the
 * plain message (not the browser's error name), the window's banner says the disk is full, and
 * the note is saved by itself once space is back.
 */
import { expect, test } from '../fixtures';
import { limitedDisk, storedRows } from './storage-helpers';

test('a scratch note typed on a full disk stays in its box, says so plainly, and is saved once space is back', async ({ app, corelog }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  const note = app.getByRole('textbox', { name: 'Scratch note' });
  await note.fill('first line');
  await expect(app.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();
  await disk.fill();

  await note.fill('first line\nbox 14 missing from rack B');
  const status = app.getByRole('status').filter({ hasText: 'note' });
  await expect(status).toContainText('the disk is full');
  await expect(status).toContainText('nothing was saved');
  await expect(status).toContainText('Your text is still in the box');
  await expect(status).not.toContainText('QuotaExceededError');
  await expect(status).not.toContainText('..');
  await expect(note).toHaveValue('first line\nbox 14 missing from rack B');
  await expect(app.getByTestId('storage-problem')).toHaveAttribute('data-kind', 'full');
  expect((await storedRows<{ text: string }>(app, 'corelog', 'scratchNotes')).map((n) => n.text)).toEqual(['first line']);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  // Saved without another keystroke: the box held text the store did not.
  await expect(app.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();
  await expect.poll(async () => (await storedRows<{ text: string }>(app, 'corelog', 'scratchNotes')).map((n) => n.text)).toEqual(['first line\nbox 14 missing from rack B']);
  await expect(note).toHaveValue('first line\nbox 14 missing from rack B');
});
