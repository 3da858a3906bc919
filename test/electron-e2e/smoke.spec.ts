/**
 * The real desktop app, driven by Playwright's Electron support. It needs the Electron runtime,
 * which cannot be downloaded on our CI and development machines: there the suite is skipped and
 * says why. Wherever `npm install` could fetch the runtime, it runs.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronRuntime } from '../../scripts/electron-runtime.mjs';

const runtime = findElectronRuntime();
const skipReason = runtime.available
  ? ''
  : `Electron runtime not installed on this machine (${runtime.reason}); it cannot be downloaded here. Run \`npm run electron:fetch\` where github.com is reachable to run this suite.`;

test.describe('desktop app (Electron)', () => {
  test.skip(!runtime.available, skipReason);
  if (!runtime.available) console.log(`[electron-e2e] skipped: ${skipReason}`);

  test('starts, shows the first screen and keeps Node out of the page', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'corelog-e2e-'));
    const app = await electron.launch({
      args: ['.'],
      env: { ...process.env, CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' },
    });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('app-version')).toHaveText(/^v\d+\.\d+\.\d+/);
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      const note = window.getByRole('textbox', { name: 'Scratch note' });
      await note.fill('desktop note');
      await expect(window.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();
      await window.reload();
      await expect(window.getByRole('textbox', { name: 'Scratch note' })).toHaveValue('desktop note');
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
