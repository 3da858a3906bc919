/**
 * The archive import's report CSV as a spreadsheet opens it: Excel on Windows reads a CSV without
 * a UTF-8 byte order mark in the system's code page, so a hole named with ø or é came out garbled;
 * a file name a spreadsheet would run as a formula must arrive as text.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import { ARCHIVE_TARGET, smallTrayJpeg } from '../../support/archive-fixture';
import { clientFor } from '../imago/imago-fixture';
import { imagoSuite } from './imago-suite';

const suite = imagoSuite();
const { temp } = suite;

describe('the archive report CSV', () => {
  it('starts with a UTF-8 byte order mark, keeps non-ASCII hole names intact and guards formula-like cells', async () => {
    const dataDir = temp('corelog-report-data-');
    const folder = temp('corelog-report-archive-');
    writeFileSync(join(folder, 'BØGESKOV-é_0_1_Wet.jpg'), await smallTrayJpeg(41));
    writeFileSync(join(folder, '=cmd_1_2_Wet.jpg'), await smallTrayJpeg(42));
    const { client } = clientFor(suite.emulator, { timeoutMs: 15_000 });
    const jobs = new ArchiveJobs({ dataDir, imago: () => client, gate: new UploadPriorityGate(0), emitEveryMs: 50 });
    try {
      const { jobId } = await jobs.dryRun({ folder, patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target: { ...ARCHIVE_TARGET } });
      await jobs.settled(jobId);
      const report = join(dataDir, 'report.csv');
      await jobs.saveReport(jobId, report);
      const bytes = readFileSync(report);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      // Exactly one mark, and the header right after it.
      expect(text.startsWith('file,outcome,reason,')).toBe(true);
      const lines = text.trimEnd().split('\r\n');
      const hole = lines.find((l) => l.startsWith('BØGESKOV-é_0_1_Wet.jpg,'));
      expect(hole?.split(',')[3]).toBe('BØGESKOV-é');
      // The file name begins with "=": written as text, never as a formula.
      expect(lines.some((l) => l.startsWith("'=cmd_1_2_Wet.jpg,"))).toBe(true);
      expect(lines.some((l) => l.startsWith('=cmd'))).toBe(false);
    } finally {
      await jobs.dispose();
    }
  }, 60_000);
});
