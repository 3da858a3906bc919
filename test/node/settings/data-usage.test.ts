/** How much space each part of the data folder uses, on real files in a temp folder. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataFolderUsage, folderSize } from '../../../electron/services/settings/data-usage';
import { makeTempDir } from '../images/photo-fixtures';

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('corelog-usage-');
});
afterEach(async () => {
  await temp.cleanup();
});

async function file(path: string, bytes: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
}

describe('data folder usage', () => {
  it('sizes each part, counts the rest as other, and adds up to the folder', async () => {
    const root = temp.dir;
    await file(join(root, 'photos', 'ab', `${'ab'.repeat(32)}.jpg`), 7000);
    await file(join(root, 'photos', 'cd', `${'cd'.repeat(32)}.png`), 3000);
    await file(join(root, 'image-cache', 'x-512.jpg'), 1500);
    await file(join(root, 'logs', 'corelog.log'), 800);
    await file(join(root, 'connections.json'), 120);
    await file(join(root, 'originals.json'), 80);
    const usage = await dataFolderUsage(root);
    const part = (id: string) => usage.parts.find((p) => p.id === id);
    expect(part('photos')).toMatchObject({ bytes: 10_000, files: 2 });
    expect(part('image-cache')).toMatchObject({ bytes: 1500, files: 1 });
    expect(part('logs')).toMatchObject({ bytes: 800, files: 1 });
    expect(part('staging')).toMatchObject({ bytes: 0, files: 0 });
    expect(part('other')).toMatchObject({ bytes: 200, files: 2 });
    // No sample systems used: no such line.
    expect(part('sample-systems')).toBeUndefined();
    expect(usage.totalBytes).toBe(12_500);
    expect(usage.parts.reduce((sum, p) => sum + p.bytes, 0)).toBe(usage.totalBytes);
  });

  it('in a profile’s own folder, counts the app’s log where it is, and shows the sample systems’ folder from the top', async () => {
    const root = temp.dir;
    const sampleApp = join(root, 'sample-systems', 'app');
    await file(join(sampleApp, 'photos', 'ef', `${'ef'.repeat(32)}.jpg`), 4000);
    await file(join(root, 'sample-systems', 'servers', 'imago', 'image.bin'), 6000);
    await file(join(root, 'logs', 'corelog.log'), 900);
    const sample = await dataFolderUsage(sampleApp, { logs: join(root, 'logs') });
    expect(sample.parts.find((p) => p.id === 'logs')).toMatchObject({ bytes: 900, path: join(root, 'logs') });
    expect(sample.parts.find((p) => p.id === 'other')).toMatchObject({ bytes: 0 });
    expect(sample.totalBytes).toBe(4900);
    const real = await dataFolderUsage(root);
    expect(real.parts.find((p) => p.id === 'sample-systems')).toMatchObject({ bytes: 10_000, files: 2 });
    expect(real.parts.find((p) => p.id === 'other')).toMatchObject({ bytes: 0 });
  });

  it('does not follow symbolic links and treats a missing folder as empty', async () => {
    await file(join(temp.dir, 'outside', 'big.bin'), 50_000);
    await mkdir(join(temp.dir, 'data'));
    await symlink(join(temp.dir, 'outside'), join(temp.dir, 'data', 'photos'));
    expect(await folderSize(join(temp.dir, 'data'))).toEqual({ bytes: 0, files: 0 });
    expect(await folderSize(join(temp.dir, 'nowhere'))).toEqual({ bytes: 0, files: 0 });
  });
});
