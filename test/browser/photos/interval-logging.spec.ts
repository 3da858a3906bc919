/**
 * Issue 12 §2 in browser mode against the emulators: intervals logged from the keyboard alone
 * (Tab through the fields, Enter saves and starts the next at the last To), attributes carried
 * forward (Alt+C, remembered), a pick-list value by type-ahead and a new value flagged once,
 * per-attribute rules at the field; then on Imago after sync. An interval changed in Imago while
 * a local edit waited is shown side by side and not overwritten until the user chooses; removing
 * an interval says honestly what happened in Imago.
 */
import type { Page } from '@playwright/test';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { expect, test, type CorelogInstance } from '../fixtures';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const DATASET = 'Diamond Drilling';

async function openPhotos(app: Page, corelog: CorelogInstance) {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(LIVE);
  await app.getByLabel('Dataset').selectOption(DATASET);
  await app.getByLabel('Imagery type').selectOption('Core Trays');
}

/** Imago's intervals of a hole, as the emulator holds them, in depth order. */
function imagoIntervals(imago: ImagoEmulator, hole: string) {
  const world = imago.world;
  const collection = world.collections.find((c) => c.name === hole);
  if (!collection) return [];
  return world.imageries
    .filter((i) => i.collectionId === collection.id)
    .map((i) => ({ id: i.id, from: i.startDepth, to: i.endDepth, attributes: i.attributes }))
    .sort((a, b) => a.from! - b.from!);
}

/** Someone else edits an interval in Imago, through Imago's own API (sign in, `POST /imagery`). */
async function editInImago(imago: ImagoEmulator, hole: string, from: number, to: number, attributes: Record<string, Record<string, string | number>>) {
  const base = imago.server.baseUrl;
  const session = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
  const { apiToken } = (await session.json()) as { apiToken: string };
  const item = {
    workspaceName: LIVE,
    datasetName: DATASET,
    collectionName: hole,
    imageryTypeName: 'Core Trays',
    startDepth: from,
    endDepth: to,
    attributeDefinitions: Object.entries(attributes).map(([name, values]) => ({ name, attributes: values })),
  };
  const reply = await fetch(`${base}/imagery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` },
    body: JSON.stringify({ [imago.options.imageryKey]: [item] }),
  });
  expect(reply.status).toBe(200);
}

const writesTo = (imago: ImagoEmulator) => imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/imagery');

test('ten intervals from the keyboard alone: carried forward, a pick-list value, a new value flagged once; on Imago after sync; an edit in Imago meanwhile shows a conflict', async ({ app, corelog, emulators }) => {
  test.setTimeout(150_000);
  const imago = emulators!.imago;
  await openPhotos(app, corelog);
  // Opening a logged hole brings its intervals (and the dataset's lithologies) into the cache.
  await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE}/${DATASET}/FF-DD-0012`);
  await expect(app.getByTestId('strip-interval')).toHaveCount(4);
  await app.getByLabel('New hole name').fill('FF-DD-0300');
  await app.getByRole('button', { name: 'New hole' }).click();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(`${LIVE}/${DATASET}/FF-DD-0300`);

  const form = app.getByRole('form', { name: 'New interval' });
  const strip = app.getByTestId('strip-interval');
  await expect(form.getByLabel('From (m)')).toHaveValue('0');
  const kb = app.keyboard;
  // From here on the keyboard only: the first field is focused without a click.
  await form.getByLabel('To (m)').focus();

  // 1: every field by Tab; the per-attribute rule (RQD % is 0–100) said at the field first.
  await kb.type('1.5');
  await kb.press('Tab'); // StartBox
  await kb.type('1');
  await kb.press('Tab'); // EndBox
  await kb.type('2');
  await kb.press('Tab'); // RQD %
  await kb.type('120');
  await expect(form.getByTestId('attribute-problem')).toHaveText('RQD % must be between 0 and 100.');
  await kb.press('Enter');
  await expect(form.getByTestId('interval-error')).toHaveText('Fix the attributes marked below.');
  await expect(strip).toHaveCount(0);
  await kb.press('Backspace');
  await kb.press('Backspace');
  await kb.press('Backspace');
  await kb.type('85');
  await expect(form.getByTestId('attribute-problem')).toHaveCount(0);
  await kb.press('Tab'); // Lithology: "Ba" completes to the dataset's "Basalt"
  await kb.type('Ba');
  await expect(form.getByLabel('Lithology', { exact: true })).toHaveValue('Basalt');
  await kb.press('Tab'); // Lithology colour
  await kb.type('#4A5A3C');
  await kb.press('Tab'); // Geologist, carried forward from now on
  await kb.type('R. Okafor');
  await kb.press('Alt+c');
  await kb.press('Tab'); // Logged, carried forward too
  await kb.type('2026-11-20');
  await kb.press('Alt+c');
  await expect(form.locator('[data-carry="Geology.Geologist"]')).toBeChecked();
  await expect(form.locator('[data-carry="Geology.Logged"]')).toBeChecked();
  await expect(form.locator('[data-carry]:checked')).toHaveCount(2);
  // "R. Okafor" is new to the dataset: flagged once, Enter again keeps it.
  await kb.press('Enter');
  await expect(form.getByTestId('new-value-flag')).toHaveText('“R. Okafor” is new for Geologist in this dataset.');
  await expect(strip).toHaveCount(0);
  await kb.press('Enter');
  await expect(strip).toHaveCount(1);

  // 2–10: the next starts at the last To with the cursor in To; carried fields are filled.
  const lithologies = ['Basalt', 'Basalt', 'Quartz vein', 'Dolerite', 'Dolerite', 'Gabbro', 'Basalt', 'Quartz vein', 'Dolerite'];
  for (let n = 2; n <= 10; n++) {
    await expect(form.getByLabel('From (m)')).toHaveValue(String((n - 1) * 1.5));
    await expect(form.getByLabel('To (m)')).toBeFocused();
    await expect(form.getByLabel('Geologist', { exact: true })).toHaveValue('R. Okafor');
    await expect(form.getByLabel('Logged', { exact: true })).toHaveValue('2026-11-20');
    await kb.type(String(n * 1.5));
    await kb.press('Tab');
    await kb.type(String(n * 2 - 1));
    await kb.press('Tab');
    await kb.type(String(n * 2));
    await kb.press('Tab');
    await kb.press('Tab'); // RQD % left empty
    const lithology = lithologies[n - 2]!;
    await kb.type(lithology === 'Gabbro' ? 'Gabbro' : lithology.slice(0, 2));
    await expect(form.getByLabel('Lithology', { exact: true })).toHaveValue(lithology);
    await kb.press('Enter');
    if (lithology === 'Gabbro') {
      await expect(form.getByTestId('new-value-flag')).toHaveText('“Gabbro” is new for Lithology in this dataset.');
      await kb.press('Enter');
    }
    await expect(strip).toHaveCount(n);
  }
  await expect(strip.locator('.strip-range')).toHaveText(Array.from({ length: 10 }, (_, i) => `${(i * 1.5).toFixed(2)}–${((i + 1) * 1.5).toFixed(2)} m`));
  // Once kept, Gabbro is in the dataset's list: typing "Ga" completes it, no flag again.
  await form.getByLabel('To (m)').focus();
  await kb.press('Tab');
  await kb.press('Tab');
  await kb.press('Tab');
  await kb.press('Tab');
  await kb.type('Ga');
  await expect(form.getByLabel('Lithology', { exact: true })).toHaveValue('Gabbro');
  await expect(form.getByTestId('new-value-flag')).toHaveCount(0);

  // On Imago after sync: ten intervals with the carried-forward and pick-list values.
  await expect.poll(() => imagoIntervals(imago, 'FF-DD-0300').length, { timeout: 60_000 }).toBe(10);
  await expect(app.getByTestId('queue-summary')).toHaveAttribute('data-waiting', '0');
  await expect.poll(() => app.locator('[data-testid=strip-interval][data-sync="in Imago"]').count(), { timeout: 30_000 }).toBe(10);
  const logged = imagoIntervals(imago, 'FF-DD-0300');
  expect(logged.map((i) => [i.from, i.to])).toEqual(Array.from({ length: 10 }, (_, i) => [i * 1.5, (i + 1) * 1.5]));
  expect(logged.map((i) => i.attributes.Geology?.Geologist)).toEqual(Array(10).fill('R. Okafor'));
  expect(logged.map((i) => i.attributes.Geology?.Logged)).toEqual(Array(10).fill('2026-11-20'));
  expect(logged.map((i) => i.attributes.Geology?.Lithology)).toEqual(['Basalt', ...lithologies]);
  expect(logged[0]!.attributes.Geotechnical).toEqual({ 'RQD %': 85 });
  expect(logged[3]!.attributes['Core Tray Box Numbers']).toEqual({ StartBox: 7, EndBox: 8 });

  // A conflict: the 3.00–4.50 interval is edited here while the queue is paused, and in Imago meanwhile.
  await app.getByRole('button', { name: 'Pause uploads' }).click();
  await strip.nth(2).getByRole('button', { name: '3.00–4.50 m' }).click();
  const edit = app.getByRole('form', { name: 'Edit interval' });
  await edit.getByLabel('Lithology', { exact: true }).fill('Andesite');
  await edit.getByLabel('Lithology', { exact: true }).press('Enter');
  await edit.getByLabel('Lithology', { exact: true }).press('Enter'); // new value: kept on the second Enter
  await expect(strip.nth(2)).toHaveAttribute('data-sync', 'changes not sent yet');
  await editInImago(imago, 'FF-DD-0300', 3, 4.5, { Geology: { Lithology: 'Basalt porphyry' } });
  const writesBefore = writesTo(imago).length;
  await app.getByRole('button', { name: 'Resume uploads' }).click();

  const conflict = edit.getByTestId('interval-conflict');
  await expect(conflict).toBeVisible({ timeout: 30_000 });
  await expect(strip.nth(2)).toHaveAttribute('data-sync', 'conflict');
  const differing = conflict.locator('[data-testid=conflict-row][data-differs=yes]');
  await expect(differing).toHaveCount(1);
  await expect(differing.getByTestId('conflict-mine')).toHaveText('Andesite');
  await expect(differing.getByTestId('conflict-theirs')).toHaveText('Basalt porphyry');
  // Never overwritten: Imago keeps its value and was not written to.
  expect(imagoIntervals(imago, 'FF-DD-0300')[2]!.attributes.Geology?.Lithology).toBe('Basalt porphyry');
  expect(writesTo(imago).filter((e) => e.status === 200).length).toBe(writesBefore);

  // The user keeps theirs: it goes to Imago, every other attribute there as it was.
  await conflict.getByRole('button', { name: 'Keep mine (send to Imago)' }).click();
  await expect(conflict).toHaveCount(0);
  await expect.poll(() => imagoIntervals(imago, 'FF-DD-0300')[2]!.attributes.Geology?.Lithology, { timeout: 30_000 }).toBe('Andesite');
  expect(imagoIntervals(imago, 'FF-DD-0300')[2]!.attributes).toEqual({
    'Core Tray Box Numbers': { StartBox: 5, EndBox: 6 },
    Geology: { Lithology: 'Andesite', Geologist: 'R. Okafor', Logged: '2026-11-20' },
  });
  await expect(strip.nth(2)).toHaveAttribute('data-sync', 'in Imago', { timeout: 15_000 });
});

test('offline: an edit syncs when Imago is back; removing one never sent leaves no trace, one in Imago is removed here only, said plainly, and does not come back', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const imago = emulators!.imago;
  await openPhotos(app, corelog);
  await app.getByLabel('New hole name').fill('FF-DD-0301');
  await app.getByRole('button', { name: 'New hole' }).click();
  const form = app.getByRole('form', { name: 'New interval' });
  const strip = app.getByTestId('strip-interval');
  await form.getByLabel('To (m)').fill('2');
  await form.getByLabel('To (m)').press('Enter');
  await expect(strip).toHaveCount(1);
  await expect(form.getByLabel('From (m)')).toHaveValue('2');
  await form.getByLabel('To (m)').fill('4');
  await form.getByLabel('To (m)').press('Enter');
  await expect(strip).toHaveCount(2);
  await expect.poll(() => imagoIntervals(imago, 'FF-DD-0301').length, { timeout: 30_000 }).toBe(2);
  await expect(strip.nth(1)).toHaveAttribute('data-sync', 'in Imago', { timeout: 15_000 });

  // Offline: the first interval is edited, a third is added and removed again.
  imago.server.faults = { ...imago.server.faults, down: true };
  await strip.nth(0).getByRole('button', { name: '0.00–2.00 m' }).click();
  const edit = app.getByRole('form', { name: 'Edit interval' });
  await edit.getByLabel('StartBox').fill('4');
  await edit.getByLabel('StartBox').press('Enter');
  await expect(strip.nth(0)).toHaveAttribute('data-sync', 'changes not sent yet');
  await edit.getByRole('button', { name: 'New interval' }).click();
  await expect(form.getByLabel('From (m)')).toHaveValue('4');
  await form.getByLabel('To (m)').fill('6');
  await form.getByLabel('To (m)').press('Enter');
  await expect(strip).toHaveCount(3);
  await strip.nth(2).getByRole('button', { name: '4.00–6.00 m' }).click();
  await edit.getByRole('button', { name: 'Delete interval' }).click();
  await expect(edit.getByTestId('remove-note')).toHaveText('It has not been sent to Imago: it is simply removed.');
  await edit.getByRole('button', { name: 'Remove 4.00–6.00 m' }).click();
  await expect(app.getByTestId('interval-removed')).toHaveText('Removed 4.00–6.00 m; it had not been sent to Imago.');
  await expect(strip).toHaveCount(2);

  // One Imago has: removed here only, with a note that stays until Imago no longer has it.
  await strip.nth(1).getByRole('button', { name: '2.00–4.00 m' }).click();
  await edit.getByRole('button', { name: 'Delete interval' }).click();
  await expect(edit.getByTestId('remove-note')).toContainText('Imago’s API has no way to delete an interval');
  await edit.getByRole('button', { name: 'Remove 2.00–4.00 m' }).click();
  await expect(app.getByTestId('interval-removed')).toContainText('it is still in Imago: remove it there');
  await expect(strip).toHaveCount(1);
  await expect(app.getByTestId('removed-here')).toContainText('2.00–4.00 m');
  expect(imagoIntervals(imago, 'FF-DD-0301')[0]!.attributes).toEqual({});

  // Back online: the edit arrives; the removed ones are still as they were in Imago.
  imago.server.faults = { ...imago.server.faults, down: false };
  await expect.poll(() => imagoIntervals(imago, 'FF-DD-0301')[0]!.attributes, { timeout: 60_000 }).toEqual({ 'Core Tray Box Numbers': { StartBox: 4 } });
  await expect(strip.nth(0)).toHaveAttribute('data-sync', 'in Imago', { timeout: 15_000 });
  expect(imagoIntervals(imago, 'FF-DD-0301').map((i) => [i.from, i.to])).toEqual([
    [0, 2],
    [2, 4],
  ]);

  // A refresh from Imago (here: the page reloaded, which reads the hole's intervals) does not bring it back.
  const reads = () => imago.server.log.list().filter((e) => e.method === 'GET' && e.path === '/imagery' && e.status === 200).length;
  const readsBefore = reads();
  await app.reload();
  await expect.poll(reads, { timeout: 15_000 }).toBeGreaterThan(readsBefore);
  await expect(app.getByTestId('strip-interval')).toHaveCount(1);
  await expect(app.getByTestId('removed-here')).toContainText('2.00–4.00 m');
});
