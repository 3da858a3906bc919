/**
 * An Imago that hands out only part of a list (here: one that ignores the paging offset, with
 * pages capped below what Corelog asks) must not have part of a dataset's holes, or of a hole's
 * intervals, shown as all of them: the Photos screen says some may be missing and why, and says
 * nothing once the lists are read whole again. Real HTTP to the Imago emulator's dialect.
 */
import { expect, test } from '../fixtures';
import { defaultBehaviour } from '../../../emulators/imago/options';
import { clientFor } from '../../node/imago/imago-fixture';
import { LIVE_WORKSPACE, openPhotosAt } from './photo-screen';

test.use({ systems: 'emulators' });

test('a hole list and an interval list Imago hands out in part are said to be partial, and no longer once whole', async ({ app, corelog, emulators }) => {
  const imago = emulators!.imago;
  const { client } = clientFor(imago);
  // More holes than one page of 50, so a server that ignores the offset sends the first 50 twice.
  for (let i = 0; i < 55; i++) await client.createCollection({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', name: `PAGE-${String(i).padStart(3, '0')}` });
  imago.setOptions({ ...defaultBehaviour(), pagingOffset: 'ignored', imageryLimitCap: 2 });

  await openPhotosAt(app, corelog);
  const holesNote = app.getByTestId('hole-list-incomplete');
  await expect(holesNote).toContainText('Some holes of this dataset may be missing here');
  await expect(holesNote).toContainText('ignores the paging offset');
  await app.getByLabel('Hole', { exact: true }).selectOption({ label: 'FF-DD-0012' });
  const intervalsNote = app.getByTestId('interval-list-incomplete');
  await expect(intervalsNote).toContainText('Some intervals of FF-DD-0012 may be missing here');

  imago.setOptions(defaultBehaviour());
  await app.reload();
  await expect(app.getByLabel('Hole', { exact: true })).toHaveValue(/FF-DD-0012/);
  await expect(app.getByRole('option', { name: 'PAGE-054' })).toHaveCount(1);
  await expect(holesNote).toHaveCount(0);
  await expect(intervalsNote).toHaveCount(0);
});
