/**
 * The dry run over the shared archive fixture (test/support/archive-fixture.ts) against a real
 * Imago emulator: every file gets exactly the outcome the fixture says, the counts are exact,
 * rows come in the scan order, and nothing is written to Imago. Then the same archive under each
 * `checksumStyle` the emulator offers: the outcomes must not change (a match is proved another way,
 * never assumed), only the reasons say how.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveRow } from '../../../common/bridge/archive-contract';
import { planArchive, type PlanRowDetail } from '../../../electron/services/archive-import/plan/plan-archive';
import { listArchivePhotosOnImago, photoKey, type ArchiveFixture } from '../../support/archive-fixture';
import { admin, clientFor } from '../imago/imago-fixture';
import { withSeededArchive } from './seeded-archive';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import type { ChecksumStyle } from '../../../emulators/imago/options';

let fixture: ArchiveFixture;
let emulator: ImagoEmulator;

withSeededArchive((made, started) => {
  fixture = made;
  emulator = started;
});

async function dryRun(options: { verifyByDownload?: boolean } = {}) {
  const rows: ArchiveRow[] = [];
  const details: PlanRowDetail[] = [];
  const progress: number[] = [];
  const { client } = clientFor(emulator, { timeoutMs: 15_000 });
  const result = await planArchive(
    fixture.source,
    { imago: () => client, ...options },
    {
      row(row, detail) {
        rows.push(row);
        details.push(detail);
      },
      progress: (n) => progress.push(n),
    },
  );
  return { rows, details, progress, result };
}

const countsOf = (rows: ArchiveRow[]) => Object.fromEntries(Object.keys(fixture.counts).map((o) => [o, rows.filter((r) => r.outcome === o).length]));

describe('planArchive on the fixture archive', () => {
  let run: Awaited<ReturnType<typeof dryRun>>;
  let requestsBefore: number;

  beforeAll(async () => {
    await admin(emulator, 'DELETE', '/requests');
    requestsBefore = emulator.summary().images;
    run = await dryRun();
  }, 120_000);

  it('gives every file exactly its expected outcome, and the exact counts', () => {
    expect(run.result.filesTotal).toBe(fixture.filesTotal);
    expect(run.rows).toHaveLength(fixture.filesTotal);
    const got = Object.fromEntries(run.rows.map((r) => [r.file, r.outcome]));
    const want = Object.fromEntries(fixture.expected.map((e) => [e.file, e.outcome]));
    expect(got).toEqual(want);
    expect(countsOf(run.rows)).toEqual(fixture.counts);
  });

  it('reads hole, depths, image type (Imago spelling), bytes and SHA-256 of each file', () => {
    for (const row of run.rows) {
      const want = fixture.byFile.get(row.file)!;
      expect({ file: row.file, hole: row.hole, from: row.from, to: row.to, imageType: row.imageType, bytes: row.bytes }).toEqual({
        file: want.file,
        hole: want.hole,
        from: want.from,
        to: want.to,
        imageType: want.imageType,
        bytes: want.bytes,
      });
      if (row.outcome !== 'unmatched') expect(row.sha256, row.file).toBe(want.sha256);
      expect(row.duplicateOf, row.file).toBe(want.duplicateOf);
      expect(row.imageId).toBeNull();
      expect(row.imageryId).toBeNull();
    }
  });

  it('says why, in words that name the problem', () => {
    for (const row of run.rows) {
      const want = fixture.byFile.get(row.file)!;
      if (row.outcome !== 'ready') expect(row.reason, row.file).toEqual(expect.any(String));
      if (want.reasonIncludes !== null) expect(row.reason?.toLowerCase(), row.file).toContain(want.reasonIncludes.toLowerCase());
      // Plain words: no markup, no stack traces.
      expect(row.reason ?? '', row.file).not.toMatch(/<[a-z]|\n\s+at /i);
    }
  });

  it('streams rows in the scan order with their index, and reports progress after each', () => {
    expect(run.rows.map((r) => r.index)).toEqual(run.rows.map((_, i) => i));
    expect(run.progress).toEqual(run.rows.map((_, i) => i + 1));
    // Folders in name order, depth first: 2018 before 2019 before 2020 … before the laptop copies; manifest problems last.
    const firstOf = (prefix: string) => run.rows.findIndex((r) => r.file.startsWith(prefix));
    expect(firstOf('2018/')).toBeLessThan(firstOf('2019/'));
    expect(firstOf('2019/')).toBeLessThan(firstOf('2020/'));
    expect(firstOf('scans-2016/')).toBeLessThan(firstOf('zz-copied-from-laptop/'));
    expect(run.rows.at(-1)!.file).toBe('scans-2016/IMG_1099.jpg');
    // The manifest itself is not a row.
    expect(run.rows.some((r) => r.file === 'manifest.csv')).toBe(false);
  });

  it('hands the manifest attributes to the sink with the row', () => {
    for (const [i, row] of run.rows.entries()) {
      const want = fixture.byFile.get(row.file)!;
      if (row.outcome === 'unmatched') continue;
      expect(run.details[i]!.attributes, row.file).toEqual(want.attributes);
      expect(run.details[i]!.manifestLine !== null, row.file).toBe(want.attributes !== null);
    }
  });

  it('writes nothing to Imago', async () => {
    expect(emulator.summary().images).toBe(requestsBefore);
    const { requests } = (await admin(emulator, 'GET', '/requests')) as { requests: { method: string; path: string }[] };
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/session'))).toEqual([]);
  });

  it('leaves Imago holding exactly the seeded photos (the fixture helper agrees)', async () => {
    const listed = await listArchivePhotosOnImago(fixture, { baseUrl: emulator.server.baseUrl });
    expect(listed.map(photoKey).sort()).toEqual(fixture.seeded.map(photoKey).sort());
  });
});

describe('planArchive when Imago writes its checksums another way', () => {
  afterAll(() => {
    emulator.setOptions({ checksumStyle: 'sha256' });
  });

  const styles: { style: ChecksumStyle; how: RegExp }[] = [
    { style: 'sha256-prefixed', how: /same SHA-256\)/ },
    { style: 'md5', how: /same MD5/ },
    { style: 'absent', how: /downloaded to compare: Imago gives no checksum/ },
  ];
  for (const { style, how } of styles) {
    it(`${style}: the same outcomes, proved (${how.source})`, async () => {
      emulator.setOptions({ checksumStyle: style });
      await admin(emulator, 'DELETE', '/requests');
      const run = await dryRun();
      expect(Object.fromEntries(run.rows.map((r) => [r.file, r.outcome]))).toEqual(Object.fromEntries(fixture.expected.map((e) => [e.file, e.outcome])));
      for (const row of run.rows.filter((r) => r.outcome === 'on-imago')) expect(row.reason, row.file).toMatch(how);
      const { requests } = (await admin(emulator, 'GET', '/requests')) as { requests: { method: string; path: string }[] };
      const downloads = requests.filter((r) => r.method === 'GET' && r.path.endsWith('/image'));
      // Only where the checksum proves nothing is Imago's copy fetched, and each one once.
      expect(downloads.length).toBe(style === 'absent' ? fixture.seeded.length : 0);
    }, 120_000);
  }

  it('absent, downloads not allowed: nothing is claimed on Imago; those files are ready, saying they were not compared', async () => {
    emulator.setOptions({ checksumStyle: 'absent' });
    const run = await dryRun({ verifyByDownload: false });
    const seededFiles = new Set(fixture.expected.filter((e) => e.outcome === 'on-imago').map((e) => e.file));
    expect(run.rows.filter((r) => r.outcome === 'on-imago')).toEqual([]);
    for (const row of run.rows.filter((r) => seededFiles.has(r.file))) {
      // The laptop copies of seeded photos are now plain duplicates of the originals.
      expect(row.outcome, row.file).toBe(row.file.startsWith('zz-') ? 'duplicate' : 'ready');
      if (row.outcome === 'ready') expect(row.reason, row.file).toMatch(/no checksum .*not checked/);
    }
  }, 120_000);
});
