import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile, PhotoStore } from '../../../electron/services/images/photo-store';
import { makeTempDir } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let root: string;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-store-'));
  root = join(dir, 'photos');
});
afterEach(() => cleanup());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function sourceFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function allFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

describe('PhotoStore', () => {
  it('names files by the SHA-256 of their content, sharded by its first two digits', async () => {
    const store = await PhotoStore.open(root);
    const bytes = Buffer.from('not really a jpeg, the store does not care');
    const put = await store.putFile(await sourceFile('a.jpg', bytes), 'image/jpeg');
    const hash = sha256(bytes);
    expect(put).toEqual({ sha256: hash, path: join(root, hash.slice(0, 2), `${hash}.jpg`), mimeType: 'image/jpeg', bytes: bytes.length, added: true });
    expect(store.pathFor(hash, 'image/jpeg')).toBe(put.path);
    expect(await readFile(put.path)).toEqual(bytes);
    expect(await hashFile(put.path)).toBe(hash);
    expect(await store.has(hash)).toBe(true);
    expect(await store.find(hash)).toEqual({ sha256: hash, path: put.path, mimeType: 'image/jpeg', bytes: bytes.length });
  });

  it('stores the same content once, and leaves no temp files behind', async () => {
    const store = await PhotoStore.open(root);
    const bytes = Buffer.alloc(300_000, 42);
    const first = await store.putFile(await sourceFile('one.png', bytes), 'image/png');
    const second = await store.putFile(await sourceFile('two.png', bytes), 'image/png');
    const concurrent = await Promise.all([1, 2, 3].map(() => store.putWritten('image/png', (temp) => writeFile(temp, bytes))));
    expect(first.added).toBe(true);
    expect([second, ...concurrent].map((put) => [put.path, put.added])).toEqual(Array(4).fill([first.path, false]));
    expect(await allFiles(root)).toEqual([relative(root, first.path)]);
  });

  it('cleans up the temp file when writing fails, and stores nothing', async () => {
    const store = await PhotoStore.open(root);
    await expect(
      store.putWritten('image/jpeg', async (temp) => {
        await writeFile(temp, 'half a photo');
        throw new Error('encoder crashed');
      }),
    ).rejects.toThrow('encoder crashed');
    await expect(store.putFile(join(dir, 'missing.jpg'), 'image/jpeg')).rejects.toThrow(/ENOENT/);
    expect(await allFiles(root)).toEqual([]);
  });

  it('removes temp files a crash left behind when it is opened', async () => {
    await mkdir(join(root, '.tmp'), { recursive: true });
    const stale = join(root, '.tmp', 'crashed.jpg');
    await writeFile(stale, 'half a photo');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    await writeFile(join(root, '.tmp', 'in-progress.jpg'), 'being written right now');
    await PhotoStore.open(root);
    expect(await readdir(join(root, '.tmp'))).toEqual(['in-progress.jpg']);
  });

  it('lists, removes and sweeps unreferenced photos, sparing recent ones', async () => {
    const store = await PhotoStore.open(root);
    const kept = await store.putFile(await sourceFile('kept.jpg', Buffer.from('kept')), 'image/jpeg');
    const orphan = await store.putFile(await sourceFile('orphan.png', Buffer.from('orphan')), 'image/png');
    const gone = await store.putFile(await sourceFile('gone.jpg', Buffer.from('gone')), 'image/jpeg');

    expect(await store.remove(gone.sha256)).toBe(true);
    expect(await store.remove(gone.sha256)).toBe(false);
    const listed = [];
    for await (const photo of store.list()) listed.push(photo.sha256);
    expect(listed.sort()).toEqual([kept.sha256, orphan.sha256].sort());

    const referenced = (hash: string) => hash === kept.sha256;
    expect((await store.sweep(referenced)).removed).toEqual([]); // younger than an hour
    const swept = await store.sweep(referenced, { minAgeMs: 0 });
    expect(swept).toEqual({ removed: [{ sha256: orphan.sha256, path: orphan.path, mimeType: 'image/png', bytes: 6 }], freedBytes: 6 });
    expect(await store.has(orphan.sha256)).toBe(false);
    expect(await store.has(kept.sha256)).toBe(true);
  });

  it('refuses anything but a SHA-256 as a name, so a path cannot escape the store', async () => {
    const store = await PhotoStore.open(root);
    expect(() => store.pathFor('../../etc/passwd', 'image/jpeg')).toThrow(/SHA-256/);
    expect(() => store.pathFor('AB'.repeat(32), 'image/jpeg')).toThrow(/SHA-256/);
  });
});
