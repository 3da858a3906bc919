/**
 * Every other action of the event log on a full disk: saving an edit, deleting, importing
 * templates, adding a planned sequence. Each must say in plain words that nothing was saved (they said "QuotaExceededError"),
 * keep what was typed, change nothing, and work again once space is back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { eventRow, logEvent, openEventLog, serverEventsFromCorelog, signInDougal } from '../event-log/event-log-helpers';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

test('an edit, a delete, a templates import and a plan change on a full disk say nothing was saved, and go through once space is back', async ({ app, corelog, emulators, dataDir }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  await signInDougal(corelog);
  await openEventLog(app, 1);
  await logEvent(app, 'tailbuoy lost');
  await expect(eventRow(app, 'tailbuoy lost')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  const templatesFile = join(dataDir, 'templates.json');
  await writeFile(
    templatesFile,
    JSON.stringify({ format: 'corelog-event-templates', version: 1, project: 'eq24301', templates: [{ name: 'Autofire', remarks: 'Gun {gun} autofire', labels: [], position: 'none', key: 'F9' }] }),
  );
  await disk.fill();

  // Edit: the typed text stays in the form, the message is plain, the log and Dougal keep the old remarks.
  await eventRow(app, 'tailbuoy lost').click();
  const panel = app.getByTestId('event-panel');
  await panel.getByLabel('Edit remarks').fill('tailbuoy lost, recovered by chase boat');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  const panelError = panel.getByRole('alert');
  await expect(panelError).toContainText('The disk is full');
  await expect(panelError).toContainText('nothing was saved');
  await expect(panelError).not.toContainText('QuotaExceededError');
  await expect(panel.getByLabel('Edit remarks')).toHaveValue('tailbuoy lost, recovered by chase boat');
  await expect(eventRow(app, 'tailbuoy lost')).toHaveAttribute('data-sync', 'synced');
  expect(await storedRows(app, 'corelog-eventlog', 'outbox')).toEqual([]);

  // Delete: the event stays, said plainly.
  await panel.getByRole('button', { name: 'Delete event' }).click();
  await expect(panelError).toContainText('The disk is full');
  await expect(eventRow(app, 'tailbuoy lost')).toBeVisible();
  expect(await storedRows(app, 'corelog-eventlog', 'outbox')).toEqual([]);

  // Templates import: nothing imported, said plainly.
  await app.getByRole('button', { name: 'Templates…' }).click();
  const manager = app.getByTestId('template-manager');
  await manager.getByTestId('template-import-file').setInputFiles(templatesFile);
  await expect(manager.getByTestId('template-message')).toContainText('The disk is full');
  await expect(manager.getByTestId('template-message')).not.toContainText('QuotaExceededError');
  await expect(app.getByTestId('template-bar').getByTestId('template-button')).toHaveCount(0);

  // A planned sequence added: the form stays open with what was typed, said plainly, nothing queued.
  await app.keyboard.press('Escape');
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Plan', exact: true }).click();
  await app.getByRole('button', { name: 'Add planned sequence' }).click();
  const form = app.getByRole('form', { name: 'Add a planned sequence' });
  await form.getByLabel('Number').fill('40');
  await form.getByLabel('Line').fill('1005');
  await form.getByLabel('First SP').fill('1100');
  await form.getByLabel('Last SP').fill('1500');
  await form.getByLabel('Name').fill('full disk infill');
  // Full again right before the click: Chromium may find room meanwhile (its storage compacting the
  // filler's writes), and this step is about a disk that is full when the user adds.
  await disk.fill();
  await form.getByRole('button', { name: 'Add to plan' }).click();
  await expect(form.getByTestId('plan-form-problem')).toContainText('The disk is full');
  await expect(form.getByTestId('plan-form-problem')).not.toContainText('QuotaExceededError');
  await expect(form.getByLabel('Name')).toHaveValue('full disk infill');
  expect(await storedRows(app, 'corelog-eventlog', 'outbox')).toEqual([]);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await form.getByRole('button', { name: 'Add to plan' }).click();
  await expect(form).toBeHidden();
  await expect.poll(async () => (await storedRows<{ kind: string }>(app, 'corelog-eventlog', 'outbox')).length + emulators!.dougal.server.log.list().filter((r) => r.method === 'POST' && r.path.includes('/plan')).length).toBeGreaterThan(0);
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Log', exact: true }).click();
  await app.getByRole('button', { name: 'Templates…' }).click();
  await manager.getByTestId('template-import-file').setInputFiles(templatesFile);
  await expect(manager.getByTestId('template-message')).toHaveText('Imported 1 template.');
  await eventRow(app, 'tailbuoy lost').click();
  await panel.getByLabel('Edit remarks').fill('tailbuoy lost, recovered by chase boat');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await expect(eventRow(app, 'tailbuoy lost, recovered by chase boat')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  expect(serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'tailbuoy lost, recovered by chase boat')).toHaveLength(1);
});
