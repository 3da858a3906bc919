/**
 * The whole photo flow against the least forgiving reading of Imago: uploads only as multipart,
 * the mime type required as `mimeType`, every optional reply field sent as `null`, errors as
 * `{"errors": [...]}`, `POST /imagery` only as a bare array, query names case-sensitive, and
 * `imageryId` ignored on uploads (the depths must bind the photo). The dialect is switched
 * through the emulator's admin endpoint before the app signs in; every check is on what the
 * emulator stored, and on what went over the wire.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PhotoStore } from '../../../electron/services/images';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { expect, test } from '../fixtures';
import { markedPicture } from './photo-files';
import { removeTestFolder } from '../../support/temp-folder';
import { openPhotosAt } from './photo-screen';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = 'FF-DD-0500';

/** The least forgiving combination (the same as the Node dialect matrix's). */
const STRICT_IMAGO = {
  uploadEncoding: 'multipart-only',
  mimeParam: 'required-mimeType',
  nullStyle: 'explicit-null',
  errorBodyShape: 'errors',
  imageryBody: 'bare-array',
  caseInsensitiveParams: false,
  uploadAcceptsImageryId: false,
};

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-strict-imago-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

/** Images of the hole as the emulator stored them, with the interval and image type they are bound to. */
function storedImages(imago: ImagoEmulator) {
  const world = imago.world;
  return world.images.flatMap((image) => {
    const imagery = world.imageries.find((i) => i.id === image.imageryId)!;
    const collection = world.collections.find((c) => c.id === imagery.collectionId)!;
    if (collection.name !== HOLE) return [];
    const type = world.imageryTypes.find((t) => t.id === imagery.imageryTypeId)!;
    return [{ ...image, path: imago.image(image.id)!.path, imagery, imageryType: type.name, imageType: type.imageTypes.find((t) => t.id === image.imageTypeId)!.name }];
  });
}

test('strict Imago: choose, take in, bind, queue, upload and view — stored as sent, on the right interval', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const imago = emulators!.imago;
  const patched = await fetch(`${imago.server.origin}/__admin/imago/options`, { method: 'PATCH', body: JSON.stringify(STRICT_IMAGO), headers: { 'content-type': 'application/json' } });
  expect(patched.status).toBe(200);

  const wet = join(dir, `${HOLE}_0.0_1.5_Wet.jpg`);
  await writeFile(wet, await sharp(await markedPicture(11)).jpeg({ quality: 85 }).toBuffer());
  const dry = join(dir, `${HOLE}_1.5_3.0_Dry.png`);
  await writeFile(dry, await markedPicture(12));

  // Choose workspace › dataset › imagery type; a new hole.
  await openPhotosAt(app, corelog);
  // A hole name carrying a NUL (pasted from a barcode scanner) is refused at the field: never queued.
  await app.getByLabel('New hole name').fill(`${HOLE}\u0000`);
  await expect(app.locator('#new-hole-problem')).toHaveText(/^The hole name contains a NUL character at position 11/);
  await expect(app.getByRole('button', { name: 'New hole' })).toBeDisabled();
  await app.getByLabel('New hole name').fill(HOLE);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/Diamond Drilling/${HOLE}`);

  // An interval with attributes; a control character is refused at the field, never queued.
  const form = app.getByRole('form', { name: 'New interval' });
  await form.getByLabel('From (m)').fill('0');
  await form.getByLabel('To (m)').fill('1.5');
  await form.getByLabel('StartBox').fill('1');
  await form.getByLabel('EndBox').fill('2');
  // The field's name grows by its error message while it shows one; "Lithology colour" is another field.
  const lithology = form.getByLabel(/^Lithology(?! colour)/);
  await lithology.fill('Bas\u0007alt');
  await expect(form.getByTestId('attribute-problem')).toHaveText('Lithology contains a control character (U+0007) at position 4, which the server cannot store. Remove it (pasting again cleans it).');
  await form.getByRole('button', { name: 'Add interval' }).click();
  await expect(form.getByTestId('interval-error')).toHaveText('Fix the attributes marked below.');
  await expect(app.getByTestId('strip-interval')).toHaveCount(0);
  await lithology.fill('Basalt');
  await expect(form.getByTestId('attribute-problem')).toHaveCount(0);
  await form.getByLabel('Comments').fill('Foliated\nquartz veins at 0.8 m');
  await form.getByRole('button', { name: 'Add interval' }).click();
  await expect(app.getByTestId('strip-interval')).toHaveCount(1);

  // Take the photos in; the file names bind them (hole, interval, image type); queue them.
  await app.getByLabel('Add photos').setInputFiles([wet, dry]);
  await expect(app.getByTestId('draft')).toHaveCount(2, { timeout: 30_000 });
  await app.getByTestId('queue-drafts').click();
  await expect.poll(() => storedImages(imago).length, { timeout: 45_000 }).toBe(2);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });

  // Stored exactly as Corelog's photo store holds them, with the right type, on the right interval.
  const store = await PhotoStore.open(join(corelog.dataDir, 'photos'));
  const images = storedImages(imago);
  for (const [imageType, mimeType, from, to] of [
    ['Wet', 'image/jpeg', 0, 1.5],
    ['Dry', 'image/png', 1.5, 3],
  ] as const) {
    const image = images.find((i) => i.imageType === imageType)!;
    expect(image, imageType).toMatchObject({ mimeType, deleted: false, imageryType: 'Core Trays', imagery: { startDepth: from, endDepth: to } });
    const local = await store.find(image.checksum);
    expect(local, `${imageType} is the photo Corelog stored`).toMatchObject({ mimeType, bytes: image.size });
    expect(createHash('sha256').update(await readFile(image.path)).digest('hex')).toBe(image.checksum);
  }
  const logged = images.find((i) => i.imageType === 'Wet')!.imagery;
  expect(logged.attributes).toEqual({
    'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 },
    Geology: { Lithology: 'Basalt', Comments: 'Foliated\nquartz veins at 0.8 m' },
  });

  // On the wire: multipart with the mime type, bound by depths (no imageryId), nothing refused twice.
  const requests = imago.server.log.list();
  const uploads = requests.filter((e) => e.method === 'POST' && e.path === '/image');
  expect(uploads.map((e) => [e.status, e.query.mimeType, 'imageryId' in e.query, e.query.startDepth !== undefined])).toEqual(
    expect.arrayContaining([
      [200, 'image/jpeg', false, true],
      [200, 'image/png', false, true],
    ]),
  );
  expect(uploads).toHaveLength(2);
  for (const upload of uploads) expect(upload.bodyBytes).toBeGreaterThan(images.find((i) => i.mimeType === upload.query.mimeType)!.size);
  expect(requests.filter((e) => e.method === 'POST' && e.path === '/imagery' && e.status !== 200).length).toBeLessThanOrEqual(1);

  // The viewer shows the photo as Imago has it now, fetched scaled through main.
  await app.getByTestId('strip-interval').first().getByRole('button').filter({ has: app.locator('img') }).first().click();
  const viewer = app.getByTestId('photo-viewer');
  await expect(viewer.getByTestId('viewer-image')).toBeVisible();
  await expect(viewer.getByTestId('viewer-caption')).toHaveText(`${HOLE} 0.00–1.50 m · Wet`);
  const wetId = images.find((i) => i.imageType === 'Wet')!.id;
  await expect.poll(() => imago.server.log.list().filter((e) => e.method === 'GET' && e.path === '/image' && e.query.imageId === wetId).map((e) => e.status)).toEqual([200]);
});
