/**
 * The sweep of photo originals after upload, on a real photo store in a temp folder: it never
 * deletes a photo Imago has not confirmed, deletes confirmed ones once they are older than the
 * kept days, and keeps every one the renderer still needs, that was taken in again, or that an
 * intake or upload running now may need. The ledger behind it survives restarts and crashes.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoStore } from '../../../electron/services/images';
import { DAY_MS, OriginalsLedger } from '../../../electron/services/settings/originals-ledger';
import { OriginalsSweep } from '../../../electron/services/settings/originals-sweep';
import { mayRelease } from '../../../renderer/src/settings/originals-release';
import { makeTempDir } from '../images/photo-fixtures';

let temp: { dir: string; cleanup: () => Promise<void> };
let store: PhotoStore;
let ledger: OriginalsLedger;
let keepDays: number | null;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * DAY_MS);

/** A distinct stored "photo" (the store does not look inside; bytes differ, so hashes do). */
async function stored(label: string, size = 20_000): Promise<{ sha256: string; bytes: number }> {
  const bytes = Buffer.alloc(size, label);
  bytes.write(label);
  const put = await store.putBytes(bytes, 'image/jpeg');
  return { sha256: put.sha256, bytes: put.bytes };
}

function sweeper(): OriginalsSweep {
  return new OriginalsSweep({ ledger, store: async () => store, keepDays: () => keepDays, now: () => NOW });
}

beforeEach(async () => {
  temp = await makeTempDir('corelog-sweep-');
  store = await PhotoStore.open(join(temp.dir, 'photos'));
  ledger = new OriginalsLedger(temp.dir);
  keepDays = 30;
});
afterEach(async () => {
  await temp.cleanup();
});

describe('the originals sweep', () => {
  it('never deletes a photo Imago has not confirmed, even when the renderer lets it go', async () => {
    const takenInOnly = await stored('taken in long ago, never uploaded');
    const unknown = await stored('in the store, never recorded');
    const confirmed = await stored('confirmed 40 days ago');
    ledger.takenIn(takenInOnly.sha256, daysAgo(400));
    ledger.takenIn(confirmed.sha256, daysAgo(41));
    ledger.confirmed(confirmed.sha256, 'img-1', daysAgo(40));

    const sweep = sweeper();
    expect(await sweep.candidates(100)).toEqual([confirmed.sha256]);
    const report = await sweep.sweep([takenInOnly.sha256, unknown.sha256, confirmed.sha256]);
    expect(report).toMatchObject({ removed: 1, freedBytes: confirmed.bytes, kept: 2 });
    expect(await store.has(confirmed.sha256)).toBe(false);
    expect(await store.has(takenInOnly.sha256)).toBe(true);
    expect(await store.has(unknown.sha256)).toBe(true);
  });

  it('deletes confirmed photos only once they are older than the kept days', async () => {
    const old = await stored('confirmed 31 days ago');
    const recent = await stored('confirmed 29 days ago');
    ledger.confirmed(old.sha256, 'img-old', daysAgo(31));
    ledger.confirmed(recent.sha256, 'img-recent', daysAgo(29));
    const sweep = sweeper();
    expect(await sweep.candidates(100)).toEqual([old.sha256]);
    expect(await sweep.sweep([old.sha256, recent.sha256])).toMatchObject({ removed: 1, freedBytes: old.bytes, kept: 1 });
    expect(await store.has(recent.sha256)).toBe(true);

    keepDays = 7;
    expect(await sweep.candidates(100)).toEqual([recent.sha256]);
    expect(await sweep.sweep([recent.sha256])).toMatchObject({ removed: 1, kept: 0 });
    expect(await store.has(recent.sha256)).toBe(false);
  });

  it('keeps what the renderer still references, what was taken in again, and everything when set to keep', async () => {
    const stillQueued = await stored('confirmed, but queued again in the renderer');
    const takenInAgain = await stored('confirmed, then taken in again');
    ledger.confirmed(stillQueued.sha256, 'img-a', daysAgo(60));
    ledger.confirmed(takenInAgain.sha256, 'img-b', daysAgo(60));
    ledger.takenIn(takenInAgain.sha256, daysAgo(2));
    const sweep = sweeper();
    expect(await sweep.candidates(100)).toEqual([stillQueued.sha256]);
    // The renderer does not release the queued one; main is asked about the other anyway.
    expect(await sweep.sweep([takenInAgain.sha256])).toMatchObject({ removed: 0, kept: 1 });
    expect(await store.has(stillQueued.sha256)).toBe(true);
    expect(await store.has(takenInAgain.sha256)).toBe(true);

    keepDays = null;
    expect(await sweep.candidates(100)).toEqual([]);
    expect(await sweep.sweep([stillQueued.sha256])).toMatchObject({ removed: 0, kept: 1 });
    expect(await store.has(stillQueued.sha256)).toBe(true);
  });

  it('holds off while an intake runs (it may be storing the same bytes) and keeps a photo being uploaded', async () => {
    const photo = await stored('confirmed long ago');
    ledger.confirmed(photo.sha256, 'img', daysAgo(90));
    const sweep = sweeper();
    let finishIntake!: () => void;
    const intake = sweep.duringIntake(() => new Promise<{ accepted: false }>((resolve) => (finishIntake = () => resolve({ accepted: false }))));
    expect(await sweep.sweep([photo.sha256])).toMatchObject({ removed: 0, kept: 1 });
    finishIntake();
    await intake;

    let finishUpload!: () => void;
    const upload = sweep.duringUpload(photo.sha256, () => new Promise<{ imageId: string }>((resolve) => (finishUpload = () => resolve({ imageId: 'img-2' }))));
    expect(await sweep.sweep([photo.sha256])).toMatchObject({ removed: 0, kept: 1 });
    finishUpload();
    await upload;
    // The new receipt is a new confirmation (today): the file is kept for another 30 days.
    expect(await sweep.candidates(100)).toEqual([]);
    expect(ledger.get(photo.sha256)).toMatchObject({ imageId: 'img-2' });
    expect(await store.has(photo.sha256)).toBe(true);
  });

  it('records an accepted intake and a receipt, and nothing for a refused intake or a failed upload', async () => {
    const photo = await stored('through the wrappers');
    const sweep = sweeper();
    await sweep.duringIntake(async () => ({ accepted: true, sha256: photo.sha256 }));
    expect(ledger.get(photo.sha256)).toMatchObject({ confirmedAt: null, takenInAt: expect.any(String) });
    await expect(sweep.duringUpload(photo.sha256, async () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    expect(ledger.get(photo.sha256)?.confirmedAt).toBeNull();
    await sweep.duringIntake(async () => ({ accepted: false }));
    expect(ledger.size).toBe(1);
  });

  it('reports what it freed, and forgets originals no longer in the store', async () => {
    const a = await stored('a', 30_000);
    const b = await stored('b', 50_000);
    const gone = await stored('deleted by hand');
    for (const p of [a, b, gone]) ledger.confirmed(p.sha256, `img-${p.sha256.slice(0, 4)}`, daysAgo(45));
    await store.remove(gone.sha256);
    const sweep = sweeper();
    expect((await sweep.candidates(100)).sort()).toEqual([a.sha256, b.sha256].sort());
    const report = await sweep.sweep([a.sha256, b.sha256]);
    expect(report).toEqual({ at: new Date(NOW).toISOString(), removed: 2, freedBytes: a.bytes + b.bytes, kept: 0 });
    expect(ledger.lastSweep).toEqual(report);
    expect(ledger.size).toBe(0);
    expect(new OriginalsLedger(temp.dir).lastSweep).toEqual(report);
  });

  it('stops at the batch limit; the next run takes the rest', async () => {
    const photos = await Promise.all(['1', '2', '3'].map((label) => stored(label)));
    for (const p of photos) ledger.confirmed(p.sha256, 'img', daysAgo(35));
    expect(await sweeper().candidates(2)).toHaveLength(2);
  });
});

describe('the sweep and damaged copies set aside by an upload', () => {
  /** A stored photo whose copy the upload found damaged and set aside `days` ago. */
  async function damaged(label: string, days: number): Promise<{ sha256: string; bytes: number }> {
    const photo = await stored(label);
    const found = await store.find(photo.sha256);
    await store.setAsideDamaged(found!, NOW - days * DAY_MS);
    return photo;
  }
  const damagedHashes = async () => (await store.damagedCopies()).map((copy) => copy.sha256).sort();

  it('deletes a damaged copy kept 30 days once Imago confirmed those bytes, and keeps the unconfirmed and the recent', async () => {
    const confirmedOld = await damaged('confirmed, damaged 31 days ago', 31);
    const unconfirmedOld = await damaged('never confirmed, damaged 31 days ago', 31);
    const confirmedRecent = await damaged('confirmed, damaged 10 days ago', 10);
    ledger.confirmed(confirmedOld.sha256, 'img-a', daysAgo(40));
    ledger.confirmed(confirmedRecent.sha256, 'img-b', daysAgo(40));

    const report = await sweeper().sweep([]);
    expect(report).toMatchObject({ removed: 1, freedBytes: confirmedOld.bytes });
    expect(await damagedHashes()).toEqual([unconfirmedOld.sha256, confirmedRecent.sha256].sort());
    // The recent one keeps its confirmation (its original is gone from the store, its copy is not)…
    expect(ledger.get(confirmedRecent.sha256)?.confirmedAt).not.toBeNull();
    expect(ledger.get(confirmedOld.sha256)).toBeUndefined();

    // …so 21 days later, past its 30 days, it goes too; the unconfirmed one never does.
    const later = new OriginalsSweep({ ledger, store: async () => store, keepDays: () => keepDays, now: () => NOW + 21 * DAY_MS });
    expect(await later.sweep([])).toMatchObject({ removed: 1, freedBytes: confirmedRecent.bytes });
    expect(await damagedHashes()).toEqual([unconfirmedOld.sha256]);
  });

  it('keeps every damaged copy while the setting keeps originals', async () => {
    const photo = await damaged('confirmed, damaged long ago', 400);
    ledger.confirmed(photo.sha256, 'img-c', daysAgo(401));
    keepDays = null;
    expect(await sweeper().sweep([])).toMatchObject({ removed: 0 });
    expect(await damagedHashes()).toEqual([photo.sha256]);
  });
});

describe('the originals ledger', () => {
  it('survives a restart: the journal replays over the snapshot, and compaction keeps the same state', async () => {
    const sha = 'a'.repeat(64);
    ledger.takenIn(sha, daysAgo(50));
    ledger.confirmed(sha, 'img-a', daysAgo(40));
    const reopened = new OriginalsLedger(temp.dir);
    expect(reopened.get(sha)).toEqual({ confirmedAt: daysAgo(40).toISOString(), imageId: 'img-a', takenInAt: daysAgo(50).toISOString() });
    reopened.compact();
    expect(await readFile(join(temp.dir, 'originals.journal'), 'utf8').catch(() => '')).toBe('');
    expect(new OriginalsLedger(temp.dir).get(sha)).toEqual(reopened.get(sha));
    expect(new OriginalsLedger(temp.dir).maySweep(sha, 30, NOW)).toBe(true);
  });

  it('replaying the journal again after a crash between snapshot and emptying it changes nothing', async () => {
    const sha = 'b'.repeat(64);
    ledger.confirmed(sha, 'img-b', daysAgo(40));
    ledger.takenIn(sha, daysAgo(3));
    const journal = await readFile(join(temp.dir, 'originals.journal'), 'utf8');
    ledger.compact();
    await writeFile(join(temp.dir, 'originals.journal'), journal);
    const reopened = new OriginalsLedger(temp.dir);
    expect(reopened.get(sha)).toEqual(ledger.get(sha));
    expect(reopened.maySweep(sha, 30, NOW)).toBe(false);
  });

  it('skips a line cut short by a crash and keeps recording after it', async () => {
    const sha = 'c'.repeat(64);
    ledger.confirmed(sha, 'img-c', daysAgo(40));
    await appendFile(join(temp.dir, 'originals.journal'), '{"event":"taken-in","sha256":"ccc');
    const reopened = new OriginalsLedger(temp.dir);
    expect(reopened.get(sha)).toMatchObject({ imageId: 'img-c', takenInAt: null });
    reopened.takenIn(sha, daysAgo(1));
    expect(new OriginalsLedger(temp.dir).get(sha)?.takenInAt).toBe(daysAgo(1).toISOString());
  });

  it('ignores damaged or hostile entries in its files', async () => {
    await writeFile(join(temp.dir, 'originals.json'), JSON.stringify({ originals: { ['d'.repeat(64)]: { confirmedAt: 'yesterday', imageId: 1, takenInAt: null } } }));
    await writeFile(
      join(temp.dir, 'originals.journal'),
      [
        JSON.stringify({ event: 'confirmed', sha256: '../../etc/passwd', at: daysAgo(40).toISOString(), imageId: 'x' }),
        JSON.stringify({ event: 'confirmed', sha256: 'e'.repeat(64), at: 'not a date', imageId: 'x' }),
        JSON.stringify({ event: 'unknown', sha256: 'e'.repeat(64) }),
        'not json',
        '',
      ].join('\n'),
    );
    expect(new OriginalsLedger(temp.dir).size).toBe(0);
  });
});

describe('what the renderer releases', () => {
  const uploaded = { id: 'p1', state: 'uploaded' as const, remoteImageId: 'img-1' };
  it('releases an original only when every record of those bytes is uploaded with Imago’s image id and nothing in the outbox points at it', () => {
    expect(mayRelease([uploaded], [])).toBe(true);
    expect(mayRelease([uploaded, { id: 'p2', state: 'uploaded', remoteImageId: 'img-2' }], [{ photoId: 'other' }, { photoId: null }])).toBe(true);
    expect(mayRelease([], [])).toBe(false);
    expect(mayRelease([{ ...uploaded, remoteImageId: null }], [])).toBe(false);
    expect(mayRelease([uploaded, { id: 'p2', state: 'queued', remoteImageId: null }], [])).toBe(false);
    expect(mayRelease([uploaded, { id: 'p3', state: 'draft', remoteImageId: null }], [])).toBe(false);
    expect(mayRelease([{ ...uploaded, state: 'failed' }], [])).toBe(false);
    expect(mayRelease([uploaded], [{ photoId: 'p1' }])).toBe(false);
  });
});
