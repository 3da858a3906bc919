import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchedFile, WatchFolderStatus } from '../../../common/bridge/photo-contract';
import { StagedFiles } from '../../../electron/services/files/staged-files';
import { WatchFolder } from '../../../electron/services/photos/watch-folder';

let root: string;
let camera: string;
let watchers: WatchFolder[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'corelog-watch-'));
  camera = join(root, 'camera');
  await mkdir(camera);
});
afterEach(async () => {
  await Promise.all(watchers.map((w) => w.dispose()));
  watchers = [];
  await rm(root, { recursive: true, force: true });
});

function startWatch(stagedFiles = new StagedFiles(join(root, 'data'))) {
  const found: WatchedFile[] = [];
  const statuses: WatchFolderStatus[] = [];
  const watch = new WatchFolder({ settingsFile: join(root, 'data', 'watch-folder.json'), stagedFiles, onFile: (f) => found.push(f), onStatus: (s) => statuses.push(s), stabilityMs: 300 });
  watchers.push(watch);
  return { watch, found, statuses, stagedFiles };
}

const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const jpeg = () => sharp({ create: { width: 200, height: 100, channels: 3, background: '#774422' } }).jpeg().toBuffer();

describe('WatchFolder', () => {
  it('offers a finished photo once, by reference, and ignores sidecars and hidden files', async () => {
    const { watch, found, stagedFiles } = startWatch();
    await watch.configure(camera, '{hole}_{from}_{to}_{imageType}');
    await writeFile(join(camera, 'FF-DD-0012_1.0_2.5_Wet.jpg'), await jpeg());
    await writeFile(join(camera, 'FF-DD-0012_1.0_2.5_Wet.xmp'), '<x/>');
    await writeFile(join(camera, '.FF-DD-0012_tmp.jpg'), await jpeg());
    await until(() => found.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'FF-DD-0012_1.0_2.5_Wet.jpg' });
    expect(stagedFiles.get(found[0]!.ref).path).toBe(join(camera, 'FF-DD-0012_1.0_2.5_Wet.jpg'));
    expect(watch.status()).toMatchObject({ folder: camera, watching: true, pending: [{ ref: found[0]!.ref }] });
  });

  it('waits until the camera has finished writing', async () => {
    const { watch, found } = startWatch();
    await watch.configure(camera, '{hole}_{from}_{to}_{imageType}');
    const bytes = await jpeg();
    const path = join(camera, 'slow.jpg');
    await writeFile(path, bytes.subarray(0, 100));
    for (let offset = 100; offset < bytes.length; offset += 200) {
      await new Promise((r) => setTimeout(r, 100));
      await appendFile(path, bytes.subarray(offset, offset + 200));
    }
    await until(() => found.length === 1);
    expect(found[0]!.bytes).toBe(bytes.length);
  });

  it('after a restart offers again only what was not taken in, and remembers folder and pattern', async () => {
    const first = startWatch();
    await first.watch.configure(camera, '{hole}-{from}-{to}-{imageType}');
    await writeFile(join(camera, 'a.jpg'), await jpeg());
    await writeFile(join(camera, 'b.png'), await sharp(await jpeg()).png().toBuffer());
    await until(() => first.found.length === 2);
    const a = first.found.find((f) => f.name === 'a.jpg')!;
    expect(first.watch.settle(a.ref)).toBe(true);
    await first.watch.dispose();

    const second = startWatch();
    await second.watch.start();
    await until(() => second.found.length === 1);
    expect(second.found.map((f) => f.name)).toEqual(['b.png']);
    expect(second.watch.status()).toMatchObject({ folder: camera, pattern: '{hole}-{from}-{to}-{imageType}', watching: true });
  });

  it('refuses a folder that is missing, relative or a file', async () => {
    const { watch } = startWatch();
    await expect(watch.configure(join(root, 'nope'), '{hole}')).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('no such folder') });
    await expect(watch.configure('camera', '{hole}')).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('full path') });
    await writeFile(join(root, 'file.txt'), 'x');
    await expect(watch.configure(join(root, 'file.txt'), '{hole}')).rejects.toMatchObject({ kind: 'validation' });
    expect(watch.status().watching).toBe(false);
  });
});
