/**
 * An archive file Imago takes with a 204 and does not list afterwards (its image-metadata filters
 * ignored, the new image beyond the first page): uploaded once, the report says the image id is not
 * known yet, and a resumed run does not send it again. Real HTTP to the Imago emulator.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import { defaultBehaviour } from '../../../emulators/imago/options';
import { ARCHIVE_TARGET, smallTrayJpeg } from '../../support/archive-fixture';
import { clientFor } from '../imago/imago-fixture';
import { imagoSuite } from './imago-suite';

const suite = imagoSuite();
const { temp } = suite;
const posts = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;

describe('an archive upload Imago takes without naming the image', () => {
  it('is uploaded once and reported as such, with its id not known yet', async () => {
    const folder = temp('corelog-idless-archive-');
    const dataDir = temp('corelog-idless-data-');
    writeFileSync(join(folder, 'IL-DD-0001_0_1_Wet.jpg'), await smallTrayJpeg(811));
    const { client } = clientFor(suite.emulator, { timeoutMs: 15_000 });
    const jobs = new ArchiveJobs({ dataDir, imago: () => client, gate: new UploadPriorityGate(0), emitEveryMs: 50 });
    try {
      const { jobId } = await jobs.dryRun({ folder, patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target: { ...ARCHIVE_TARGET } });
      expect((await jobs.settled(jobId)).counts.ready).toBe(1);
      // 204 for the upload; the look-up answers with the account's first image only, never the new one.
      suite.emulator.setOptions({ ...defaultBehaviour(), uploadReplyShape: 'no-content', imageMetadataFilters: 'none', imageMetadataLimitCap: 1 });
      const before = posts();
      await jobs.run(jobId);
      expect((await jobs.settled(jobId)).phase).toBe('done');
      expect(posts() - before).toBe(1);
      const [row] = (await jobs.rows(jobId, 0, 10)).rows;
      expect(row).toMatchObject({ outcome: 'uploaded', imageId: null });
      expect(row!.reason).toMatch(/its id is not known yet/);
      const report = join(dataDir, 'report.csv');
      await jobs.saveReport(jobId, report);
      expect(readFileSync(report, 'utf8')).toMatch(/IL-DD-0001_0_1_Wet\.jpg,uploaded,Imago took it without naming the image/);
    } finally {
      suite.emulator.setOptions(defaultBehaviour());
      await jobs.dispose();
    }
  }, 120_000);
});
