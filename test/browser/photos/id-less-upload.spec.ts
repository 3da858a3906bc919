/**
 * Imago takes a photo but its reply names no image (204, or an empty 200) and no listing shows it
 * yet: the photo is uploaded, once, and never sent again (a satellite link pays for every re-send);
 * its image id is filled in here once a listing of its interval shows the image.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, imagesInHole, LIVE_WORKSPACE, openPhotosWithNewHole, queuePhotos, setFaults, test } from '../recovery/recovery-fixtures';
import { writeGoodPhotos } from './photo-files';

test.use({ systems: 'emulators' });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-idless-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

interface PhotoRow {
  state: string;
  remoteImageId: string | null;
}

/** The photos as IndexedDB holds them. */
function photoRows(app: Page): Promise<PhotoRow[]> {
  return app.evaluate(
    () =>
      new Promise<PhotoRow[]>((resolve, reject) => {
        const open = indexedDB.open('corelog-photos');
        open.onsuccess = () => {
          const all = open.result.transaction('photos').objectStore('photos').getAll();
          all.onsuccess = () => {
            resolve((all.result as PhotoRow[]).map(({ state, remoteImageId }) => ({ state, remoteImageId })));
            open.result.close();
          };
          all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}

for (const shape of ['no-content', 'empty-200'] as const) {
  test(`an upload answered ${shape} that no listing shows is uploaded once, and gets its id when a listing shows it`, async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    const em = emulators!;
    const hole = `FF-IDL-${shape === 'no-content' ? '0204' : '0200'}`;
    await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
    const [photo] = await writeGoodPhotos(dir, hole, 1);
    await openPhotosWithNewHole(app, hole);
    await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });

    em.imago.setOptions({ uploadReplyShape: shape });
    // The look-up by listing fails too: nothing but the 2xx says the photo arrived.
    setFaults(em, 'imago', { failureRate: 1, failureKinds: ['503'], failurePathIncludes: '/image-metadata' });
    const uploadsSent = () => em.imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;
    await queuePhotos(app, [photo!.path]);

    await expect.poll(async () => (await photoRows(app)).map((p) => p.state), { timeout: 30_000 }).toEqual(['uploaded']);
    expect((await photoRows(app))[0]!.remoteImageId ?? null).toBeNull();
    await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending');
    // Time for any retry to have happened (the first backoff is 2 s): none does.
    await app.waitForTimeout(6_000);
    expect(uploadsSent()).toBe(1);
    expect(imagesInHole(em, hole)).toHaveLength(1);

    // Imago lists again: opening the hole reads its intervals, and the photo takes the image's id.
    setFaults(em, 'imago', { failureRate: 0, failurePathIncludes: '' });
    await app.reload();
    await openHole(app, hole);
    const [image] = imagesInHole(em, hole);
    await expect.poll(async () => (await photoRows(app))[0]?.remoteImageId, { timeout: 20_000 }).toBe(image!.id);
    expect(uploadsSent()).toBe(1);
  });
}

async function openHole(app: Page, hole: string): Promise<void> {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded', { timeout: 20_000 });
  await app.getByLabel('Workspace').selectOption(LIVE_WORKSPACE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE_WORKSPACE}/Diamond Drilling/${hole}`);
}
