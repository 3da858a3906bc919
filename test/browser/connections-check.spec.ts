import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ systems: 'emulators' });

async function signIn(app: Page, system: 'imago' | 'dougal', user: string, password: string) {
  const card = app.getByTestId(`connection-${system}`);
  await card.getByLabel(system === 'imago' ? 'Service account' : 'User').fill(user);
  await card.getByLabel('Password', { exact: true }).fill(password);
  await card.getByRole('button', { name: /^Sign in to/ }).click();
  await expect(app.getByTestId(`${system}-session`)).toContainText('Signed in');
}

async function adminPatch(origin: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${origin}/__admin${path}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
}

test.describe('Check server and API settings on the Connections screen', () => {
  test('checks both servers step by step, then copies and saves the report without secrets', async ({ app, emulators, corelog }) => {
    await app.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url()).origin });
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'demo');
    await signIn(app, 'dougal', 'demo', 'demo-admin');

    // A slow link, so the steps can be seen starting and ending one by one.
    await adminPatch(emulators!.imago.server.origin, '/faults', { latencyMs: 150 });
    const imago = app.getByTestId('imago-check-panel');
    await imago.getByRole('button', { name: 'Check server' }).click();
    await expect(imago.getByRole('button', { name: 'Checking server…' })).toBeDisabled();
    await expect(imago.locator('[data-state="running"]')).toHaveCount(1);
    await expect(app.getByTestId('imago-check-progress')).toHaveText(/^Step \d+ of 13: /);
    await expect(imago.locator('li[data-state="passed"]').first()).toBeVisible();
    await expect(imago.getByRole('button', { name: 'Check server' })).toBeEnabled({ timeout: 30_000 });
    await expect(app.getByTestId('imago-check-step-context')).toContainText('2 workspace(s) (1 read-only), 3 dataset(s)');
    await expect(app.getByTestId('imago-check-step-datasets')).toContainText('A bare array of 2 dataset(s), as documented.');
    await expect(app.getByTestId('imago-check-step-client')).toHaveAttribute('data-state', 'passed');
    await expect(app.getByTestId('imago-check-detected')).toContainText('Replies send some absent values as null');
    await expect(app.getByTestId('imago-check-not-checked')).toContainText('Upload encoding (multipart or raw bytes)');

    // The Dougal check from the keyboard.
    const dougal = app.getByTestId('dougal-check-panel');
    await dougal.getByRole('button', { name: 'Check server' }).focus();
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('dougal-check-step-client')).toHaveAttribute('data-state', 'passed', { timeout: 30_000 });
    await expect(app.getByTestId('dougal-check-step-root')).toContainText('an OpenAPI 3.0.0 document, version 0.4.0');
    await expect(app.getByTestId('dougal-check-step-login')).toContainText('JWT cookie received, valid for 15 min');
    await expect(app.getByTestId('dougal-check-not-checked')).toContainText('201 with the event, 201 with only its id, or 204');

    // Copy: the plain-text report lands on the clipboard.
    await imago.getByRole('button', { name: 'Copy report' }).click();
    await expect(app.getByTestId('imago-check-outcome')).toHaveText('Report copied as plain text.');
    const copied = await app.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('Corelog server check: Imago');
    expect(copied).toContain('4. Workspaces, datasets and imagery types (GET /context) [OK');

    // Save for support: a text and a JSON file in the data folder's diagnostics folder.
    await dougal.getByRole('button', { name: 'Save for support' }).click();
    await expect(app.getByTestId('dougal-check-outcome')).toContainText('Saved for support:');
    const folder = join(corelog.dataDir, 'diagnostics');
    const files = (await readdir(folder)).filter((name) => name.startsWith('corelog-server-check-dougal-'));
    expect(files.filter((name) => name.endsWith('.txt'))).toHaveLength(1);
    expect(files.filter((name) => name.endsWith('.json'))).toHaveLength(1);
    const text = await readFile(join(folder, files.find((f) => f.endsWith('.txt'))!), 'utf8');
    expect(text).toContain('Corelog server check: Dougal');
    expect(text).not.toContain('demo-admin');
    expect(text).not.toMatch(/eyJ[\w-]{10,}/);
  });

  test('a setting changed from the screen is used at once and is still there after a reload; reset puts the default back', async ({ app, corelog }) => {
    await app.getByRole('button', { name: 'Connections' }).click();
    const settings = app.getByTestId('imago-api-settings');
    // Reachable by keyboard: the disclosure opens with Enter, the fields follow in tab order.
    await settings.locator('summary').focus();
    await app.keyboard.press('Enter');
    const match = settings.getByLabel('Match mode parameter');
    await expect(match).toHaveValue('match');
    await match.fill('matchType');
    await settings.getByLabel('Upload encoding').selectOption('raw');
    await settings.getByRole('button', { name: 'Save API settings' }).click();
    await expect(app.getByTestId('imago-api-saved')).toHaveText('API settings saved; the client now uses them.');
    const stored = JSON.parse(await readFile(join(corelog.dataDir, 'connections.json'), 'utf8')) as { imago: { api: unknown } };
    expect(stored.imago.api).toEqual({ matchParam: 'matchType', uploadEncoding: 'raw' });

    await app.reload();
    await app.getByRole('button', { name: 'Connections' }).click();
    await expect(settings.locator('summary')).toContainText('(2 changed from the defaults)');
    await settings.locator('summary').click();
    await expect(settings.getByLabel('Match mode parameter')).toHaveValue('matchType');
    await expect(settings.getByLabel('Upload encoding')).toHaveValue('raw');

    // A value the client could not use is refused in plain words, naming the setting.
    await settings.getByLabel('Match mode parameter').fill('match type');
    await settings.getByRole('button', { name: 'Save API settings' }).click();
    await expect(app.getByTestId('imago-api-error')).toContainText('Match mode parameter: a parameter name');

    await settings.getByRole('button', { name: 'Reset to defaults' }).click();
    await expect(app.getByTestId('imago-api-saved')).toHaveText('API settings are back to the defaults.');
    await expect(settings.getByLabel('Match mode parameter')).toHaveValue('match');
    expect((JSON.parse(await readFile(join(corelog.dataDir, 'connections.json'), 'utf8')) as { imago: { api: unknown } }).imago.api).toEqual({});
  });

  test('a setting the check proposes is applied with one click', async ({ app, emulators }) => {
    await adminPatch(emulators!.imago.server.origin, '/imago/options', { imageryKey: 'items' });
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'demo');
    const imago = app.getByTestId('imago-check-panel');
    await imago.getByRole('button', { name: 'Check server' }).click();
    const apply = imago.getByRole('button', { name: 'Set “Imagery list key” to items' });
    await expect(apply).toBeVisible({ timeout: 30_000 });
    await apply.click();
    await expect(app.getByTestId('imago-check-applied')).toHaveText('“Imagery list key” set to items; the Imago client now uses it.');
    await expect(apply).toBeDisabled();
    await app.getByTestId('imago-api-settings').locator('summary').click();
    await expect(app.getByTestId('imago-api-settings').getByLabel('Imagery list key')).toHaveValue('items');
  });
});
