import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './fixtures';

test.use({ systems: 'emulators' });

test('Export diagnostics writes a folder with logs and versions but no password or token', async ({ app, corelog }) => {
  await app.getByRole('button', { name: 'Connections' }).click();
  const card = app.getByTestId('connection-imago');
  await card.getByLabel('Remember password on this computer').check();
  await card.getByLabel('Service account').fill('demo');
  await card.getByLabel('Password', { exact: true }).fill('demo');
  await card.getByRole('button', { name: /^Sign in to/ }).click();
  await expect(app.getByTestId('imago-session')).toHaveText('Signed in as demo');

  await app.getByRole('button', { name: 'Home' }).click();
  await app.getByRole('button', { name: 'Export diagnostics…' }).click();
  const status = app.getByTestId('diagnostics-folder');
  await expect(status).toContainText('corelog-diagnostics-');
  const folder = (await status.locator('code').textContent())!;
  expect(folder.startsWith(corelog.dataDir)).toBe(true);

  const files = await readdir(folder, { recursive: true });
  expect(files.length).toBeGreaterThan(1);
  const token = (corelog.services.clients.imago() as unknown as { state?: { apiToken?: string } }).state?.apiToken;
  for (const file of files) {
    const text = await readFile(join(folder, file), 'utf8').catch(() => '');
    expect(text).not.toMatch(/"password"\s*:\s*"demo"/);
    if (token) expect(text).not.toContain(token);
  }
});
