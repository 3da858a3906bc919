/**
 * A planned sequence renumbered by someone else while this computer was offline: the change the
 * user queued for "planned sequence 31" was meant for its line, not for whichever entry holds 31
 * when Dougal is back. It is refused, with the reason, and kept for the user; the other line's
 * entry is left as it was, even where the changed attribute held the same value there.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { openEventLog, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

async function openPlan(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Plan', exact: true }).click();
}

test('an edit queued for a planned sequence that someone renumbered meanwhile is refused and kept, never applied to the other line', async ({ app, corelog, emulators }) => {
  test.setTimeout(90_000);
  const dougal = emulators!.dougal;
  const plan = () => dougal.project(PROJECT).plan;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await openPlan(app);
  await expect(app.getByTestId('plan-row-31')).toBeVisible({ timeout: 20_000 });
  const mine = plan().find((p) => p.sequence === 31)!;
  const theirs = plan().find((p) => p.sequence === 32)!;
  expect(theirs.remarks).toBe(mine.remarks);

  dougal.server.faults = { ...dougal.server.faults, down: true };
  await app.getByRole('button', { name: 'Change planned sequence 31', exact: true }).click();
  const form = app.getByRole('form', { name: 'Change planned sequence 31' });
  await form.getByLabel('Remarks').fill('Reshoot gap SP 1200-1210');
  await form.getByRole('button', { name: 'Save change' }).click();
  await expect(app.getByTestId('plan-row-31')).toContainText('not yet on Dougal');

  // Meanwhile on Dougal: 31 is dropped from the plan and 32 (another line) renumbered to 31.
  const project = dougal.project(PROJECT);
  project.plan = project.plan.filter((p) => p.sequence !== 31);
  project.plan.find((p) => p.sequence === 32)!.sequence = 31;
  const mark = dougal.server.log.lastSeq;
  dougal.server.faults = { ...dougal.server.faults, down: false };

  const refused = app.getByTestId('refused-changes');
  await expect(refused.getByTestId('refusal-reason')).toContainText(`now line ${theirs.line}, not line ${mine.line}`, { timeout: 60_000 });
  const entry = plan().find((p) => p.sequence === 31)!;
  expect(entry).toMatchObject({ line: theirs.line, remarks: theirs.remarks });
  expect(dougal.server.log.list(mark).filter((r) => r.method !== 'GET' && r.path.includes('/plan'))).toEqual([]);

  // "Send mine anyway" takes Dougal's values as the starting point, but not another line for this one's.
  await refused.getByRole('button', { name: 'Send mine anyway' }).click();
  await expect(refused.getByTestId('refusal-reason')).toContainText(`now line ${theirs.line}`, { timeout: 30_000 });
  expect(plan().find((p) => p.sequence === 31)!.remarks).toBe(theirs.remarks);

  // Kept across a reload until the user drops it.
  await app.reload();
  await openEventLog(app, 1000);
  await openPlan(app);
  await expect(app.getByTestId('refused-changes')).toContainText('Change planned sequence 31');
  await app.getByTestId('refused-changes').getByRole('button', { name: 'Drop' }).click();
  await expect(app.getByTestId('refused-changes')).toBeHidden();
  expect(plan().find((p) => p.sequence === 31)).toMatchObject({ line: theirs.line, remarks: theirs.remarks });
});
