/**
 * The job journal on its own: what is written is what a reopened journal reads back (counts,
 * outcomes, rows page by page), a line cut short by a crash is dropped and cut off the file, and
 * a `start` without its `done` is remembered as "may have reached Imago".
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveOutcome, ArchiveRow, ArchiveSource } from '../../../common/bridge/archive-contract';
import { ArchiveJournal, JOURNAL_FILE } from '../../../electron/services/archive-import/archive-journal';
import { plannedArchiveRow } from '../../support/archive-fixture';

const root = mkdtempSync(join(tmpdir(), 'corelog-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const source: ArchiveSource = {
  folder: '/archive',
  patterns: ['{hole}_{from}_{to}_{imageType}'],
  manifest: null,
  target: { workspaceName: 'W', datasetName: 'D', imageryTypeName: 'Core Trays' },
};
const OUTCOMES: ArchiveOutcome[] = ['ready', 'ready', 'unmatched', 'ready', 'duplicate', 'on-imago'];
const row = (index: number): ArchiveRow =>
  plannedArchiveRow(index, { outcome: OUTCOMES[index % OUTCOMES.length]!, reason: index % 7 === 0 ? 'a reason, with "quotes"\nand a newline' : null });
const at = '2026-11-26T20:00:00.000Z';

/** A planned job of ten rows whose first file was started (and not confirmed): the journal open for writing. */
async function tenRowsWithFirstStarted(dir: string, jobId: string): Promise<ArchiveJournal> {
  const journal = await ArchiveJournal.create(dir, jobId, source, at);
  for (let i = 0; i < 10; i++) journal.addRow(row(i));
  await journal.append({ k: 'planned', filesTotal: 10, at });
  await journal.append({ k: 'start', i: 0, at });
  return journal;
}

describe('ArchiveJournal', () => {
  it('reads back exactly what was written: rows, counts, results, intentions', async () => {
    const dir = join(root, 'a');
    const journal = await ArchiveJournal.create(dir, 'job-a', source, at);
    for (let i = 0; i < 2500; i++) journal.addRow(row(i));
    await journal.append({ k: 'planned', filesTotal: 2500, at });
    await journal.append({ k: 'rate', max: 65536, at });
    await journal.append({ k: 'run', at });
    await journal.append({ k: 'start', i: 0, at });
    await journal.append({ k: 'done', i: 0, bytes: 1000, imageId: 'img-0', imageryId: 'iv-0', already: false, at });
    await journal.append({ k: 'start', i: 1, at });
    await journal.append({ k: 'fail', i: 1, bytes: 1001, reason: 'Imago refused it.', at });
    await journal.append({ k: 'start', i: 3, at });
    const counts = journal.countsNow();
    const readyPlanned = [...Array(2500).keys()].filter((i) => row(i).outcome === 'ready').length;
    expect(counts).toMatchObject({ ready: readyPlanned - 2, uploaded: 1, failed: 1 });
    await journal.close();

    const again = await ArchiveJournal.open(dir);
    expect(again.rowCount).toBe(2500);
    expect(again.countsNow()).toEqual(counts);
    expect(again.status).toMatchObject({ jobId: 'job-a', planned: true, filesTotal: 2500, maxBytesPerSecond: 65536, intent: 'run', finished: false });
    expect(again.bytes()).toMatchObject({ sent: 1000, failed: 1001 });
    expect(again.wasStarted(3)).toBe(true);
    expect(again.wasStarted(0)).toBe(false);
    expect(again.nextReady(0)).toBe(3);
    expect(await again.row(0)).toMatchObject({ outcome: 'uploaded', imageId: 'img-0', imageryId: 'iv-0' });
    expect(await again.row(1)).toMatchObject({ outcome: 'failed', reason: 'Imago refused it.' });
    expect(await again.row(7)).toEqual(row(7));
    const page = await again.rows(100, 50, ['duplicate']);
    expect(page.total).toBe(Math.ceil((2500 - 4) / 6));
    expect(page.rows.map((r) => r.index)).toEqual([...Array(50).keys()].map((k) => 4 + 6 * (100 + k)));
    await again.close();
  });

  it('drops a line cut short by a crash, cuts it off the file, and appends cleanly after it', async () => {
    const dir = join(root, 'b');
    const journal = await tenRowsWithFirstStarted(dir, 'job-b');
    await journal.close();
    const path = join(dir, JOURNAL_FILE);
    const whole = statSync(path).size;
    // Power lost while `done` was being written: half a line, no newline.
    appendFileSync(path, '{"k":"done","i":0,"bytes":1000,"imageId":"im');

    const reopened = await ArchiveJournal.open(dir, { write: true });
    expect(statSync(path).size).toBe(whole);
    expect(reopened.wasStarted(0)).toBe(true);
    expect(reopened.outcomeOf(0)).toBe('ready');
    await reopened.append({ k: 'done', i: 0, bytes: 1000, imageId: 'img-0', imageryId: 'iv-0', already: true, at });
    await reopened.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.every((line) => JSON.parse(line) !== null)).toBe(true);
    const last = await ArchiveJournal.open(dir);
    expect(await last.row(0)).toMatchObject({ outcome: 'uploaded', imageId: 'img-0', reason: expect.stringContaining('already held') });
    await last.close();
  });

  it('a reader (another process looking while the job runs) never cuts the file, and cannot write to it', async () => {
    const dir = join(root, 'd');
    const writer = await tenRowsWithFirstStarted(dir, 'job-d');
    const path = join(dir, JOURNAL_FILE);
    // The running process is in the middle of writing its `done` line when the reader opens.
    const half = '{"k":"done","i":0,"bytes":1000,';
    appendFileSync(path, half);
    const withHalf = statSync(path).size;

    const reader = await ArchiveJournal.open(dir);
    expect(statSync(path).size).toBe(withHalf);
    expect(reader.writable).toBe(false);
    expect(reader.wasStarted(0)).toBe(true);
    expect(reader.fileBytes).toBe(withHalf - half.length);
    await expect(reader.append({ k: 'pause', at })).rejects.toThrow(/opened for reading/);
    expect(() => reader.addRow(row(10))).toThrow(/opened for reading/);
    expect(await reader.row(3)).toEqual(row(3));
    await reader.close();

    // The writer's line ends; the file is whole and a new reader sees the result.
    appendFileSync(path, '"imageId":"img-0","imageryId":"iv-0","already":false,"at":"' + at + '"}\n');
    const later = await ArchiveJournal.open(dir);
    expect(await later.row(0)).toMatchObject({ outcome: 'uploaded', imageId: 'img-0' });
    await later.close();
    await writer.close();
  });

  it('refuses a row out of order and a folder that is not a journal', async () => {
    const journal = await ArchiveJournal.create(join(root, 'c'), 'job-c', source, at);
    expect(() => journal.addRow(row(1))).toThrow(/out of order/);
    await journal.close();
    await expect(ArchiveJournal.create(join(root, 'c'), 'job-c', source, at)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(ArchiveJournal.open(join(root, 'nothing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
