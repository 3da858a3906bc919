import { expect, test } from '../fixtures';
import { readFile } from 'node:fs/promises';
import { eventRow, firstQcResult, logEvent, openEventLog, pendingOnStrip, PROJECT, serverEvents, serverEventsFromCorelog, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

test.describe('event log basics', () => {
  test('logs an event from the keyboard; it shows at once and reaches Dougal with its labels', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await logEvent(app, 'Gun 3 autofire', { labels: ['Gu'] });
    await expect(eventRow(app, 'Gun 3 autofire')).toBeVisible();
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => [e.remarks, e.labels]), { timeout: 10_000 }).toEqual([['Gun 3 autofire', ['Gun']]]);
    await expect(eventRow(app, 'Gun 3 autofire')).toHaveAttribute('data-sync', 'synced');
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
  });

  test('the log opens even when its reference (labels, sequences) cannot be read; the reference follows once it can', async ({ app, corelog, emulators }) => {
    const dougal = emulators!.dougal.server;
    // Every label request has its connection reset: the reference load fails as a whole.
    dougal.faults = { ...dougal.faults, failureRate: 1, failureKinds: ['reset'], failurePathIncludes: '/label' };
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await app.getByRole('button', { name: 'Sequences' }).click();
    await expect(app.getByText('Sequences load the first time Dougal is reachable.')).toBeVisible();
    // The reference comes as soon as Dougal gives it (the engine asks again after 10 s).
    dougal.faults = { ...dougal.faults, failureRate: 0, failurePathIncludes: '' };
    await expect(app.getByTestId('sequence-count-1')).toBeVisible({ timeout: 30_000 });
  });

  test('remarks with markup are shown as text, never run', async ({ app, corelog, emulators }) => {
    const dialogs: string[] = [];
    app.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const attack = '<img src=x onerror=alert(1)>';
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await logEvent(app, attack);
    const row = eventRow(app, attack);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('event-remarks')).toHaveText(attack);
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 10_000 }).toEqual([attack]);
    await row.click();
    await expect(app.getByTestId('panel-remarks')).toHaveText(attack);
    expect(await app.locator('.event-log img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  test('with Dougal gone, the loaded log opens, filters and exports CSV', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await emulators!.dougal.server.close();
    await app.reload();
    await openEventLog(app, 1000);
    await expect(app.getByTestId('sync-dougal-reach')).toHaveText('offline');

    await app.getByLabel('Filter sequence').fill('28');
    await app.getByLabel('Search remarks').fill('gun');
    const count = app.getByTestId('event-count');
    const shownNow = async () => Number((await count.textContent())!.split(' ')[0]!.replace(/,/g, ''));
    await expect.poll(shownNow).toBeLessThan(100);
    const shown = await shownNow();
    expect(shown).toBeGreaterThan(0);
    // The text filter looks at remarks and labels.
    for (const text of await app.getByTestId('event-row').allTextContents()) expect(text.toLowerCase()).toContain('gun');

    const download = app.waitForEvent('download');
    await app.getByRole('button', { name: 'Export CSV' }).click();
    const bytes = await readFile(await (await download).path());
    // A UTF-8 byte order mark first: Excel on Windows reads the file as UTF-8 only with one.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,time,sequence,point,remarks,labels,status');
    expect(lines).toHaveLength(shown + 1);
    expect(lines.slice(1).every((line) => line.split(',')[2] === '28')).toBe(true);
  });

  test('QC results can be accepted; the change is queued and reaches Dougal', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const { first, id } = await firstQcResult(app);
    await first.click();
    await expect(first).toBeChecked();
    await expect.poll(() => emulators!.dougal.project(PROJECT).qcAccepted, { timeout: 10_000 }).toContain(id);
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
  });

  test('a QC accept still queued stays ticked when the results are read again from Dougal', async ({ app, corelog, emulators }) => {
    const dougal = emulators!.dougal.server;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await app.getByRole('button', { name: 'QC', exact: true }).click();
    const first = app.getByTestId('qc-results').getByRole('checkbox').first();
    await expect(first).not.toBeChecked();
    const id = Number((await first.getAttribute('aria-label'))!.match(/\d+$/)![0]);
    // The accept cannot reach Dougal, but reading the results still works.
    dougal.faults = { ...dougal.faults, failureRate: 1, failureKinds: ['reset'], failurePathIncludes: '/qc/results/accept' };
    await first.click();
    await expect(first).toBeChecked();
    await app.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect.poll(() => dougal.log.list().filter((r) => r.method === 'GET' && r.path.endsWith('/qc/results')).length).toBeGreaterThanOrEqual(2);
    // Every result of that event (one per QC test) is ticked, as the accept said.
    const ofEvent = app.getByRole('checkbox', { name: `Accept QC result ${id}`, exact: true });
    await expect(ofEvent.first()).toBeChecked();
    expect(await ofEvent.evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).checked))).not.toContain(false);
    expect(emulators!.dougal.project(PROJECT).qcAccepted).not.toContain(id);
    dougal.faults = { ...dougal.faults, failureRate: 0, failurePathIncludes: '' };
    await app.getByTestId('sync-dougal-retry').click();
    await expect.poll(() => emulators!.dougal.project(PROJECT).qcAccepted, { timeout: 20_000 }).toContain(id);
  });

  test('a once-per-sequence label moves at once; delete and undelete go through the history', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await logEvent(app, 'Line start, first try', { sequence: 28, point: 1100, labels: ['SOL'] });
    await expect.poll(() => serverEventsFromCorelog(emulators!).length, { timeout: 10_000 }).toBe(1);
    await logEvent(app, 'Line start, for real', { sequence: 28, point: 1200, labels: ['SOL'] });
    // Shown before Dougal hears of it: the label left the first event.
    await expect(eventRow(app, 'Line start, first try')).not.toContainText('SOL');
    await expect(eventRow(app, 'Line start, for real')).toContainText('SOL');
    const holders = () => serverEvents(emulators!).filter((e) => e.sequence === 28 && e.labels.includes('SOL')).map((e) => e.remarks);
    await expect.poll(holders, { timeout: 10_000 }).toEqual(['Line start, for real']);

    await eventRow(app, 'Line start, for real').click();
    await app.getByRole('button', { name: 'Delete event' }).click();
    await expect(eventRow(app, 'Line start, for real')).toHaveCount(0);
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 10_000 }).toEqual(['Line start, first try']);

    await app.getByLabel('deleted').check();
    await eventRow(app, 'Line start, for real').click();
    await expect(app.getByTestId('history-item')).toHaveCount(1);
    await app.getByRole('button', { name: 'Undelete', exact: true }).click();
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks).sort(), { timeout: 10_000 }).toEqual(['Line start, first try', 'Line start, for real']);
    await expect(eventRow(app, 'Line start, for real')).toHaveAttribute('data-sync', 'synced');
    await expect(app.getByTestId('history-item')).toHaveCount(2);
  });
});
