/**
 * "Send mine anyway" reads Dougal's version over the network before it queues the change again.
 * A remarks edit made while that read is on its way folds into the same refused change; it must
 * be what goes to Dougal, not the copy of the change taken before the read. The read is held open
 * by the test (the service's Dougal client waits on a gate), so the edit lands inside it every time.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { openEventLog, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

async function editRemarks(app: Page, sequence: number, text: string): Promise<void> {
  await app.getByRole('button', { name: `Edit remarks of sequence ${sequence}` }).click();
  await app.getByRole('form', { name: `Remarks of sequence ${sequence}` }).getByRole('textbox', { name: 'Remarks', exact: true }).fill(text);
  await app.getByRole('button', { name: 'Save remarks' }).click();
}

/** The queued remarks change of `sequence`: its text and state. */
async function queuedRemarks(app: Page, sequence: number): Promise<{ remarks: string | undefined; state: string } | null> {
  return app.evaluate(
    (n) =>
      new Promise<{ remarks: string | undefined; state: string } | null>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => {
            const item = (all.result as { state: string; survey?: { op: string; sequence: number; changes: { remarks?: string } } }[]).find((i) => i.survey?.op === 'remarks' && i.survey.sequence === n);
            resolve(item ? { remarks: item.survey!.changes.remarks, state: item.state } : null);
            open.result.close();
          };
        };
      }),
    sequence,
  );
}

test('a remarks edit made while "Send mine anyway" reads Dougal is the one sent', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal;
  const project = dougal.project(PROJECT);
  const current = () => project.sequences.find((q) => q.sequence === 21)!.remarks;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Sequences', exact: true }).click();
  await expect(app.getByRole('button', { name: 'Edit remarks of sequence 21' })).toBeVisible({ timeout: 20_000 });

  dougal.server.faults = { ...dougal.server.faults, down: true };
  await editRemarks(app, 21, 'Infill of sequence 18, mine');
  project.sequences.find((q) => q.sequence === 21)!.remarks = 'Infill of sequence 18, theirs';
  dougal.server.faults = { ...dougal.server.faults, down: false };
  const refused = app.getByTestId('refused-changes');
  await expect(refused).toContainText('remarks is now “Infill of sequence 18, theirs”', { timeout: 30_000 });

  // Hold the survey read of "Send mine anyway" (it reads the lines with the rest) until the edit
  // is in; later reads (the one after the edit's own refusal) pass.
  const client = corelog.services.clients.dougal();
  const listLines = client.listLines.bind(client);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  client.listLines = async (...args: Parameters<typeof listLines>) => {
    if (reads++ === 0) await gate;
    return listLines(...args);
  };
  try {
    await refused.getByRole('button', { name: 'Send mine anyway' }).click();
    await editRemarks(app, 21, 'Infill of sequence 18, mine, corrected');
    // The edit went out on its own, still from the old starting point, and was refused again.
    await expect.poll(() => queuedRemarks(app, 21), { timeout: 30_000 }).toEqual({ remarks: 'Infill of sequence 18, mine, corrected', state: 'failed' });
  } finally {
    release();
    client.listLines = listLines;
  }
  await expect.poll(current, { timeout: 30_000 }).toBe('Infill of sequence 18, mine, corrected');
  await expect.poll(() => queuedRemarks(app, 21), { timeout: 15_000 }).toBeNull();
  expect(current()).toBe('Infill of sequence 18, mine, corrected');
});
