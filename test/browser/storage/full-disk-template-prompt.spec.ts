/**
 * A template with placeholders logged on a full disk: the values typed into its prompt must not
 * go with the failed write. The prompt comes back with them and the plain message, and Enter logs
 * the event (once) when space is back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, serverEventsFromCorelog, signInDougal } from '../event-log/event-log-helpers';
import { limitedDisk, storedRows } from './storage-helpers';

test.use({ systems: 'emulators' });

test('a placeholder template on a full disk keeps the typed values in its prompt and logs them with Enter once space is back', async ({ app, corelog, emulators, dataDir }) => {
  const disk = await limitedDisk(app, corelog.server.url);
  await signInDougal(corelog);
  await openEventLog(app, 1);
  const templatesFile = join(dataDir, 'templates.json');
  await writeFile(
    templatesFile,
    JSON.stringify({ format: 'corelog-event-templates', version: 1, project: 'eq24301', templates: [{ name: 'Autofire', remarks: 'Gun {gun} autofire on {string}', labels: [], position: 'none', key: 'F9' }] }),
  );
  await app.getByRole('button', { name: 'Templates…' }).click();
  await app.getByTestId('template-manager').getByTestId('template-import-file').setInputFiles(templatesFile);
  await expect(app.getByTestId('template-manager').getByTestId('template-message')).toHaveText('Imported 1 template.');
  await app.getByRole('button', { name: 'Close templates' }).click();
  await disk.fill();

  await app.getByTestId('template-bar').getByTestId('template-button').click();
  const prompt = app.getByTestId('template-prompt');
  await prompt.getByLabel('gun').fill('7');
  await prompt.getByLabel('gun').press('Enter');
  await prompt.getByLabel('string').fill('S2');
  await prompt.getByLabel('string').press('Enter');

  // Not logged, and the prompt is back with what was typed and why, in plain words.
  const problem = prompt.getByRole('alert');
  await expect(problem).toContainText('“Gun 7 autofire on S2” was not logged: the disk is full');
  await expect(problem).toContainText('nothing was saved. Free some space, then press Enter again.');
  await expect(problem).not.toContainText('QuotaExceededError');
  await expect(prompt.getByLabel('string')).toHaveValue('S2');
  await expect(prompt).toContainText('Gun 7 autofire on');
  await expect(eventRow(app, 'Gun 7 autofire on S2')).toHaveCount(0);
  const stored = await storedRows<{ remarks: string }>(app, 'corelog-eventlog', 'events');
  expect(stored.filter((r) => r.remarks === 'Gun 7 autofire on S2')).toHaveLength(0);

  await disk.free();
  await expect(app.getByTestId('storage-problem')).toHaveCount(0, { timeout: 15_000 });
  await prompt.getByLabel('string').press('Enter');
  await expect(prompt).toHaveCount(0);
  await expect(eventRow(app, 'Gun 7 autofire on S2')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  expect(serverEventsFromCorelog(emulators!).filter((e) => e.remarks === 'Gun 7 autofire on S2')).toHaveLength(1);
});
