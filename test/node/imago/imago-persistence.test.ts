import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createImagoEmulator } from '../../../emulators/imago/index';
import { clientFor, LIVE_WORKSPACE, SEEDED_TARGET, startImago, tempDir } from './imago-fixture';

const temp = tempDir('imago-persist-');
afterAll(() => temp.remove());

describe('Imago emulator persistence', () => {
  it('keeps sessions, records and image bytes across a restart with a data directory', async () => {
    const dataDir = join(temp.path, 'data');
    const first = await startImago({ dataDir });
    const port = first.server.port;
    const { client } = clientFor(first);
    await client.signIn('demo', 'demo');
    await client.createCollection({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', name: 'FF-DD-0031' });
    const photo = join(temp.path, 'photo.png');
    writeFileSync(photo, await sharp({ create: { width: 90, height: 40, channels: 3, background: '#996633' } }).png().toBuffer());
    const upload = await client.uploadImage({ ...SEEDED_TARGET, collectionName: 'FF-DD-0031', startDepth: 0, endDepth: 4.5 }, photo);
    const counts = first.summary();
    const token = first.world.sessions[0]!.token;
    await first.close();
    // Let the client's pooled keep-alive sockets see the close, as they would during any real restart.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(join(dataDir, 'imago', 'state.json'))).toBe(true);

    const second = await createImagoEmulator({ dataDir });
    await second.server.listen(port);
    try {
      expect(second.summary()).toEqual(counts); // loaded, not reseeded
      // The session was saved too: the old token still works.
      const check = await fetch(`${second.server.baseUrl}/session`, { headers: { authorization: `Bearer ${token}` } });
      expect(check.status).toBe(200);
      second.server.log.clear();
      const photoBack = await client.downloadImage({ ...SEEDED_TARGET, collectionName: 'FF-DD-0031', startDepth: 0, endDepth: 4.5 });
      expect(second.server.log.list().map((e) => `${e.path} ${e.status}`)).toEqual(['/image 200']); // no re-sign-in
      expect(await sharp(photoBack.bytes).metadata()).toMatchObject({ width: 90, height: 40 });
      expect((await client.listImageMetadata({ imageId: upload.imageId })).images).toHaveLength(1);
      const seeded = await client.downloadImage(SEEDED_TARGET);
      expect(seeded.bytes.length).toBeGreaterThan(10_000);
    } finally {
      await second.close();
    }
    expect(existsSync(join(dataDir, 'imago', 'images'))).toBe(true);
  });

  it('removes its temporary image folder on close in memory mode', async () => {
    const emulator = await startImago();
    const image = emulator.image(emulator.world.images[0]!.id)!;
    expect(existsSync(image.path)).toBe(true);
    expect(readdirSync(join(image.path, '..')).length).toBe(14);
    await emulator.close();
    expect(existsSync(image.path)).toBe(false);
  });
});
