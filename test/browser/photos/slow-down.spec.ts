/**
 * A server asking the station to send less (429 without Retry-After, 503): the queue slows down as
 * a whole instead of trying each queued photo in turn, and once the server takes requests again
 * every photo arrives exactly once.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test, type CorelogInstance } from '../fixtures';
import { writeGoodPhotos } from './photo-files';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = 'FF-DD-0610';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-slowdown-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

async function openPhotos(app: Page, corelog: CorelogInstance) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(LIVE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption('Core Trays');
}

/** Refusals of the queue's own calls (the connection check's `/session` calls left aside). */
const refusals = (imago: ImagoEmulator, status: number) => imago.server.log.list().filter((e) => e.status === status && e.path !== '/session').length;
const imagesOf = (imago: ImagoEmulator) => {
  const hole = imago.world.collections.find((c) => c.name === HOLE);
  const intervals = new Set(imago.world.imageries.filter((i) => i.collectionId === hole?.id).map((i) => i.id));
  return imago.world.images.filter((image) => intervals.has(image.imageryId));
};

test('429 without Retry-After and 503 hold the whole queue back; every photo arrives once afterwards', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const imago = emulators!.imago;
  const photos = await writeGoodPhotos(dir, HOLE, 8);
  await openPhotos(app, corelog);
  await app.getByLabel('New hole name').fill(HOLE);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/Diamond Drilling/${HOLE}`);
  await app.getByLabel('Add photos').setInputFiles(photos.map((p) => p.path));
  await expect(app.getByTestId('draft')).toHaveCount(photos.length, { timeout: 30_000 });

  // The hole, 8 intervals and 8 photos wait; the server refuses everything it is sent.
  imago.setOptions({ slowDown: '429' });
  await app.getByTestId('queue-drafts').click();
  await expect.poll(() => refusals(imago, 429), { timeout: 15_000 }).toBeGreaterThan(0);
  await app.waitForTimeout(6_000);
  // Two at a time, then a growing pause: a handful of tries, not one per queued item.
  expect(refusals(imago, 429)).toBeLessThan(photos.length);

  imago.setOptions({ slowDown: '503' });
  const before503 = refusals(imago, 503);
  await app.waitForTimeout(6_000);
  expect(refusals(imago, 503) - before503).toBeLessThan(photos.length);
  expect(imagesOf(imago)).toHaveLength(0);

  imago.setOptions({ slowDown: 'off' });
  await expect.poll(() => imagesOf(imago).length, { timeout: 75_000 }).toBe(photos.length);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
  expect(imagesOf(imago).filter((image) => image.deleted)).toHaveLength(0);
  expect(new Set(imagesOf(imago).map((image) => image.checksum)).size).toBe(photos.length);
});
