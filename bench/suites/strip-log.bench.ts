/**
 * Strip log benchmarks (issue 12 §1), in Debian Chromium against browser mode: one hole of 2,000
 * intervals (Core Trays, with lithology, colour and RQD %) and 4,000 Wet/Dry photos with their
 * thumbnails, written straight into the page's IndexedDB for speed. Imago is unreachable
 * throughout: the strip draws from IndexedDB alone.
 * - first paint (< 200 ms): from the strip log's first render to the frame after its blocks are
 *   drawn (its own `strip-log:first-paint` measure, taken in the page), cold after a reload. The
 *   row is the strip itself: the form is on another imagery type (empty) with Core Trays shown
 *   beside it, so the interval list below the strip (HoleLog, not part of the strip) has nothing
 *   to list. The same open with the list showing all 2,000 intervals and their thumbnails, and the
 *   whole Photos screen from the nav click, are logged beside it.
 * - one zoom step (< 50 ms): a `+` or `−` key on the strip until the new scale is drawn and the
 *   thumbnails of the intervals then in view have been read and placed, then the next frame.
 *   Every step from the whole hole down to one metre and back is timed; the median is the row.
 */
import type { Page } from '@playwright/test';
import { openApp, startBrowserStack, stopBrowserStack, UNREACHABLE, type BrowserStack } from '../browser-stack';
import { below, round, type BenchContext, type BenchSuite } from '../bench-harness';

const WORKSPACE = 'Bench Workspace';
const DATASET = 'Bench Drilling';
const HOLE = 'BENCH-DD-2000';

const openPhotosScreen = `[...document.querySelectorAll('nav[aria-label=Screens] button')].find((b) => b.textContent === 'Photos').click()`;
const openEventLog = `[...document.querySelectorAll('nav[aria-label=Screens] button')].find((b) => b.textContent === 'Event log').click()`;

/** Writes the catalogue, the hole, `count` intervals and two photos each into the app's IndexedDB, and selects the hole. */
async function seedHole(page: Page, count: number): Promise<void> {
  await page.evaluate(
    async ({ count, workspace, dataset, hole }) => {
      // Eight small JPEG thumbnails in tray colours, as intake makes them (160 px wide).
      const thumbs: Blob[] = [];
      for (let n = 0; n < 8; n++) {
        const canvas = new OffscreenCanvas(160, 120);
        const g = canvas.getContext('2d')!;
        g.fillStyle = `hsl(${n * 40} 30% ${30 + n * 5}%)`;
        g.fillRect(0, 0, 160, 120);
        for (let row = 0; row < 4; row++) {
          g.fillStyle = `hsl(${n * 40 + row * 10} 20% ${45 + row * 6}%)`;
          g.fillRect(6, 6 + row * 28, 148, 22);
        }
        thumbs.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 }));
      }
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('corelog-photos');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const put = (store: string, rows: unknown[]) =>
        new Promise<void>((resolve, reject) => {
          const tx = db.transaction(store, 'readwrite');
          for (const row of rows) tx.objectStore(store).put(row);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      const now = new Date().toISOString();
      const definitions = [
        { name: 'Core Tray Box Numbers', attributeTypes: [{ name: 'StartBox', dataType: 'number' }, { name: 'EndBox', dataType: 'number' }] },
        { name: 'Geotechnical', attributeTypes: [{ name: 'RQD %', dataType: 'number' }] },
        { name: 'Geology', attributeTypes: [{ name: 'Lithology', dataType: 'string' }, { name: 'Lithology colour', dataType: 'colour' }, { name: 'Comments', dataType: 'note' }] },
      ];
      await put('catalogue', [
        {
          id: 'imago',
          fetchedAt: now,
          workspaces: [
            {
              id: 'w1',
              name: workspace,
              readonly: false,
              folder: null,
              datasets: [
                {
                  id: 'd1',
                  name: dataset,
                  lengthUnits: 'metres',
                  imageryTypes: [
                    { id: 't1', name: 'Core Trays', geometryType: 'trace', imageTypes: [{ name: 'Wet' }, { name: 'Dry' }], attributeDefinitions: definitions },
                    { id: 't2', name: 'Chips', geometryType: 'trace', imageTypes: [{ name: 'Dry' }], attributeDefinitions: definitions.slice(2) },
                  ],
                },
              ],
            },
          ],
        },
      ]);
      const holeId = `${workspace}/${dataset}/${hole}`;
      await put('holes', [{ id: holeId, workspaceName: workspace, datasetName: dataset, name: hole, remoteId: 'remote-hole' }]);
      const rocks = [
        ['Saprolite', '#B5834F'],
        ['Basalt', '#4A5A3C'],
        ['Quartz vein', '#E8E4D8'],
        ['Dolerite', '#3B4248'],
        ['Shale', '#5B5B66'],
      ] as const;
      const intervals = [];
      const photos = [];
      let depth = 0;
      for (let i = 0; i < count; i++) {
        const length = 1.5 + ((i * 7) % 16) / 10; // 1.5–3.0 m
        const from = Number((depth + (i % 97 === 50 ? 0.4 : 0)).toFixed(2)); // a gap now and then
        const to = Number((from + length).toFixed(2));
        depth = to;
        const [lithology, colour] = rocks[Math.floor(i / 7) % rocks.length]!;
        const id = `bench-interval-${String(i).padStart(5, '0')}`;
        intervals.push({
          id,
          holeId,
          imageryTypeName: 'Core Trays',
          from,
          to,
          attributes: { 'Core Tray Box Numbers': { StartBox: i + 1, EndBox: i + 1 }, Geotechnical: { 'RQD %': (i * 37) % 101 }, Geology: { Lithology: lithology, 'Lithology colour': colour, Comments: null } },
          remoteId: i % 50 === 49 ? null : `remote-${i}`,
          remoteImages: [],
          updatedAt: now,
        });
        for (const [k, imageTypeName] of ['Wet', 'Dry'].entries()) {
          photos.push({
            id: `bench-photo-${i}-${imageTypeName}`,
            sha256: `${String(i).padStart(8, '0')}${k}`.padEnd(64, '0'),
            originalName: `${hole}_${from}_${to}_${imageTypeName}.jpg`,
            mimeType: 'image/jpeg',
            width: 4000,
            height: 3000,
            bytes: 4_000_000,
            converted: null,
            thumbnail: thumbs[(i + k) % thumbs.length],
            source: 'picker',
            workspaceName: workspace,
            datasetName: dataset,
            binding: { hole, imageryTypeName: 'Core Trays', imageTypeName, from, to },
            intervalId: id,
            state: 'uploaded',
            remoteImageId: `remote-image-${i}-${k}`,
            lastError: null,
            createdAt: now,
            uploadedAt: now,
          });
        }
      }
      await put('intervals', intervals);
      for (let i = 0; i < photos.length; i += 500) await put('photos', photos.slice(i, i + 500));
      // Core Trays shown beside whichever imagery type the form is on (see selectImageryType).
      await put('settings', [{ key: 'stripLog.beside.d1', value: ['t1'] }]);
      db.close();
    },
    { count, workspace: WORKSPACE, dataset: DATASET, hole: HOLE },
  );
}

/** Puts the Photos screen's selection on the bench hole and `imageryTypeName` (read at the next load). */
async function selectImageryType(page: Page, imageryTypeName: string): Promise<void> {
  await page.evaluate(
    ({ workspaceName, datasetName, hole, imageryTypeName }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('corelog-photos');
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          tx.objectStore('settings').put({ key: 'selection', value: { workspaceName, datasetName, holeId: `${workspaceName}/${datasetName}/${hole}`, imageryTypeName, intervalId: '', imageTypeName: '' } });
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    { workspaceName: WORKSPACE, datasetName: DATASET, hole: HOLE, imageryTypeName },
  );
}

/**
 * Runs `action` in the page and resolves with the ms until `done()` holds after a DOM change and
 * the browser has drawn the next frame.
 */
async function timeInPage(page: Page, action: string, done: string): Promise<number> {
  return page.evaluate(
    ({ action, done }) =>
      new Promise<number>((resolve, reject) => {
        const isDone = new Function(`return (${done})`) as () => boolean;
        const t0 = performance.now();
        let finished = false;
        const finish = () => {
          if (finished || !isDone()) return;
          finished = true;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
        };
        const observer = new MutationObserver(finish);
        observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        setTimeout(() => {
          if (finished) return;
          observer.disconnect();
          reject(new Error(`not done after 30 s: ${done}`));
        }, 30_000);
        (new Function(action) as () => void)();
      }),
    { action, done },
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The strip has its blocks drawn and the thumbnails in view read and placed. */
const STRIP_SETTLED = (blocks: number) => `(() => {
  const body = document.querySelector('[data-testid=strip-body]');
  if (!body || body.getAttribute('data-blocks') !== '${blocks}' || document.querySelector('.strip-scaled path') === null) return false;
  if (body.getAttribute('data-visible-key') !== body.getAttribute('data-photos-key')) return false;
  return [...document.querySelectorAll('[data-testid=strip-thumb][data-source=local]')].every((g) => g.querySelector('image') !== null);
})()`;

async function benchStrip(stack: BrowserStack, context: BenchContext, count: number): Promise<void> {
  const page = await stack.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  await openApp(page, stack.server.url);
  // The Photos screen opens the photos database at its current version before it is written to.
  await page.evaluate(openPhotosScreen);
  await page.getByRole('heading', { name: 'Photos', exact: true }).waitFor();
  const seedStart = Date.now();
  await seedHole(page, count);
  context.log(`seeded ${count.toLocaleString('en-US')} intervals and ${(2 * count).toLocaleString('en-US')} photos with thumbnails in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const label = `${count.toLocaleString('en-US')} intervals, ${(2 * count).toLocaleString('en-US')} thumbnails`;

  /** Opens Photos cold `runs` times; the strip's own first paint and the whole screen's, in ms. */
  const open = async (runs: number) => {
    const own: number[] = [];
    const screen: number[] = [];
    const reads: number[] = [];
    for (let i = 0; i < runs; i++) {
      await openApp(page, stack.server.url);
      // Another screen first, so each run opens Photos cold.
      await page.evaluate(openEventLog);
      await page.evaluate(() => performance.clearMeasures());
      screen.push(await timeInPage(page, openPhotosScreen, STRIP_SETTLED(count)));
      const measured = await page.evaluate(async () => {
        for (let n = 0; n < 100; n++) {
          const paint = performance.getEntriesByName('strip-log:first-paint').at(-1);
          const read = performance.getEntriesByName('strip-log:data-read').at(-1);
          if (paint && read) return { paint: paint.duration, read: read.duration };
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error('the strip log recorded no first paint');
      });
      own.push(measured.paint);
      reads.push(measured.read);
    }
    return { own, screen, reads };
  };
  const runs = context.smoke ? 1 : 5;

  // The hole's intervals also listed in the interval list below the strip (HoleLog, with its thumbnails), as a geologist logging Core Trays sees it.
  await selectImageryType(page, 'Core Trays');
  const withList = await open(runs);
  context.log(`with the interval list of the same ${count.toLocaleString('en-US')} intervals below: strip first paint ${withList.own.map(round).join(', ')} ms; whole Photos screen ${withList.screen.map(round).join(', ')} ms`);

  // The strip alone: the form on another imagery type (Chips, empty), Core Trays shown beside it.
  await selectImageryType(page, 'Chips');
  const alone = await open(runs);
  context.log(`strip alone: first paint ${alone.own.map(round).join(', ')} ms (of which reading IndexedDB ${alone.reads.map(round).join(', ')} ms); whole Photos screen ${alone.screen.map(round).join(', ')} ms`);
  context.record(below(`strip log: first paint (${label})`, median(alone.own), 'ms', 200));

  // Zoom steps: whole hole → one metre with +, then back with −, each timed until drawn.
  const strip = page.locator('.strip-scroller');
  await strip.focus();
  const key = (k: string) => `document.querySelector('.strip-scroller').dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(k)}, bubbles: true }))`;
  const scaleNow = () => page.locator('[data-testid=strip-body]').getAttribute('data-scale');
  const steps: { direction: string; ms: number; thumbs: number }[] = [];
  for (const [direction, button] of [['+', 'Zoom in'], ['-', 'Zoom out']] as const) {
    // The button is disabled at the limit (one metre filling the view; the whole hole).
    for (let n = 0; n < 40 && (await page.getByRole('button', { name: button }).isEnabled()); n++) {
      const before = await scaleNow();
      const ms = await timeInPage(page, key(direction), `document.querySelector('[data-testid=strip-body]').getAttribute('data-scale') !== ${JSON.stringify(before)} && ${STRIP_SETTLED(count)}`);
      steps.push({ direction, ms, thumbs: await page.locator('[data-testid=strip-thumb]').count() });
    }
  }
  if (steps.length < 4) throw new Error(`only ${steps.length} zoom steps happened`);
  const withThumbs = steps.filter((s) => s.thumbs > 0);
  context.log(`${steps.length} zoom steps: median ${round(median(steps.map((s) => s.ms)))} ms, slowest ${round(Math.max(...steps.map((s) => s.ms)))} ms; ${withThumbs.length} of them with thumbnails in view (median ${withThumbs.length ? round(median(withThumbs.map((s) => s.ms))) : '–'} ms, up to ${Math.max(0, ...steps.map((s) => s.thumbs))} thumbnails)`);
  context.record(below(`strip log: one zoom step (${label})`, median(steps.map((s) => s.ms)), 'ms', 50));
  await page.close();
}

const suite: BenchSuite = {
  name: 'strip-log',
  async run(context) {
    const stack = await startBrowserStack('strip', UNREACHABLE);
    try {
      await benchStrip(stack, context, context.smoke ? 200 : 2_000);
    } finally {
      await stopBrowserStack(stack);
    }
  },
};

export default suite;
