/**
 * QC accepts and un-accepts reach Dougal in the order they were made. Each queued QC change was
 * a chain of its own, so an un-accept went past an accept of the same result that was waiting to
 * be tried again; the accept then landed last and Dougal ended with the result accepted, the
 * user's un-accept undone. The same happens after a kill that leaves the accept marked as sent.
 */
import { expect, test } from '../fixtures';
import { firstQcResult, openEventLog, pendingOnStrip, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test('an un-accept made while the accept still waits for Dougal lands after it: the result ends un-accepted', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const { id } = await firstQcResult(app);
  const box = app.getByRole('checkbox', { name: `Accept QC result ${id}`, exact: true }).first();

  // The accept cannot get through for a while; the un-accept could.
  dougal.faults = { ...dougal.faults, failureRate: 1, failureKinds: ['reset'], failurePathIncludes: '/qc/results/accept' };
  const mark = dougal.log.lastSeq;
  await box.click();
  await expect(box).toBeChecked();
  await box.click();
  await expect(box).not.toBeChecked();
  const tries = () => dougal.log.list(mark).filter((r) => r.method === 'POST' && r.path.endsWith('/qc/results/accept')).length;
  // Tried again after the first failure: by then an un-accept free to go past it has landed.
  await expect.poll(tries, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);

  dougal.faults = { ...dougal.faults, failureRate: 0, failurePathIncludes: '' };
  await app.getByTestId('sync-dougal-retry').click();
  // Both go (nothing folds them together); the strip's count is of events, so Dougal's log is watched.
  const landed = () =>
    dougal.log
      .list(mark)
      .filter((r) => r.method === 'POST' && /\/qc\/results\/(un)?accept$/.test(r.path) && r.status < 300 && !r.fault)
      .map((r) => r.path.split('/').at(-1));
  await expect.poll(() => landed().length, { timeout: 30_000 }).toBe(2);
  expect(landed()).toEqual(['accept', 'unaccept']);
  await expect.poll(() => pendingOnStrip(app), { timeout: 30_000 }).toBe(0);
  expect(emulators!.dougal.project(PROJECT).qcAccepted).not.toContain(id);
  await expect(box).not.toBeChecked();
});
