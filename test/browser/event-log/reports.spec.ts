/**
 * The event log's watch and sequence reports (issue 13 §3) in browser mode against the Dougal
 * emulator. The expected events, label counts, sequence times and QC results are read from the
 * emulator's own state (what Dougal holds), never written into the test; the report is printed to
 * PDF by Chromium (`page.pdf()`, the print CSS the browser's Print and the desktop app's
 * printToPDF both use) and its text read back with pdf.js. Then offline: an event logged with
 * Dougal down is in the report, marked as waiting, and the report says so until it is sent.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { pdfText as pdfTextAsRead } from '../../support/pdf-text';
import { lastShotPoint, lastShotTime, type EventInstance } from '../../../emulators/dougal/model';
import { expect, test } from '../fixtures';
import { logEvent, openEventLog, PROJECT, serverEvents, signInDougal } from './event-log-helpers';

test.use({ systems: 'emulators' });

/** The PDF's text, all pages, whitespace collapsed. */
const pdfText = async (bytes: Buffer) => (await pdfTextAsRead(bytes)).replace(/\s+/g, ' ');

/** "2024-06-03 08:00:00Z" as the report shows UTC times. */
const utc = (iso: string) => `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')}Z`;
/** "2024-06-03 08:00" as the range fields take it. */
const field = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Label → number of events having it, as the report counts them. */
function countLabels(events: EventInstance[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) for (const label of new Set(e.labels)) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

async function openReports(app: Page) {
  // The reference (sequences) is in once the Sequences tab lists them.
  await app.getByRole('button', { name: 'Sequences', exact: true }).click();
  await expect(app.getByTestId('sequence-count-1')).toBeVisible({ timeout: 30_000 });
  await app.getByRole('button', { name: 'Log', exact: true }).click();
  await app.getByRole('button', { name: 'Reports', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'Event log report' });
  await expect(dialog.getByTestId('log-report')).toBeVisible();
  return dialog;
}

test.describe('event log reports', () => {
  test('the watch report of seeded data lists the watch’s events by sequence, the label counts and the sequences ended and started; PDF and CSV agree', async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const project = emulators!.dougal.project(PROJECT);
    const ending = project.sequences.find((s) => s.sequence === 19)!;
    const starting = project.sequences.find((s) => s.sequence === 20)!;
    const from = Math.floor((Date.parse(lastShotTime(ending)) - 40 * 60_000) / 60_000) * 60_000;
    const to = Math.ceil((Date.parse(starting.ts0) + 40 * 60_000) / 60_000) * 60_000;
    const expected = serverEvents(emulators!)
      .filter((e) => e.tstamp !== null && Date.parse(e.tstamp) >= from && Date.parse(e.tstamp) <= to)
      .sort((a, b) => Date.parse(a.tstamp!) - Date.parse(b.tstamp!) || a.id - b.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(new Set(expected.map((e) => e.sequence))).toEqual(new Set([19, 20, null].filter((s) => expected.some((e) => e.sequence === s))));

    const dialog = await openReports(app);
    await dialog.getByLabel('From (UTC)').fill(field(from));
    await dialog.getByLabel('To (UTC)').fill(field(to));
    await dialog.getByLabel('To (UTC)').press('Enter');
    const report = dialog.getByTestId('log-report');
    await expect(report.getByRole('heading', { level: 1 })).toHaveText(`Watch report: ${utc(new Date(from).toISOString())} to ${utc(new Date(to).toISOString())}`);
    await expect(report.getByTestId('log-report-event')).toHaveCount(expected.length);

    // On screen: the label counts (most first), and the sequence that ended and the one that started.
    const counts = countLabels(expected);
    const sortedCounts = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(await report.getByTestId('log-report-label-count').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent).join('=')))).toEqual(sortedCounts.map(([label, n]) => `${label}=${n}`));
    const sequenceRows = report.getByTestId('log-report-sequence');
    await expect(sequenceRows).toHaveCount(2);
    expect((await sequenceRows.nth(0).locator('td').allInnerTexts()).slice(0, 5)).toEqual(['19', String(ending.line), 'raw', 'before the watch', utc(lastShotTime(ending))]);
    expect((await sequenceRows.nth(1).locator('td').allInnerTexts()).slice(0, 5)).toEqual(['20', String(starting.line), 'raw', utc(starting.ts0), 'after the watch']);
    await expect(report.getByTestId('log-report-notes')).toContainText('Nothing is waiting to be sent to Dougal.');

    // The PDF: title, facts, counts, sequences, and every event's remarks in time order within its group.
    const text = await pdfText(await app.pdf({ format: 'A4', printBackground: true }));
    expect(text).toContain(`Watch report: ${utc(new Date(from).toISOString())} to ${utc(new Date(to).toISOString())}`);
    expect(text).toContain(`Events ${expected.length}`);
    expect(text).toContain('Nothing is waiting to be sent to Dougal.');
    expect(text).toContain(`Label Events ${sortedCounts.map(([label, n]) => `${label} ${n}`).join(' ')} (no label) 0 All events ${expected.length}`);
    expect(text).toContain(`19 ${ending.line} raw before the watch ${utc(lastShotTime(ending))}`);
    expect(text).toContain(`20 ${starting.line} raw ${utc(starting.ts0)} after the watch`);
    for (const chrome of ['Export CSV', 'Print or save as PDF', 'Search remarks']) expect(text).not.toContain(chrome);
    const groups = [...new Set(expected.map((e) => e.sequence))];
    for (const sequence of groups) {
      const ofGroup = expected.filter((e) => e.sequence === sequence);
      const title = sequence === null ? `Not on a sequence · ${ofGroup.length} event` : `Sequence ${sequence} (line ${project.sequences.find((s) => s.sequence === sequence)!.line}) · ${ofGroup.length} event`;
      let at = text.indexOf(title);
      expect(at, title).toBeGreaterThanOrEqual(0);
      for (const e of ofGroup) {
        const next = text.indexOf(`${utc(e.tstamp!)} ${e.point ?? ''}`.trim(), at + 1);
        expect(next, `${e.id} ${e.remarks}`).toBeGreaterThan(at);
        expect(text.slice(next, next + 400).replace(/\s+/g, ' ')).toContain(e.remarks.replace(/\s+/g, ' ').slice(0, 40));
        at = next;
      }
    }

    // The CSV: the same facts, events, counts and sequences.
    const download = app.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export CSV' }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(new RegExp(`^Watch report ${PROJECT} \\d{4}-\\d\\d-\\d\\d \\d{4}-\\d{4} UTC\\.csv$`));
    const csv = (await readFile(await saved.path(), 'utf8')).split('\r\n');
    expect(csv).toContain(`Events,${expected.length}`);
    expect(csv).toContain('Note,Nothing is waiting to be sent to Dougal.');
    const eventsAt = csv.indexOf('Events by sequence');
    expect(csv[eventsAt + 1]).toBe('Group,Time,Seq,SP,Remarks,Labels,State');
    const eventRows = csv.slice(eventsAt + 2, csv.indexOf('', eventsAt));
    expect(eventRows).toHaveLength(expected.length);
    for (const e of expected) expect(eventRows.some((r) => r.includes(`,${utc(e.tstamp!)},${e.sequence ?? ''},${e.point ?? ''},`))).toBe(true);
    const countsAt = csv.indexOf('Counts by label');
    expect(csv.slice(countsAt + 2, countsAt + 2 + sortedCounts.length)).toEqual(sortedCounts.map(([label, n]) => `${label},${n}`));
    expect(csv).toContain(`All events,${expected.length}`);
    expect(csv).toContain(`19,${ending.line},raw,before the watch,${utc(lastShotTime(ending))},${ending.fsp}–${lastShotPoint(ending)},${ending.shots},${expected.filter((e) => e.sequence === 19).length}`);
  });

  test('the sequence report gives first and last shot and the QC results with the accepted ones marked', async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const project = emulators!.dougal.project(PROJECT);
    const accepted = new Set(project.qcAccepted);
    const qcOf = (n: number) => serverEvents(emulators!).filter((e) => e.sequence === n && e.readonly && e.labels.includes('QC'));
    // A finished sequence with QC results, some accepted and some not.
    const seq = project.sequences.find((s) => s.status !== 'online' && qcOf(s.sequence).some((e) => accepted.has(e.id)) && qcOf(s.sequence).some((e) => !accepted.has(e.id)))!;
    expect(seq).toBeDefined();
    const qc = qcOf(seq.sequence);
    const events = serverEvents(emulators!).filter((e) => e.sequence === seq.sequence);

    const dialog = await openReports(app);
    await dialog.getByRole('radio', { name: 'Sequence report' }).check();
    await dialog.getByLabel('Sequence', { exact: true }).selectOption(String(seq.sequence));
    const report = dialog.getByTestId('log-report');
    await expect(report).toHaveAttribute('data-kind', 'sequence');
    await expect(report.getByRole('heading', { level: 1 })).toHaveText(`Sequence report: sequence ${seq.sequence}, line ${seq.line}`);
    await expect(report.getByTestId('log-report-event')).toHaveCount(events.length);
    const rows = report.getByTestId('log-report-qc-result');
    await expect(rows).toHaveCount(qc.length, { timeout: 15_000 });
    expect(await rows.evaluateAll((r) => r.filter((row) => row.getAttribute('data-accepted') === 'true').length)).toBe(qc.filter((e) => accepted.has(e.id)).length);

    const text = await pdfText(await app.pdf({ format: 'A4', printBackground: true }));
    expect(text).toContain(`First shot SP ${seq.fsp} at ${utc(seq.ts0)}`);
    expect(text).toContain(`Last shot SP ${lastShotPoint(seq)} at ${utc(lastShotTime(seq))}`);
    expect(text).toContain(`Events ${events.length}`);
    for (const e of qc) {
      const at = text.indexOf(`${e.id} ${e.point} ${utc(e.tstamp!)}`);
      expect(at, `QC ${e.id}`).toBeGreaterThanOrEqual(0);
      const rest = text.slice(at, at + 400);
      expect(rest).toMatch(accepted.has(e.id) ? / ✓ accepted/ : / not accepted/);
    }
  });

  test('offline: an event logged with Dougal down is in the last watch’s report, marked as waiting, until it is sent', async ({ app, corelog, emulators }) => {
    test.setTimeout(120_000);
    const dougal = emulators!.dougal.server;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    dougal.faults = { ...dougal.faults, down: true };
    await logEvent(app, 'Streamer 4 feather 12 degrees, offline', { labels: ['Stre'] });

    // The watch is 2 hours long on this vessel (Settings → Event log), kept by main.
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    await app.getByLabel('Watch length').selectOption('2');
    await expect.poll(async () => JSON.parse(await readFile(join(corelog.dataDir, 'app-settings.json'), 'utf8')).watchHours).toBe(2);
    await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Event log' }).click();

    const dialog = await openReports(app);
    const report = dialog.getByTestId('log-report');
    const from = Date.parse(`${(await dialog.getByLabel('From (UTC)').inputValue()).replace(' ', 'T')}:00Z`);
    const to = Date.parse(`${(await dialog.getByLabel('To (UTC)').inputValue()).replace(' ', 'T')}:00Z`);
    expect(to - from).toBe(2 * 3_600_000);
    expect(to).toBeGreaterThan(Date.now() - 60_000);
    // The default range is the last watch up to now: the new event is in it.
    const shown = report.getByTestId('log-report-event');
    await expect(shown).toHaveCount(1);
    await expect(shown).toHaveAttribute('data-sync', 'pending');
    await expect(shown).toContainText('waiting to be sent');
    await expect(report.getByTestId('log-report-notes')).toContainText('1 change is still waiting to be sent to Dougal.');
    const text = await pdfText(await app.pdf({ format: 'A4', printBackground: true }));
    expect(text).toContain('1 change is still waiting to be sent to Dougal.');
    expect(text).toContain('1 event in this report is not on Dougal yet');
    expect(text).toMatch(/Streamer 4 feather 12 degrees, offline Streamer waiting to be sent/);
    expect(text).toContain('Label Events Streamer 1 (no label) 0 All events 1');

    // Dougal back: the report follows the outbox and says nothing waits any more.
    dougal.faults = { ...dougal.faults, down: false };
    await expect(shown).toHaveAttribute('data-sync', 'synced', { timeout: 60_000 });
    await expect(report.getByTestId('log-report-notes')).toContainText('Nothing is waiting to be sent to Dougal.');
  });
});
