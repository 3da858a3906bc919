/**
 * A label typed in the labels box but not taken as a chip when the event is logged or saved (the
 * label list not there yet, Enter pressed too early, or simply not pressed): the event never goes
 * without it silently. A label's exact name is taken; anything else stops the form with a message.
 */
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, serverEventsFromCorelog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test('a label typed before the label list has arrived is not dropped: the event waits, then goes with it', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal.server;
  // No label list yet (every label request is cut off).
  dougal.faults = { ...dougal.faults, failureRate: 1, failureKinds: ['reset'], failurePathIncludes: '/label' };
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const entry = app.getByTestId('entry-line');
  await entry.getByRole('combobox', { name: 'Labels' }).fill('Nav');
  await entry.getByRole('combobox', { name: 'Labels' }).press('Enter');
  await entry.getByLabel('Remarks').fill('Nav check at line start');
  await entry.getByLabel('Remarks').press('Enter');
  await expect(app.getByText('“Nav” in the labels box is not a label of this project')).toBeVisible();
  // Nothing logged, nothing lost: the remarks and the typed label are still there.
  await expect(entry.getByLabel('Remarks')).toHaveValue('Nav check at line start');
  await expect(entry.getByRole('combobox', { name: 'Labels' })).toHaveValue('Nav');
  await expect(eventRow(app, 'Nav check at line start')).toHaveCount(0);

  // The list arrives (the engine asks again after 10 s); until then Enter only says the same again.
  dougal.faults = { ...dougal.faults, failureRate: 0, failurePathIncludes: '' };
  await expect(async () => {
    await entry.getByLabel('Remarks').press('Enter');
    await expect(entry.getByLabel('Remarks')).toHaveValue('', { timeout: 1_000 });
  }).toPass({ timeout: 40_000 });
  await expect(entry.getByRole('combobox', { name: 'Labels' })).toHaveValue('');
  await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => [e.remarks, e.labels]), { timeout: 15_000 }).toEqual([['Nav check at line start', ['Nav']]]);
});

test('a label name typed in full without Enter goes with the event; in the edit form too', async ({ app, corelog, emulators }) => {
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const entry = app.getByTestId('entry-line');
  await entry.getByRole('combobox', { name: 'Labels' }).fill('nav');
  await entry.getByLabel('Remarks').fill('Typed, not picked');
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
  await expect(eventRow(app, 'Typed, not picked')).toContainText('Nav');

  // A typo stops the save with a message; the draft stays as typed.
  await eventRow(app, 'Typed, not picked').click();
  await app.getByLabel('Edit labels').fill('Gunn');
  // Sent from another box (the suggestions under the labels box cover the button).
  await app.getByLabel('Edit sequence').press('Enter');
  await expect(app.getByText('“Gunn” in the labels box is not a label of this project')).toBeVisible();
  await app.getByLabel('Edit labels').fill('Gun');
  await app.getByLabel('Edit sequence').press('Enter');
  await expect
    .poll(() => serverEventsFromCorelog(emulators!).map((e) => [e.remarks, [...e.labels].sort()]), { timeout: 15_000 })
    .toEqual([['Typed, not picked', ['Gun', 'Nav']]]);
});
