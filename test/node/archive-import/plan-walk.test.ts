/**
 * The archive walk: stable sorted order, clutter left out, abortable, and every other entry
 * accounted for: links to folders, links leading outside the archive, broken links and names that
 * are not UTF-8 come back as skipped with the reason, never followed and never dropped unseen.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_REASONS, walkArchive } from '../../../electron/services/archive-import/plan/archive-walk';
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

async function walkWithReasons(folder: string) {
  const out: Record<string, string | null> = {};
  for await (const f of walkArchive(folder)) out[f.relativePath] = f.skipped ?? f.unreadableFolder ?? null;
  return out;
}

describe('walkArchive', () => {
  it('walks depth first, each folder in code-unit order, the same on every computer', async () => {
    expect(await walk({ skip: new Set([join(dir, 'manifest.csv')]) })).toEqual(['10.jpg', '9.jpg', 'Z.jpg', 'a/B.jpg', 'a/a.jpg', 'a/deep/er/f.jpg', 'a/x.jpg', 'a-b/x.jpg', 'b.jpg', 'link.jpg', 'loop']);
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

  it('follows a link to a file inside the archive, and says why it does not follow the others', async () => {
    const root = join(dir, 'hostile');
    const archive = join(root, 'archive');
    await mkdir(join(archive, 'sub'), { recursive: true });
    await mkdir(join(root, 'private'), { recursive: true });
    await writeFile(join(root, 'private', 'secret.jpg'), 'not for Imago');
    await writeFile(join(archive, 'sub', 'real.jpg'), 'inside');
    await symlink(join(archive, 'sub', 'real.jpg'), join(archive, 'inside-link.jpg'));
    await symlink(join(root, 'private', 'secret.jpg'), join(archive, 'outside-link.jpg'));
    // Relative and through the archive: still leads outside.
    await symlink('../../archive/../private/secret.jpg', join(archive, 'sub', 'dotdot-link.jpg'));
    await symlink(join(root, 'private'), join(archive, 'folder-link'));
    await symlink(join(root, 'gone.jpg'), join(archive, 'broken.jpg'));
    await symlink('loop.jpg', join(archive, 'loop.jpg'));
    expect(await walkWithReasons(archive)).toEqual({
      'broken.jpg': SKIP_REASONS.linkBroken('ENOENT'),
      'folder-link': SKIP_REASONS.linkToFolder,
      'inside-link.jpg': null,
      'loop.jpg': SKIP_REASONS.linkBroken('ELOOP'),
      'outside-link.jpg': SKIP_REASONS.linkOutside(join(root, 'private', 'secret.jpg')),
      'sub/dotdot-link.jpg': SKIP_REASONS.linkOutside(join(root, 'private', 'secret.jpg')),
      'sub/real.jpg': null,
    });
  });

  it('judges links against the real archive folder when the folder is given through a link', async () => {
    const root = join(dir, 'via-link');
    await mkdir(join(root, 'real'), { recursive: true });
    await writeFile(join(root, 'real', 'a.jpg'), 'a');
    await symlink(join(root, 'real', 'a.jpg'), join(root, 'real', 'b.jpg'));
    await symlink(join(root, 'real'), join(root, 'alias'));
    expect(await walkWithReasons(join(root, 'alias'))).toEqual({ 'a.jpg': null, 'b.jpg': null });
  });

  it('reports a name that is not UTF-8 instead of opening another spelling of it', async () => {
    const root = join(dir, 'bad-names');
    await mkdir(root, { recursive: true });
    // Latin-1 names from an old share: bytes that are not UTF-8, for a file and a folder.
    writeFileSync(Buffer.concat([Buffer.from(`${root}/DDH1_1_2_Dry_`), Buffer.from([0xe9]), Buffer.from('.jpg')]), 'x');
    await mkdir(Buffer.concat([Buffer.from(`${root}/tray_`), Buffer.from([0xff])]));
    await writeFile(join(root, 'ok.jpg'), 'x');
    expect(await walkWithReasons(root)).toEqual({ 'DDH1_1_2_Dry_\uFFFD.jpg': SKIP_REASONS.badName, 'ok.jpg': null, 'tray_\uFFFD/': SKIP_REASONS.badName });
  });

  it('reports what is not a file (a named pipe) instead of leaving it out unseen', async () => {
    const root = join(dir, 'pipe');
    await mkdir(root, { recursive: true });
    execFileSync('mkfifo', [join(root, 'DDH1_1_2_Dry.jpg')]);
    expect(await walkWithReasons(root)).toEqual({ 'DDH1_1_2_Dry.jpg': SKIP_REASONS.notAFile });
  });
});
