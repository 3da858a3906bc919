/**
 * A planned sequence added here and not on Dougal yet is the queued add itself: changing it
 * rewrites the add (so a refused add can be fixed in full, not only renumbered, and nothing waits
 * behind it for ever), and removing it drops the add (nothing is sent to Dougal at all).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { addPlanned, openEventLog, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

async function openPlan(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Plan', exact: true }).click();
}

test('a refused add is fixed by changing its row (number and shot points), and a removed unsent add never reaches Dougal', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const dougal = emulators!.dougal;
  const plan = () => dougal.project(PROJECT).plan;
  const planWrites = (mark: number) => dougal.server.log.list(mark).filter((r) => r.method !== 'GET' && r.status !== 0 && r.path.includes('/plan')).map((r) => `${r.method} ${r.status}`);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await openPlan(app);
  await expect(app.getByTestId('plan-row-34')).toBeVisible({ timeout: 20_000 });
  const mark = dougal.server.log.lastSeq;

  dougal.server.faults = { ...dougal.server.faults, down: true };
  await addPlanned(app, { sequence: 40, line: 1005, fsp: 1100, lsp: 1500, name: 'Infill 1005' });
  await addPlanned(app, { sequence: 45, line: 1005, fsp: 1100, lsp: 1200, name: 'Second thoughts' });
  // Removed before it ever left: dropped here.
  await app.getByRole('button', { name: 'Remove planned sequence 45' }).click();
  await app.getByRole('button', { name: 'Confirm removal of planned sequence 45' }).click();
  await expect(app.getByTestId('plan-row-45')).toHaveCount(0);

  // Someone else plans 40 on Dougal meanwhile.
  plan().push({ ...plan().find((p) => p.sequence === 33)!, sequence: 40, name: 'theirs', remarks: '', meta: {} });
  dougal.server.faults = { ...dougal.server.faults, down: false };
  await expect(app.getByTestId('refused-changes')).toContainText('Add planned sequence 40', { timeout: 60_000 });

  // The user changes the refused row itself: another number and other shot points.
  const ours = app.getByTestId('plan-row-40').filter({ hasText: 'Infill 1005' });
  await ours.getByRole('button', { name: 'Change planned sequence 40' }).click();
  const form = app.getByRole('form', { name: 'Change planned sequence 40' });
  await form.getByLabel('Number').fill('41');
  await form.getByLabel('Last SP').fill('1400');
  await form.getByRole('button', { name: 'Save change' }).click();

  await expect.poll(() => plan().find((p) => p.sequence === 41), { timeout: 30_000 }).toMatchObject({ line: 1005, fsp: 1100, lsp: 1400, name: 'Infill 1005' });
  await expect(app.getByTestId('refused-changes')).toBeHidden();
  await expect(app.getByTestId('plan-row-41')).not.toContainText('not yet on Dougal');
  expect(plan().find((p) => p.sequence === 40)!.name).toBe('theirs');
  expect(plan().some((p) => p.sequence === 45)).toBe(false);
  // (Attempts while Dougal was down never reached it.) The refused add, then the add fixed: no add of 45, no removal, no edit behind the refused add.
  expect(planWrites(mark)).toEqual(['POST 409', 'POST 201']);
});
