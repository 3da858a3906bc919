/**
 * The plan and sequences' remarks offline-first, against the Dougal emulator: changes made with
 * Dougal down survive a reload, reach Dougal in queue order once it is back, and a plan conflict
 * from Dougal keeps the local change, with its reason, until the user fixes it (a later change
 * of the plan waits behind it). Run in the default dialect and in the strictest one (POST 204,
 * no PATCH on the plan, plain-text refusals, acquired numbers taken).
 */
import type { Page } from '@playwright/test';
import { LEAST_FORGIVING_DOUGAL, type DougalBehaviour } from '../../../emulators/dougal/index';
import { Survey } from '../../../emulators/dougal/survey';
import { expect, test } from '../fixtures';
import { addPlanned, openEventLog, PROJECT, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

async function openTab(app: Page, name: 'Plan' | 'Sequences' | 'Lines'): Promise<void> {
  await app.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name, exact: true }).click();
}

async function renumber(app: Page, from: number, to: number): Promise<void> {
  await app.getByRole('button', { name: `Change planned sequence ${from}`, exact: true }).click();
  const form = app.getByRole('form', { name: `Change planned sequence ${from}` });
  await form.getByLabel('Number').fill(String(to));
  await form.getByRole('button', { name: 'Save change' }).click();
  await expect(form).toBeHidden();
}

const DIALECTS: [string, Partial<DougalBehaviour>][] = [
  ['default dialect', {}],
  ['strictest dialect', LEAST_FORGIVING_DOUGAL],
];

for (const [name, dialect] of DIALECTS) {
  test(`plan and remarks changed offline reach Dougal in order; a plan conflict is kept for the user (${name})`, async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    const dougal = emulators!.dougal;
    dougal.setBehaviour(dialect);
    const plan = () => dougal.project(PROJECT).plan;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await openTab(app, 'Plan');
    await expect(app.getByTestId('plan-row-34')).toBeVisible({ timeout: 20_000 });

    const before34 = { ...plan().find((p) => p.sequence === 34)! };
    const downMark = dougal.server.log.lastSeq;
    dougal.server.faults = { ...dougal.server.faults, down: true };
    // Added, then renumbered (the renumber must find it on Dougal); between them a renumber of 34
    // onto a number someone else will take on Dougal meanwhile.
    await addPlanned(app, { sequence: 40, line: 1005, fsp: 1100, lsp: 1500, name: 'Infill 1005' });
    await expect(app.getByTestId('plan-row-40')).toContainText('not yet on Dougal');
    // Its first attempt met Dougal down (for all this computer knows it may have landed), so the
    // renumber below queues behind it; an add never tried would be rewritten in place instead.
    await expect.poll(() => dougal.server.log.list(downMark).some((r) => r.method === 'POST' && r.path.endsWith('/plan')), { timeout: 20_000 }).toBe(true);
    await renumber(app, 34, 36);
    await renumber(app, 40, 42);
    await expect(app.getByTestId('plan-row-42')).toContainText('Infill 1005');
    await expect(app.getByTestId('plan-row-36')).toContainText('not yet on Dougal');

    await openTab(app, 'Sequences');
    await app.getByRole('button', { name: 'Edit remarks of sequence 3' }).click();
    await app.getByRole('form', { name: 'Remarks of sequence 3' }).getByLabel('Remarks', { exact: true }).fill('Feathering up to 12°, logged offline');
    await app.getByRole('button', { name: 'Save remarks' }).click();
    await expect(app.getByTestId('sequence-row-3')).toContainText('not yet on Dougal');

    // Lines and the project counts are browsable offline.
    await openTab(app, 'Lines');
    await expect(app.getByTestId('line-count')).toHaveText('40 of 40 lines');
    const summary = new Survey(dougal.project(PROJECT)).summary();
    await expect(app.getByTestId('count-virgin')).toHaveText(summary.virgin.toLocaleString('en-US'));
    await expect(app.getByTestId('count-prime')).toHaveText(summary.prime.toLocaleString('en-US'));
    await expect(app.getByTestId('line-1005').getByRole('cell').nth(6)).toHaveText('42'); // planned on it, here

    // Everything was written locally first: a reload with Dougal still down keeps it all.
    await app.reload();
    await openEventLog(app, 1000);
    await openTab(app, 'Plan');
    await expect(app.getByTestId('plan-row-42')).toContainText('not yet on Dougal');
    await expect(app.getByTestId('plan-row-36')).toContainText('not yet on Dougal');
    expect(plan().map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);

    // Someone else plans sequence 36 on Dougal meanwhile.
    plan().push({ ...plan().find((p) => p.sequence === 33)!, sequence: 36, name: 'theirs', remarks: '', meta: {} });
    const mark = dougal.server.log.lastSeq;
    dougal.server.faults = { ...dougal.server.faults, down: false };

    // The add lands, the renumber onto 36 is refused and kept, and the renumber 40 → 42 waits behind it.
    const refused = app.getByTestId('refused-changes');
    // Only the number changes: nothing else of the entry travels (the label would name it).
    await expect(refused).toContainText('Renumber planned sequence 34 → 36 —', { timeout: 60_000 });
    await expect(refused.getByTestId('refusal-reason')).toContainText('sequence 36 is already in the plan');
    await expect.poll(() => dougal.project(PROJECT).sequences.find((s) => s.sequence === 3)!.remarks, { timeout: 30_000 }).toBe('Feathering up to 12°, logged offline');
    expect(plan().map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34, 36, 40]);
    expect(plan().find((p) => p.sequence === 40)).toMatchObject({ line: 1005, name: 'Infill 1005' });
    await expect(app.getByTestId('plan-row-42')).toContainText('not yet on Dougal');
    // Nothing is lost on a reload: the refusal and the waiting change are still there.
    await app.reload();
    await openEventLog(app, 1000);
    await openTab(app, 'Plan');
    await expect(app.getByTestId('refused-changes')).toContainText('sequence 36 is already in the plan');

    // The user picks a free number: the fix goes, then the change that waited.
    await app.getByRole('button', { name: 'Use another number…' }).click();
    await app.getByLabel('New number').fill('37');
    await app.getByRole('button', { name: 'Send with this number' }).click();
    await expect.poll(() => plan().map((p) => p.sequence), { timeout: 30_000 }).toEqual([29, 30, 31, 32, 33, 36, 37, 42]);
    await expect(app.getByTestId('refused-changes')).toBeHidden();
    await expect(app.getByTestId('plan-row-42')).not.toContainText('not yet on Dougal');
    expect(plan().find((p) => p.sequence === 42)).toMatchObject({ line: 1005, fsp: 1100, lsp: 1500, name: 'Infill 1005' });
    expect(plan().find((p) => p.sequence === 36)!.name).toBe('theirs');
    // Renumbered with everything else it had on Dougal (times to the millisecond, name, shot points).
    const { sequence: _old, ...rest34 } = before34;
    expect(plan().find((p) => p.sequence === 37)).toEqual({ ...rest34, sequence: 37 });

    // In queue order on the wire: the add before the renumber that needs it, the refused renumber
    // kept back, its fix, then the change that waited behind it. Without PATCH on the plan a
    // renumber is an add under the new number, then the removal of the old one.
    const writes = dougal.server.log
      .list(mark)
      .filter((r) => r.method !== 'GET' && r.path.includes('/plan'))
      .map((r) => `${r.method} ${r.path.replace(`/project/${PROJECT}`, '').replace(/^\/api/, '')} ${r.status}`);
    expect(writes).toEqual(
      dialect.planPatch === 'missing'
        ? ['POST /plan 204', 'PATCH /plan/34 404', 'POST /plan 409', 'POST /plan 204', 'DELETE /plan/34 204', 'POST /plan 204', 'DELETE /plan/40 204']
        : ['POST /plan 201', 'PATCH /plan/34 409', 'PATCH /plan/34 204', 'PATCH /plan/40 204'],
    );
  });
}

test('someone else changed it first: refused with both values, then sent over theirs or dropped', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal;
  const project = dougal.project(PROJECT);
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await openTab(app, 'Sequences');
  await expect(app.getByRole('button', { name: 'Edit remarks of sequence 21' })).toBeVisible({ timeout: 20_000 });

  dougal.server.faults = { ...dougal.server.faults, down: true };
  await app.getByRole('button', { name: 'Edit remarks of sequence 21' }).click();
  await app.getByRole('form', { name: 'Remarks of sequence 21' }).getByRole('textbox', { name: 'Remarks', exact: true }).fill('Infill of sequence 18, mine');
  await app.getByRole('button', { name: 'Save remarks' }).click();
  await openTab(app, 'Plan');
  await app.getByRole('button', { name: 'Remove planned sequence 31' }).click();
  await app.getByRole('button', { name: 'Confirm removal of planned sequence 31' }).click();
  await expect(app.getByTestId('plan-row-31')).toContainText('removing');

  // Meanwhile on Dougal: another navigator edits the same remarks and renames 31.
  project.sequences.find((q) => q.sequence === 21)!.remarks = 'Infill of sequence 18, theirs';
  project.plan.find((p) => p.sequence === 31)!.name = 'renamed by them';
  dougal.server.faults = { ...dougal.server.faults, down: false };

  const refusedPlan = app.getByTestId('refused-changes');
  await expect(refusedPlan).toContainText('name is now “renamed by them”', { timeout: 60_000 });
  expect(project.plan.map((p) => p.sequence)).toContain(31);
  await refusedPlan.getByRole('button', { name: 'Drop' }).click();
  await expect(app.getByTestId('refused-changes')).toBeHidden();
  await expect(app.getByTestId('plan-row-31')).not.toContainText('removing');

  await openTab(app, 'Sequences');
  const refusedRemarks = app.getByTestId('refused-changes');
  await expect(refusedRemarks).toContainText('remarks is now “Infill of sequence 18, theirs” (you started from “Infill of sequence 18”)', { timeout: 30_000 });
  expect(project.sequences.find((q) => q.sequence === 21)!.remarks).toBe('Infill of sequence 18, theirs');
  await refusedRemarks.getByRole('button', { name: 'Send mine anyway' }).click();
  await expect.poll(() => project.sequences.find((q) => q.sequence === 21)!.remarks, { timeout: 30_000 }).toBe('Infill of sequence 18, mine');
  await expect(app.getByTestId('refused-changes')).toBeHidden();
  await expect(app.getByTestId('sequence-remarks-21')).toHaveText('Infill of sequence 18, mine');
  expect(project.plan.find((p) => p.sequence === 31)!.name).toBe('renamed by them');
});
