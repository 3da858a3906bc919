/**
 * A server that ignores the paging offset and gives no total hands out the first page of a hole's
 * photos again and again. The dry run read that page and called every other photo of the hole
 * "ready" without a word, so the run uploaded photos Imago already held. Now the rows say plainly
 * that the hole could not be listed whole, and the run asks Imago about each such interval before
 * sending. Real HTTP to the Imago emulator with its `pagingOffset: ignored` dialect.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArchiveRow } from '../../../common/bridge/archive-contract';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { EXIT, runImportCli } from '../../../electron/services/archive-import/import-cli';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor, UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import { defaultBehaviour } from '../../../emulators/imago/options';
import { ARCHIVE_TARGET, smallTrayJpeg } from '../../support/archive-fixture';
import { clientFor } from '../imago/imago-fixture';
import { imagoSuite } from './imago-suite';

const suite = imagoSuite();
const { temp } = suite;
const HOLE = 'PG-DD-0001';
const posts = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;

describe('a hole on a server that ignores the paging offset', () => {
  it('is reported as not read whole, and photos Imago holds beyond the first page are not sent again', async () => {
    const folder = temp('corelog-paging-archive-');
    const dataDir = temp('corelog-paging-data-');
    // Five photos already on Imago (a colleague's upload), one new.
    const store = await PhotoStore.open(join(temp('corelog-paging-store-'), 'photos'));
    const { client } = clientFor(suite.emulator, { timeoutMs: 15_000 });
    const seeder = new PhotoUploadExecutor({ client: () => client, store: async () => store, gate: new UploadPriorityGate(0) });
    for (let i = 0; i < 6; i++) {
      const bytes = await smallTrayJpeg(700 + i);
      const file = join(folder, `${HOLE}_${i}_${i + 1}_Wet.jpg`);
      writeFileSync(file, bytes);
      if (i === 5) continue;
      const stored = await store.putFile(file, 'image/jpeg');
      await seeder.upload({ jobId: `seed-${i}`, sha256: stored.sha256, target: { ...ARCHIVE_TARGET, collectionName: HOLE, from: i, to: i + 1 }, imageTypeName: 'Wet', attributes: {}, resend: false });
    }
    suite.emulator.setOptions({ ...defaultBehaviour(), pagingOffset: 'ignored', imageMetadataLimitCap: 2, imageryLimitCap: 2 });
    const jobs = new ArchiveJobs({ dataDir, imago: () => client, gate: new UploadPriorityGate(0), emitEveryMs: 50 });
    try {
      const { jobId } = await jobs.dryRun({ folder, patterns: ['{hole}_{from}_{to}_{imageType}'], manifest: null, target: { ...ARCHIVE_TARGET } });
      await jobs.settled(jobId);
      const rows = (await jobs.rows(jobId, 0, 100)).rows as ArchiveRow[];
      expect(rows).toHaveLength(6);
      // What the first page showed is on Imago; the rest is not called "not on Imago" silently.
      const ready = rows.filter((r) => r.outcome === 'ready');
      expect(rows.filter((r) => r.outcome === 'on-imago').length + ready.length).toBe(6);
      expect(ready.length).toBeGreaterThanOrEqual(4);
      for (const row of ready) expect(row.reason).toMatch(/could not be read whole.*asks Imago about this interval just before sending/);

      const before = posts();
      await jobs.run(jobId);
      const end = await jobs.settled(jobId);
      expect(end.phase).toBe('done');
      // Only the new photo went; the ones Imago held were found by asking about their interval.
      expect(posts() - before).toBe(1);
      const after = (await jobs.rows(jobId, 0, 100)).rows as ArchiveRow[];
      expect(after.filter((r) => r.outcome === 'uploaded')).toHaveLength(ready.length);
      expect(after.filter((r) => r.reason?.startsWith('Imago already held it'))).toHaveLength(ready.length - 1);
    } finally {
      suite.emulator.setOptions(defaultBehaviour());
      await jobs.dispose();
    }
  }, 120_000);

  it('corelog import --dry-run says so in its summary', async () => {
    const folder = temp('corelog-paging-cli-archive-');
    const dataDir = temp('corelog-paging-cli-data-');
    // The demo site's FF-DD-0012 holds more photos than a page of 2.
    for (let i = 0; i < 3; i++) writeFileSync(join(folder, `FF-DD-0012_${300 + i}_${301 + i}_Wet.jpg`), await smallTrayJpeg(750 + i));
    suite.emulator.setOptions({ ...defaultBehaviour(), pagingOffset: 'ignored', imageMetadataLimitCap: 2, imageryLimitCap: 2 });
    let stdout = '';
    try {
      const code = await runImportCli(
        ['--folder', folder, '--workspace', ARCHIVE_TARGET.workspaceName, '--dataset', ARCHIVE_TARGET.datasetName, '--imagery-type', ARCHIVE_TARGET.imageryTypeName, '--pattern', '{hole}_{from}_{to}_{imageType}', '--dry-run'],
        {
          stdout: (text) => (stdout += text),
          stderr: () => undefined,
          env: { CORELOG_DATA_DIR: dataDir, CORELOG_IMAGO_URL: suite.emulator.server.baseUrl, CORELOG_IMAGO_USERNAME: 'demo', CORELOG_IMAGO_PASSWORD: 'demo' },
          isTTY: false,
        },
      );
      expect(code).toBe(EXIT.done);
    } finally {
      suite.emulator.setOptions(defaultBehaviour());
    }
    expect(stdout).toMatch(/\d+ ready file\(s\): Imago did not list their hole whole .* asks Imago about each one's interval before sending it/);
  }, 120_000);
});
