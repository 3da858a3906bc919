/**
 * An interval form keeps the Imago version its values started from. A refresh that lands while
 * the form is open (someone else changed the interval in Imago) does not become the base of the
 * form's save: the save is seen as a conflict and Imago's change is not overwritten.
 */
import type { Page } from '@playwright/test';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { expect, test } from '../fixtures';
import { LIVE_WORKSPACE, openPhotosAt } from './photo-screen';

test.use({ systems: 'emulators' });

const DATASET = 'Diamond Drilling';
const HOLE = 'FF-DD-0012';

function firstImagoInterval(imago: ImagoEmulator) {
  const world = imago.world;
  const collection = world.collections.find((c) => c.name === HOLE)!;
  return world.imageries
    .filter((i) => i.collectionId === collection.id)
    .map((i) => ({ from: i.startDepth!, to: i.endDepth!, attributes: i.attributes }))
    .sort((a, b) => a.from - b.from)[0]!;
}

/** Someone else edits the interval through Imago's own API. */
async function editInImago(imago: ImagoEmulator, from: number, to: number, attributes: Record<string, Record<string, string | number>>) {
  const base = imago.server.baseUrl;
  const session = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
  const { apiToken } = (await session.json()) as { apiToken: string };
  const item = { workspaceName: LIVE_WORKSPACE, datasetName: DATASET, collectionName: HOLE, imageryTypeName: 'Core Trays', startDepth: from, endDepth: to, attributeDefinitions: Object.entries(attributes).map(([name, values]) => ({ name, attributes: values })) };
  const reply = await fetch(`${base}/imagery`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` }, body: JSON.stringify({ [imago.options.imageryKey]: [item] }) });
  expect(reply.status).toBe(200);
}

async function openHole(app: Page) {
  await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE_WORKSPACE}/${DATASET}/${HOLE}`);
  await expect(app.getByTestId('strip-interval')).toHaveCount(4, { timeout: 20_000 });
}

test('a form opened before a refresh lands saves against the version it opened with: Imago’s change is a conflict, not overwritten', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const imago = emulators!.imago;
  await openPhotosAt(app, corelog);
  await openHole(app);
  const first = firstImagoInterval(imago);
  const ours = String(first.attributes.Geology?.Lithology ?? '');
  await editInImago(imago, first.from, first.to, { Geology: { ...(first.attributes.Geology ?? {}), Lithology: 'THEIRS-Dolerite' } });

  // A slow link: the cached copy is on screen at once, Imago's answer comes seconds later.
  imago.server.faults = { ...imago.server.faults, latencyMs: 4000 };
  await app.reload();
  await expect(app.getByTestId('strip-interval')).toHaveCount(4, { timeout: 20_000 });
  await app.getByTestId('strip-interval').nth(0).getByRole('button').first().click();
  const edit = app.getByRole('form', { name: 'Edit interval' });
  await expect(edit.getByLabel('Lithology', { exact: true })).toHaveValue(ours);
  // The refresh lands under the open form.
  await expect
    .poll(
      () =>
        app.evaluate(
          () =>
            new Promise<string | undefined>((resolve) => {
              const open = indexedDB.open('corelog-photos');
              open.onsuccess = () => {
                const all = open.result.transaction('intervals').objectStore('intervals').getAll();
                all.onsuccess = () => resolve((all.result as { from: number; attributes: { Geology?: { Lithology?: string } } }[]).sort((a, b) => a.from - b.from)[0]!.attributes.Geology?.Lithology);
              };
            }),
        ),
      { timeout: 30_000 },
    )
    .toBe('THEIRS-Dolerite');
  imago.server.faults = { ...imago.server.faults, latencyMs: 0 };

  // Only the geologist is changed; the form still shows the lithology it opened with.
  const geologist = edit.getByLabel('Geologist', { exact: true });
  await geologist.fill('J. Probe');
  await geologist.press('Enter');
  if (await app.getByTestId('new-value-flag').count()) await geologist.press('Enter');

  const conflict = edit.getByTestId('interval-conflict');
  await expect(conflict).toBeVisible({ timeout: 30_000 });
  await expect(app.getByTestId('strip-interval').nth(0)).toHaveAttribute('data-sync', 'conflict');
  const lithology = conflict.locator('[data-testid=conflict-row][data-differs=yes]', { hasText: 'Lithology' });
  await expect(lithology.getByTestId('conflict-mine')).toHaveText(ours);
  await expect(lithology.getByTestId('conflict-theirs')).toHaveText('THEIRS-Dolerite');
  await app.waitForTimeout(3000);
  expect(firstImagoInterval(imago).attributes.Geology?.Lithology).toBe('THEIRS-Dolerite');
});

test('saving twice from one open form after the first save reached Imago is no conflict', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const imago = emulators!.imago;
  await openPhotosAt(app, corelog);
  await openHole(app);
  await app.getByTestId('strip-interval').nth(0).getByRole('button').first().click();
  const edit = app.getByRole('form', { name: 'Edit interval' });
  const geologist = edit.getByLabel('Geologist', { exact: true });
  const save = async (name: string) => {
    await geologist.fill(name);
    await geologist.press('Enter');
    if (await app.getByTestId('new-value-flag').count()) await geologist.press('Enter');
    await expect.poll(() => firstImagoInterval(imago).attributes.Geology?.Geologist, { timeout: 30_000 }).toBe(name);
  };
  await save('A. First');
  // Our own write is now Imago's version; the next save from the same form starts from it.
  await save('B. Second');
  await expect(app.getByTestId('strip-interval').nth(0)).toHaveAttribute('data-sync', 'in Imago', { timeout: 30_000 });
  await expect(edit.getByTestId('interval-conflict')).toHaveCount(0);
});
