/** The archive walk: stable sorted order, clutter left out, links to folders not followed, abortable. */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkArchive } from '../../../electron/services/archive-import/plan/archive-walk';
import { makeTempDir } from '../images/photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-walk-'));
  const files = ['b.jpg', 'a-b/x.jpg', 'a/x.jpg', 'a/B.jpg', 'a/a.jpg', 'Z.jpg', '10.jpg', '9.jpg', 'a/deep/er/f.jpg', '.hidden.jpg', 'a/.git/config', 'a/Thumbs.db', 'desktop.ini', 'manifest.csv'];
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), f);
  }
  await symlink(join(dir, 'a'), join(dir, 'loop'));
  await symlink(join(dir, 'b.jpg'), join(dir, 'link.jpg'));
});
afterAll(() => cleanup());

async function walk(options: Parameters<typeof walkArchive>[1] = {}) {
  const out: string[] = [];
  for await (const f of walkArchive(dir, options)) out.push(f.relativePath);
  return out;
}

describe('walkArchive', () => {
  it('walks depth first, each folder in code-unit order, the same on every computer', async () => {
    expect(await walk({ skip: new Set([join(dir, 'manifest.csv')]) })).toEqual(['10.jpg', '9.jpg', 'Z.jpg', 'a/B.jpg', 'a/a.jpg', 'a/deep/er/f.jpg', 'a/x.jpg', 'a-b/x.jpg', 'b.jpg', 'link.jpg']);
  });

  it('gives absolute paths beside the relative ones', async () => {
    for await (const f of walkArchive(dir)) expect(f.absolutePath).toBe(join(dir, ...f.relativePath.split('/')));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const f of walkArchive(dir, { signal: controller.signal })) {
          seen.push(f.relativePath);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['10.jpg']);
  });

  it('reports a folder it cannot open as one entry and goes on (here: removed while the walk ran)', async () => {
    const root = join(dir, 'vanishing');
    for (const f of ['a/1.jpg', 'b/2.jpg', 'c/3.jpg']) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), f);
    }
    const seen: { relativePath: string; unreadableFolder?: string }[] = [];
    for await (const f of walkArchive(root)) {
      seen.push({ relativePath: f.relativePath, ...(f.unreadableFolder ? { unreadableFolder: f.unreadableFolder } : {}) });
      if (f.relativePath === 'a/1.jpg') await rm(join(root, 'b'), { recursive: true });
    }
    expect(seen).toEqual([{ relativePath: 'a/1.jpg' }, { relativePath: 'b/', unreadableFolder: 'ENOENT' }, { relativePath: 'c/3.jpg' }]);
  });
});
