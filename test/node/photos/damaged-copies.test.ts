/**
 * Damaged copies of stored originals (bytes that no longer match the SHA-256 they are named by)
 * are set aside at upload and were kept for ever. Their life is bounded now, without ever deleting
 * one that may be the only copy of a photo Imago does not hold. Real files in a real store.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DAMAGED_KEEP_MS, PhotoStore } from '../../../electron/services/images/photo-store';

const root = mkdtempSync(join(tmpdir(), 'damaged-copies-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
let store: PhotoStore;
let folder: string;

const jpeg = (seed: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, seed), Buffer.from([0xff, 0xd9])]);

async function storedPhoto(seed: number): Promise<{ sha256: string; path: string; source: string }> {
  const source = join(root, `source-${seed}-${seq}.jpg`);
  writeFileSync(source, jpeg(seed));
  const put = await store.putFile(source, 'image/jpeg');
  return { sha256: put.sha256, path: put.path, source };
}

beforeEach(async () => {
  folder = join(root, `store-${++seq}`);
  store = await PhotoStore.open(folder);
});

describe('damaged copies in the photo store', () => {
  it('are kept while Imago is not known to hold the photo, however old', async () => {
    const photo = await storedPhoto(1);
    await store.setAsideDamaged(photo, Date.now() - 10 * DAMAGED_KEEP_MS);
    expect(await store.sweepDamaged()).toEqual({ removed: 0, freedBytes: 0 });
    expect(await store.sweepDamaged({ onImago: () => false })).toEqual({ removed: 0, freedBytes: 0 });
    // Opened again (a restart): still there.
    store = await PhotoStore.open(folder);
    expect((await store.damagedCopies()).map((c) => c.sha256)).toEqual([photo.sha256]);
  });

  it('of a photo Imago holds are deleted once older than the keep time, not before', async () => {
    const old = await storedPhoto(2);
    const recent = await storedPhoto(3);
    await store.setAsideDamaged(old, Date.now() - DAMAGED_KEEP_MS - 60_000);
    await store.setAsideDamaged(recent, Date.now() - 60_000);
    const swept = await store.sweepDamaged({ onImago: () => true });
    expect(swept.removed).toBe(1);
    expect(swept.freedBytes).toBeGreaterThan(4000);
    expect((await store.damagedCopies()).map((c) => c.sha256)).toEqual([recent.sha256]);
  });

  it('are deleted as soon as the photo is taken in again, also ones left by an older version (no time in the name)', async () => {
    const photo = await storedPhoto(4);
    // As the version before named it: `….damaged`, with the file's times from long ago.
    renameSync(photo.path, `${photo.path}.damaged`);
    const longAgo = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    utimesSync(`${photo.path}.damaged`, longAgo, longAgo);
    expect((await store.damagedCopies()).map((c) => c.sha256)).toEqual([photo.sha256]);
    // Its clock starts when it is first seen (the rename kept the old times): not expired yet.
    expect((await store.sweepDamaged({ onImago: () => true })).removed).toBe(0);
    const again = await store.putFile(photo.source, 'image/jpeg');
    expect(again.added).toBe(true);
    expect(readdirSync(join(folder, photo.sha256.slice(0, 2)))).toEqual([`${photo.sha256}.jpg`]);
    expect(existsSync(photo.path)).toBe(true);
  });

  it('whose sound copy is back in the store are deleted when the store opens (a crash between the two)', async () => {
    const photo = await storedPhoto(5);
    writeFileSync(`${photo.path}.damaged-${Date.now()}`, Buffer.alloc(100, 1));
    store = await PhotoStore.open(folder);
    expect(await store.damagedCopies()).toEqual([]);
    expect(existsSync(photo.path)).toBe(true);
  });
});
