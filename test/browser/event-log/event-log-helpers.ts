/**
 * Shared steps of the event-log browser tests: sign in (through the real services, as the
 * Connections screen would), open the log, log events with the keyboard, and read what the
 * Dougal emulator really holds.
 */
import type { Locator, Page } from '@playwright/test';
import { CLIENT_KEY_META } from '../../../common/bridge/event-log-contract';
import type { RunningEmulators } from '../../support/emulators';
import { expect, type CorelogInstance } from '../fixtures';

export const PROJECT = 'eq24301';

export async function signInDougal(corelog: CorelogInstance, username = 'demo', password = 'demo'): Promise<void> {
  await corelog.services.connections.signIn('dougal', { username, password }, false);
}

/** Opens the event log and waits until the first load from Dougal is in (at least `atLeast` events). */
export async function openEventLog(app: Page, atLeast = 1): Promise<void> {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Event log' }).click();
  await expect(app.getByTestId('event-log')).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(async () => Number((await app.getByTestId('event-count').textContent())?.match(/of ([\d,]+)/)?.[1]?.replace(/,/g, '') ?? 0), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(atLeast);
}

/**
 * Types an event into the entry line and presses Enter. The sequence box keeps its value between
 * entries (as it does for the navigator), so it is only touched when `sequence` is given.
 */
export async function logEvent(app: Page, remarks: string, options: { sequence?: number; point?: number; labels?: string[] } = {}): Promise<void> {
  const entry = app.getByTestId('entry-line');
  if (options.sequence !== undefined) await entry.getByLabel('Sequence').fill(String(options.sequence));
  if (options.point !== undefined) await entry.getByLabel('Shot point').fill(String(options.point));
  for (const label of options.labels ?? []) {
    await entry.getByRole('combobox', { name: 'Labels' }).fill(label);
    await entry.getByRole('combobox', { name: 'Labels' }).press('Enter');
  }
  await entry.getByLabel('Remarks').fill(remarks);
  await entry.getByLabel('Remarks').press('Enter');
  await expect(entry.getByLabel('Remarks')).toHaveValue('');
}

export function eventRow(app: Page, remarks: string) {
  return app.getByTestId('event-row').filter({ has: app.getByTestId('event-remarks').getByText(remarks, { exact: true }) });
}

/** Current (open) events on the emulator. */
export function serverEvents(emulators: RunningEmulators) {
  return emulators.dougal.project(PROJECT).events.filter((e) => e.validity[2] === null);
}

/** Current events a Corelog logged (they carry its client key). */
export function serverEventsFromCorelog(emulators: RunningEmulators) {
  return serverEvents(emulators).filter((e) => typeof e.meta[CLIENT_KEY_META] === 'string');
}

/** Writes the emulator received, apart from signing in. */
export function writesReceived(emulators: RunningEmulators) {
  return emulators.dougal.server.log.list().filter((r) => r.method !== 'GET' && r.path !== '/login' && r.path !== '/logout');
}

export async function pendingOnStrip(app: Page): Promise<number> {
  return Number((await app.getByTestId('sync-dougal-pending').textContent())?.match(/\d+/)?.[0] ?? -1);
}

/** Adds a planned sequence through the Plan tab's form (the tab must be open). */
export async function addPlanned(app: Page, values: { sequence: number; line: number; fsp: number; lsp: number; name: string }): Promise<void> {
  await app.getByRole('button', { name: 'Add planned sequence' }).click();
  const form = app.getByRole('form', { name: 'Add a planned sequence' });
  await form.getByLabel('Number').fill(String(values.sequence));
  await form.getByLabel('Line').fill(String(values.line));
  await form.getByLabel('First SP').fill(String(values.fsp));
  await form.getByLabel('Last SP').fill(String(values.lsp));
  await form.getByLabel('Name').fill(values.name);
  await form.getByRole('button', { name: 'Add to plan' }).click();
  await expect(form).toBeHidden();
}

/** Opens the QC view; answers its first result (not accepted yet) and the event id it is of. */
export async function firstQcResult(app: Page): Promise<{ first: Locator; id: number }> {
  await app.getByRole('button', { name: 'QC', exact: true }).click();
  const first = app.getByTestId('qc-results').getByRole('checkbox').first();
  await expect(first).not.toBeChecked();
  const id = Number((await first.getAttribute('aria-label'))!.match(/\d+$/)![0]);
  return { first, id };
}
