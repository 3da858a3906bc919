/**
 * File hand-over per file, in the real page: a pick where one file cannot be read (a folder, or a
 * file gone since it was chosen) takes the others in and lists that one as refused with its
 * reason; nothing is skipped without a word and no staged copy is left behind.
 *
 * Playwright's setInputFiles refuses folders and missing paths, so the pick is made the way the
 * browser's own file chooser makes it: CDP's DOM.setFileInputFiles with the chosen paths.
 */
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test, type CorelogInstance } from '../fixtures';
import { writeGoodPhotos } from './photo-files';
import { removeTestFolder } from '../../support/temp-folder';
import { openPhotosAt } from './photo-screen';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-hand-over-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

async function openPhotos(app: Page, corelog: CorelogInstance, hole: string) {
  await openPhotosAt(app, corelog);
  await app.getByLabel('New hole name').fill(hole);
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/Diamond Drilling/${hole}`);
}

/** Picks exactly these paths in the file input, as the browser's file chooser would. */
async function pickPaths(app: Page, paths: string[]) {
  const cdp = await app.context().newCDPSession(app);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'input[type=file][aria-label="Add photos"]' });
    await cdp.send('DOM.setFileInputFiles', { nodeId, files: paths });
  } finally {
    await cdp.detach();
  }
}

const stagingLeft = (corelog: CorelogInstance) => readdir(join(corelog.dataDir, 'staging')).catch(() => [] as string[]);

test.describe('file hand-over, each file on its own', () => {
  test('4 files picked, one of them a folder: 3 are taken in, the folder is refused with its reason', async ({ app, corelog }) => {
    const photos = await writeGoodPhotos(dir, 'FF-DD-0500', 3);
    const folder = join(dir, 'FF-DD-0500_9.0_10.5_Wet.jpg');
    await mkdir(folder);
    await openPhotos(app, corelog, 'FF-DD-0500');

    await pickPaths(app, [photos[0]!.path, folder, photos[1]!.path, photos[2]!.path]);

    await expect(app.getByTestId('draft')).toHaveCount(3, { timeout: 30_000 });
    const rejections = app.getByTestId('rejection');
    await expect(rejections).toHaveCount(1);
    await expect(rejections.first()).toContainText('FF-DD-0500_9.0_10.5_Wet.jpg');
    await expect(rejections.first()).toContainText(/could not be read: it may be a folder/);
    await expect(app.getByTestId('intake-status')).toHaveText('Took in 3 photos; 1 refused.');
    await expect(app.getByTestId('intake-error')).toHaveCount(0);
    for (const photo of photos) await expect(app.getByTestId('draft-list')).toContainText(photo.path.split('/').at(-1)!);
    // Taken in or refused, nothing stays staged.
    await expect.poll(() => stagingLeft(corelog)).toEqual([]);
  });

  test('a file gone between the pick and the hand-over fails alone; the files after it still arrive', async ({ app, corelog }) => {
    const photos = await writeGoodPhotos(dir, 'FF-DD-0501', 3);
    await openPhotos(app, corelog, 'FF-DD-0501');
    const gone = join(dir, 'FF-DD-0501_30.0_31.5_Dry.jpg');

    await pickPaths(app, [photos[0]!.path, gone, photos[1]!.path, photos[2]!.path]);

    await expect(app.getByTestId('draft')).toHaveCount(3, { timeout: 30_000 });
    await expect(app.getByTestId('rejection')).toHaveCount(1);
    await expect(app.getByTestId('rejection').first()).toContainText(/FF-DD-0501_30\.0_31\.5_Dry\.jpg.*moved or deleted after it was chosen/);
    await expect.poll(() => stagingLeft(corelog)).toEqual([]);
  });
});
