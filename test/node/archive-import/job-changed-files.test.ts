/**
 * Files that change between the dry run and the run. A file the run sends as it is was already
 * compared with the dry run's SHA-256; one the run converts (here: turned upright by its EXIF
 * orientation) was not, so a different photo put under the same name after the dry run went to
 * Imago for that interval. Every file is now compared by its own bytes before it is prepared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import { ARCHIVE_TARGET, smallTrayJpeg } from '../../support/archive-fixture';
import { clientFor } from '../imago/imago-fixture';
import { imagoSuite } from './imago-suite';

const suite = imagoSuite();
const { temp } = suite;

/** A tray photo stored sideways with EXIF orientation 6: intake turns it upright (a converted file). */
const sideways = async (seed: number) => sharp(await smallTrayJpeg(seed)).withMetadata({ orientation: 6 }).jpeg().toBuffer();

describe('a file changed after the dry run', () => {
  it('is not sent, whether the run would send it as it is or convert it; the unchanged ones are', async () => {
    const dataDir = temp('corelog-changed-data-');
    const folder = temp('corelog-changed-archive-');
    writeFileSync(join(folder, 'CH-1_0_1_Wet.jpg'), await sideways(1));
    writeFileSync(join(folder, 'CH-1_1_2_Wet.jpg'), await smallTrayJpeg(2));
    writeFileSync(join(folder, 'CH-1_2_3_Wet.jpg'), await sideways(3));
    const { client } = clientFor(suite.emulator, { timeoutMs: 15_000 });
    const jobs = new ArchiveJobs({ dataDir, imago: () => client, gate: new UploadPriorityGate(0), emitEveryMs: 50 });
    try {
      const { jobId } = await jobs.dryRun({ folder, patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target: { ...ARCHIVE_TARGET } });
      expect((await jobs.settled(jobId)).counts.ready).toBe(3);
      // Another photo under the same names: one the run converts, one it sends as it is.
      writeFileSync(join(folder, 'CH-1_0_1_Wet.jpg'), await sideways(11));
      writeFileSync(join(folder, 'CH-1_1_2_Wet.jpg'), await smallTrayJpeg(12));
      const posts = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;
      const postsBefore = posts();
      await jobs.run(jobId);
      const end = await jobs.settled(jobId);
      expect(end.phase).toBe('done');
      const report = join(dataDir, 'report.csv');
      await jobs.saveReport(jobId, report);
      const outcomes = Object.fromEntries(
        readFileSync(report, 'utf8')
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((line) => line.split(',').slice(0, 3)),
      );
      expect(outcomes).toEqual({
        'CH-1_0_1_Wet.jpg': 'failed',
        'CH-1_1_2_Wet.jpg': 'failed',
        'CH-1_2_3_Wet.jpg': 'uploaded',
      });
      const reasons = readFileSync(report, 'utf8').split('\r\n').filter((l) => l.includes(',failed,'));
      for (const line of reasons) expect(line).toContain('The file changed since the dry run');
      // Only the unchanged photo was sent to Imago.
      expect(posts() - postsBefore).toBe(1);
    } finally {
      await jobs.dispose();
    }
  }, 120_000);
});
