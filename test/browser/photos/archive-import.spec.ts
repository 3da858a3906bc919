/**
 * Archive import from the UI (issue 14), browser mode against the emulators: the shared archive
 * fixture (~300 files in three naming conventions plus a manifest, with copies, photos a colleague
 * already uploaded, damaged files and names that fit nothing) is described on the Archive import
 * screen, dry-run (the counts and every file's outcome exact, in the screen and in the report
 * CSV), survives a reload, then runs with a bandwidth cap, a pause and a resume, and Imago ends
 * holding exactly the expected photos, each once; the finished job is removed.
 */
import type { Page } from '@playwright/test';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveOutcome } from '../../../common/bridge/archive-contract';
import { createArchiveFixture, listArchivePhotosOnImago, photoKey, seedArchiveOnImago, type ArchiveFixture } from '../../support/archive-fixture';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test } from '../fixtures';
import { CSV_BOM } from '../../../common/csv';

test.use({ systems: 'emulators' });
// A dry run and a capped run of ~250 photos on a busy 2-core machine.
test.setTimeout(240_000);

const OUTCOMES: ArchiveOutcome[] = ['ready', 'unmatched', 'refused', 'on-imago', 'duplicate', 'overlap', 'uploaded', 'failed', 'skipped'];

/** RFC 4180 rows (quoted cells with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

async function expectCounts(app: Page, counts: Partial<Record<ArchiveOutcome, number>>, files: number) {
  const job = app.getByTestId('archive-job');
  await expect(job.getByTestId('count-files')).toHaveText(String(files));
  for (const outcome of OUTCOMES) {
    const expected = counts[outcome] ?? 0;
    // Outcomes with no file are left out of the summary (ready always shows).
    if (expected > 0 || outcome === 'ready') await expect(job.getByTestId(`count-${outcome}`), outcome).toHaveText(String(expected));
    else await expect(job.getByTestId(`count-${outcome}`), outcome).toHaveCount(0);
  }
}

/** Opens the screen, loads the catalogue and fills the form from the fixture (the first test does it step by step). */
async function describeArchive(app: Page, source: ArchiveFixture['source']) {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Archive import', exact: true }).click();
  await app.getByRole('button', { name: 'Refresh from Imago' }).click();
  await expect(app.getByTestId('archive-catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Archive folder').fill(source.folder);
  await app.getByLabel('Filename patterns (one a line, tried in order)').fill(source.patterns.join('\n'));
  await app.getByLabel('Manifest CSV (optional)').fill(source.manifest ?? '');
  await app.getByLabel('Target workspace').selectOption(source.target.workspaceName);
  await app.getByLabel('Target dataset').selectOption(source.target.datasetName);
  await app.getByLabel('Target imagery type').selectOption(source.target.imageryTypeName);
}

let fixture: ArchiveFixture;
let reportDir: string;
test.beforeEach(async () => {
  fixture = await createArchiveFixture();
  reportDir = await mkdtemp(join(tmpdir(), 'corelog-archive-report-'));
});
test.afterEach(async () => {
  await fixture.remove();
  await removeTestFolder(reportDir);
});


/** A saved report's rows; it starts with a byte order mark, so Excel on Windows reads it as UTF-8 (common/csv.ts). */
async function readReportCsv(path: string): Promise<string[][]> {
  const report = await readFile(path, 'utf8');
  expect(report.startsWith(CSV_BOM)).toBe(true);
  return parseCsv(report.slice(CSV_BOM.length));
}
test('an archive is dry-run and imported from the Archive import screen: exact counts, a report, pause and resume, each photo once on Imago', async ({ app, corelog, emulators }) => {
  const imago = { baseUrl: emulators!.imago.server.baseUrl };
  await seedArchiveOnImago(fixture, imago);
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);

  // ---- describe the archive, from the keyboard where a user would -----------------------------
  await app.keyboard.press('Alt+6');
  await expect(app.getByRole('heading', { name: 'Archive import' })).toBeVisible();
  await app.getByRole('button', { name: 'Refresh from Imago' }).click();
  await expect(app.getByTestId('archive-catalogue-age')).toContainText('Workspaces loaded');

  // Nothing filled in: Dry run says what is missing, beside each field, and sends nothing.
  await app.getByLabel('Filename patterns (one a line, tried in order)').fill('');
  await app.getByRole('button', { name: 'Dry run' }).click();
  await expect(app.locator('#archive-folder-problem')).toContainText('full path');
  await expect(app.locator('#archive-patterns-problem')).toContainText('pattern or a manifest');
  await expect(app.locator('#archive-target-problem')).toContainText('workspace, dataset and imagery type');
  await expect(app.getByLabel('Archive folder')).toBeFocused();
  await expect(app.getByTestId('archive-job-item')).toHaveCount(0);

  await app.getByLabel('Archive folder').fill(fixture.folder);
  const patterns = app.getByLabel('Filename patterns (one a line, tried in order)');
  // A pattern that cannot be used says so while typing.
  await patterns.fill('{hole}/{depth}');
  await expect(app.getByTestId('pattern-trial').first()).toContainText('unknown field {depth}');
  await patterns.fill(fixture.source.patterns.join('\n'));
  await app.getByLabel('Manifest CSV (optional)').fill(fixture.manifest);
  await app.getByLabel('Target workspace').selectOption(fixture.source.target.workspaceName);
  await app.getByLabel('Target dataset').selectOption(fixture.source.target.datasetName);
  await app.getByLabel('Target imagery type').selectOption(fixture.source.target.imageryTypeName);

  // The live preview reads a sample path with the same rules as the dry run: the third convention
  // is the one used here, and a lower-case image type comes out in Imago's spelling.
  await app.getByLabel('Try on a path').fill('2020/AR-DD-0008/wet/10.00_15.00.JPG');
  const trials = app.getByTestId('pattern-trial');
  await expect(trials).toHaveCount(3);
  await expect(trials.nth(2)).toHaveAttribute('data-fits', 'true');
  await expect(trials.nth(2)).toContainText('✓ used: hole AR-DD-0008 · from 10 · to 15 · image type Wet');
  await expect(trials.nth(0)).toHaveAttribute('data-fits', 'false');
  await app.getByLabel('Try on a path').fill('2019/AR-DD-0007_0_5_UV.jpg');
  await expect(trials.nth(1)).toContainText('"UV" is not an image type');
  await expect(app.getByTestId('pattern-preview')).toContainText('would be listed as “Not matched”');

  // ---- dry run: every count exact --------------------------------------------------------------
  await app.getByRole('button', { name: 'Dry run' }).click();
  const job = app.getByTestId('archive-job');
  await expect(job).toHaveAttribute('data-phase', 'planned', { timeout: 120_000 });
  await expectCounts(app, fixture.counts, fixture.filesTotal);

  // The table, filtered to one outcome, lists exactly those files (paged from main).
  await app.getByTestId('filter-unmatched').click();
  const rows = app.getByTestId('archive-rows');
  await expect(rows).toHaveAttribute('data-total', String(fixture.counts.unmatched));
  const unmatched = fixture.expected.filter((e) => e.outcome === 'unmatched').map((e) => e.file);
  await expect(rows.getByTestId('archive-row')).toHaveCount(unmatched.length);
  expect((await rows.getByTestId('archive-row').evaluateAll((els) => els.map((el) => el.getAttribute('data-file')))).sort()).toEqual([...unmatched].sort());
  // ↓ selects a row and its whole reason shows under the table.
  await rows.focus();
  await app.keyboard.press('ArrowDown');
  await expect(app.getByTestId('archive-row-facts')).toContainText('Not matched');
  // Two outcomes at once, then all again.
  await app.getByTestId('filter-refused').click();
  await expect(rows).toHaveAttribute('data-total', String(fixture.counts.unmatched + fixture.counts.refused));
  await app.getByRole('button', { name: /^All \(/ }).click();
  await expect(rows).toHaveAttribute('data-total', String(fixture.filesTotal));

  // ---- the dry run's report CSV: one line per file, each with its expected outcome ------------
  const reportPath = join(reportDir, 'dry-run.csv');
  await app.getByLabel('Report CSV').fill(join(reportDir, 'no-such-folder', 'dry-run.csv'));
  await app.getByRole('button', { name: 'Save report CSV' }).click();
  await expect(app.getByTestId('archive-job-error')).toContainText('does not exist');
  await app.getByLabel('Report CSV').fill(reportPath);
  await app.getByRole('button', { name: 'Save report CSV' }).click();
  await expect(app.getByTestId('archive-report-saved')).toHaveText(`Saved ${fixture.filesTotal} rows to ${reportPath}.`);
  const [header, ...lines] = await readReportCsv(reportPath);
  expect(header!.slice(0, 2)).toEqual(['file', 'outcome']);
  expect(lines).toHaveLength(fixture.filesTotal);
  expect(Object.fromEntries(lines.map((l) => [l[0], l[1]]))).toEqual(Object.fromEntries(fixture.expected.map((e) => [e.file, e.outcome])));

  // ---- the job lives in the service, not the page: a reload finds it, still chosen ------------
  await app.reload();
  await expect(app.getByRole('heading', { name: 'Archive import' })).toBeVisible();
  await expect(app.getByTestId('archive-job-item')).toHaveCount(1);
  await expect(job).toHaveAttribute('data-phase', 'planned');
  await expectCounts(app, fixture.counts, fixture.filesTotal);

  // ---- run with a bandwidth cap; pause; resume -------------------------------------------------
  const cap = app.getByLabel('Bandwidth cap');
  await cap.fill('fast');
  await expect(app.locator('#archive-cap-help')).toContainText('Write a number and a unit');
  const upload = app.getByRole('button', { name: `Upload ${fixture.toUpload.length} ready files` });
  await expect(upload).toBeDisabled();
  // A cap low enough that the run takes several seconds, so there is a run to pause.
  const totalBytes = fixture.toUpload.reduce((sum, e) => sum + e.bytes, 0);
  const capKbit = Math.max(40, Math.floor((totalBytes * 8) / 1000 / 8));
  await cap.fill(`${capKbit} kbit/s`);
  await upload.click();
  await expect(job).toHaveAttribute('data-phase', /running|waiting-for-imago/);
  await expect(app.locator('#archive-cap-help')).toHaveText(`Capped at ${capKbit} kbit/s.`);
  await expect(app.getByTestId('archive-progress')).toContainText(`of ${fixture.toUpload.length} files`);
  // Pause once some photos are on their way.
  // (The count shows once it is above zero.)
  await expect(job.getByTestId('count-uploaded')).toBeVisible({ timeout: 60_000 });
  await app.getByRole('button', { name: 'Pause' }).click();
  await expect(job).toHaveAttribute('data-phase', 'paused');
  const pausedAt = Number(await job.getByTestId('count-uploaded').textContent());
  expect(pausedAt).toBeLessThan(fixture.toUpload.length);
  // Paused means paused: nothing more arrives on Imago.
  const onImagoWhilePaused = (await listArchivePhotosOnImago(fixture, imago)).length;
  await app.waitForTimeout(1500);
  expect((await listArchivePhotosOnImago(fixture, imago)).length).toBe(onImagoWhilePaused);
  expect(Number(await job.getByTestId('count-uploaded').textContent())).toBe(pausedAt);

  // Resume without a cap: the rest goes as fast as the link allows.
  await cap.fill('');
  await app.getByRole('button', { name: 'Resume' }).click();
  await expect(job).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  await expectCounts(app, { ...fixture.counts, ready: 0, uploaded: fixture.toUpload.length }, fixture.filesTotal);
  await expect(app.getByTestId('archive-progress')).toContainText(`${fixture.toUpload.length} of ${fixture.toUpload.length} files`);

  // Uploaded rows carry Imago's ids.
  await app.getByTestId('filter-uploaded').click();
  await expect(rows).toHaveAttribute('data-total', String(fixture.toUpload.length));
  await expect(rows.getByTestId('archive-row').first()).toContainText('Imago image ');

  // ---- Imago holds exactly the expected photos, each once -------------------------------------
  const listed = await listArchivePhotosOnImago(fixture, imago);
  expect(listed.filter((p) => p.deleted)).toEqual([]);
  expect(listed.map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());

  // ---- the final report: every uploaded file with the id Imago gave its photo -----------------
  await expect(app.getByLabel('Report CSV')).toHaveValue(/-import-report-[\d-]+\.csv$/);
  const finalPath = join(reportDir, 'final.csv');
  await app.getByLabel('Report CSV').fill(finalPath);
  await app.getByRole('button', { name: 'Save report CSV' }).click();
  await expect(app.getByTestId('archive-report-saved')).toHaveText(`Saved ${fixture.filesTotal} rows to ${finalPath}.`);
  const [finalHeader, ...finalLines] = await readReportCsv(finalPath);
  const column = (name: string) => finalHeader!.indexOf(name);
  const uploadedLines = finalLines.filter((l) => l[column('outcome')] === 'uploaded');
  expect(uploadedLines.map((l) => l[column('file')]).sort()).toEqual(fixture.toUpload.map((e) => e.file).sort());
  const imageIdOf = new Map(listed.map((p) => [p.sha256, p.imageId]));
  for (const line of uploadedLines) expect(line[column('imageId')], line[column('file')]).toBe(imageIdOf.get(fixture.byFile.get(line[column('file')]!)!.sha256!));

  // ---- removing the job asks first, then leaves the list (and a reload does not bring it back) -
  await expect(app.getByTestId('archive-job-item')).toContainText(`Finished · ${fixture.toUpload.length} of ${fixture.toUpload.length} sent`);
  await app.getByRole('button', { name: 'Remove job…' }).click();
  await expect(app.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await app.getByRole('button', { name: 'Remove job', exact: true }).click();
  await expect(app.getByTestId('archive-job-item')).toHaveCount(0);
  await expect(app.getByRole('heading', { name: 'New import' })).toBeVisible();
  await app.reload();
  await expect(app.getByRole('heading', { name: 'New import' })).toBeVisible();
  await expect(app.getByText('No imports yet.')).toBeVisible();
});

test('a dry run that cannot read its folder says why in plain words, and its settings come back for the next try', async ({ app, corelog }) => {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Archive import', exact: true }).click();
  await app.getByRole('button', { name: 'Refresh from Imago' }).click();
  await expect(app.getByTestId('archive-catalogue-age')).toContainText('Workspaces loaded');
  const missing = join(fixture.folder, 'no-such-year');
  await app.getByLabel('Archive folder').fill(missing);
  await app.getByLabel('Target workspace').selectOption(fixture.source.target.workspaceName);
  await app.getByLabel('Target dataset').selectOption(fixture.source.target.datasetName);
  await app.getByLabel('Target imagery type').selectOption(fixture.source.target.imageryTypeName);
  await app.getByRole('button', { name: 'Dry run' }).click();
  // The job starts, then stops with its reason in plain words (never a stack or a page of markup).
  const job = app.getByTestId('archive-job');
  await expect(job).toHaveAttribute('data-phase', 'failed', { timeout: 60_000 });
  const said = app.getByTestId('archive-message');
  await expect(said).toHaveAttribute('role', 'alert');
  await expect(said).toContainText(/folder/i);
  await expect(said).not.toContainText(/at \w+ \(|<html|Error:/);
  await expect(app.getByTestId('archive-job-item')).toContainText('Stopped by a problem');
  // "Change and dry run again" brings back the form with this job's settings, and a reload keeps them.
  await app.getByRole('button', { name: 'Change and dry run again…' }).click();
  await expect(app.getByLabel('Archive folder')).toHaveValue(missing);
  await app.reload();
  await expect(app.getByLabel('Archive folder')).toHaveValue(missing);
  await expect(app.getByLabel('Target imagery type')).toHaveValue(fixture.source.target.imageryTypeName);
});

test('a run that loses Imago says it waits, goes on by itself when Imago is back, and sends each photo once', async ({ app, corelog, emulators }) => {
  const imago = { baseUrl: emulators!.imago.server.baseUrl };
  await seedArchiveOnImago(fixture, imago);
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await describeArchive(app, fixture.source);
  await app.getByRole('button', { name: 'Dry run' }).click();
  const job = app.getByTestId('archive-job');
  await expect(job).toHaveAttribute('data-phase', 'planned', { timeout: 120_000 });
  await expectCounts(app, fixture.counts, fixture.filesTotal);

  // Slow enough to cut the link part-way.
  const totalBytes = fixture.toUpload.reduce((sum, e) => sum + e.bytes, 0);
  await app.getByLabel('Bandwidth cap').fill(`${Math.max(40, Math.floor(totalBytes / 1000 / 2))} kbit/s`);
  await app.getByRole('button', { name: `Upload ${fixture.toUpload.length} ready files` }).click();
  await expect(job.getByTestId('count-uploaded')).toBeVisible({ timeout: 60_000 });
  const server = emulators!.imago.server;
  server.faults = { ...server.faults, down: true };
  await expect(job).toHaveAttribute('data-phase', 'waiting-for-imago', { timeout: 60_000 });
  await expect(app.getByTestId('archive-message')).toHaveAttribute('role', 'status');
  await expect(app.getByTestId('archive-message')).not.toBeEmpty();
  await expect(app.getByTestId('archive-job-item')).toContainText('Waiting for Imago');
  server.faults = { ...server.faults, down: false };
  await expect(job).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  await expectCounts(app, { ...fixture.counts, ready: 0, uploaded: fixture.toUpload.length }, fixture.filesTotal);

  const listed = await listArchivePhotosOnImago(fixture, imago);
  expect(listed.filter((p) => p.deleted)).toEqual([]);
  expect(listed.map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
});
