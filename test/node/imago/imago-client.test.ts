import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { portalDeepLink } from '../../../electron/services/imago/deep-link';
import { clientFor, LIVE_WORKSPACE, SEEDED_TARGET, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite();

describe('ImagoClient against the suite.emulator', () => {
  it('signs in, reports the session, and reads the user context', async () => {
    const { client, sessions, outcomes } = clientFor(suite.emulator);
    const before = Date.now();
    const { uid, expiresAt } = await client.signIn('demo', 'demo');
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    const lifetime = Date.parse(expiresAt) - before;
    expect(lifetime).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    expect(client.session()).toEqual({ signedIn: true, uid, username: 'demo', expiresAt });
    expect(sessions.at(-1)?.signedIn).toBe(true);
    expect(await client.checkSession()).toMatchObject({ signedIn: true, uid });

    const context = await client.context();
    const names = context.workspaces.map((w) => [w.name, w.readonly]);
    expect(names).toEqual([
      [LIVE_WORKSPACE, false],
      ['Firefly Legacy Archive', true],
    ]);
    const live = context.workspaces[0]!;
    expect(live.workspaceFolder).toBe('Western Australia');
    const coreTrays = live.datasets.find((d) => d.name === 'Diamond Drilling')!.imageryTypes.find((t) => t.name === 'Core Trays')!;
    expect(coreTrays).toMatchObject({ contentType: 'coretray', geometryType: 'trace' });
    expect(coreTrays.imageTypes.map((t) => t.name)).toEqual(['Wet', 'Dry']);
    const dataTypes = new Set(coreTrays.attributeDefinitions.flatMap((d) => d.attributeTypes.map((t) => t.dataType)));
    expect([...dataTypes].sort()).toEqual(['colour', 'date', 'note', 'number', 'string']);
    expect(coreTrays.labelDefinitions[0]?.labelTypes.length).toBeGreaterThan(0);
    expect(coreTrays.featureDefinitions[0]?.featureTypes[0]).toMatchObject({ colour: '#F00', shapeType: 'quadrilateral' });
    expect(context.workspaces[1]!.datasets[0]!.lengthUnits).toBe('feet');
    expect(outcomes.every((o) => o.reachable && !o.error)).toBe(true);
  });

  it('lists and creates datasets idempotently', async () => {
    const { client } = clientFor(suite.emulator);
    const all = await client.listDatasets();
    expect(all.map((d) => d.name)).toEqual(['Diamond Drilling', 'Drilling Chips', '1998 Historic Core']);
    expect(await client.listDatasets({ name: 'Dri', match: 'includes', workspaceName: LIVE_WORKSPACE })).toHaveLength(2);
    expect(await client.listDatasets({ name: 'Nothing like it' })).toEqual([]);
    const workspaceId = all[0]!.workspaceId!;
    const created = await client.createDataset({ workspaceId, name: 'Geotech Holes' });
    expect(created).toMatchObject({ name: 'Geotech Holes', workspaceId });
    const again = await client.createDataset({ workspaceId, name: 'Geotech Holes' });
    expect(again.id).toBe(created.id);
    // A new dataset gets the standard imagery types, so photos can go in straight away.
    const context = await client.context();
    const geotech = context.workspaces[0]!.datasets.find((d) => d.name === 'Geotech Holes')!;
    expect(geotech.imageryTypes.map((t) => t.name)).toEqual(['Core Trays', 'Chips']);
  });

  it('lists collections with paging and creates them idempotently by names or by dataset id', async () => {
    const { client } = clientFor(suite.emulator);
    const page = await client.listCollections({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling' });
    expect(page.collections.map((c) => c.name)).toEqual(['FF-DD-0012', 'FF-DD-0013']);
    expect(page.meta).toEqual({ limit: 50, offset: 0 });
    const second = await client.listCollections({ name: 'FF-', match: 'startswith', offset: 1, limit: 1 });
    expect(second.collections).toHaveLength(1);
    expect(second.meta).toEqual({ limit: 1, offset: 1 });

    const made = await client.createCollection({ workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', name: 'FF-DD-0020' });
    const same = await client.createCollection({ datasetId: made.datasetId!, name: 'FF-DD-0020' });
    expect(same.id).toBe(made.id);
    for (let i = 0; i < 4; i++) await client.createCollection({ datasetId: made.datasetId!, name: `FF-DD-01${i}` });
    const paged = clientFor(suite.emulator, { api: { collectionPageSize: 2 } }).client;
    const all = await paged.listAllCollections({ datasetId: made.datasetId });
    expect(all.map((c) => c.name)).toEqual(['FF-DD-0012', 'FF-DD-0013', 'FF-DD-0020', 'FF-DD-010', 'FF-DD-011', 'FF-DD-012', 'FF-DD-013']);
  });

  it('lists imagery with names, depth matching and feature control', async () => {
    const { client } = clientFor(suite.emulator);
    const intervals = await client.listImagery({ collectionName: 'FF-DD-0012' });
    expect(intervals.map((i) => [i.startDepth, i.endDepth])).toEqual([
      [102, 106.8],
      [106.8, 111.5],
      [111.5, 116.3],
      [116.3, 121],
    ]);
    const first = intervals[0]!;
    expect(first).toMatchObject({ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling' });
    expect(first.images.map((i) => i.imageTypeName).sort()).toEqual(['Dry', 'Wet']);
    expect(first.images[0]).toMatchObject({ mimeType: 'image/jpeg', width: 1600, height: 700 });
    const boxes = first.attributeDefinitions.find((d) => d.name === 'Core Tray Box Numbers');
    expect(boxes?.attributes).toEqual({ StartBox: 1, EndBox: 2 });
    expect(first.featureDefinitions).toEqual([]);

    const containing = await client.listImagery({ collectionName: 'FF-DD-0012', startDepth: 112, match: 'includes' });
    expect(containing.map((i) => i.startDepth)).toEqual([111.5]);
    const nearly = await client.listImagery({ collectionName: 'FF-DD-0012', startDepth: 106.75, endDepth: 111.55, tolerance: 0.1 });
    expect(nearly.map((i) => i.startDepth)).toEqual([106.8]);
    expect(await client.listImagery({ collectionName: 'FF-DD-0012', startDepth: 106.75 })).toEqual([]);
    const noFeatures = await client.listImagery({ collectionName: 'FF-DD-0012', includeFeatures: false, limit: 1 });
    expect(noFeatures).toHaveLength(1);
    expect(noFeatures[0]!.featureDefinitions).toBeUndefined();
    expect(await client.listImagery({ collectionName: 'No-Such-Hole' })).toEqual([]);
  });

  it('upserts imagery with attributes and features, keyed on collection + type + depths', async () => {
    const { client } = clientFor(suite.emulator);
    const base = { workspaceName: LIVE_WORKSPACE, datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0013', imageryTypeName: 'Core Trays' };
    const [created] = await client.saveImagery([
      {
        ...base,
        startDepth: 14.1,
        endDepth: 18.9,
        attributeDefinitions: [
          { name: 'Core Tray Box Numbers', attributes: { StartBox: '7', EndBox: 8 } },
          { name: 'Geology', attributes: { Lithology: 'Basalt', 'Lithology colour': '#4A5A3C', Logged: '2024-03-15', Comments: 'Strongly foliated' } },
        ],
        featureDefinitions: [{ name: 'Structures', featureTypes: [{ name: 'Vein', images: [{ name: 'Wet', features: [{ points: [{ x: 0.1, y: 0.2 }, { x: 0.4, y: 0.25, pen: 1 }] }] }] }] }],
      },
    ]);
    expect(created).toMatchObject({ startDepth: 14.1, endDepth: 18.9, collectionName: 'FF-DD-0013' });
    expect(created!.attributeDefinitions.find((d) => d.name === 'Core Tray Box Numbers')?.attributes).toEqual({ StartBox: 7, EndBox: 8 });
    expect(created!.featureDefinitions?.[0]?.featureTypes[0]?.images[0]?.features[0]?.points).toHaveLength(2);

    const [updated] = await client.saveImagery([{ ...base, startDepth: 14.1, endDepth: 18.9, attributeDefinitions: [{ name: 'Geotechnical', attributes: { 'RQD %': 55 } }] }]);
    expect(updated!.id).toBe(created!.id);
    expect(updated!.attributeDefinitions.map((d) => d.name).sort()).toEqual(['Core Tray Box Numbers', 'Geology', 'Geotechnical']);
    expect(await client.listImagery({ ...base, startDepth: 14.1, endDepth: 18.9 })).toHaveLength(1);

    const bad = client.saveImagery([{ ...base, startDepth: 20, endDepth: 25, attributeDefinitions: [{ name: 'Geology', attributes: { 'Lithology colour': 'greenish' } }] }]);
    await expect(bad).rejects.toMatchObject({ kind: 'rejected', status: 422, retryable: false, message: expect.stringContaining('colour') });
    expect(await client.listImagery({ ...base, startDepth: 20, endDepth: 25 })).toEqual([]);
  });

  it('downloads images as stored, scaled keeping the aspect ratio, and to a file', async () => {
    const { client } = clientFor(suite.emulator);
    const full = await client.downloadImage(SEEDED_TARGET);
    expect(full.contentType).toBe('image/jpeg');
    expect(full.fileName).toBe('FF-DD-0012_102-106.8_Wet.jpg');
    expect(await sharp(full.bytes).metadata()).toMatchObject({ width: 1600, height: 700, format: 'jpeg' });

    const small = await client.downloadImage(SEEDED_TARGET, { width: 200 });
    expect(await sharp(small.bytes).metadata()).toMatchObject({ width: 200, height: Math.round((700 * 200) / 1600) });
    const short = await client.downloadImage(SEEDED_TARGET, { height: 70 });
    expect(await sharp(short.bytes).metadata()).toMatchObject({ width: 160, height: 70 });

    const path = join(suite.temp, 'tray.jpg');
    const saved = await client.downloadImageToFile(SEEDED_TARGET, path);
    const onDisk = await readFile(path);
    expect(saved.size).toBe(onDisk.length);
    expect(saved.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    expect(onDisk.equals(full.bytes)).toBe(true);

    const [meta] = (await client.listImageMetadata({ collectionName: 'FF-DD-0012', imageTypeName: 'Wet', limit: 1 })).images;
    expect(meta!.checksum).toBe(saved.sha256);
    const viaLink = await client.downloadSignedUrl(meta!.url!);
    expect(viaLink.equals(full.bytes)).toBe(true);
    const byId = await client.downloadImage({ ...SEEDED_TARGET, startDepth: undefined, endDepth: undefined, imageryId: meta!.imageryId });
    expect(byId.bytes.equals(full.bytes)).toBe(true);
  });

  it('uploads a photo with progress, replaces the previous one and lists the old one as deleted', async () => {
    const { client } = clientFor(suite.emulator);
    const path = join(suite.temp, 'new-wet.png');
    writeFileSync(path, await sharp({ create: { width: 640, height: 280, channels: 3, background: '#6b5a44' } }).png().toBuffer());
    const target = { ...SEEDED_TARGET, startDepth: 106.8, endDepth: 111.5 };
    const before = (await client.listImageMetadata({ collectionName: 'FF-DD-0012', imageTypeName: 'Wet', imageryId: undefined })).images.find((i) => i.startDepth === 106.8)!;
    const progress: number[] = [];
    const reply = await client.uploadImage(target, path, { onProgress: (sent) => progress.push(sent) });
    expect(reply.imageryId).toBe(before.imageryId);
    const fileBytes = (await readFile(path)).length;
    // Progress counts the file's bytes; the multipart framing around them is not progress.
    expect(progress.at(-1)).toBe(fileBytes);
    // As documented: multipart by default, the mime type as `mimeType`, the imagery named by its depths.
    const sent = suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').at(-1)!;
    expect(sent.query).toMatchObject({ mimeType: 'image/png', startDepth: '106.8', endDepth: '111.5', imageTypeName: 'Wet' });
    expect(sent.query).not.toHaveProperty('imageryId');
    expect(sent.bodyBytes - fileBytes).toBeGreaterThan(100);
    expect(sent.bodyBytes - fileBytes).toBeLessThan(400);
    expect(suite.emulator.image(reply.imageId!)!.record).toMatchObject({ size: fileBytes, checksum: createHash('sha256').update(await readFile(path)).digest('hex') });

    const current = await client.listImageMetadata({ imageryId: reply.imageryId, imageTypeName: 'Wet' });
    expect(current.images.map((i) => [i.id, i.mimeType, i.width, i.height, i.uploadedBy])).toEqual([[reply.imageId, 'image/png', 640, 280, 'demo']]);
    expect(current.meta).toEqual({ limit: 1000, offset: 0 });
    const deleted = await client.listImageMetadata({ imageryId: reply.imageryId, deleted: true });
    expect(deleted.images.map((i) => i.id)).toEqual([before.id]);
    const download = await client.downloadImage(target);
    expect(download.contentType).toBe('image/png');
    const old = await client.downloadImage(target, { imageId: before.id });
    expect(old.contentType).toBe('image/jpeg');

    // An upload to an interval that does not exist yet creates it (the [OLD] hint).
    const fresh = await client.uploadImage({ ...target, startDepth: 121, endDepth: 125.7 }, path);
    const created = await client.listImagery({ collectionName: 'FF-DD-0012', startDepth: 121, endDepth: 125.7 });
    expect(created.map((i) => i.id)).toEqual([fresh.imageryId]);
  });

  it('uploads raw bytes when set to, and sends the upload again from the file after a 401', async () => {
    const { client } = clientFor(suite.emulator, { api: { uploadEncoding: 'raw', mimeTypeParam: 'mimetype' } });
    const path = join(suite.temp, 'raw-wet.jpg');
    const bytes = await sharp({ create: { width: 320, height: 140, channels: 3, background: '#5a6b44' } }).jpeg().toBuffer();
    writeFileSync(path, bytes);
    await client.signIn('demo', 'demo');
    suite.emulator.revokeSessions();
    const target = { ...SEEDED_TARGET, startDepth: 111.5, endDepth: 116.3 };
    const reply = await client.uploadImage(target, path);
    const sent = suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/image').slice(-2);
    expect(sent.map((e) => [e.status, e.bodyBytes, e.query.mimetype])).toEqual([
      [401, bytes.length, 'image/jpeg'],
      [200, bytes.length, 'image/jpeg'],
    ]);
    expect(suite.emulator.image(reply.imageId!)!.record).toMatchObject({ mimeType: 'image/jpeg', size: bytes.length, checksum: createHash('sha256').update(bytes).digest('hex') });
  });

  it('filters image metadata by names, match mode and ids', async () => {
    const { client } = clientFor(suite.emulator);
    const chips = await client.listImageMetadata({ imageryTypeName: 'Chips' });
    expect(chips.images.map((i) => i.collectionName)).toEqual(['FF-RC-0101', 'FF-RC-0101']);
    const likes = await client.listImageMetadata({ collectionName: 'FF-*-0013', match: 'like' });
    expect(new Set(likes.images.map((i) => i.datasetName))).toEqual(new Set(['Diamond Drilling', '1998 Historic Core']));
    const one = await client.listImageMetadata({ imageId: chips.images[0]!.id });
    expect(one.images).toHaveLength(1);
    expect(await client.listImageMetadata({ collectionName: 'ZZ', match: 'includes' })).toEqual({ images: [], meta: { limit: 1000, offset: 0 } });
    expect((await client.listImageMetadata({ limit: 5000 })).meta?.limit).toBe(1000);
  });

  it('builds portal deep links with escaped values', () => {
    const { client } = clientFor(suite.emulator);
    const link = client.portalDeepLink({ workspace: LIVE_WORKSPACE, dataset: 'Diamond Drilling', collection: 'FF-DD-0012', imageryType: 'Core Trays', imageType: 'Wet', depth: 104.5 });
    expect(link).toBe('https://imago.seequent.com/api/display?pj=Firefly%20Resource%20Development&da=Diamond%20Drilling&de=FF-DD-0012&ds=Core%20Trays&im=Wet&dp=104.5');
    expect(portalDeepLink({ collection: 'A&B/C?' }, 'https://portal.example/api/display')).toBe('https://portal.example/api/display?de=A%26B%2FC%3F');
    expect(() => portalDeepLink({ collection: '' })).toThrow();
  });
});
