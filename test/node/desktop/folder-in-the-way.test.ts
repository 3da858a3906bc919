/**
 * A file where Corelog keeps one of its folders (logs, photos, staging, the photo cache) — left by
 * a damaged disk or another tool. A file named `logs` used to stop the service from starting at
 * all (EEXIST from mkdir); one named `photos`, `staging` or `image-cache` failed every intake,
 * hand-over or viewer fetch. Now the file is set aside as `<name>.corrupt-<time>` with its bytes,
 * the folder is made, the log says so, and the work goes on.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StagedFiles } from '../../../electron/services/files/staged-files';
import { PhotoStore } from '../../../electron/services/images/photo-store';
import { ImagoImageCache } from '../../../electron/services/photos/image-cache';
import { createCorelogServices, type CorelogServices } from '../../../electron/services/sample-systems/profile-host';

let dir: string;
const running: CorelogServices[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-in-the-way-'));
  await writeFile(join(dir, 'profile.json'), JSON.stringify({ active: 'real' }));
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function keptAside(name: string): Promise<string> {
  const kept = (await readdir(dir)).filter((entry) => entry.startsWith(`${name}.corrupt-`));
  expect(kept).toHaveLength(1);
  expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe(`not the ${name} folder`);
  return kept[0]!;
}

describe('a file where a data folder belongs', () => {
  it('logs: the service starts, logs, and says what it set aside', async () => {
    await writeFile(join(dir, 'logs'), 'not the logs folder');
    const services = await createCorelogServices({ dataDir: dir, appVersion: 't', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
    running.push(services);
    services.start();
    expect(await services.handlers.setAppSettings({ theme: 'night' })).toMatchObject({ theme: 'night' });
    const kept = await keptAside('logs');
    const log = await readFile(join(dir, 'logs', 'corelog.log'), 'utf8');
    expect(log).toContain(`set aside as ${kept}`);
    expect(log).toMatch(/app settings changed: theme/);
  });

  it('photos: the store opens and keeps a photo', async () => {
    await writeFile(join(dir, 'photos'), 'not the photos folder');
    const store = await PhotoStore.open(join(dir, 'photos'));
    const put = await store.putBytes(Buffer.from('photo bytes'), 'image/jpeg');
    expect(await store.has(put.sha256)).toBe(true);
    await keptAside('photos');
  });

  it('staging: a streamed hand-over is kept', async () => {
    await writeFile(join(dir, 'staging'), 'not the staging folder');
    const staged = await new StagedFiles(dir).saveStream(Readable.from([Buffer.from('twelve bytes')]), 'a.jpg', 12);
    expect(await readFile(staged.path, 'utf8')).toBe('twelve bytes');
    await keptAside('staging');
  });

  it('image-cache: a photo from Imago is shown and cached', async () => {
    await writeFile(join(dir, 'image-cache'), 'not the image-cache folder');
    const jpeg = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#446688' } }).jpeg().toBuffer();
    const shown = await new ImagoImageCache(join(dir, 'image-cache')).dataUrl('img-1', 100, async () => jpeg);
    expect(shown.dataUrl.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect(await readdir(join(dir, 'image-cache'))).toEqual(['img-1-100.jpg']);
    await keptAside('image-cache');
  });

  it('diagnostics: the export goes to the data folder’s own diagnostics folder all the same', async () => {
    await writeFile(join(dir, 'diagnostics'), 'not the diagnostics folder');
    const services = await createCorelogServices({ dataDir: dir, appVersion: 't', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/i', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/a' } });
    running.push(services);
    const { folder, files } = await services.handlers.exportDiagnostics({ outbox: { pending: 0, failed: 0, oldestPendingAt: null, groups: [], recentErrors: [] }, askWhere: false });
    expect(folder.startsWith(join(dir, 'diagnostics'))).toBe(true);
    expect(files).toContain('README.txt');
    await keptAside('diagnostics');
  });
});
