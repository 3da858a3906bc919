/**
 * Lost replies during an archive run, under each way Imago might give a photo's checksum (the
 * reference does not say: bare SHA-256, `sha256:`-prefixed, MD5, none): Imago stores a photo and
 * the connection drops before its answer. The job tries again by itself, looks the photo up
 * first, and the run still ends with exactly the expected photos, each once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import type { ChecksumStyle } from '../../../emulators/imago/options';
import { createArchiveFixture, listArchivePhotosOnImago, photoKey, seedArchiveOnImago, type ArchiveFixture } from '../../support/archive-fixture';
import { removeTestFolder } from '../../support/temp-folder';
import { clientFor, startImago } from '../imago/imago-fixture';
import { startUploadRelay } from './upload-relay';

let fixture: ArchiveFixture;
const temp = mkdtempSync(join(tmpdir(), 'corelog-archive-lost-'));

beforeAll(async () => {
  fixture = await createArchiveFixture();
}, 60_000);

afterAll(async () => {
  await fixture?.remove();
  await removeTestFolder(temp);
});

const STYLES: ChecksumStyle[] = ['sha256', 'sha256-prefixed', 'md5', 'absent'];

describe.each(STYLES)('checksum style %s', (checksumStyle) => {
  it('replies lost after Imago stored the photo: each file still ends on Imago once', async () => {
    const emulator = await startImago({ checksumStyle });
    const relay = await startUploadRelay(emulator.server.baseUrl);
    try {
      await seedArchiveOnImago(fixture, { baseUrl: emulator.server.baseUrl });
      const { client } = clientFor({ server: { baseUrl: relay.baseUrl } }, { timeoutMs: 15_000 });
      const jobs = new ArchiveJobs({ dataDir: join(temp, checksumStyle), imago: () => client, gate: new UploadPriorityGate(0), retry: { firstMs: 50, maxMs: 200 } });
      const { jobId } = await jobs.dryRun(fixture.source);
      expect((await jobs.settled(jobId)).counts).toEqual(fixture.counts);
      const before = emulator.world.images.filter((i) => !i.deleted).length;
      // Requests that reached Imago (the emulator's log), whatever happened to their replies.
      const posts = () => emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;
      const postsBefore = posts();
      await jobs.run(jobId);
      const deadline = Date.now() + 60_000;
      while (emulator.world.images.filter((i) => !i.deleted).length - before < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // The next four uploads are stored, then their connections reset before the answer.
      relay.dropUploads(4);
      const done = await jobs.settled(jobId);
      expect(done.message).toBeNull();
      expect(done.phase).toBe('done');
      expect(done.counts).toEqual({ ...fixture.counts, ready: 0, uploaded: fixture.counts.ready });
      expect(relay.dropped).toBe(4);
      const rows = await jobs.rows(jobId, 0, 500, ['uploaded']);
      // Those four were found on Imago instead of sent again.
      expect(rows.rows.filter((r) => r.reason?.includes('already held'))).toHaveLength(4);
      // One upload request per file: a photo whose answer was lost was found, not sent again.
      expect(posts() - postsBefore).toBe(fixture.counts.ready);
      expect(emulator.world.images.filter((i) => !i.deleted).length - before).toBe(fixture.counts.ready);
      const listed = await listArchivePhotosOnImago(fixture, { baseUrl: emulator.server.baseUrl });
      expect(listed.filter((p) => !p.deleted).map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
      expect(listed.filter((p) => p.deleted)).toEqual([]);
      await jobs.dispose();
    } finally {
      await relay.close();
      await emulator.close();
    }
  }, 120_000);
});
