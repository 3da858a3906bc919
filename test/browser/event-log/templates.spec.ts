/**
 * Event templates and time at entry, in browser mode against the Dougal emulator: a template with
 * a placeholder logged by its key while Dougal is down arrives with its labels and sequence; an
 * event logged at `-2m` carries that time, one a week back is asked about once; templates
 * survive a reload and come back whole through export and import (a bad file imports nothing).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, pendingOnStrip, serverEventsFromCorelog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

interface NewTemplate {
  name: string;
  remarks: string;
  labels?: string[];
  position?: 'its time only' | 'the sequence being acquired' | 'the sequence and shot point being acquired';
  key?: string;
}

/** Makes a template through the manager, as a navigator would. */
async function addTemplate(app: Page, template: NewTemplate): Promise<void> {
  const manager = app.getByTestId('template-manager');
  if (!(await manager.isVisible())) await app.getByRole('button', { name: 'Templates…' }).click();
  const editor = app.getByTestId('template-editor');
  if (!(await editor.isVisible())) await manager.getByRole('button', { name: 'New template' }).click();
  await editor.getByLabel('Name', { exact: true }).fill(template.name);
  await editor.getByLabel('Template remarks').fill(template.remarks);
  for (const label of template.labels ?? []) {
    await editor.getByRole('combobox', { name: 'Template labels' }).fill(label);
    await editor.getByRole('combobox', { name: 'Template labels' }).press('Enter');
  }
  if (template.position) await editor.getByLabel('Sequence').selectOption({ label: template.position });
  if (template.key) await editor.getByLabel('Key').selectOption(template.key);
  await editor.getByRole('button', { name: 'Add template' }).click();
  await expect(manager.getByTestId('template-item').filter({ hasText: template.name })).toBeVisible();
}

const buttons = (app: Page) => app.getByTestId('template-bar').getByTestId('template-button');

test.describe('event templates', () => {
  test('a template with a placeholder, logged by its key with Dougal down, arrives with its labels and sequence; typed text is kept', async ({ app, corelog, emulators }) => {
    const dougal = emulators!.dougal.server;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await addTemplate(app, { name: 'Gun autofire', remarks: 'Gun {gun} autofire', labels: ['Gun'], position: 'the sequence being acquired', key: 'F3' });
    await app.getByRole('button', { name: 'Close templates' }).click();
    await expect(buttons(app)).toHaveText(['F3 Gun autofire']);

    dougal.faults = { ...dougal.faults, down: true };
    // Halfway through typing something else, the navigator presses F3: nothing typed is lost.
    const remarks = app.getByTestId('entry-line').getByLabel('Remarks');
    await remarks.fill('half-typed note');
    const pressedAt = Date.now();
    await app.keyboard.press('F3');
    const prompt = app.getByTestId('template-prompt');
    await expect(prompt).toBeVisible();
    await expect(prompt.getByLabel('gun')).toBeFocused();
    // Enter with nothing typed asks for the value instead of logging "Gun  autofire".
    await prompt.getByLabel('gun').press('Enter');
    await expect(prompt.getByRole('alert')).toHaveText('Type the gun first (Esc cancels).');
    // Another template key while the prompt is open does nothing (one event at a time).
    await prompt.getByLabel('gun').press('F3');
    await prompt.getByLabel('gun').fill('3');
    await prompt.getByLabel('gun').press('Enter');
    await expect(prompt).toHaveCount(0);

    await expect(eventRow(app, 'Gun 3 autofire')).toBeVisible();
    await expect(eventRow(app, 'Gun 3 autofire')).toHaveAttribute('data-sync', 'pending');
    await expect(app.getByTestId('template-logged')).toContainText('sequence 28');
    await expect(remarks).toHaveValue('half-typed note');
    await expect(remarks).toBeFocused();
    await expect.poll(() => pendingOnStrip(app)).toBe(1);
    expect(serverEventsFromCorelog(emulators!)).toEqual([]);

    dougal.faults = { ...dougal.faults, down: false };
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => ({ remarks: e.remarks, labels: e.labels, sequence: e.sequence, point: e.point })), { timeout: 20_000 }).toEqual([
      { remarks: 'Gun 3 autofire', labels: ['Gun'], sequence: 28, point: null },
    ]);
    const [event] = serverEventsFromCorelog(emulators!);
    // Logged at the key press (to the second), not when Dougal came back.
    expect(Math.abs(Date.parse(event!.tstamp!) - pressedAt)).toBeLessThan(5_000);
    await expect(eventRow(app, 'Gun 3 autofire')).toHaveAttribute('data-sync', 'synced');
    await expect(remarks).toHaveValue('half-typed note');
  });

  test('templates survive a reload and come back whole through export and import; a bad file imports nothing', async ({ app, corelog, dataDir }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await addTemplate(app, { name: 'Mammal', remarks: 'Marine mammal sighted: {species}', labels: ['Nav'], key: 'Ctrl+2' });
    await addTemplate(app, { name: 'Streamer noise', remarks: 'Streamer noise on {streamer}', position: 'the sequence and shot point being acquired', key: 'F7' });
    await expect(buttons(app)).toHaveText(['Ctrl+2 Mammal', 'F7 Streamer noise']);

    await app.reload();
    await openEventLog(app, 1000);
    await expect(buttons(app)).toHaveText(['Ctrl+2 Mammal', 'F7 Streamer noise']);
    // Still bound after the reload: Ctrl+2 opens its prompt.
    await app.getByTestId('entry-line').getByLabel('Remarks').focus();
    await app.keyboard.press('Control+2');
    await app.getByTestId('template-prompt').getByLabel('species').fill('2 pilot whales');
    await app.getByTestId('template-prompt').getByLabel('species').press('Enter');
    await expect(eventRow(app, 'Marine mammal sighted: 2 pilot whales')).toBeVisible();

    await app.getByRole('button', { name: 'Templates…' }).click();
    const manager = app.getByTestId('template-manager');
    const download = app.waitForEvent('download');
    await manager.getByRole('button', { name: 'Export…' }).click();
    const exported = await readFile(await (await download).path(), 'utf8');
    const file = JSON.parse(exported) as { format: string; project: string; templates: unknown[] };
    expect(file.format).toBe('corelog-event-templates');
    expect(file.project).toBe('eq24301');
    expect(file.templates).toEqual([
      { name: 'Mammal', remarks: 'Marine mammal sighted: {species}', labels: ['Nav'], position: 'none', key: 'Ctrl+2' },
      { name: 'Streamer noise', remarks: 'Streamer noise on {streamer}', labels: [], position: 'sequence-and-point', key: 'F7' },
    ]);

    await manager.getByRole('button', { name: 'Delete template Mammal' }).click();
    await manager.getByRole('button', { name: 'Delete template Streamer noise' }).click();
    await expect(buttons(app)).toHaveCount(0);

    // A file with one bad template (an F13 key) is refused whole.
    const bad = join(dataDir, 'bad-templates.json');
    const damaged = JSON.parse(exported) as { templates: { key: string }[] };
    damaged.templates[1]!.key = 'F13';
    await writeFile(bad, JSON.stringify(damaged));
    await manager.getByTestId('template-import-file').setInputFiles(bad);
    await expect(manager.getByTestId('template-message')).toHaveText(
      'bad-templates.json: Template 2 (“Streamer noise”) cannot be used: key: not one of F1–F12 or Ctrl+1…9. Nothing was imported.',
    );
    await expect(buttons(app)).toHaveCount(0);

    const good = join(dataDir, 'templates.json');
    await writeFile(good, exported);
    await manager.getByTestId('template-import-file').setInputFiles(good);
    await expect(manager.getByTestId('template-message')).toHaveText('Imported 2 templates.');
    await expect(buttons(app)).toHaveText(['Ctrl+2 Mammal', 'F7 Streamer noise']);
    // Importing the same file again replaces, never doubles.
    await manager.getByTestId('template-import-file').setInputFiles(good);
    await expect(manager.getByTestId('template-message')).toHaveText('Imported 2 templates (2 replaced one of the same name).');
    await expect(buttons(app)).toHaveCount(2);
  });
});

test.describe('time at entry', () => {
  // A zone away from UTC, so "local beside UTC" shows two different times.
  test.use({ timezoneId: 'Asia/Kolkata' });

  test('an event logged at -2m carries that time; one a week back is asked about once; UTC is shown, local beside it when chosen', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const entry = app.getByTestId('entry-line');
    const shown = entry.getByTestId('entry-time-shown');
    await expect(shown).toContainText(/^now \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);

    await entry.getByLabel('Remarks').fill('Streamer 4 feathering noticed late');
    await entry.getByLabel('Time (UTC)').fill('-2m');
    await expect(shown).toContainText('2 minutes ago');
    const typedAt = Date.now();
    await entry.getByLabel('Time (UTC)').press('Enter');
    await expect(entry.getByLabel('Remarks')).toHaveValue('');
    // The time goes back to "now" for the next event.
    await expect(entry.getByLabel('Time (UTC)')).toHaveValue('');
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 10_000 }).toEqual(['Streamer 4 feathering noticed late']);
    const late = serverEventsFromCorelog(emulators!)[0]!;
    const offset = typedAt - Date.parse(late.tstamp!);
    expect(offset).toBeGreaterThan(115_000);
    expect(offset).toBeLessThan(125_000);

    // A week back: asked once, nothing logged until confirmed.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    const typed = `${weekAgo.toISOString().slice(0, 10)} 06:30`;
    await entry.getByLabel('Remarks').fill('Backfilled: compressor 2 trip');
    await entry.getByLabel('Time (UTC)').fill(typed);
    await entry.getByLabel('Time (UTC)').press('Enter');
    const check = app.getByTestId('entry-time-check');
    await expect(check).toContainText(`${typed}:00Z is `);
    await expect(check).toContainText('ago. Log it at that time?');
    await expect(check.getByRole('button', { name: 'Log it' })).toBeFocused();
    expect(serverEventsFromCorelog(emulators!)).toHaveLength(1);
    await expect(eventRow(app, 'Backfilled: compressor 2 trip')).toHaveCount(0);
    await app.keyboard.press('Enter');
    await expect(check).toHaveCount(0);
    await expect(eventRow(app, 'Backfilled: compressor 2 trip')).toBeVisible();
    await expect.poll(() => serverEventsFromCorelog(emulators!).find((e) => e.remarks === 'Backfilled: compressor 2 trip')?.tstamp, { timeout: 10_000 }).toBe(`${typed.replace(' ', 'T')}:00.000Z`);

    // A time that cannot be read is said at the field, and nothing is logged.
    await entry.getByLabel('Remarks').fill('Never logged');
    await entry.getByLabel('Time (UTC)').fill('25:61');
    await expect(entry.getByTestId('entry-time-problem')).toContainText('25:61 is not a time of day');
    await entry.getByLabel('Time (UTC)').press('Enter');
    await expect(eventRow(app, 'Never logged')).toHaveCount(0);

    // Local display on (Settings): UTC stays, local time beside it with its offset.
    await entry.getByLabel('Time (UTC)').fill('12:00');
    await app.keyboard.press('Alt+5');
    await app.getByRole('group', { name: 'Times' }).getByRole('radio', { name: /^Local time/ }).check();
    await app.keyboard.press('Alt+3');
    await app.getByTestId('entry-line').getByLabel('Time (UTC)').fill('12:00');
    await expect(app.getByTestId('entry-time-shown')).toContainText(/12:00:00Z · 17:30:00 UTC\+5:30/);
  });
});
