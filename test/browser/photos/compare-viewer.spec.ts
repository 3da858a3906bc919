/**
 * The photo viewer side by side (issue 12 §3), in browser mode against the Imago emulator: two
 * image types of one interval and one type of two neighbouring intervals, zoomed and panned
 * together (wheel, drag, keys), stepped along the hole with the keyboard, full screen, depth
 * labels in the dataset's units, and the photos still there offline from main's disk cache.
 *
 * "Together" is checked on what Chromium lays out: each photo's box relative to its pane.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test, type CorelogInstance } from '../fixtures';
import { markedPicture } from './photo-files';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = `${LIVE}/Diamond Drilling/FF-DD-0012`;

async function openHole(app: Page, corelog: CorelogInstance, where: { workspace: string; dataset: string; hole: string }) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(where.workspace);
  await app.getByLabel('Dataset').selectOption(where.dataset);
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  if (where.hole) await app.getByLabel('Hole', { exact: true }).selectOption(where.hole);
}

/** Opens the viewer from the depth list's first button for that image type. */
async function openViewer(app: Page, imageType: string): Promise<Locator> {
  await app.getByTestId('depth-strip').getByRole('button', { name: imageType, exact: true }).first().click();
  const viewer = app.getByTestId('photo-viewer');
  await expect(viewer).toBeFocused();
  return viewer;
}

/** Imago's image id for a hole's interval (by its From) and image type, as the viewer keys it. */
function remoteKey(imago: ImagoEmulator, hole: string, from: number, imageType: string): string {
  const world = imago.world;
  const image = world.images.find((i) => {
    const imagery = world.imageries.find((r) => r.id === i.imageryId)!;
    const collection = world.collections.find((c) => c.id === imagery.collectionId)!;
    const type = world.imageryTypes.find((t) => t.id === imagery.imageryTypeId)!;
    return collection.name === hole && imagery.startDepth === from && type.imageTypes.find((t) => t.id === i.imageTypeId)?.name === imageType;
  });
  if (!image) throw new Error(`no ${imageType} image at ${from} in ${hole}`);
  return `remote:${image.id}`;
}

interface Placement {
  /** The photo's box relative to its pane's frame, as laid out (transform included). */
  left: number;
  top: number;
  width: number;
  height: number;
  frameWidth: number;
  frameHeight: number;
  loaded: boolean;
}

/** Where each pane's photo sits in its frame, left pane first. */
function placements(viewer: Locator): Promise<Placement[]> {
  return viewer.getByTestId('viewer-frame').evaluateAll((frames) =>
    frames.map((frame) => {
      const f = frame.getBoundingClientRect();
      const img = frame.querySelector('img');
      const i = img?.getBoundingClientRect() ?? { left: NaN, top: NaN, width: NaN, height: NaN };
      return { left: i.left - f.left, top: i.top - f.top, width: i.width, height: i.height, frameWidth: f.width, frameHeight: f.height, loaded: Boolean(img && img.complete && img.naturalWidth > 0) };
    }),
  );
}

/** Both photos loaded and laid out the same in their panes (to the pixel), and where that is. */
async function linkedPlacement(viewer: Locator): Promise<Placement> {
  let last: Placement[] = [];
  await expect
    .poll(async () => {
      last = await placements(viewer);
      const [a, b] = last;
      if (!a || !b || !a.loaded || !b.loaded) return 'not loaded';
      const apart = Math.max(...(['left', 'top', 'width', 'height'] as const).map((k) => Math.abs(a[k] - b[k])));
      return apart <= 1 ? 'linked' : `apart by ${apart.toFixed(1)} px: ${JSON.stringify(last)}`;
    })
    .toBe('linked');
  return last[0]!;
}

const captions = (viewer: Locator) => viewer.getByTestId('pane-caption');
const shownPhotos = (viewer: Locator) => viewer.getByTestId('viewer-image').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('data-photo')));

test.describe('photo viewer side by side', () => {
  test('Wet and Dry of one interval zoom and pan together; ← → step along the hole; two neighbouring intervals; full screen', async ({ app, corelog, emulators }) => {
    test.setTimeout(90_000);
    const imago = emulators!.imago;
    await openHole(app, corelog, { workspace: LIVE, dataset: 'Diamond Drilling', hole: HOLE });
    const viewer = await openViewer(app, 'Dry');
    await expect(viewer).toHaveAttribute('data-layout', 'single');

    // Two image types of one interval, Wet on the left.
    await viewer.getByRole('button', { name: 'Two types' }).click();
    await expect(viewer).toHaveAttribute('data-layout', 'types');
    await viewer.getByLabel('Left image type').selectOption('Wet');
    await expect(viewer).toBeFocused();
    await expect(captions(viewer)).toHaveText(['102.00–106.80 m · Wet', '102.00–106.80 m · Dry']);
    await expect(viewer.getByTestId('viewer-caption')).toHaveText('FF-DD-0012 102.00–106.80 m · Wet | Dry');
    await expect.poll(() => shownPhotos(viewer)).toEqual([remoteKey(imago, 'FF-DD-0012', 102, 'Wet'), remoteKey(imago, 'FF-DD-0012', 102, 'Dry')]);
    const fitted = await linkedPlacement(viewer);
    // Fitted: the whole photo inside its pane.
    expect(fitted.width).toBeLessThanOrEqual(fitted.frameWidth + 0.5);
    expect(fitted.height).toBeLessThanOrEqual(fitted.frameHeight + 0.5);

    // Wheel over the left photo, off centre: both zoom, about the same point of the photo.
    const frames = viewer.getByTestId('viewer-frame');
    const leftBox = (await frames.nth(0).boundingBox())!;
    const cursor = { x: leftBox.x + fitted.left + fitted.width * 0.3, y: leftBox.y + fitted.top + fitted.height * 0.4 };
    await app.mouse.move(cursor.x, cursor.y);
    await app.mouse.wheel(0, -300);
    await expect.poll(async () => Number(await viewer.getAttribute('data-zoom'))).toBeGreaterThan(1.2);
    const zoom = Number(await viewer.getAttribute('data-zoom'));
    const wheeled = await linkedPlacement(viewer);
    expect(wheeled.width).toBeCloseTo(fitted.width * zoom, 0);
    // The photo point that was under the cursor (30 % across, 40 % down) still is.
    expect(wheeled.left + wheeled.width * 0.3).toBeCloseTo(fitted.left + fitted.width * 0.3, 0);
    expect(wheeled.top + wheeled.height * 0.4).toBeCloseTo(fitted.top + fitted.height * 0.4, 0);

    // Drag on the right photo: both move by the drag.
    const rightBox = (await frames.nth(1).boundingBox())!;
    const grab = { x: rightBox.x + rightBox.width / 2, y: rightBox.y + rightBox.height / 2 };
    await app.mouse.move(grab.x, grab.y);
    await app.mouse.down();
    await app.mouse.move(grab.x + 40, grab.y + 15, { steps: 4 });
    await app.mouse.up();
    const dragged = await linkedPlacement(viewer);
    expect(dragged.left - wheeled.left).toBeCloseTo(40, 0);
    expect(dragged.top - wheeled.top).toBeCloseTo(15, 0);

    // Keys: + zooms both, Shift+→ pans both, 0 fits both again.
    await viewer.press('+');
    await expect.poll(async () => Number(await viewer.getAttribute('data-zoom'))).toBeCloseTo(zoom * 1.25, 2);
    const plussed = await linkedPlacement(viewer);
    expect(plussed.width).toBeCloseTo(dragged.width * 1.25, 0);
    await viewer.press('Shift+ArrowRight');
    const panned = await linkedPlacement(viewer);
    expect(panned.left).toBeLessThan(plussed.left - 10);
    expect(panned.top).toBeCloseTo(plussed.top, 0);
    await viewer.press('ArrowDown');
    const pannedDown = await linkedPlacement(viewer);
    expect(pannedDown.top).toBeLessThan(panned.top - 5);

    // ← → along the hole, keeping the zoom and pan; Home and End go to either end.
    await viewer.press('ArrowRight');
    await expect(captions(viewer)).toHaveText(['106.80–111.50 m · Wet', '106.80–111.50 m · Dry']);
    await expect.poll(() => shownPhotos(viewer)).toEqual([remoteKey(imago, 'FF-DD-0012', 106.8, 'Wet'), remoteKey(imago, 'FF-DD-0012', 106.8, 'Dry')]);
    const stepped = await linkedPlacement(viewer);
    expect(stepped.left).toBeCloseTo(pannedDown.left, 0);
    expect(stepped.width).toBeCloseTo(pannedDown.width, 0);
    await viewer.press('End');
    await expect(captions(viewer)).toHaveText(['116.30–121.00 m · Wet', '116.30–121.00 m · Dry']);
    await viewer.press('ArrowRight');
    await expect(captions(viewer)).toHaveText(['116.30–121.00 m · Wet', '116.30–121.00 m · Dry']);
    await expect(viewer.getByRole('button', { name: 'Deeper' })).toBeDisabled();
    await viewer.press('ArrowLeft');
    await expect(captions(viewer)).toHaveText(['111.50–116.30 m · Wet', '111.50–116.30 m · Dry']);
    await viewer.press('Home');
    await expect(captions(viewer)).toHaveText(['102.00–106.80 m · Wet', '102.00–106.80 m · Dry']);
    await viewer.press('0');
    const refitted = await linkedPlacement(viewer);
    expect(refitted.left).toBeCloseTo(fitted.left, 0);
    expect(refitted.width).toBeCloseTo(fitted.width, 0);

    // One image type of two neighbouring intervals; the pair ends on the deepest interval.
    await viewer.getByRole('button', { name: 'Two intervals' }).click();
    await expect(viewer).toHaveAttribute('data-layout', 'neighbours');
    await viewer.getByLabel('Image type', { exact: true }).selectOption('Dry');
    await expect(captions(viewer)).toHaveText(['102.00–106.80 m · Dry', '106.80–111.50 m · Dry']);
    await expect.poll(() => shownPhotos(viewer)).toEqual([remoteKey(imago, 'FF-DD-0012', 102, 'Dry'), remoteKey(imago, 'FF-DD-0012', 106.8, 'Dry')]);
    await viewer.press('ArrowRight');
    await expect(captions(viewer)).toHaveText(['106.80–111.50 m · Dry', '111.50–116.30 m · Dry']);
    await viewer.press('ArrowRight');
    await viewer.press('ArrowRight');
    await expect(captions(viewer)).toHaveText(['111.50–116.30 m · Dry', '116.30–121.00 m · Dry']);
    await expect(viewer.getByTestId('viewer-caption')).toHaveText('FF-DD-0012 111.50–116.30 m | 116.30–121.00 m · Dry');
    await viewer.press('=');
    await viewer.press('Shift+ArrowLeft');
    const neighbours = await linkedPlacement(viewer);
    expect(neighbours.width).toBeCloseTo(fitted.width * 1.25, 0);
    expect(neighbours.left).toBeGreaterThan(fitted.left - fitted.width * 0.125 + 5);

    // Full screen: the photos use the whole window; Esc leaves full screen first, then closes.
    const viewport = app.viewportSize()!;
    await viewer.press('f');
    await expect(viewer).toHaveAttribute('data-full', 'true');
    await expect.poll(() => app.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? null)).toBe('photo-viewer');
    const stage = viewer.locator('.viewer-stage');
    await expect.poll(async () => {
      const box = (await stage.boundingBox())!;
      const size = await app.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
      return Math.round(box.y) === 0 && Math.round(box.height) === size.height && Math.round(box.width) === size.width;
    }).toBe(true);
    await linkedPlacement(viewer);
    await viewer.press('ArrowLeft');
    await expect(captions(viewer)).toHaveText(['106.80–111.50 m · Dry', '111.50–116.30 m · Dry']);
    await viewer.press('Escape');
    await expect(viewer).toHaveAttribute('data-full', 'false');
    await expect.poll(() => app.evaluate(() => document.fullscreenElement)).toBeNull();
    expect(app.viewportSize()).toEqual(viewport);
    await expect(viewer).toBeVisible();
    await viewer.press('Escape');
    await expect(viewer).toHaveCount(0);

    // The layout and type are remembered for the next opening.
    const again = await openViewer(app, 'Wet');
    await expect(again).toHaveAttribute('data-layout', 'neighbours');
    await expect(captions(again)).toHaveText(['102.00–106.80 m · Dry', '106.80–111.50 m · Dry']);
  });

  test('depths are labelled in the dataset’s units, a missing photo is said, and a hole browsed once compares offline', async ({ app, corelog, emulators }) => {
    const imago = emulators!.imago;
    // The archive keeps its depths in feet; its one interval has a Dry photo and no Wet one.
    await openHole(app, corelog, { workspace: 'Firefly Legacy Archive', dataset: '1998 Historic Core', hole: 'Firefly Legacy Archive/1998 Historic Core/FF-DD-0013' });
    let viewer = await openViewer(app, 'Dry');
    await viewer.getByRole('button', { name: 'Two types' }).click();
    await viewer.getByLabel('Left image type').selectOption('Dry');
    await expect(captions(viewer)).toHaveText(['0.00–15.00 ft · Dry', '0.00–15.00 ft · Wet']);
    await expect(viewer.getByTestId('pane-empty')).toHaveText('No Wet photo for 0.00–15.00 ft.');
    await expect.poll(() => shownPhotos(viewer)).toEqual([remoteKey(imago, 'FF-DD-0013', 0, 'Dry')]);
    await viewer.press('Escape');

    // Browse the live hole side by side once, then lose Imago and start afresh (no photo in the page's memory).
    await app.getByLabel('Workspace').selectOption(LIVE);
    await app.getByLabel('Dataset').selectOption('Diamond Drilling');
    await app.getByLabel('Imagery type').selectOption('Core Trays');
    await app.getByLabel('Hole', { exact: true }).selectOption(HOLE);
    viewer = await openViewer(app, 'Wet');
    await viewer.getByLabel('Left image type').selectOption('Wet');
    await expect(captions(viewer)).toHaveText(['102.00–106.80 m · Wet', '102.00–106.80 m · Dry']);
    await linkedPlacement(viewer);
    await viewer.press('ArrowRight');
    await expect(captions(viewer)).toHaveText(['106.80–111.50 m · Wet', '106.80–111.50 m · Dry']);
    await linkedPlacement(viewer);
    const fetched = imago.server.log.list().filter((e) => e.method === 'GET' && e.path.includes('/image')).length;
    expect(fetched).toBeGreaterThanOrEqual(4);

    imago.server.faults = { ...imago.server.faults, down: true };
    await app.reload();
    await expect(app.getByTestId('app-version')).toHaveText('v0.0.0-test');
    await app.getByRole('button', { name: 'Photos', exact: true }).click();
    await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(HOLE);
    viewer = await openViewer(app, 'Wet');
    await expect(viewer).toHaveAttribute('data-layout', 'types');
    await expect(captions(viewer)).toHaveText(['102.00–106.80 m · Wet', '102.00–106.80 m · Dry']);
    await linkedPlacement(viewer);
    await viewer.press('ArrowRight');
    await expect.poll(() => shownPhotos(viewer)).toEqual([remoteKey(imago, 'FF-DD-0012', 106.8, 'Wet'), remoteKey(imago, 'FF-DD-0012', 106.8, 'Dry')]);
    await linkedPlacement(viewer);
    await expect(viewer.getByTestId('viewer-error')).toHaveCount(0);
  });

  test('photos not uploaded yet compare side by side from the local store', async ({ app, corelog, emulators }) => {
    const imago = emulators!.imago;
    const dir = await mkdtemp(join(tmpdir(), 'corelog-compare-'));
    try {
      const files = [
        ['FF-DD-0500_0.0_3.0_Wet.png', 11],
        ['FF-DD-0500_0.0_3.0_Dry.png', 12],
        ['FF-DD-0500_3.0_6.0_Wet.png', 13],
      ] as const;
      for (const [name, seed] of files) await writeFile(join(dir, name), await markedPicture(seed, 900, 400));
      await openHole(app, corelog, { workspace: LIVE, dataset: 'Diamond Drilling', hole: '' });
      // Imago is out of reach: the photos stay queued here, and the viewer takes them from the local store.
      imago.server.faults = { ...imago.server.faults, down: true };
      await app.getByLabel('New hole name').fill('FF-DD-0500');
      await app.getByRole('button', { name: 'New hole' }).click();
      await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/Diamond Drilling/FF-DD-0500`);
      await app.getByLabel('Add photos').setInputFiles(files.map(([name]) => join(dir, name)));
      await expect(app.getByTestId('draft')).toHaveCount(3, { timeout: 30_000 });
      await app.getByTestId('queue-drafts').click();
      await expect(app.getByTestId('draft')).toHaveCount(0);

      await app.getByTestId('depth-strip').getByRole('button', { name: /^Wet photo FF-DD-0500_0\.0/ }).click();
      const viewer = app.getByTestId('photo-viewer');
      await expect(viewer).toBeFocused();
      await viewer.getByRole('button', { name: 'Two types' }).click();
      await viewer.getByLabel('Left image type').selectOption('Wet');
      await viewer.getByLabel('Right image type').selectOption('Dry');
      await expect(captions(viewer)).toHaveText(['0.00–3.00 m · Wet', '0.00–3.00 m · Dry']);
      await expect.poll(async () => (await shownPhotos(viewer)).map((key) => key?.split(':')[0])).toEqual(['local', 'local']);
      const fitted = await linkedPlacement(viewer);
      await viewer.press('+');
      await viewer.press('+');
      await viewer.press('Shift+ArrowLeft');
      const moved = await linkedPlacement(viewer);
      expect(moved.width).toBeCloseTo(fitted.width * 1.5625, 0);
      expect(moved.left).toBeGreaterThan(fitted.left - (moved.width - fitted.width) / 2 + 5);

      await viewer.press('ArrowRight');
      await expect(captions(viewer)).toHaveText(['3.00–6.00 m · Wet', '3.00–6.00 m · Dry']);
      await expect(viewer.getByTestId('pane-empty')).toHaveText('No Dry photo for 3.00–6.00 m.');
      await expect(viewer.getByTestId('viewer-image')).toHaveCount(1);
      expect(imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image' && e.status === 200)).toHaveLength(0);

      // Closing the viewer in full screen gives the window back.
      await viewer.press('F');
      await expect.poll(() => app.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? null)).toBe('photo-viewer');
      await viewer.getByRole('button', { name: 'Close' }).click();
      await expect(viewer).toHaveCount(0);
      await expect.poll(() => app.evaluate(() => document.fullscreenElement)).toBeNull();
    } finally {
      await removeTestFolder(dir);
    }
  });
});
