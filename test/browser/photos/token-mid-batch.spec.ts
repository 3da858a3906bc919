/**
 * The 24 h token ends in the middle of a batch (Imago revokes it: a restart, an admin, the end of
 * its life on the server's clock). The queue carries on by itself: one sign-in for all the uploads
 * that met the 401, nothing held for the user, every photo exactly once.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test } from '../fixtures';
import { writeGoodPhotos } from './photo-files';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const HOLE = 'FF-DD-0620';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-token-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

const imagesOf = (imago: ImagoEmulator) => {
  const hole = imago.world.collections.find((c) => c.name === HOLE);
  const intervals = new Set(imago.world.imageries.filter((i) => i.collectionId === hole?.id).map((i) => i.id));
  return imago.world.images.filter((image) => intervals.has(image.imageryId));
};
const signIns = (imago: ImagoEmulator) => imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/session' && e.status === 200).length;

test('a token revoked mid-batch: one sign-in, no hold, every photo once', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const imago = emulators!.imago;
  const photos = await writeGoodPhotos(dir, HOLE, 16);
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, true);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(LIVE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  await app.getByLabel('New hole name').fill(HOLE);
  await app.getByRole('button', { name: 'New hole' }).click();
  await app.getByLabel('Add photos').setInputFiles(photos.map((p) => p.path));
  await expect(app.getByTestId('draft')).toHaveCount(photos.length, { timeout: 30_000 });

  imago.server.faults = { ...imago.server.faults, latencyMs: 150 };
  await app.getByTestId('queue-drafts').click();
  await expect.poll(() => imagesOf(imago).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
  const before = signIns(imago);
  expect(imago.revokeSessions()).toBeGreaterThan(0);

  await expect.poll(() => imagesOf(imago).length, { timeout: 60_000 }).toBe(photos.length);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
  const after = signIns(imago) - before;
  // One sign-in for the queue's client; the connection check may make its own once.
  expect(after).toBeGreaterThanOrEqual(1);
  expect(after).toBeLessThanOrEqual(2);
  expect(imagesOf(imago).filter((image) => image.deleted)).toHaveLength(0);
  expect(new Set(imagesOf(imago).map((image) => image.checksum)).size).toBe(photos.length);
  await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-failed', '0');
});
