/**
 * Templates files a person picks that are not what Export wrote, through the real file input in
 * Chromium: a file saved as Latin-1 is refused in words and nothing is imported (file.text()
 * would have read "Støy" as "St\uFFFDy" without a word); the same file saved as UTF-16 with its BOM
 * (Windows Notepad's "Unicode") imports as written; templates already there are never lost.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { openEventLog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

const templates = (name: string) => ({
  format: 'corelog-event-templates',
  version: 1,
  project: 'eq24301',
  templates: [{ name, remarks: 'Støy i {område}', labels: [], position: 'none', key: 'F9' }],
});

test('a Latin-1 templates file is refused whole, a UTF-16 one imports; what was there stays', async ({ app, corelog, dataDir }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await app.getByRole('button', { name: 'Templates…' }).click();
  const manager = app.getByTestId('template-manager');
  const buttons = app.getByTestId('template-bar').getByTestId('template-button');

  const first = join(dataDir, 'first.json');
  await writeFile(first, JSON.stringify(templates('Før')));
  await manager.getByTestId('template-import-file').setInputFiles(first);
  await expect(manager.getByTestId('template-message')).toHaveText('Imported 1 template.');
  await expect(buttons).toHaveText(['F9 Før']);

  const latin1 = join(dataDir, 'latin1.json');
  await writeFile(latin1, Buffer.from(JSON.stringify(templates('Støy')), 'latin1'));
  await manager.getByTestId('template-import-file').setInputFiles(latin1);
  await expect(manager.getByTestId('template-message')).toHaveText(/^latin1\.json: This file is not UTF-8 text .*Nothing was imported\.$/);
  await expect(buttons).toHaveText(['F9 Før']);

  const utf16 = join(dataDir, 'unicode.json');
  await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(templates('Støy')), 'utf16le')]));
  await manager.getByTestId('template-import-file').setInputFiles(utf16);
  await expect(manager.getByTestId('template-message')).toContainText('Imported 1 template.');
  await expect(buttons).toHaveText(['Før', 'F9 Støy']);
});
