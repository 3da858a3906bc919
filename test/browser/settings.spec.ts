/**
 * The Settings screen in browser mode, against the real services and emulators: themes apply at
 * once, survive a reload and are in place before the app's script runs (no white flash); the night
 * theme has nothing bright, white, blue or green anywhere; UTC or local time is one setting for
 * every screen; depth precision changes the depths shown; the data folder's usage is shown.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { APP_SETTINGS_FILE } from '../../electron/services/settings/app-settings-file';
import { openEventLog, signInDougal } from './event-log/event-log-helpers';
import { expect, test, type CorelogInstance } from './fixtures';

const LIVE = 'Firefly Resource Development';

async function openSettings(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByTestId('settings-screen')).toBeVisible();
}

async function chooseTheme(app: Page, label: 'System' | 'Light' | 'Dark' | 'Night'): Promise<void> {
  await app.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: new RegExp(`^${label}\\b`) }).check();
}

/** The settings file as main wrote it; {} until main has written it at all (the first save is asynchronous). */
async function savedSettings(corelog: CorelogInstance): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(corelog.dataDir, APP_SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/**
 * Every colour the page paints (text, background, borders, outline, caret) on every element, as
 * [selector-ish, property, r, g, b, alpha]: what the night theme test checks.
 */
async function paintedColours(app: Page): Promise<{ where: string; property: string; rgb: [number, number, number]; alpha: number }[]> {
  return app.evaluate(() => {
    const out: { where: string; property: string; rgb: [number, number, number]; alpha: number }[] = [];
    const canvas = document.createElement('canvas').getContext('2d')!;
    const parse = (value: string): { rgb: [number, number, number]; alpha: number } | null => {
      if (!value || value === 'none' || value === 'auto' || value === 'currentcolor') return null;
      // Let the browser resolve any syntax (rgb(), color(srgb …), oklch …) to sRGB pixels.
      canvas.clearRect(0, 0, 1, 1);
      canvas.fillStyle = '#000';
      canvas.fillStyle = value;
      canvas.fillRect(0, 0, 1, 1);
      const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
      const alpha = Number(/rgba?\([^)]*,\s*([\d.]+)\)/.exec(value)?.[1] ?? (/ \/ ([\d.]+)\)/.exec(value)?.[1] ?? '1'));
      return { rgb: [r!, g!, b!], alpha };
    };
    const properties = ['color', 'background-color', 'border-top-color', 'border-bottom-color', 'border-left-color', 'border-right-color', 'outline-color', 'caret-color', 'accent-color'];
    for (const element of [document.documentElement, ...document.querySelectorAll('body *')]) {
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const where = `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''}`;
      for (const property of properties) {
        if (property.startsWith('border') && style.getPropertyValue(property.replace('color', 'width')) === '0px') continue;
        if (property === 'outline-color' && style.outlineStyle === 'none') continue;
        const parsed = parse(style.getPropertyValue(property));
        if (parsed && parsed.alpha > 0) out.push({ where, property, ...parsed });
      }
    }
    return out;
  });
}

const luminance = ([r, g, b]: [number, number, number]) => {
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: [number, number, number], b: [number, number, number]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};
const rgbOf = async (app: Page, selector: string, property: string): Promise<[number, number, number]> =>
  app.evaluate(
    ([sel, prop]) => {
      const value = getComputedStyle(document.querySelector(sel!)!).getPropertyValue(prop!);
      const [r, g, b] = value.match(/[\d.]+/g)!.map(Number);
      return [r!, g!, b!] as [number, number, number];
    },
    [selector, property],
  );

/** The night theme's rule: red on black. No white, no blue, no green, nothing bright. */
async function expectNightColours(app: Page, screen: string): Promise<void> {
  const colours = await paintedColours(app);
  expect(colours.length, `${screen}: colours sampled`).toBeGreaterThan(50);
  const offending = colours.filter(({ rgb: [r, g, b] }) => g > 110 || b > 100 || g > r || b > r || luminance([r, g, b]) > 0.4);
  expect(offending.slice(0, 10), `${screen}: colours that are not dim red`).toEqual([]);
  // The main surfaces are near black, not merely "dark".
  for (const selector of ['html', '.topbar', '.sync-strip']) {
    expect(luminance(await rgbOf(app, selector, 'background-color')), `${screen}: ${selector} background`).toBeLessThan(0.01);
  }
}

test.describe('settings', () => {
  test('opens from the keyboard (Alt+5, Ctrl+Shift+,) and the event log has no zone checkbox of its own any more', async ({ app }) => {
    await app.keyboard.press('Alt+5');
    await expect(app.getByTestId('settings-screen')).toBeVisible();
    await app.keyboard.press('Alt+1');
    await expect(app.getByTestId('settings-screen')).toBeHidden();
    await app.keyboard.press('Control+Shift+Comma');
    await expect(app.getByTestId('settings-screen')).toBeVisible();
    await expect(app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  });

  test('themes apply at once, are kept by main and survive a reload; night is red on black with nothing bright anywhere', async ({ app, corelog }) => {
    await openSettings(app);
    const html = app.locator('html');
    await chooseTheme(app, 'Dark');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    expect(luminance(await rgbOf(app, 'html', 'background-color'))).toBeLessThan(0.02);
    await chooseTheme(app, 'Light');
    await expect(html).toHaveAttribute('data-theme', 'light');
    expect(luminance(await rgbOf(app, 'html', 'background-color'))).toBeGreaterThan(0.8);

    await chooseTheme(app, 'Night');
    await expect(html).toHaveAttribute('data-theme', 'night');
    await expect.poll(async () => (await savedSettings(corelog)).theme).toBe('night');
    // Text stays readable: body text and muted text at least 4.5:1 on the page and on the panels.
    for (const surface of [await rgbOf(app, 'html', 'background-color'), await rgbOf(app, '.card', 'background-color')]) {
      expect(contrast(await rgbOf(app, 'html', 'color'), surface)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(await rgbOf(app, '.settings .hint', 'color'), surface)).toBeGreaterThanOrEqual(4.5);
    }
    // A focus ring is red too.
    await app.getByRole('button', { name: 'Measure again' }).focus();
    await app.keyboard.press('Shift+Tab');
    await app.keyboard.press('Tab');
    await expectNightColours(app, 'Settings');
    for (const name of ['Home', 'Connections', 'Event log', 'Photos']) {
      await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();
      await expectNightColours(app, name);
    }

    await app.reload();
    await expect(app.getByTestId('app-version')).toHaveText('v0.0.0-test');
    await expect(html).toHaveAttribute('data-theme', 'night');
    await openSettings(app);
    await expect(app.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: /^Night\b/ })).toBeChecked();
  });

  test('"System" follows the computer’s light or dark scheme as it changes; Light and Dark ignore it', async ({ app }) => {
    await openSettings(app);
    const html = app.locator('html');
    await chooseTheme(app, 'System');
    await expect(html).toHaveAttribute('data-theme', 'system');
    for (const [scheme, dark] of [['dark', true], ['light', false], ['dark', true]] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      const background = luminance(await rgbOf(app, 'html', 'background-color'));
      const text = luminance(await rgbOf(app, 'html', 'color'));
      expect(dark ? background < 0.02 && text > 0.6 : background > 0.8 && text < 0.05, `system theme under a ${scheme} scheme`).toBe(true);
    }
    await chooseTheme(app, 'Light');
    expect(luminance(await rgbOf(app, 'html', 'background-color'))).toBeGreaterThan(0.8);
    await app.emulateMedia({ colorScheme: 'light' });
    await chooseTheme(app, 'Dark');
    expect(luminance(await rgbOf(app, 'html', 'background-color'))).toBeLessThan(0.02);
  });

  test('the theme is in place before the app’s script has run (no white flash), and main’s setting wins over a stale copy', async ({ app, corelog, page }) => {
    await openSettings(app);
    await chooseTheme(app, 'Night');
    await expect.poll(async () => (await savedSettings(corelog)).theme).toBe('night');

    // Hold the app's script back: what is painted meanwhile comes from theme-boot.js and the stylesheet alone.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.reload({ waitUntil: 'commit' });
    await expect.poll(() => page.evaluate(() => document.readyState)).not.toBe('loading');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'night');
    expect(await page.evaluate(() => document.getElementById('root')!.childElementCount)).toBe(0);
    expect(luminance(await rgbOf(page, 'html', 'background-color'))).toBeLessThan(0.01);
    release();
    await expect(page.getByTestId('app-version')).toHaveText('v0.0.0-test');
    await page.unroute(/\/assets\/index-[^/]+\.js$/);

    // A stale local copy (another window changed the setting meanwhile): main's answer wins.
    await page.evaluate(() => localStorage.setItem('corelog.appSettings', JSON.stringify({ theme: 'light', timeZone: 'utc', depthDecimals: 2, keepOriginalsDays: 30 })));
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'night');
  });

  test('shows where the data lives and how much space each part uses, the browser database included', async ({ app, corelog }) => {
    await mkdir(join(corelog.dataDir, 'image-cache'), { recursive: true });
    await writeFile(join(corelog.dataDir, 'image-cache', 'image-1-512.jpg'), Buffer.alloc(50 * 1024, 1));
    await openSettings(app);
    await expect(app.getByTestId('data-folder')).toHaveText(corelog.dataDir);
    const cache = app.getByTestId('usage-image-cache');
    await expect(cache).toContainText('50 KB');
    await expect(cache).toContainText('(1 file)');
    await expect(cache.locator('[data-bytes]')).toHaveAttribute('data-bytes', String(50 * 1024));
    await expect(app.getByTestId('usage-photos')).toContainText('0 bytes');
    await expect(app.getByTestId('usage-logs')).toContainText(join(corelog.dataDir, 'logs'));
    const total = Number(await app.getByTestId('usage-total').locator('[data-bytes]').getAttribute('data-bytes'));
    expect(total).toBeGreaterThanOrEqual(50 * 1024);
    await expect(app.getByTestId('usage-free')).toContainText(/free on this disk/);
    // The browser's own database: a real number from navigator.storage.estimate().
    await expect(app.getByTestId('usage-browser')).not.toContainText('not reported');
    expect(Number(await app.getByTestId('usage-browser').locator('[data-bytes]').getAttribute('data-bytes'))).toBeGreaterThan(0);
    await expect(app.getByTestId('originals-status')).toContainText('Not swept yet');

    // "Measure again" sees a change.
    await writeFile(join(corelog.dataDir, 'image-cache', 'image-2-512.jpg'), Buffer.alloc(25 * 1024, 2));
    await app.getByRole('button', { name: 'Measure again' }).click();
    await expect(cache).toContainText('75 KB');
    await expect(cache).toContainText('(2 files)');
  });

  test('keeping originals: the days are stored, "keep for good" too, and a sweep reports what it did', async ({ app, corelog }) => {
    await openSettings(app);
    const days = app.getByLabel('Days to keep originals after upload');
    await expect(days).toHaveValue('30');
    await days.fill('45');
    await days.blur();
    await expect.poll(async () => (await savedSettings(corelog)).keepOriginalsDays).toBe(45);
    await days.fill('0');
    await expect(app.getByText('Enter whole days from 1 to 3650.')).toBeVisible();
    await days.blur();
    expect((await savedSettings(corelog)).keepOriginalsDays).toBe(45);
    await days.fill('45');
    await app.getByRole('button', { name: 'Sweep now' }).click();
    await expect(app.getByTestId('originals-status')).toContainText(/Last sweep .*: 0 deleted, 0 bytes freed/);
    await app.getByRole('radio', { name: 'Keep them for good' }).check();
    await expect.poll(async () => (await savedSettings(corelog)).keepOriginalsDays).toBeNull();
    await expect(app.getByRole('button', { name: 'Sweep now' })).toBeDisabled();
  });
});

test.describe('settings with the systems', () => {
  test.use({ systems: 'emulators', timezoneId: 'Asia/Kolkata' });

  test('UTC or local time is one setting: the event log, connections and the photos screen follow it, and it survives a reload', async ({ app, corelog }) => {
    await signInDougal(corelog);
    await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
    await openEventLog(app, 1000);
    await expect(app.getByRole('columnheader', { name: 'Time (UTC)' })).toBeVisible();
    await expect(app.getByTestId('event-log-zone')).toHaveText('Times in UTC');
    const row = app.getByTestId('event-row').filter({ hasText: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/ }).first();
    const key = await row.getAttribute('data-key');
    const utcText = (await row.getByRole('cell').first().textContent())!;
    const at = new Date(utcText.replace(' ', 'T'));
    // Asia/Kolkata is UTC+5:30 all year.
    const local = new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');

    await openSettings(app);
    await app.getByRole('group', { name: 'Times' }).getByRole('radio', { name: /^Local time/ }).check();
    await expect.poll(async () => (await savedSettings(corelog)).timeZone).toBe('local');
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Event log' }).click();
    await expect(app.getByRole('columnheader', { name: 'Time (local)' })).toBeVisible();
    await expect(app.locator(`[data-testid="event-row"][data-key="${key}"]`).getByRole('cell').first()).toHaveText(local);

    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Connections' }).click();
    await expect(app.getByText(/UTC\+5:30/).first()).toBeVisible();
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('catalogue-age')).toContainText(/Workspaces loaded \d{4}-\d\d-\d\d \d\d:\d\d UTC\+5:30/);

    await app.reload();
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('catalogue-age')).toContainText('UTC+5:30');
    await openSettings(app);
    await app.getByRole('group', { name: 'Times' }).getByRole('radio', { name: /^UTC/ }).check();
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('catalogue-age')).toContainText(/Workspaces loaded \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  test('depth precision changes the depths shown on the strip and in the viewer title, and survives a reload', async ({ app, corelog }) => {
    await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
    await app.getByLabel('Workspace').selectOption(LIVE);
    await app.getByLabel('Dataset').selectOption('Diamond Drilling');
    await app.getByLabel('Imagery type').selectOption('Core Trays');
    await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE}/Diamond Drilling/FF-DD-0012`);
    const strip = app.getByTestId('depth-strip');
    await expect(strip).toContainText('102.00–106.80 m');

    await openSettings(app);
    await app.getByLabel('Depth precision').selectOption('1');
    await expect(app.getByTestId('depth-preview')).toContainText('102.5 m');
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(strip).toContainText('102.0–106.8 m');
    await expect(strip).not.toContainText('102.00');

    await app.reload();
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('depth-strip')).toContainText('102.0–106.8 m');
    await openSettings(app);
    await app.getByLabel('Depth precision').selectOption('3');
    await expect.poll(async () => (await savedSettings(corelog)).depthDecimals).toBe(3);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
    await expect(app.getByTestId('depth-strip')).toContainText('102.000–106.800 m');
  });
});
