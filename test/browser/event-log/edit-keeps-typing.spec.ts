/**
 * The event edit form keeps what the user is typing when the event changes under it: an earlier
 * save settling (the row's sync state and uid change) and a pull bringing someone else's version.
 * Fields the user has not touched follow the event; a typed one stays, and the form says what
 * changed underneath.
 */
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { expect, test } from '../fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, PROJECT, serverEventsFromCorelog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test('text typed while an earlier save is on its way is still in the box after it settles', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await logEvent(app, 'keep typing');
  await expect(eventRow(app, 'keep typing')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  await eventRow(app, 'keep typing').click();
  const panel = app.getByTestId('event-panel');
  const box = panel.getByLabel('Edit remarks');

  dougal.faults = { ...dougal.faults, latencyMs: 1500 };
  await box.fill('keep typing, first fix');
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await expect(eventRow(app, 'keep typing, first fix')).toHaveAttribute('data-sync', /pending|sending/);
  // A second correction, not saved yet, while the first travels.
  await box.fill('keep typing, first fix, and a second');
  await expect(eventRow(app, 'keep typing, first fix')).toHaveAttribute('data-sync', 'synced', { timeout: 20_000 });
  await expect.poll(() => serverEventsFromCorelog(emulators!).some((e) => e.remarks === 'keep typing, first fix'), { timeout: 10_000 }).toBe(true);
  await expect(box).toHaveValue('keep typing, first fix, and a second');
  // It was our own save that came back: nothing to warn about.
  await expect(panel.getByTestId('edit-changed-underneath')).toHaveCount(0);
  dougal.faults = { ...dougal.faults, latencyMs: 0 };
  await panel.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => serverEventsFromCorelog(emulators!).some((e) => e.remarks === 'keep typing, first fix, and a second'), { timeout: 15_000 }).toBe(true);
});

test('a pull that changes the event keeps the typed remarks, says what changed, and updates the untouched fields', async ({ app, corelog, emulators }) => {
  const server = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await logEvent(app, 'shared edit', { sequence: 28, point: 5100 });
  await expect(eventRow(app, 'shared edit')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  await eventRow(app, 'shared edit').click();
  const panel = app.getByTestId('event-panel');
  await panel.getByLabel('Edit remarks').fill('shared edit, my unsaved words');

  const other = new DougalClient({ baseUrl: server.baseUrl });
  await other.login('demo', 'demo');
  const id = serverEventsFromCorelog(emulators!).find((e) => e.remarks === 'shared edit')!.id;
  const theirs = await other.getEvent(PROJECT, id);
  await other.updateEvent(PROJECT, id, { ...theirs, remarks: 'shared edit, theirs', point: 5101 });

  // A push is followed by a pull within seconds: log something else to bring theirs in.
  await logEvent(app, 'something else');
  await expect.poll(() => pendingOnStrip(app), { timeout: 15_000 }).toBe(0);
  await expect(panel.getByLabel('Edit shot point')).toHaveValue('5101', { timeout: 15_000 });
  await expect(panel.getByLabel('Edit remarks')).toHaveValue('shared edit, my unsaved words');
  await expect(panel.getByTestId('edit-changed-underneath')).toContainText('remarks is now “shared edit, theirs”');
  // The user chooses: theirs for the remarks, and the warning goes.
  await panel.getByTestId('edit-changed-underneath').getByRole('button').click();
  await expect(panel.getByLabel('Edit remarks')).toHaveValue('shared edit, theirs');
  await expect(panel.getByTestId('edit-changed-underneath')).toHaveCount(0);
});
