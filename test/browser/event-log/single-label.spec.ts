/**
 * A once-per-sequence label (SOL) taken here by an event that never reaches Dougal goes back to
 * the event it was taken from, and an edit of that event never sends a removal of the label the
 * user did not make. Signed out, the engine sends nothing, so "never reached Dougal" is certain
 * (with Dougal merely down, an attempt may have reached it, and the event is then sent and deleted
 * in order, which moves the label on Dougal as its rule says).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { logEvent, openEventLog, serverEvents, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

const SEED_SOL = /^Start of line \d+, sequence 28/;

/** The local row whose remarks match `pattern`. */
async function localRow(app: Page, pattern: RegExp) {
  return app.evaluate(
    (p) =>
      new Promise<{ key: string; labels: string[]; remarks: string; sync: string; server: { labels: string[] } | null } | null>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            resolve((all.result as { key: string; labels: string[]; remarks: string; sync: string; server: { labels: string[] } | null }[]).find((r) => new RegExp(p).test(r.remarks)) ?? null);
            open.result.close();
          };
        };
      }),
    pattern.source,
  );
}

async function editSeedRemarks(app: Page, remarks: string): Promise<void> {
  await app.getByLabel('Search remarks').fill('Start of line');
  await app.getByLabel('Filter sequence').fill('28');
  await app.getByTestId('event-row').filter({ hasText: /Start of line \d+, sequence 28/ }).first().click();
  await app.getByTestId('event-panel').getByLabel('Edit remarks').fill(remarks);
  await app.getByTestId('event-panel').getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByTestId('event-row').filter({ hasText: remarks })).toHaveCount(1);
  await app.getByLabel('Search remarks').fill('');
  await app.getByLabel('Filter sequence').fill('');
}

async function deleteUnsent(app: Page, remarks: string): Promise<void> {
  await app.getByLabel('Search remarks').fill(remarks);
  await app.getByTestId('event-row').filter({ hasText: remarks }).first().click();
  await app.getByTestId('event-panel').getByRole('button', { name: 'Delete event' }).click();
  await expect(app.getByTestId('event-row').filter({ hasText: remarks })).toHaveCount(0);
  await app.getByLabel('Search remarks').fill('');
}

const solHolders = (emulators: Parameters<typeof serverEvents>[0]) => serverEvents(emulators).filter((e) => e.sequence === 28 && e.labels.includes('SOL')).map((e) => e.remarks);

test('an unsent SOL event deleted again gives SOL back to the event it took it from, and an edit of that event keeps SOL on Dougal', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const before = (await localRow(app, SEED_SOL))!;
  expect(before.labels).toContain('SOL');

  await corelog.services.connections.signOut('dougal', true);
  await logEvent(app, 'mistaken SOL', { sequence: 28, labels: ['SOL'] });
  // Shown moved at once, as Dougal will do when it gets the event.
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.labels).not.toContain('SOL');
  await deleteUnsent(app, 'mistaken SOL');
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.labels).toEqual(before.labels);

  await editSeedRemarks(app, `${before.remarks} (checked)`);
  await signInDougal(corelog);
  await expect.poll(() => serverEvents(emulators!).some((e) => e.remarks === `${before.remarks} (checked)`), { timeout: 40_000 }).toBe(true);
  expect(solHolders(emulators!)).toEqual([`${before.remarks} (checked)`]);
});

test('an edit made while a pending event holds the label sends SOL unchanged; the label comes back when that event is deleted unsent', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const before = (await localRow(app, SEED_SOL))!;

  await corelog.services.connections.signOut('dougal', true);
  await logEvent(app, 'another SOL', { sequence: 28, labels: ['SOL'] });
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.labels).not.toContain('SOL');
  // The user changes the remarks only; SOL is not on screen for this event, but it is not theirs to remove.
  await editSeedRemarks(app, `${before.remarks} (checked)`);
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.labels).not.toContain('SOL');
  await deleteUnsent(app, 'another SOL');
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.labels).toContain('SOL');

  await signInDougal(corelog);
  await expect.poll(() => serverEvents(emulators!).some((e) => e.remarks === `${before.remarks} (checked)`), { timeout: 40_000 }).toBe(true);
  expect(solHolders(emulators!)).toEqual([`${before.remarks} (checked)`]);
});

test('a pending SOL event that reaches Dougal moves the label there too, and a later edit of the other event does not bring it back', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  const before = (await localRow(app, SEED_SOL))!;
  await logEvent(app, 'the real SOL', { sequence: 28, labels: ['SOL'] });
  await expect.poll(() => solHolders(emulators!), { timeout: 20_000 }).toEqual(['the real SOL']);
  // Dougal's own version of it, without SOL, has come back with the pull.
  await expect.poll(async () => (await localRow(app, SEED_SOL))?.server?.labels, { timeout: 20_000 }).not.toContain('SOL');
  await editSeedRemarks(app, `${before.remarks} (checked)`);
  await expect.poll(() => serverEvents(emulators!).some((e) => e.remarks === `${before.remarks} (checked)`), { timeout: 20_000 }).toBe(true);
  expect(solHolders(emulators!)).toEqual(['the real SOL']);
});
