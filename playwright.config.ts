import { defineConfig } from '@playwright/test';
import { findChromium, installCommand } from './scripts/find-chromium.mjs';

// Browser tests drive whichever Chromium this machine has: CHROMIUM_PATH, Playwright's own, or the
// system's chromium / google-chrome (scripts/find-chromium.mjs; `npm test` installs one first when
// there is none). Without one, say so at once with the command that fixes it.
const chromium = findChromium();
if (chromium.path === null) throw new Error(`${chromium.problem}\nRun: ${installCommand()}   (or set CHROMIUM_PATH)`);
const chromiumPath = chromium.path;

export default defineConfig({
  globalSetup: './test/support/playwright-global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/playwright.json' }]] : [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'browser-mode',
      testDir: './test/browser',
      use: {
        launchOptions: {
          executablePath: chromiumPath,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
        },
      },
    },
    { name: 'electron', testDir: './test/electron-e2e' },
    // Guide screenshots (`npm run docs:screenshots`): only when asked for, never in `npm test`.
    ...(process.env.CORELOG_DOC_SCREENSHOTS
      ? [{ name: 'docs', testDir: './test/docs', testMatch: '*.screens.ts', use: { launchOptions: { executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] } } }]
      : []),
  ],
});
