/**
 * On the next start, pending work resumes before any screen is needed: the sync engines start
 * with the app (they run in the always-present sync strip), whichever screen it opens on.
 */
import { expect, test } from './fixtures';
import { logEvent, openEventLog, pendingOnStrip, serverEventsFromCorelog, signInDougal } from './event-log/event-log-helpers';

test.use({ systems: 'emulators' });

test('events logged while Dougal was away are sent after a restart on the Home screen, without opening the event log', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  dougal.server.faults = { ...dougal.server.faults, down: true };
  for (const remarks of ['Waiting 1', 'Waiting 2', 'Waiting 3']) await logEvent(app, remarks);
  await expect.poll(() => pendingOnStrip(app)).toBe(3);
  // Main knows too (what closing the window would say is pending), reported by the page.
  const pendingInMain = () => corelog.services.desktop.pendingWork.current.events;
  await expect.poll(pendingInMain).toBe(3);

  // Leave for Home (the screen the next start opens on), then restart the page.
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Home' }).click();
  await app.reload();
  await expect(app.getByRole('button', { name: 'Export diagnostics…' })).toBeVisible();
  await expect.poll(() => pendingOnStrip(app)).toBe(3);
  expect(serverEventsFromCorelog(emulators!)).toHaveLength(0);

  dougal.server.faults = { ...dougal.server.faults, down: false };
  await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks).sort(), { timeout: 60_000 }).toEqual(['Waiting 1', 'Waiting 2', 'Waiting 3']);
  await expect.poll(() => pendingOnStrip(app)).toBe(0);
  await expect.poll(pendingInMain).toBe(0);
  // Still on Home: nothing else was needed.
  await expect(app.getByRole('button', { name: 'Export diagnostics…' })).toBeVisible();
  await expect(app.getByTestId('event-log')).toHaveCount(0);
});
