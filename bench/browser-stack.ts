/**
 * What the browser benchmarks run against: the real services and browser-mode server in this
 * process on a fresh data folder, and headless Chromium launched as the Playwright tests launch it.
 * Each suite says where Imago and Dougal are (an emulator's address, or the discard port, where
 * nothing listens, for a system that is simply unreachable).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwrightConfig from '../playwright.config';
import { startBrowserMode, type BrowserModeServer } from '../electron/browser-mode/browser-mode-server';
import { createAppServices, type AppServices } from '../electron/services/app-services';

export const UNREACHABLE = { imago: 'http://127.0.0.1:9/integrate/2', dougal: 'http://127.0.0.1:9/api' };

export interface BrowserStack {
  services: AppServices;
  server: BrowserModeServer;
  browser: Browser;
  dataDir: string;
}

export async function startBrowserStack(name: string, urls: { imago: string; dougal: string }): Promise<BrowserStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `corelog-bench-${name}-`));
  const services = createAppServices({
    dataDir,
    appVersion: '0.0.0-bench',
    transport: 'browser',
    env: { ...process.env, CORELOG_IMAGO_URL: urls.imago, CORELOG_DOUGAL_URL: urls.dougal },
    reachability: { firstRetryMs: 300, maxRetryMs: 1500, quietProbeMs: 2000 },
  });
  const server = await startBrowserMode({ services, rendererDir: join(process.cwd(), 'dist', 'renderer'), port: 0 });
  services.start();
  const launchOptions = playwrightConfig.projects?.find((p) => p.name === 'browser-mode')?.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launchOptions, headless: true });
  return { services, server, browser, dataDir };
}

export async function stopBrowserStack(stack: BrowserStack): Promise<void> {
  await stack.browser.close();
  await stack.server.close();
  await stack.services.dispose();
  await rm(stack.dataDir, { recursive: true, force: true });
}

/** Loads the app afresh (the URL differs only in its #token, so a second goto would not reload). */
export async function openApp(page: Page, url: string): Promise<void> {
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.getByTestId('app-version').filter({ hasText: 'v0.0.0-bench' }).waitFor();
}
