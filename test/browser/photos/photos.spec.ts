import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { redCorners } from '../../node/images/photo-fixtures';
import { expect, test, type CorelogInstance } from '../fixtures';
import { markedPicture, writeGoodPhotos, writeIssuePhotoSet, type GoodPhoto } from './photo-files';
import { removeTestFolder } from '../../support/temp-folder';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-photos-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

async function openPhotos(app: Page, corelog: CorelogInstance, select: { workspace?: string; dataset?: string; imageryType?: string } = {}) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(select.workspace ?? LIVE);
  await app.getByLabel('Dataset').selectOption(select.dataset ?? 'Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption(select.imageryType ?? 'Core Trays');
}

async function newHole(app: Page, name: string) {
  await app.getByLabel('New hole name').fill(name);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/Diamond Drilling/${name}`);
}

function setFaults(imago: ImagoEmulator, faults: Partial<ImagoEmulator['server']['faults']>) {
  imago.server.faults = { ...imago.server.faults, ...faults };
}

/** The images Imago holds for a hole, with where they sit. */
function imagesOf(imago: ImagoEmulator, hole: string) {
  const world = imago.world;
  return world.images.flatMap((image) => {
    const imagery = world.imageries.find((i) => i.id === image.imageryId)!;
    const collection = world.collections.find((c) => c.id === imagery.collectionId)!;
    if (collection.name !== hole) return [];
    const type = world.imageryTypes.find((t) => t.id === imagery.imageryTypeId)!;
    return [
      {
        ...image,
        path: imago.image(image.id)!.path,
        dataset: world.datasets.find((d) => d.id === collection.datasetId)!.name,
        imageryType: type.name,
        imageType: type.imageTypes.find((t) => t.id === image.imageTypeId)!.name,
        from: imagery.startDepth,
        to: imagery.endDepth,
      },
    ];
  });
}

const uploadsLogged = (imago: ImagoEmulator) => imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image');

async function takeIn(app: Page, photos: string[], expectedDrafts: number) {
  await app.getByLabel('Add photos').setInputFiles(photos);
  await expect(app.getByTestId('draft')).toHaveCount(expectedDrafts, { timeout: 30_000 });
}

test.describe('photos', () => {
  test('30 photos taken in while Imago is down: 26 queued, 4 refused with reasons; all 26 arrive once, upright and bound right', async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    const imago = emulators!.imago;
    const set = await writeIssuePhotoSet(dir, 'FF-DD-0200');
    await openPhotos(app, corelog);
    setFaults(imago, { down: true });
    await newHole(app, 'FF-DD-0200');

    await takeIn(app, [...set.good.map((g) => g.path), ...set.bad.map((b) => b.path)], 26);
    const rejections = app.getByTestId('rejection');
    await expect(rejections).toHaveCount(4);
    for (const bad of set.bad) {
      const name = bad.path.split('/').at(-1)!;
      await expect(rejections.filter({ hasText: name })).toContainText(bad.reason);
    }
    // Every draft shows its thumbnail, decoded from the Blob stored in IndexedDB.
    await expect.poll(() => app.locator('[data-testid=draft] img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(26);

    await app.getByTestId('queue-drafts').click();
    await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '26');
    await expect(app.getByTestId('draft')).toHaveCount(0);
    const stored = await app.evaluate(
      () =>
        new Promise<{ queued: number; thumbnails: number }>((resolve, reject) => {
          const open = indexedDB.open('corelog-photos');
          open.onsuccess = () => {
            const all = open.result.transaction('photos').objectStore('photos').getAll();
            all.onsuccess = () => {
              const rows = all.result as { state: string; thumbnail: Blob }[];
              resolve({ queued: rows.filter((r) => r.state === 'queued').length, thumbnails: rows.filter((r) => r.thumbnail instanceof Blob && r.thumbnail.size > 500).length });
            };
            all.onerror = () => reject(all.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(stored).toEqual({ queued: 26, thumbnails: 26 });
    expect(imagesOf(imago, 'FF-DD-0200')).toHaveLength(0);

    setFaults(imago, { down: false });
    await expect.poll(() => imagesOf(imago, 'FF-DD-0200').length, { timeout: 60_000 }).toBe(26);
    await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '0', { timeout: 15_000 });

    const images = imagesOf(imago, 'FF-DD-0200');
    expect(images.filter((i) => i.deleted)).toHaveLength(0);
    expect(uploadsLogged(imago).filter((e) => e.status === 200)).toHaveLength(26);
    for (const photo of set.good) {
      const match = images.filter((i) => i.from === photo.from && i.to === photo.to && i.imageType === photo.imageType);
      expect(match, `${photo.kind} ${photo.from}–${photo.to}`).toHaveLength(1);
      expect(match[0]).toMatchObject({ dataset: 'Diamond Drilling', imageryType: 'Core Trays' });
      expect(['image/jpeg', 'image/png']).toContain(match[0]!.mimeType);
      if (photo.kind !== 'jpeg' && photo.kind !== 'png') expect(await redCorners(match[0]!.path), `${photo.kind} upright`).toEqual(['top-left']);
    }
  });

  test('a lost response is not uploaded twice, and a reload in the middle of the queue resumes it', async ({ app, corelog, emulators }) => {
    test.setTimeout(90_000);
    const imago = emulators!.imago;
    const [first, ...rest] = (await writeGoodPhotos(dir, 'FF-DD-0300', 8)) as [GoodPhoto, ...GoodPhoto[]];
    const sameIntervalDry = join(dir, `FF-DD-0300_${first.from.toFixed(1)}_${first.to.toFixed(1)}_Dry.png`);
    await writeFile(sameIntervalDry, await markedPicture(500));
    await openPhotos(app, corelog);
    await newHole(app, 'FF-DD-0300');

    // First photo: creates the hole and interval (main remembers both, so the next upload goes straight to POST /image).
    await takeIn(app, [first.path], 1);
    await app.getByTestId('queue-drafts').click();
    await expect.poll(() => imagesOf(imago, 'FF-DD-0300').length).toBe(1);

    // Same interval, other image type: Imago stores it, then the connection is reset before the answer.
    setFaults(imago, { dropResponseNext: 1, failurePathIncludes: '/image', failureMethod: 'POST' });
    await takeIn(app, [sameIntervalDry], 1);
    await app.getByTestId('queue-drafts').click();
    await expect.poll(() => uploadsLogged(imago).find((e) => e.fault === 'response dropped')?.status).toBe(200);
    await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '0', { timeout: 30_000 });
    const sameInterval = imagesOf(imago, 'FF-DD-0300').filter((i) => i.from === first.from);
    expect(sameInterval.map((i) => i.imageType).sort()).toEqual(['Dry', 'Wet']);
    expect(sameInterval.filter((i) => i.deleted)).toHaveLength(0);
    expect(uploadsLogged(imago)).toHaveLength(2);

    // Slow uploads, then a reload while the queue is half-way: it carries on, nothing twice.
    setFaults(imago, { latencyMs: 600, failurePathIncludes: '' });
    await takeIn(app, rest.map((p) => p.path), rest.length);
    await app.getByTestId('queue-drafts').click();
    await expect.poll(() => imagesOf(imago, 'FF-DD-0300').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    expect(imagesOf(imago, 'FF-DD-0300').length).toBeLessThan(2 + rest.length);
    await app.reload();
    await expect(app.getByTestId('sync-imago-pending')).not.toHaveText('0 pending');
    await expect.poll(() => imagesOf(imago, 'FF-DD-0300').length, { timeout: 45_000 }).toBe(2 + rest.length);
    await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
    const all = imagesOf(imago, 'FF-DD-0300');
    expect(all.filter((i) => i.deleted)).toHaveLength(0);
    expect(uploadsLogged(imago).filter((e) => e.status === 200)).toHaveLength(2 + rest.length);
  });

  test('pause stops the queue at once and resume finishes it, every photo exactly once', async ({ app, corelog, emulators }) => {
    test.setTimeout(90_000);
    const imago = emulators!.imago;
    const photos = await writeGoodPhotos(dir, 'FF-DD-0400', 6);
    await openPhotos(app, corelog);
    await newHole(app, 'FF-DD-0400');
    setFaults(imago, { latencyMs: 700 });
    await takeIn(app, photos.map((p) => p.path), photos.length);
    await app.getByTestId('queue-drafts').click();
    await expect.poll(() => imagesOf(imago, 'FF-DD-0400').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);

    await app.getByRole('button', { name: 'Pause uploads' }).click();
    await expect(app.getByRole('button', { name: 'Resume uploads' })).toBeVisible();
    // Uploads cut off by the pause may still finish on the server; after that nothing new arrives.
    await app.waitForTimeout(1500);
    const whilePaused = imagesOf(imago, 'FF-DD-0400').length;
    await app.waitForTimeout(2500);
    expect(imagesOf(imago, 'FF-DD-0400').length).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(photos.length);
    await expect(app.getByTestId('sync-imago-pending')).not.toHaveText('0 pending');

    setFaults(imago, { latencyMs: 0 });
    await app.getByRole('button', { name: 'Resume uploads' }).click();
    await expect.poll(() => imagesOf(imago, 'FF-DD-0400').length, { timeout: 30_000 }).toBe(photos.length);
    await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
    expect(imagesOf(imago, 'FF-DD-0400').filter((i) => i.deleted)).toHaveLength(0);
    expect(new Set(imagesOf(imago, 'FF-DD-0400').map((i) => i.checksum)).size).toBe(photos.length);
  });

  test('intervals: overlaps are refused, gaps flagged, attributes checked; the viewer browses the hole; a readonly workspace blocks writes', async ({ app, corelog, context }) => {
    await openPhotos(app, corelog);
    await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE}/Diamond Drilling/FF-DD-0012`);
    await expect(app.getByTestId('strip-interval')).toHaveCount(4);

    const form = app.getByRole('form', { name: 'New interval' });
    await form.getByLabel('From (m)').fill('100');
    await form.getByLabel('To (m)').fill('103');
    await expect(form.getByTestId('interval-problem')).toHaveText('Overlaps the interval 102.00–106.80 m.');
    await form.getByRole('button', { name: 'Add interval' }).click();
    await expect(form.getByTestId('interval-error')).toContainText('Overlaps');
    await expect(app.getByTestId('strip-interval')).toHaveCount(4);

    await form.getByLabel('From (m)').fill('125');
    await form.getByLabel('To (m)').fill('127.5');
    await form.getByLabel('StartBox').fill('twelve');
    await expect(form.getByText('Enter a number.')).toBeVisible();
    await form.getByLabel('StartBox').fill('12');
    await form.getByLabel('Lithology colour', { exact: true }).fill('#4A5A3C');
    await form.getByRole('button', { name: 'Add interval' }).click();
    await expect(app.getByTestId('strip-interval')).toHaveCount(5);
    await expect(app.getByRole('note')).toHaveText('Gap 121.00–125.00 m not logged');

    // The viewer: Imago's photos scaled through main, previous/next with the keyboard, the portal link.
    await app.getByTestId('strip-interval').first().getByRole('button', { name: 'Dry' }).click();
    const viewer = app.getByTestId('photo-viewer');
    await expect(viewer.getByTestId('viewer-image')).toBeVisible();
    await expect(viewer.getByTestId('viewer-caption')).toHaveText('FF-DD-0012 102.00–106.80 m · Dry');
    await viewer.press('ArrowRight');
    await expect(viewer.getByTestId('viewer-caption')).toHaveText('FF-DD-0012 102.00–106.80 m · Wet');
    await expect(viewer.getByTestId('viewer-image')).toBeVisible();
    await viewer.press('+');
    await expect(viewer).toContainText('zoom 125 %');
    await context.route('https://imago.seequent.com/**', (route) => route.fulfill({ body: 'portal' }));
    const popup = app.waitForEvent('popup');
    await viewer.getByRole('button', { name: 'Open in Imago' }).click();
    expect((await popup).url()).toMatch(/^https:\/\/imago\.seequent\.com\/api\/display\?pj=Firefly%20Resource%20Development&da=Diamond%20Drilling&de=FF-DD-0012&ds=Core%20Trays&im=Wet&dp=102$/);
    await viewer.press('Escape');
    await expect(viewer).toHaveCount(0);

    await app.getByLabel('Workspace').selectOption('Firefly Legacy Archive');
    await expect(app.getByTestId('readonly-notice')).toBeVisible();
    await app.getByLabel('Dataset').selectOption('1998 Historic Core');
    await app.getByLabel('Imagery type').selectOption('Core Trays');
    await app.getByLabel('Hole', { exact: true }).selectOption('Firefly Legacy Archive/1998 Historic Core/FF-DD-0013');
    await expect(app.getByTestId('strip-interval')).toHaveCount(1);
    await expect(app.getByLabel('Add photos')).toBeDisabled();
    await expect(app.getByRole('button', { name: 'New hole' })).toBeDisabled();
    await expect(app.getByRole('button', { name: 'Add interval' })).toBeDisabled();
  });

  test('watch folder: a finished camera file is offered for review, bound by its file name, then queued', async ({ app, corelog, emulators }) => {
    const camera = join(dir, 'camera');
    await mkdir(camera);
    await openPhotos(app, corelog);
    await newHole(app, 'FF-DD-0400');
    await app.getByText('Watch folder and file names').click();
    await app.getByLabel('Folder the camera writes to (full path)').fill(join(dir, 'missing'));
    await app.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(app.getByTestId('watch-error')).toContainText('no such folder');
    await app.getByLabel('Folder the camera writes to (full path)').fill(camera);
    await app.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(app.getByTestId('watch-state')).toHaveText(`watching ${camera}`);

    await writeFile(join(camera, 'FF-DD-0400_12.5_14.0_Dry.jpg'), await sharp(await markedPicture(7)).jpeg().toBuffer());
    const draft = app.getByTestId('draft');
    await expect(draft).toHaveCount(1, { timeout: 15_000 });
    await expect(draft.getByLabel('Hole')).toHaveValue('FF-DD-0400');
    await expect(draft.getByLabel('From')).toHaveValue('12.5');
    await expect(draft.getByLabel('To')).toHaveValue('14');
    await expect(draft.getByLabel('Image type')).toHaveValue('Dry');
    await app.getByTestId('queue-drafts').click();
    await expect.poll(() => imagesOf(emulators!.imago, 'FF-DD-0400').map((i) => `${i.from}-${i.to} ${i.imageType}`)).toEqual(['12.5-14 Dry']);
  });
});
