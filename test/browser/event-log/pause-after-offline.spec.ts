/**
 * Edits queued while Dougal is away, and one lost reply once it is back. While Dougal is away the
 * queue pauses after each failed try, longer each time; those pauses must not carry over once
 * Dougal takes work again. They did: the first lost reply after coming back held the whole queue
 * for the next, longer pause (16 s after three tries offline, up to a minute after a day), though
 * Dougal was taking everything else. One lost reply on a working link holds the queue for seconds.
 */
import { expect, test } from '../fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, serverEvents, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test('after Dougal comes back, a lost reply holds the queue for seconds, not for the pause grown while it was away', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const names = [1, 2, 3, 4].map((n) => `Pause probe ${n}`);
  for (const name of names) await logEvent(app, name);
  await expect.poll(() => pendingOnStrip(app), { timeout: 15_000 }).toBe(0);

  dougal.faults = { ...dougal.faults, down: true };
  for (const name of names) {
    await eventRow(app, name).click();
    await app.getByTestId('event-panel').getByLabel('Edit remarks').fill(`${name}, edited`);
    await app.getByTestId('event-panel').getByRole('button', { name: 'Save changes' }).click();
    await expect(eventRow(app, `${name}, edited`)).toHaveAttribute('data-sync', 'pending');
  }
  // Three tries of the edits while Dougal is away (each try of a change reads its event first).
  const mark = dougal.log.lastSeq;
  const triedOffline = () => dougal.log.list(mark).filter((r) => r.method === 'GET' && /\/event\/\d+$/.test(r.path) && r.fault === 'down').length;
  await expect.poll(triedOffline, { timeout: 30_000 }).toBeGreaterThanOrEqual(2 * names.length + 1);

  // Back, but the reply to the first edit Dougal applies is lost.
  dougal.faults = { ...dougal.faults, down: false, failureMethod: 'PUT', failurePathIncludes: '/event/', dropResponseNext: 1 };
  await expect.poll(() => dougal.log.list(mark).some((r) => r.fault === 'response dropped'), { timeout: 20_000 }).toBe(true);
  const lostAt = Date.now();
  await expect.poll(() => pendingOnStrip(app), { timeout: 40_000 }).toBe(0);
  const heldMs = Date.now() - lostAt;
  console.log(`pause after offline: every edit settled ${(heldMs / 1000).toFixed(1)} s after the lost reply`);
  expect(serverEvents(emulators!).filter((e) => names.some((n) => e.remarks === `${n}, edited`))).toHaveLength(names.length);
  // The lost one waits its own few seconds (sooner once others are taken), not the grown pause.
  expect(heldMs, `every edit settled ${(heldMs / 1000).toFixed(1)} s after the lost reply`).toBeLessThan(10_000);
});
