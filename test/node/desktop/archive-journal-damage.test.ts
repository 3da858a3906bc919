/**
 * An archive job's journal damaged on disk (not only cut short by a crash): a bad line between whole
 * ones is skipped on its own and the records after it still count (they used to be cut off the
 * file by the next writer, so an upload already done, or started, would be sent again without a
 * look-up); a record of the wrong shape is damage, not a crash; and when a lost row line forces
 * reading to stop, the whole file is kept beside before anything is cut.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArchiveRow, ArchiveSource } from '../../../common/bridge/archive-contract';
import { ArchiveJournal, JOURNAL_FILE } from '../../../electron/services/archive-import/archive-journal';
import { plannedArchiveRow } from '../../support/archive-fixture';

const root = mkdtempSync(join(tmpdir(), 'corelog-journal-damage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const source: ArchiveSource = { folder: '/archive', patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target: { workspaceName: 'W', datasetName: 'D', imageryTypeName: 'Core Trays' } };
const at = '2026-11-26T20:00:00.000Z';
const row = (index: number): ArchiveRow => plannedArchiveRow(index);

/** Six planned rows; row 0 started and done, row 1 started, row 2 started and failed. */
async function journalWithResults(name: string): Promise<{ dir: string; lines: string[] }> {
  const dir = join(root, name);
  const journal = await ArchiveJournal.create(dir, name, source, at);
  for (let i = 0; i < 6; i++) journal.addRow(row(i));
  await journal.append({ k: 'planned', filesTotal: 6, at });
  await journal.append({ k: 'run', at });
  await journal.append({ k: 'start', i: 0, at });
  await journal.append({ k: 'done', i: 0, bytes: 1000, imageId: 'img-0', imageryId: 'iv-0', already: false, at });
  await journal.append({ k: 'start', i: 1, at });
  await journal.append({ k: 'start', i: 2, at });
  await journal.append({ k: 'fail', i: 2, bytes: 1002, reason: 'refused', at });
  await journal.close();
  return { dir, lines: readFileSync(join(dir, JOURNAL_FILE), 'utf8').trimEnd().split('\n') };
}

const rewrite = (dir: string, lines: string[]) => writeFileSync(join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`);

describe('an archive journal damaged on disk', () => {
  for (const [label, bad] of [
    ['zero bytes', '\0'.repeat(80)],
    ['garbage', '\u00ff\u00fe{{not json'],
    ['a record of the wrong shape', '{"k":"done","i":"zero"}'],
  ] as const) {
    it(`${label} between whole lines: skipped on its own; what came after still counts and stays in the file`, async () => {
      const { dir, lines } = await journalWithResults(`mid-${label.replace(/\W/g, '')}`);
      // The line before row 0's `done` damaged: the `done` and everything after must survive.
      const doneAt = lines.findIndex((l) => l.includes('"k":"done"'));
      rewrite(dir, [...lines.slice(0, doneAt - 1), bad, ...lines.slice(doneAt)]);
      const before = readFileSync(join(dir, JOURNAL_FILE));

      const journal = await ArchiveJournal.open(dir, { write: true });
      expect(journal.damagedLines).toBe(1);
      expect(journal.outcomeOf(0)).toBe('uploaded');
      expect(journal.wasStarted(1)).toBe(true);
      expect(journal.outcomeOf(2)).toBe('failed');
      expect(await journal.row(0)).toMatchObject({ imageId: 'img-0' });
      await journal.append({ k: 'done', i: 1, bytes: 1001, imageId: 'img-1', imageryId: 'iv-1', already: true, at });
      await journal.close();
      expect(readFileSync(join(dir, JOURNAL_FILE)).subarray(0, before.length)).toEqual(before);
      const again = await ArchiveJournal.open(dir);
      expect([again.outcomeOf(0), again.outcomeOf(1), again.outcomeOf(2)]).toEqual(['uploaded', 'uploaded', 'failed']);
      await again.close();
    });
  }

  it('a row of the wrong shape does not crash the reading', async () => {
    const { dir, lines } = await journalWithResults('row-shape');
    rewrite(dir, [...lines.slice(0, 3), '{"k":"row"}', ...lines.slice(3)]);
    const journal = await ArchiveJournal.open(dir);
    expect(journal.damagedLines).toBe(1);
    expect(journal.rowCount).toBe(6);
    await journal.close();
  });

  it('a lost row line stops the reading there, and the whole file is kept beside before the writer cuts', async () => {
    const { dir, lines } = await journalWithResults('lost-row');
    // Row 3's line gone (a bad block swallowed it with its newline).
    const damaged = [...lines.slice(0, 4), ...lines.slice(5)];
    rewrite(dir, damaged);
    const original = readFileSync(join(dir, JOURNAL_FILE));

    const journal = await ArchiveJournal.open(dir, { write: true });
    expect(journal.rowCount).toBe(3);
    expect(journal.damagedLines).toBe(1);
    await journal.close();
    const kept = readdirSync(dir).filter((name) => name.startsWith(`${JOURNAL_FILE}.corrupt-`));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!))).toEqual(original);
  });

  it('a torn last line alone is cut without keeping a copy (a crash mid-append, not damage)', async () => {
    const { dir, lines } = await journalWithResults('torn');
    writeFileSync(join(dir, JOURNAL_FILE), `${lines.join('\n')}\n{"k":"done","i":1,"by`);
    const journal = await ArchiveJournal.open(dir, { write: true });
    expect(journal.damagedLines).toBe(0);
    await journal.close();
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt-'))).toEqual([]);
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('a line of 40 MB (garbage from a damaged disk) is skipped without being held in memory; what follows still counts', async () => {
    const { dir, lines } = await journalWithResults('huge-line');
    const doneAt = lines.findIndex((l) => l.includes('"k":"done"'));
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(path, `${lines.slice(0, doneAt).join('\n')}\n`);
    appendFileSync(path, Buffer.alloc(40 * 1024 * 1024, 0x41));
    appendFileSync(path, `\n${lines.slice(doneAt).join('\n')}\n`);
    const journal = await ArchiveJournal.open(dir, { write: true });
    expect(journal.damagedLines).toBe(1);
    expect([journal.outcomeOf(0), journal.outcomeOf(2)]).toEqual(['uploaded', 'failed']);
    expect(journal.wasStarted(1)).toBe(true);
    await journal.append({ k: 'done', i: 1, bytes: 1001, imageId: 'img-1', imageryId: 'iv-1', already: true, at });
    await journal.close();
    const again = await ArchiveJournal.open(dir);
    expect(again.outcomeOf(1)).toBe('uploaded');
    expect(await again.row(5)).toMatchObject({ index: 5, outcome: 'ready' });
    await again.close();
  });
});
