/**
 * Templates whose placeholders are named like a JavaScript object's own properties
 * (`{constructor}`, `{toString}`) are asked for and filled like any other, and a templates file is
 * measured in bytes, before it is read: a file over the limit is refused whatever its characters.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fillPlaceholders } from '../../../renderer/src/event-log/templates/template-model';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test('placeholders are looked up as given, never from an object’s prototype', () => {
  expect(fillPlaceholders('{constructor} / {toString} / {gun}', {})).toBe('{constructor} / {toString} / {gun}');
  expect(fillPlaceholders('{constructor} / {toString}', new Map([['toString', 'b']]))).toBe('{constructor} / b');
});

test('a template with {constructor} and {toString} asks for both with empty boxes and logs what was typed', async ({ app, corelog }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await app.getByRole('button', { name: 'Templates…' }).click();
  const editor = app.getByTestId('template-editor');
  await editor.getByLabel('Name', { exact: true }).fill('Odd names');
  await editor.getByLabel('Template remarks').fill('Odd {constructor} and {toString}');
  await editor.getByLabel('Key').selectOption('F4');
  await editor.getByRole('button', { name: 'Add template' }).click();
  await app.getByRole('button', { name: 'Close templates' }).click();

  await app.getByTestId('entry-line').getByLabel('Remarks').focus();
  await app.keyboard.press('F4');
  const prompt = app.getByTestId('template-prompt');
  await expect(prompt.getByLabel('constructor')).toHaveValue('');
  // Empty is refused by its name, not by a crash.
  await prompt.getByLabel('constructor').press('Enter');
  await expect(prompt.getByRole('alert')).toHaveText('Type the constructor first (Esc cancels).');
  await prompt.getByLabel('constructor').fill('A');
  await prompt.getByLabel('constructor').press('Enter');
  await expect(prompt.getByLabel('toString')).toHaveValue('');
  await expect(prompt).not.toContainText('native code');
  await prompt.getByLabel('toString').fill('B');
  await prompt.getByLabel('toString').press('Enter');
  await expect(prompt).toHaveCount(0);
  await expect(eventRow(app, 'Odd A and B')).toBeVisible();
});

test('a templates file over 1 MB in bytes is refused before it is read, even with fewer characters', async ({ app, corelog, dataDir }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await app.getByRole('button', { name: 'Templates…' }).click();
  const manager = app.getByTestId('template-manager');
  // 600,000 characters, 1,200,000 bytes: a valid file otherwise (unknown attributes are ignored).
  const file = {
    format: 'corelog-event-templates',
    version: 1,
    project: 'eq24301',
    templates: [{ name: 'Big', remarks: 'Big one', labels: [], position: 'none', key: null }],
    padding: 'é'.repeat(600_000),
  };
  const path = join(dataDir, 'big-templates.json');
  await writeFile(path, JSON.stringify(file), 'utf8');
  await manager.getByTestId('template-import-file').setInputFiles(path);
  await expect(manager.getByTestId('template-message')).toHaveText('big-templates.json: This file is too big to be a Corelog templates file.');
  await expect(app.getByTestId('template-bar').getByTestId('template-button')).toHaveCount(0);
});
