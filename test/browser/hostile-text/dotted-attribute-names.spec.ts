/**
 * Attribute definition names with a dot ("Geol. logging") are ordinary in Imago, and the interval
 * form keys attributes as `definition.attribute`: a key cut at its first dot read the wrong field,
 * so a new pick-list value went unflagged and a conflict showed "—" on both sides under the wrong
 * attribute name, leaving the user to choose blind. Against the Imago emulator, through its API.
 */
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { expect, test } from '../fixtures';
import { openPhotosAt } from '../photos/photo-screen';

test.use({ systems: 'emulators' });

const LIVE = 'Firefly Resource Development';
const DATASET = 'Diamond Drilling';
const DOTTED = 'Geol. logging';

/** Someone else edits an interval in Imago, through Imago's own API (sign in, `POST /imagery`). */
async function editInImago(imago: ImagoEmulator, from: number, to: number, attributes: Record<string, Record<string, string>>) {
  const base = imago.server.baseUrl;
  const session = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password: 'demo' }) });
  const { apiToken } = (await session.json()) as { apiToken: string };
  const item = { workspaceName: LIVE, datasetName: DATASET, collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: from, endDepth: to, attributeDefinitions: Object.entries(attributes).map(([name, values]) => ({ name, attributes: values })) };
  const reply = await fetch(`${base}/imagery`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` }, body: JSON.stringify({ [imago.options.imageryKey]: [item] }) });
  expect(reply.status).toBe(200);
}

test('a definition named with a dot: a new value is flagged, and a conflict shows both values under the right name', async ({ app, corelog, emulators }) => {
  test.setTimeout(120_000);
  const imago = emulators!.imago;
  // Imago's "Geology" definition is called "Geol. logging" here, in the catalogue and on every interval.
  for (const type of imago.world.imageryTypes) for (const d of type.attributeDefinitions) if (d.name === 'Geology') d.name = DOTTED;
  for (const imagery of imago.world.imageries) {
    if (!imagery.attributes.Geology) continue;
    imagery.attributes[DOTTED] = imagery.attributes.Geology;
    delete imagery.attributes.Geology;
  }
  await openPhotosAt(app, corelog);
  await app.getByLabel('Hole', { exact: true }).selectOption(`${LIVE}/${DATASET}/FF-DD-0012`);
  const strip = app.getByTestId('strip-interval');
  await expect(strip).toHaveCount(4);

  await app.getByRole('button', { name: 'Pause uploads' }).click();
  await strip.nth(0).getByRole('button', { name: '102.00–106.80 m' }).click();
  const edit = app.getByRole('form', { name: 'Edit interval' });
  await expect(edit.getByLabel('Lithology', { exact: true })).toHaveValue('Basalt');
  await edit.getByLabel('Lithology', { exact: true }).fill('Andesite');
  await edit.getByLabel('Lithology', { exact: true }).press('Enter');
  // Andesite is new to the dataset's lithologies: said once, kept on the second Enter.
  await expect(edit.getByTestId('new-value-flag')).toHaveText('“Andesite” is new for Lithology in this dataset.');
  await edit.getByLabel('Lithology', { exact: true }).press('Enter');
  await expect(strip.nth(0)).toHaveAttribute('data-sync', 'changes not sent yet');

  await editInImago(imago, 102, 106.8, { [DOTTED]: { Lithology: 'Basalt porphyry' } });
  await app.getByRole('button', { name: 'Resume uploads' }).click();
  const conflict = edit.getByTestId('interval-conflict');
  await expect(conflict).toBeVisible({ timeout: 30_000 });
  const differing = conflict.locator('[data-testid=conflict-row][data-differs=yes]');
  await expect(differing).toHaveCount(1);
  await expect(differing.getByRole('rowheader')).toHaveText('Lithology');
  await expect(differing.getByTestId('conflict-mine')).toHaveText('Andesite');
  await expect(differing.getByTestId('conflict-theirs')).toHaveText('Basalt porphyry');
  // The attributes both sides share are shown with their values, not as "—".
  await expect(conflict.locator('[data-testid=conflict-row]').filter({ hasText: 'Geologist' }).getByTestId('conflict-mine')).not.toHaveText('—');
});
