/**
 * The hole report (issue 12 §4) in browser mode against the Imago emulator: the seeded hole
 * FF-DD-0012 printed to PDF by Chromium (Playwright's `page.pdf()`, the print CSS the browser's
 * Print and the desktop app's printToPDF both use), its text read back with pdf.js: the header,
 * every interval with its attributes, the strip log on a page of its own, every tray photo printed
 * as an image with its caption. Then offline: photos the cache on this computer does not hold are
 * listed as missing, the rest still print.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test, type CorelogInstance } from '../fixtures';
import { markedPicture } from './photo-files';
import { openPhotosAt } from './photo-screen';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = `${LIVE}/Diamond Drilling/FF-DD-0012`;
/** FF-DD-0012 as the emulator seeds it (emulators/imago/seed.ts): each interval has a Wet and a Dry photo. */
const SEEDED = [
  { range: '102.00–106.80 m', lithology: 'Basalt', colour: '#4A5A3C', rqd: 82 },
  { range: '106.80–111.50 m', lithology: 'Basalt', colour: '#4A5A3C', rqd: 76 },
  { range: '111.50–116.30 m', lithology: 'Quartz vein', colour: '#E8E4D8', rqd: 64 },
  { range: '116.30–121.00 m', lithology: 'Dolerite', colour: '#3B4248', rqd: 91 },
];
const CAPTIONS = SEEDED.flatMap((s) => ['Dry', 'Wet'].map((type) => `Core Trays ${s.range} · ${type}`));

interface PdfPage {
  text: string;
  images: number;
}

/** Each page's text (whitespace collapsed) and how many images it paints, read with pdf.js. */
async function readPdf(bytes: Buffer): Promise<PdfPage[]> {
  const document = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const page = await document.getPage(n);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        .replace(/\s+/g, ' ');
      const operators = await page.getOperatorList();
      const images = operators.fnArray.filter((fn) => fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageXObjectRepeat).length;
      pages.push({ text, images });
    }
    return pages;
  } finally {
    await document.destroy();
  }
}

async function openHole(app: Page, corelog: CorelogInstance) {
  await openPhotosAt(app, corelog);
  await app.getByLabel('Hole', { exact: true }).selectOption(HOLE);
  await expect(app.getByTestId('strip-block')).toHaveCount(4);
}

async function openReport(app: Page) {
  await app.getByRole('button', { name: 'Hole report', exact: true }).click();
  const report = app.getByTestId('hole-report');
  await expect(report).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  return report;
}

/** Imago's image id of the seeded photo at `from` of that image type. */
function imageIdAt(imago: ImagoEmulator, from: number, imageType: string): string {
  const world = imago.world;
  const collection = world.collections.find((c) => c.name === 'FF-DD-0012' && world.datasets.find((d) => d.id === c.datasetId)?.name === 'Diamond Drilling')!;
  const imagery = world.imageries.find((i) => i.collectionId === collection.id && i.startDepth === from)!;
  const type = world.imageryTypes.find((t) => t.id === imagery.imageryTypeId)!;
  const typeId = type.imageTypes.find((t) => t.name === imageType)!.id;
  return world.images.find((i) => i.imageryId === imagery.id && i.imageTypeId === typeId && !i.deleted)!.id;
}

test.describe('hole report', () => {
  test('the report of a seeded hole prints every interval, the strip log and every photo; its PDF has three pages', async ({ app, corelog }) => {
    test.setTimeout(90_000);
    await openHole(app, corelog);
    const report = await openReport(app);

    // On screen: the header, the table row by row, all eight photos decoded.
    await expect(report.getByRole('heading', { level: 1 })).toHaveText('Hole report: FF-DD-0012');
    const rows = report.getByTestId('report-interval');
    await expect(rows).toHaveCount(4);
    for (const [index, seeded] of SEEDED.entries()) {
      await expect(rows.nth(index)).toContainText(seeded.range);
      await expect(rows.nth(index)).toContainText(seeded.lithology);
      await expect(rows.nth(index)).toContainText(String(seeded.rqd));
      await expect(rows.nth(index)).toContainText(seeded.colour);
    }
    await expect(report.getByTestId('report-photo')).toHaveCount(8);
    expect(await report.locator('[data-testid=report-photo] figcaption').allTextContents()).toEqual(CAPTIONS);
    await expect.poll(() => report.locator('[data-testid=report-photo] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(8);
    await expect(report.getByTestId('strip-log')).toHaveAttribute('data-mode', 'print');
    await expect(report.locator('[data-testid=strip-thumb][data-state=shown]')).toHaveCount(8, { timeout: 20_000 });
    await expect(report.getByTestId('report-missing')).toContainText('None: every photo is in this report.');

    const pages = await readPdf(await app.pdf({ format: 'A4', printBackground: true }));
    expect(pages.map((p) => p.text.slice(0, 40))).toHaveLength(3);
    const [first, strip, photos] = pages as [PdfPage, PdfPage, PdfPage];

    // Page 1: the header and the interval table, and nothing of the app behind the report.
    expect(first.text).toContain('Hole report: FF-DD-0012');
    for (const fact of ['Workspace', LIVE, 'Dataset Diamond Drilling', 'Hole FF-DD-0012', 'Units metres', 'Date', 'Made by demo', 'Intervals 4', 'Tray photos 8']) expect(first.text).toContain(fact);
    // Each row: its depths, then its attributes (boxes, RQD %, lithology, colour, …) in the definitions' order.
    for (const seeded of SEEDED) expect(first.text).toMatch(new RegExp(`${seeded.range} \\d+ \\d+ ${seeded.rqd} ${seeded.lithology} ${seeded.colour} A\\. Nguyen 2024-03-11 ${seeded.lithology}, logged from wet photo\\. in Imago`));
    for (const chrome of ['Refresh from Imago', 'New hole', 'Print or save as PDF', 'Upload queue']) expect(first.text).not.toContain(chrome);

    // Page 2: the strip log alone, with its depth axis and the seeded thumbnails.
    expect(strip.text).toMatch(/^ ?Strip log/);
    expect(strip.text).toContain('Core Trays');
    expect(strip.text).not.toContain('Tray photos');
    expect(strip.images).toBe(8);

    // Page 3: the eight tray photos in depth order, each an image with its caption, and no missing ones.
    expect(photos.text).toMatch(/^ ?Tray photos/);
    const positions = CAPTIONS.map((caption) => photos.text.indexOf(caption));
    expect(positions.every((p) => p >= 0), photos.text).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(photos.images).toBe(8);
    expect(photos.text).toContain('Photos missing from the cache None: every photo is in this report.');

    // Browser mode saves through the browser's own Print (its "Save as PDF" printer), on the same print CSS.
    await app.evaluate(() => window.addEventListener('beforeprint', () => (document.body.dataset.printAsked = String(Number(document.body.dataset.printAsked ?? 0) + 1))));
    await app.getByRole('button', { name: 'Print or save as PDF…' }).click();
    await expect(app.locator('body')).toHaveAttribute('data-print-asked', '1');
  });

  test('offline, from the cache: the photos it holds print, the one it lacks is listed as missing', async ({ app, corelog, emulators }) => {
    test.setTimeout(90_000);
    const imago = emulators!.imago;
    await openHole(app, corelog);
    // Seen once online (the report fetches the photos through main's disk cache), then closed.
    await openReport(app);
    await app.getByRole('dialog', { name: 'Hole report' }).getByRole('button', { name: 'Close', exact: true }).click();
    await expect(app.getByTestId('hole-report')).toHaveCount(0);

    // Imago goes out of reach, and one photo was never kept on this computer (its cached copies removed).
    imago.server.faults = { ...imago.server.faults, down: true };
    const lost = imageIdAt(imago, 111.5, 'Wet');
    const cacheDir = join(corelog.dataDir, 'image-cache');
    const cached = (await readdir(cacheDir)).filter((name) => name.startsWith(`${lost}-`));
    expect(cached.length).toBeGreaterThan(0);
    for (const name of cached) await rm(join(cacheDir, name));
    await app.reload();
    await expect(app.getByTestId('strip-block')).toHaveCount(4);

    // A tray photographed offline below the seeded ones: its interval and photo wait for Imago, and print from this computer.
    const folder = await mkdtemp(join(tmpdir(), 'corelog-report-'));
    try {
      const file = join(folder, 'FF-DD-0012_125.0_127.5_Wet.png');
      await writeFile(file, await markedPicture(12));
      await app.getByLabel('Add photos').setInputFiles([file]);
      await expect(app.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
      await app.getByTestId('queue-drafts').click();
      await expect(app.getByTestId('strip-block')).toHaveCount(5);
    } finally {
      await removeTestFolder(folder);
    }

    const report = await openReport(app);
    const rows = report.getByTestId('report-interval');
    await expect(rows).toHaveCount(5);
    await expect(rows.nth(4)).toContainText('125.00–127.50 m');
    await expect(rows.nth(4)).toContainText('not in Imago yet');
    await expect(report.getByTestId('report-photo')).toHaveCount(8);
    await expect(report.getByTestId('report-photo').last()).toHaveText('Core Trays 125.00–127.50 m · Wet (not in Imago yet)');
    await expect.poll(() => report.locator('[data-testid=report-photo] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(8);
    const missing = report.getByTestId('report-missing-photo');
    await expect(missing).toHaveCount(1);
    await expect(missing).toHaveText('Core Trays 111.50–116.30 m · Wet: Not in the cache on this computer, and Imago could not be reached.');
    await expect(report.getByRole('heading', { level: 1 })).toHaveText('Hole report: FF-DD-0012');

    const pages = await readPdf(await app.pdf({ format: 'A4', printBackground: true }));
    expect(pages).toHaveLength(3);
    const photos = pages[2]!;
    expect(pages[0]!.text).toContain('Tray photos 9 (1 missing from the cache, listed at the end)');
    expect(pages[0]!.text).toContain('Intervals marked “not in Imago yet” were logged on this computer');
    for (const range of [...SEEDED.map((s) => s.range), '125.00–127.50 m']) expect(pages[0]!.text).toContain(range);
    for (const caption of CAPTIONS.filter((c) => c !== 'Core Trays 111.50–116.30 m · Wet')) expect(photos.text).toContain(caption);
    expect(photos.text).toContain('Core Trays 125.00–127.50 m · Wet (not in Imago yet)');
    // Seven of Imago's photos from the cache and the one waiting to upload, from the local store.
    expect(photos.images).toBe(8);
    expect(photos.text).toContain('Photos missing from the cache');
    expect(photos.text).toContain('Core Trays 111.50–116.30 m · Wet: Not in the cache on this computer, and Imago could not be reached.');
  });
});
