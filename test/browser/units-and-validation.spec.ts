/**
 * Issue 11 §2 in the browser: a dataset kept in feet is shown and entered in feet everywhere
 * (strip, form labels, viewer title, draft fields, file-name hint, upload queue) and its depths
 * reach Imago as typed; and field input the shared rules refuse (shot point 12.7 and abc, date
 * 2024-02-30, depth 5,5, negative depth, From ≥ To) is refused at the field — nothing is stored
 * in IndexedDB's outboxes and nothing reaches Dougal or Imago.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { addFeetDataset, FEET_DATASET } from '../../emulators/imago/seed';
import type { ImagoEmulator } from '../../emulators/imago/index';
import { expect, test, type CorelogInstance } from './fixtures';
import { eventRow, logEvent, openEventLog, serverEventsFromCorelog, signInDougal, writesReceived } from './event-log/event-log-helpers';
import { markedPicture } from './photos/photo-files';
import { removeTestFolder } from '../support/temp-folder';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const ARCHIVE = 'Firefly Legacy Archive';

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-units-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

async function openPhotos(app: Page, corelog: CorelogInstance) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
}

async function choose(app: Page, workspace: string, dataset: string, hole?: string) {
  await app.getByLabel('Workspace').selectOption(workspace);
  await app.getByLabel('Dataset').selectOption(dataset);
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  if (hole) await app.getByLabel('Hole', { exact: true }).selectOption(`${workspace}/${dataset}/${hole}`);
}

/** Rows of an IndexedDB object store, read in the page. */
function rowsOf<T>(app: Page, database: string, store: string): Promise<T[]> {
  return app.evaluate(
    ([name, table]) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => {
          const all = open.result.transaction(table).objectStore(table).getAll();
          all.onsuccess = () => resolve(all.result as T[]);
          all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
      }),
    [database, store] as const,
  );
}

/** The intervals Imago holds for a hole: depths as stored. */
function imagoIntervals(imago: ImagoEmulator, hole: string) {
  const world = imago.world;
  const collection = world.collections.find((c) => c.name === hole);
  if (!collection) return [];
  return world.imageries
    .filter((i) => i.collectionId === collection.id)
    .map((i) => ({ from: i.startDepth, to: i.endDepth, images: world.images.filter((image) => image.imageryId === i.id && !image.deleted).length }))
    .sort((a, b) => a.from! - b.from!);
}

/** Requests that change something on Imago (everything but reads and sign-in). */
const imagoWrites = (imago: ImagoEmulator) => imago.server.log.list().filter((r) => r.method !== 'GET' && !r.path.endsWith('/session'));

/** Text of the screen (not the strip) that gives a depth in metres, e.g. "15.00 m" or "(m)". */
const METRES = /\d m\b|\(m\)/;

test('a dataset kept in feet is shown and entered in feet everywhere, and its depths reach Imago as typed', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const imago = emulators!.imago;
  addFeetDataset(imago, Date.now());
  await openPhotos(app, corelog);

  // The seeded archive dataset is in feet: strip, form labels and the viewer's title say ft.
  await choose(app, ARCHIVE, '1998 Historic Core', 'FF-DD-0013');
  const strip = app.getByTestId('strip-interval');
  await expect(strip).toHaveCount(1);
  await expect(strip.locator('.strip-range')).toHaveText('0.00–15.00 ft');
  await expect(app.getByTestId('depth-units')).toHaveText('Depths in feet, as the dataset keeps them.');
  const newInterval = app.getByRole('form', { name: 'New interval' });
  await expect(newInterval.getByLabel('From (ft)')).toBeVisible();
  await expect(newInterval.getByLabel('To (ft)')).toBeVisible();
  await strip.getByRole('button', { name: 'Dry', exact: true }).click();
  const viewer = app.getByTestId('photo-viewer');
  await expect(viewer.getByTestId('viewer-caption')).toHaveText('FF-DD-0013 0.00–15.00 ft · Dry');
  await expect(viewer.getByTestId('viewer-image')).toHaveAttribute('alt', 'Dry photo at 0.00–15.00 ft');
  expect(await app.locator('main').innerText()).not.toMatch(METRES);
  await viewer.press('Escape');

  // A writable dataset in feet: entered in feet, refused in feet, queued in feet.
  await choose(app, LIVE, FEET_DATASET.datasetName);
  await app.getByLabel('New hole name').fill('FT-0001');
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/${FEET_DATASET.datasetName}/FT-0001`);
  await newInterval.getByLabel('From (ft)').fill('0');
  await newInterval.getByLabel('To (ft)').fill('10.5');
  await newInterval.getByRole('button', { name: 'Add interval' }).click();
  await expect(strip.locator('.strip-range')).toHaveText(['0.00–10.50 ft']);
  await app.getByRole('button', { name: 'New interval' }).click();
  await newInterval.getByLabel('From (ft)').fill('5');
  await newInterval.getByLabel('To (ft)').fill('12');
  await expect(newInterval.getByTestId('interval-problem')).toHaveText('Overlaps the interval 0.00–10.50 ft.');
  await newInterval.getByLabel('From (ft)').fill('');
  await newInterval.getByLabel('To (ft)').fill('');

  await expect(app.getByTestId('filename-pattern-hint')).toContainText('{from} and {to} are depths in feet, the dataset’s units');
  // Imago is away while the photo is queued, so the queue row can be read before it uploads.
  imago.server.faults = { ...imago.server.faults, down: true };
  const photo = join(dir, 'FT-0001_10.5_20_Wet.png');
  await writeFile(photo, await markedPicture(3));
  await app.getByLabel('Add photos').setInputFiles(photo);
  const draft = app.getByTestId('draft');
  await expect(draft).toHaveCount(1, { timeout: 30_000 });
  await expect(draft.getByLabel('From (ft)')).toHaveValue('10.5');
  await expect(draft.getByLabel('To (ft)')).toHaveValue('20');
  expect(await app.locator('main').innerText()).not.toMatch(METRES);
  await app.getByTestId('queue-drafts').click();
  await expect(app.getByTestId('queue-row')).toHaveCount(1);
  await expect(app.getByTestId('queue-row').locator('.queue-label')).toHaveText('Upload FT-0001 10.50–20.00 ft Wet (FT-0001_10.5_20_Wet.png)');
  await expect(strip.locator('.strip-range')).toHaveText(['0.00–10.50 ft', '10.50–20.00 ft']);
  expect(await app.locator('main').innerText()).not.toMatch(METRES);

  // Imago keeps a dataset's depths in its own units: 10.5 ft arrives as 10.5, not as 3.2 (metres).
  imago.server.faults = { ...imago.server.faults, down: false };
  await expect.poll(() => imagoIntervals(imago, 'FT-0001'), { timeout: 45_000 }).toEqual([
    { from: 0, to: 10.5, images: 0 },
    { from: 10.5, to: 20, images: 1 },
  ]);
  await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '0', { timeout: 15_000 });
  await strip.nth(1).locator('.thumb').click();
  await expect(viewer.getByTestId('viewer-caption')).toHaveText('FT-0001 10.50–20.00 ft · Wet');
});

test('photo fields refuse 5,5, negative depths, From ≥ To, 2024-02-30 and a bad pattern at the field; nothing is queued or sent', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const imago = emulators!.imago;
  await openPhotos(app, corelog);
  await choose(app, LIVE, 'Diamond Drilling', 'FF-DD-0012');
  const strip = app.getByTestId('strip-interval');
  await expect(strip).toHaveCount(4);
  const writesBefore = imagoWrites(imago).length;
  const intervalsBefore = (await rowsOf(app, 'corelog-photos', 'intervals')).length;

  const form = app.getByRole('form', { name: 'New interval' });
  await form.getByLabel('From (m)').fill('5,5');
  await expect(form.getByTestId('interval-from-problem')).toHaveText('From: use a point for decimals (5.5, not 5,5).');
  await expect(form.getByLabel('From (m)')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('To (m)').fill('-3');
  await expect(form.getByTestId('interval-to-problem')).toHaveText('To cannot be negative.');
  await form.getByRole('button', { name: 'Add interval' }).click();
  await expect(form.getByTestId('interval-error')).toHaveText('From: use a point for decimals (5.5, not 5,5).');

  await form.getByLabel('From (m)').fill('130');
  await form.getByLabel('To (m)').fill('125');
  await expect(form.getByTestId('interval-problem')).toHaveText('From must be less than To.');
  await form.getByRole('button', { name: 'Add interval' }).click();
  await expect(form.getByTestId('interval-error')).toHaveText('From must be less than To.');

  await form.getByLabel('To (m)').fill('131.5');
  await expect(form.getByTestId('interval-problem')).toHaveCount(0);
  await form.getByLabel('Logged', { exact: true }).fill('2024-02-30');
  await form.getByLabel('StartBox').fill('5,5');
  const problems = form.getByTestId('attribute-problem');
  await expect(problems).toHaveText(['StartBox: use a point for decimals (5.5, not 5,5).', 'Logged: 2024-02-30 is not a date (February 2024 has 29 days).']);
  await form.getByRole('button', { name: 'Add interval' }).click();
  await expect(form.getByTestId('interval-error')).toHaveText('Fix the attributes marked below.');
  await expect(strip).toHaveCount(4);

  // A draft whose depth is not one cannot be queued.
  const photo = join(dir, 'FF-DD-0012_130.0_131.5_Wet.png');
  await writeFile(photo, await markedPicture(5));
  await app.getByLabel('Add photos').setInputFiles(photo);
  const draft = app.getByTestId('draft');
  await expect(draft).toHaveCount(1, { timeout: 30_000 });
  await expect(app.getByTestId('queue-drafts')).toHaveText('Queue 1 photo');
  await draft.getByLabel('From (m)').fill('5,5');
  await expect(draft.getByTestId('draft-from-problem')).toHaveText('From: use a point for decimals (5.5, not 5,5).');
  await expect(app.getByTestId('queue-drafts')).toHaveText('Queue 0 photos');
  await expect(app.getByTestId('queue-drafts')).toBeDisabled();
  await draft.getByLabel('To (m)').fill('-1');
  await expect(draft.getByTestId('draft-to-problem')).toHaveText('To cannot be negative.');

  // The file-name pattern is checked at the field with main's rule.
  await app.getByText('Watch folder and file names').click();
  await app.getByLabel('File name pattern').fill('{hole}_{depth}');
  await expect(app.getByTestId('filename-pattern-problem')).toHaveText('File name pattern: unknown field {depth}; use {hole}, {from}, {to}, {imageType} or {any}.');
  await expect(app.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();

  // Nothing was stored for Imago, and nothing reached it.
  expect(await rowsOf(app, 'corelog-photos', 'outbox')).toEqual([]);
  expect(await rowsOf(app, 'corelog-photos', 'intervals')).toHaveLength(intervalsBefore);
  const drafts = await rowsOf<{ state: string; binding: { from: number | null; to: number | null } }>(app, 'corelog-photos', 'photos');
  expect(drafts.map((p) => [p.state, p.binding.from, p.binding.to])).toEqual([['draft', null, null]]);
  expect(imagoWrites(imago).slice(writesBefore)).toEqual([]);
});

test('event-log fields refuse shot point 12.7 and abc and a time on 2024-02-30 at the field; nothing is queued or sent', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  // One good event first, so there is one of ours to edit and a baseline of what Dougal received.
  await logEvent(app, 'Valid entry for the edit test', { sequence: 28 });
  await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 15_000 }).toEqual(['Valid entry for the edit test']);
  await expect(eventRow(app, 'Valid entry for the edit test')).toHaveAttribute('data-sync', 'synced');
  await expect.poll(() => rowsOf(app, 'corelog-eventlog', 'outbox').then((rows) => rows.length)).toBe(0);
  const writesBefore = writesReceived(emulators!).length;

  const entry = app.getByTestId('entry-line');
  await entry.getByLabel('Shot point').fill('12.7');
  await expect(app.getByTestId('entry-point-problem')).toHaveText('Shot point must be a whole number, not 12.7.');
  await expect(entry.getByLabel('Shot point')).toHaveAttribute('aria-invalid', 'true');
  await entry.getByLabel('Remarks').fill('Should not be logged (12.7)');
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Shot point')).toBeFocused();
  await expect(entry.getByLabel('Remarks')).toHaveValue('Should not be logged (12.7)');

  await entry.getByLabel('Shot point').fill('abc');
  await expect(app.getByTestId('entry-point-problem')).toHaveText('Shot point must be a whole number; “abc” is not a number.');
  await entry.getByLabel('Remarks').press('Enter');
  await entry.getByLabel('Sequence').fill('2,5');
  await expect(app.getByTestId('entry-sequence-problem')).toHaveText('Sequence must be a whole number, not 2,5.');
  await entry.getByLabel('Remarks').press('Enter');
  await expect(eventRow(app, 'Should not be logged (12.7)')).toHaveCount(0);

  // The edit panel: a day that does not exist, a fractional shot point.
  await eventRow(app, 'Valid entry for the edit test').click();
  const edit = app.getByRole('form', { name: 'Edit event' });
  await edit.getByLabel('Edit time').fill('2024-02-30 10:00:00');
  await expect(app.getByTestId('edit-time-problem')).toHaveText('Time: 2024-02-30 is not a date (February 2024 has 29 days).');
  await edit.getByLabel('Edit shot point').fill('12.7');
  await expect(app.getByTestId('edit-point-problem')).toHaveText('Shot point must be a whole number, not 12.7.');
  await edit.getByLabel('Edit remarks').fill('Edited with a bad time');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByTestId('event-panel').getByRole('alert').filter({ hasText: 'Fix the fields marked above; nothing was saved.' })).toBeVisible();
  await expect(eventRow(app, 'Edited with a bad time')).toHaveCount(0);

  // The sequence filter says what is wrong instead of silently filtering nothing.
  await app.getByLabel('Filter sequence').fill('12.7');
  await expect(app.getByTestId('filter-problem')).toHaveText('Sequence must be a whole number, not 12.7.');

  expect(await rowsOf(app, 'corelog-eventlog', 'outbox')).toEqual([]);
  const stored = await rowsOf<{ remarks: string }>(app, 'corelog-eventlog', 'events');
  expect(stored.filter((e) => /Should not be logged|bad time/.test(e.remarks))).toEqual([]);
  expect(writesReceived(emulators!).slice(writesBefore)).toEqual([]);
  expect(serverEventsFromCorelog(emulators!).map((e) => [e.remarks, e.sequence, e.point])).toEqual([['Valid entry for the edit test', 28, null]]);
});
