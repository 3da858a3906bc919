/**
 * The archive job end to end in this process, on the shared fixture archive against a real Imago
 * emulator: the dry run's counts and rows (paged, filtered) come back from the journal, the run
 * uploads exactly the `ready` files once, the report CSV says what happened to each file, and a
 * second run (or a reopened job) sends nothing again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { UploadPriorityGate } from '../../../electron/services/photos/upload-executor';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { createArchiveFixture, listArchivePhotosOnImago, photoKey, seedArchiveOnImago, type ArchiveFixture } from '../../support/archive-fixture';
import { clientFor, startImago } from '../imago/imago-fixture';

let fixture: ArchiveFixture;
let emulator: ImagoEmulator;
let dataDir: string;

beforeAll(async () => {
  fixture = await createArchiveFixture();
  emulator = await startImago();
  await seedArchiveOnImago(fixture, { baseUrl: emulator.server.baseUrl });
  dataDir = mkdtempSync(join(tmpdir(), 'corelog-archive-job-'));
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await fixture?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

const uploads = () => emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').length;

function jobsFor(events: ArchiveJobStatus[] = []) {
  const { client } = clientFor(emulator, { timeoutMs: 15_000 });
  return new ArchiveJobs({ dataDir, imago: () => client, onChange: (s) => events.push(s), gate: new UploadPriorityGate(0), emitEveryMs: 50 });
}

describe('an archive job', () => {
  let jobId: string;

  it('dry-runs the archive into its journal: exact counts, rows paged and filtered, nothing uploaded', async () => {
    const events: ArchiveJobStatus[] = [];
    const jobs = jobsFor(events);
    const before = uploads();
    const started = await jobs.dryRun(fixture.source);
    expect(started.phase).toBe('scanning');
    jobId = started.jobId;
    const planned = await jobs.settled(jobId);
    expect(planned.message).toBeNull();
    expect(planned.phase).toBe('planned');
    expect(planned.filesTotal).toBe(fixture.filesTotal);
    expect(planned.counts).toEqual(fixture.counts);
    expect(planned.bytesToSend).toBe(fixture.toUpload.reduce((sum, f) => sum + f.bytes, 0));
    expect(events.at(-1)).toMatchObject({ jobId, phase: 'planned' });
    expect(uploads()).toBe(before);

    const all = await jobs.rows(jobId, 0, 500);
    expect(all.total).toBe(fixture.filesTotal);
    expect(all.rows.map((r) => r.index)).toEqual([...Array(fixture.filesTotal).keys()]);
    for (const row of all.rows) expect({ file: row.file, outcome: row.outcome }).toEqual({ file: row.file, outcome: fixture.byFile.get(row.file)?.outcome });

    const dupes = await jobs.rows(jobId, 2, 3, ['duplicate']);
    expect(dupes.total).toBe(fixture.counts.duplicate);
    expect(dupes.rows.map((r) => r.file)).toEqual(all.rows.filter((r) => r.outcome === 'duplicate').slice(2, 5).map((r) => r.file));

    // Manifest attributes travel with the row to the run.
    const withAttributes = fixture.expected.filter((e) => e.outcome === 'ready' && e.attributes);
    expect(withAttributes.length).toBeGreaterThan(0);
    for (const expected of withAttributes) expect(all.rows.find((r) => r.file === expected.file)!.attributes).toEqual(expected.attributes);
    await jobs.dispose();
  }, 120_000);

  it('runs: uploads exactly the ready files once, then a report says what became of each file', async () => {
    const jobs = jobsFor();
    const reopened = await jobs.status(jobId);
    expect(reopened.phase).toBe('planned');
    const before = uploads();
    expect((await jobs.run(jobId)).phase).toBe('running');
    const done = await jobs.settled(jobId);
    expect(done.message).toBeNull();
    expect(done.phase).toBe('done');
    expect(done.counts).toEqual({ ...fixture.counts, ready: 0, uploaded: fixture.counts.ready });
    expect(done.bytesSent).toBe(done.bytesToSend);
    expect(uploads() - before).toBe(fixture.toUpload.length);

    const listed = await listArchivePhotosOnImago(fixture, { baseUrl: emulator.server.baseUrl });
    expect(listed.filter((p) => !p.deleted).map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
    expect(listed.filter((p) => p.deleted)).toEqual([]);

    const uploaded = await jobs.rows(jobId, 0, 500, ['uploaded']);
    expect(uploaded.total).toBe(fixture.toUpload.length);
    const onImago = new Map(listed.map((p) => [p.imageId, p]));
    for (const row of uploaded.rows) expect(onImago.get(row.imageId!)?.sha256).toBe(row.sha256);

    const report = join(dataDir, 'report.csv');
    expect(await jobs.saveReport(jobId, report)).toEqual({ path: report, rows: fixture.filesTotal });
    const lines = readFileSync(report, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('\ufefffile,outcome,reason,hole,from,to,imageType,bytes,sha256,duplicateOf,imageId,imageryId');
    expect(lines).toHaveLength(fixture.filesTotal + 1);
    expect(lines.filter((l) => l.includes(',uploaded,'))).toHaveLength(fixture.toUpload.length);
    await expect(jobs.saveReport(jobId, 'relative.csv')).rejects.toMatchObject({ kind: 'validation' });
    await expect(jobs.saveReport(jobId, join(dataDir, 'report.txt'))).rejects.toMatchObject({ kind: 'validation' });

    // Again: nothing is left to send.
    await jobs.run(jobId);
    expect((await jobs.settled(jobId)).phase).toBe('done');
    expect(uploads() - before).toBe(fixture.toUpload.length);
    await jobs.dispose();
  }, 180_000);

  it('lists jobs newest first, forgets a removed one, and says so for an unknown id', async () => {
    const jobs = jobsFor();
    expect((await jobs.list()).map((j) => j.jobId)).toEqual([jobId]);
    await expect(jobs.status('nope')).rejects.toMatchObject({ kind: 'not-found' });
    expect(await jobs.remove(jobId)).toEqual({ removed: true });
    expect(await jobs.list()).toEqual([]);
    await jobs.dispose();
  });
});

describe('a run the app was doing when it closed', () => {
  it('goes on by itself when the app starts again, and still sends each file once', async () => {
    const imago = await startImago();
    const folder = mkdtempSync(join(tmpdir(), 'corelog-archive-reopen-'));
    try {
      await seedArchiveOnImago(fixture, { baseUrl: imago.server.baseUrl });
      const { client } = clientFor(imago, { timeoutMs: 15_000 });
      const open = (resumeInterrupted: boolean) => new ArchiveJobs({ dataDir: folder, imago: () => client, gate: new UploadPriorityGate(0), resumeInterrupted });
      const first = open(true);
      await first.start();
      const { jobId } = await first.dryRun(fixture.source);
      await first.settled(jobId);
      const before = imago.world.images.filter((i) => !i.deleted).length;
      await first.run(jobId);
      const deadline = Date.now() + 60_000;
      while (imago.world.images.filter((i) => !i.deleted).length - before < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // The app closes (no pause written).
      await first.dispose();
      const stoppedAt = imago.world.images.filter((i) => !i.deleted).length;
      expect(stoppedAt - before).toBeLessThan(fixture.toUpload.length);

      // A command (resumeInterrupted off) only reports it; the app takes it up again.
      const command = open(false);
      expect(await command.status(jobId)).toMatchObject({ phase: 'paused', message: expect.stringContaining('resume') });
      await command.dispose();
      const app = open(true);
      await app.start();
      const done = await app.settled(jobId);
      expect(done.phase).toBe('done');
      expect(imago.world.images.filter((i) => !i.deleted).length - before).toBe(fixture.toUpload.length);
      const listed = await listArchivePhotosOnImago(fixture, { baseUrl: imago.server.baseUrl });
      expect(listed.filter((p) => !p.deleted).map(photoKey).sort()).toEqual(fixture.imagoAfterRun.map(photoKey).sort());
      expect(listed.filter((p) => p.deleted)).toEqual([]);
      await app.dispose();
    } finally {
      await imago.close();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 180_000);
});
