/**
 * Photo intake under the conditions a field laptop sees: the page killed while the watch folder's
 * finds are being taken in, an acknowledgement that never reached main, a double click on Queue,
 * two windows queueing the same draft, and a hole name typed at keyboard speed. Each checks what
 * IndexedDB and main hold afterwards, not just what the screen shows.
 */
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test, type CorelogInstance } from '../fixtures';
import { markedPicture, writeGoodPhotos } from './photo-files';
import { LIVE_WORKSPACE } from './photo-screen';

test.use({ systems: 'emulators' });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-intake-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

interface StoredPhoto {
  id: string;
  originalName: string;
  state: string;
  binding: { hole: string; from: number | null; to: number | null };
}

/** The photo records and upload outbox items in this origin's IndexedDB, read without the app's code. */
function readPhotosDb(page: Page): Promise<{ photos: StoredPhoto[]; uploads: { photoId: string }[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('corelog-photos');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['photos', 'outbox']);
          const photos = tx.objectStore('photos').getAll();
          const outbox = tx.objectStore('outbox').getAll();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ photos: photos.result as StoredPhoto[], uploads: (outbox.result as { kind: string; photoId: string }[]).filter((o) => o.kind === 'upload') });
          };
        };
      }),
  );
}

/** Signs in and opens Photos at the live dataset; a reopened page may already be on Photos. */
async function openPhotosAt(page: Page, corelog: CorelogInstance) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await page.getByRole('button', { name: 'Photos', exact: true }).click();
  await expect(page.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await page.getByLabel('Workspace').selectOption(LIVE_WORKSPACE);
  await page.getByLabel('Dataset').selectOption('Diamond Drilling');
  await page.getByLabel('Imagery type').selectOption('Core Trays');
}

async function watchCamera(app: Page, camera: string) {
  await app.getByText('Watch folder and file names').click();
  await app.getByLabel('Folder the camera writes to (full path)').fill(camera);
  await app.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app.getByTestId('watch-state')).toHaveText(`watching ${camera}`);
}

/** Camera files written elsewhere and moved in whole, as tethering software does. */
async function dropIntoCamera(camera: string, count: number, size: { width: number; height: number }): Promise<string[]> {
  const staging = join(dir, 'staging');
  await mkdir(staging, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => `FF-DD-0500_${(10 + i * 2).toFixed(1)}_${(12 + i * 2).toFixed(1)}_Wet.jpg`);
  for (const [i, name] of names.entries()) await writeFile(join(staging, name), await sharp(await markedPicture(i, size.width, size.height)).jpeg({ quality: 95 }).toBuffer());
  for (const name of names) await rename(join(staging, name), join(camera, name));
  return names;
}

async function pendingInMain(corelog: CorelogInstance): Promise<number> {
  const status = await corelog.services.handlers.getWatchFolder!(undefined);
  return status.pending.length;
}

async function doneInMain(corelog: CorelogInstance): Promise<string[]> {
  const saved = JSON.parse(await readFile(join(corelog.dataDir, 'watch-folder.json'), 'utf8')) as { done: string[] };
  return saved.done;
}

test.describe('photo intake', () => {
  test('watch folder: the page killed mid-intake loses nothing; every find comes back exactly once', async ({ app, corelog, context }) => {
    test.setTimeout(180_000);
    const camera = join(dir, 'camera');
    await mkdir(camera);
    await openPhotosAt(app, corelog);
    await watchCamera(app, camera);
    // Large photos, so main is still working on them when the page dies.
    const names = await dropIntoCamera(camera, 12, { width: 3000, height: 2000 });
    // Killed as soon as intake has begun: the finds arrive in batches as the camera's files land,
    // so the status may already read "Took in 1 photo." with most of them still on their way.
    await expect(app.getByTestId('intake-status')).toContainText(/Taking in|Took in/, { timeout: 30_000 });
    await app.close({ runBeforeUnload: false });

    const page = await context.newPage();
    await page.goto(corelog.server.url);
    await openPhotosAt(page, corelog);
    await expect(page.getByTestId('draft')).toHaveCount(12, { timeout: 90_000 });
    // Main let go of each find only once its record was written here.
    await expect.poll(() => pendingInMain(corelog), { timeout: 30_000 }).toBe(0);
    await page.waitForTimeout(1000);
    const { photos } = await readPhotosDb(page);
    expect(photos.map((p) => p.originalName).sort()).toEqual([...names].sort());
    expect(await page.getByTestId('draft').count()).toBe(12);
    expect((await doneInMain(corelog)).length).toBe(12);
  });

  test('watch folder: a find whose acknowledgement never reached main is offered again but not taken in twice', async ({ app, corelog, context }) => {
    test.setTimeout(120_000);
    // The renderer's "done with these files" is swallowed on the way, answered as if main had it.
    await app.routeWebSocket(/\/bridge/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const call = JSON.parse(String(message)) as { id: number; method: string; input: { refs: string[] } };
        if (call.method === 'discardStagedFiles') ws.send(JSON.stringify({ type: 'result', id: call.id, result: { ok: true, value: { released: call.input.refs.length } } }));
        else server.send(message);
      });
    });
    await app.reload();
    const camera = join(dir, 'camera');
    await mkdir(camera);
    await openPhotosAt(app, corelog);
    await watchCamera(app, camera);
    await dropIntoCamera(camera, 3, { width: 360, height: 240 });
    await expect(app.getByTestId('draft')).toHaveCount(3, { timeout: 30_000 });
    await expect(app.getByTestId('intake-status')).toContainText('Took in');
    await app.waitForTimeout(500);
    // Written here, but main never heard so: it still holds them for whoever looks next.
    expect(await pendingInMain(corelog)).toBe(3);
    await app.close({ runBeforeUnload: false });

    const page = await context.newPage();
    await page.goto(corelog.server.url);
    await openPhotosAt(page, corelog);
    await expect.poll(() => pendingInMain(corelog), { timeout: 30_000 }).toBe(0);
    await page.waitForTimeout(1000);
    expect((await readPhotosDb(page)).photos).toHaveLength(3);
    await expect(page.getByTestId('draft')).toHaveCount(3);
  });

  test('a double click on Queue queues the photo once', async ({ app, corelog }) => {
    const [photo] = await writeGoodPhotos(dir, 'FF-DD-0777', 1);
    await openPhotosAt(app, corelog);
    await app.getByLabel('Add photos').setInputFiles([photo!.path]);
    await expect(app.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
    await app.getByTestId('queue-drafts').dblclick();
    await expect(app.getByTestId('draft')).toHaveCount(0);
    const { photos, uploads } = await readPhotosDb(app);
    // The upload may already be done and gone from the outbox; there is never a second one.
    expect(uploads.length).toBeLessThanOrEqual(1);
    expect(photos.map((p) => p.state)).not.toContain('draft');
    await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '0', { timeout: 30_000 });
    expect((await readPhotosDb(app)).photos).toHaveLength(1);
  });

  test('two windows queueing the same draft at the same moment give it one upload', async ({ app, corelog, context, emulators }) => {
    const [photo] = await writeGoodPhotos(dir, 'FF-DD-0779', 1);
    await openPhotosAt(app, corelog);
    await app.getByLabel('Add photos').setInputFiles([photo!.path]);
    await expect(app.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
    const other = await context.newPage();
    await other.goto(corelog.server.url);
    await openPhotosAt(other, corelog);
    await expect(other.getByTestId('draft')).toHaveCount(1, { timeout: 30_000 });
    // Imago unreachable, so the upload stays in the outbox to be counted.
    emulators!.imago.server.faults = { ...emulators!.imago.server.faults, down: true };
    const at = Date.now() + 500;
    const clickAt = (page: Page) => page.evaluate((when) => setTimeout(() => document.querySelector<HTMLButtonElement>('[data-testid="queue-drafts"]')!.click(), when - Date.now()), at);
    await Promise.all([clickAt(app), clickAt(other)]);
    await expect(app.getByTestId('draft')).toHaveCount(0);
    await expect(other.getByTestId('draft')).toHaveCount(0);
    await app.waitForTimeout(500);
    const { photos, uploads } = await readPhotosDb(app);
    expect(photos.map((p) => p.state)).toEqual(['queued']);
    expect(uploads.map((u) => u.photoId)).toEqual([photos[0]!.id]);
  });

  test('a hole name typed at keyboard speed is stored as typed, and Queue uses what the fields show', async ({ app, corelog }) => {
    const [photo] = await writeGoodPhotos(dir, 'FF-DD-0778', 1);
    await openPhotosAt(app, corelog);
    await app.getByLabel('Add photos').setInputFiles([photo!.path]);
    const draft = app.getByTestId('draft');
    await expect(draft).toHaveCount(1, { timeout: 30_000 });
    const hole = draft.getByLabel('Hole');
    await hole.fill('');
    await hole.pressSequentially('FF-DD-0999-EXTRA', { delay: 40 });
    await expect(hole).toHaveValue('FF-DD-0999-EXTRA');
    await expect.poll(async () => (await readPhotosDb(app)).photos[0]!.binding.hole).toBe('FF-DD-0999-EXTRA');

    // Hole and depth typed one after the other without a pause, then queued at once.
    await hole.fill('');
    await hole.pressSequentially('FF-DD-0901', { delay: 10 });
    await hole.press('Tab');
    await app.keyboard.press('Control+A');
    await app.keyboard.type('0.5', { delay: 10 });
    await app.getByTestId('queue-drafts').click();
    await expect(draft).toHaveCount(0);
    const [stored] = (await readPhotosDb(app)).photos;
    expect(stored).toMatchObject({ binding: { hole: 'FF-DD-0901', from: 0.5, to: 1.5 } });
    // Queued, and possibly already sent: the upload engine may be quicker than this read.
    expect(['queued', 'uploaded']).toContain(stored!.state);
  });
});
