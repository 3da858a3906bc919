/**
 * Emulator behaviour the client does not exercise on its own: aliases, parameter tolerance,
 * paging caps, the verbose flag, multipart uploads, signed links and the switchable guesses.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { admin, clientFor, DEMO, LIVE_WORKSPACE, rawSession, SEEDED_TARGET, startImago } from './imago-fixture';

let emulator: ImagoEmulator;
let get: Awaited<ReturnType<typeof rawSession>>['get'];
let token: string;
beforeAll(async () => {
  emulator = await startImago();
});
beforeAll(async () => {
  ({ get, token } = await rawSession(emulator));
});
afterEach(async () => {
  // Reset keeps no sessions, so sign in again for the next test.
  await admin(emulator, 'POST', '/reset');
  ({ get, token } = await rawSession(emulator));
});
afterAll(async () => {
  await emulator.close();
});

const json = async (response: Response) => {
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Record<string, unknown> & { imageries: Record<string, unknown>[] };
};

describe('Imago emulator', () => {
  it('accepts PUT /session like the old clients, and the old imago-api-token header', async () => {
    const put = await fetch(`${emulator.server.baseUrl}/session`, { method: 'PUT', body: JSON.stringify(DEMO) });
    const { apiToken, uid } = (await put.json()) as { apiToken: string; uid: string };
    expect(uid).toBe(emulator.world.accounts[0]!.uid);
    const old = await fetch(`${emulator.server.baseUrl}/session`, { headers: { 'imago-api-token': apiToken } });
    expect(await old.json()).toEqual({ uid });
    emulator.setOptions({ acceptOldTokenHeader: false });
    expect((await fetch(`${emulator.server.baseUrl}/session`, { headers: { 'imago-api-token': apiToken } })).status).toBe(401);
    const { client } = clientFor(emulator, { api: { tokenHeader: 'imago-api-token' } });
    emulator.setOptions({ acceptOldTokenHeader: true });
    await expect(client.context()).resolves.toHaveProperty('workspaces');
  });

  it('answers 401 without a token, with an unknown one, and for wrong credentials', async () => {
    expect((await fetch(`${emulator.server.baseUrl}/context`)).status).toBe(401);
    expect((await fetch(`${emulator.server.baseUrl}/session`)).status).toBe(401);
    expect((await fetch(`${emulator.server.baseUrl}/context`, { headers: { authorization: 'Bearer 00000000-0000-4000-8000-000000000000' } })).status).toBe(401);
    const wrong = await fetch(`${emulator.server.baseUrl}/session`, { method: 'POST', body: JSON.stringify({ username: 'demo', password: 'x' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: 'Invalid username or password' });
  });

  it('expires tokens a fixed 24 h after issue on the emulator clock', async () => {
    await admin(emulator, 'POST', '/clock', { advanceMs: 24 * 3600_000 - 60_000 });
    expect((await get('/session')).status).toBe(200);
    await admin(emulator, 'POST', '/clock', { advanceMs: 61_000 });
    expect((await get('/session')).status).toBe(401);
  });

  it('answers /dataset with a bare array and pages it', async () => {
    const all = (await (await get('/dataset')).json()) as { name: string }[];
    expect(Array.isArray(all)).toBe(true);
    expect(all).toHaveLength(3);
    const second = (await (await get('/dataset?offset=1&limit=1')).json()) as { name: string }[];
    expect(second.map((d) => d.name)).toEqual([all[1]!.name]);
  });

  it('supports every name match mode', async () => {
    const names = async (query: string) => ((await json(await get(`/collection?${query}`))).collections as { name: string }[]).map((c) => c.name);
    expect(await names('name=FF-DD-0012')).toEqual(['FF-DD-0012']);
    expect(await names('name=ff-dd-0012')).toEqual([]);
    expect(await names('name=FF-RC&match=startswith')).toEqual(['FF-RC-0101']);
    expect(await names('name=0013&match=endswith')).toEqual(['FF-DD-0013', 'FF-DD-0013']);
    expect(await names('name=DD-001&match=includes')).toEqual(['FF-DD-0012', 'FF-DD-0013', 'FF-DD-0013']);
    expect(await names('name=FF-*-01*&match=like')).toEqual(['FF-RC-0101']);
    expect(await names('name=FF-RC&matchType=startswith')).toEqual(['FF-RC-0101']);
    expect((await get('/collection?match=fuzzy')).status).toBe(422);
  });

  it('matches parameter names case-insensitively and takes the old aliases, unless switched off', async () => {
    const depths = async (query: string) => (await json(await get(`/imagery?${query}`))).imageries.map((i) => i.startDepth);
    expect(await depths('collectionname=FF-DD-0012&startdepth=102')).toEqual([102]);
    expect(await depths('COLLECTIONNAME=FF-DD-0012&STARTDEPTH=101.95&tol=0.1')).toEqual([102]);
    expect(await depths('collectionName=FF-DD-0012&startDepth=101.95&tolerance=0.1')).toEqual([102]);
    emulator.setOptions({ caseInsensitiveParams: false });
    expect((await get('/imagery?collectionname=FF-DD-0012')).status).toBe(422);
    expect(await depths('collectionName=FF-DD-0012&startdepth=102')).toHaveLength(4);
  });

  it('filters on updated/uploaded within N days', async () => {
    await admin(emulator, 'POST', '/clock', { advanceMs: 10 * 86_400_000 });
    ({ get } = await rawSession(emulator)); // the old token died with the 10 days
    const { client } = clientFor(emulator);
    await client.saveImagery([{ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: 102, endDepth: 106.8, attributeDefinitions: [{ name: 'Geotechnical', attributes: { 'RQD %': 80 } }] }]);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&updatedsince=1'))).imageries).toHaveLength(1);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&updatedSince=30'))).imageries).toHaveLength(4);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&uploadedSince=1'))).imageries).toHaveLength(0);
    expect(((await json(await get('/image-metadata?uploadedsince=30'))).images as unknown[]).length).toBe(14);
  });

  it('leaves the name keys out unless verbose=true, and needs a collection or workspace', async () => {
    const [plain] = (await json(await get('/imagery?collectionName=FF-RC-0101'))).imageries;
    expect(plain).not.toHaveProperty('collectionName');
    expect(plain).not.toHaveProperty('workspaceId');
    const [verbose] = (await json(await get('/imagery?collectionName=FF-RC-0101&verbose=true'))).imageries;
    expect(verbose).toMatchObject({ collectionName: 'FF-RC-0101', imageryTypeName: 'Chips', workspaceName: LIVE_WORKSPACE, datasetName: 'Drilling Chips' });
    expect((await get('/imagery')).status).toBe(422);
    expect((await json(await get(`/imagery?workspaceName=${encodeURIComponent(LIVE_WORKSPACE)}`))).imageries).toHaveLength(9);
  });

  it('caps page sizes: imagery at its cap, image metadata at 1000 with meta echoed', async () => {
    emulator.setOptions({ imageryLimitCap: 3 });
    expect((await json(await get('/imagery?collectionName=FF-DD-0012'))).imageries).toHaveLength(3);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&limit=100'))).imageries).toHaveLength(3);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&offset=3'))).imageries).toHaveLength(1);
    const metadata = await json(await get('/image-metadata?limit=2000&offset=10'));
    expect(metadata.meta).toEqual({ limit: 1000, offset: 10 });
    expect(metadata.images).toHaveLength(4);
  });

  it('takes the [OLD] multipart upload with a file part, storing only the file bytes', async () => {
    const png = await sharp({ create: { width: 50, height: 20, channels: 3, background: '#a0522d' } }).png().toBuffer();
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'tray.png');
    const query = new URLSearchParams({ ...SEEDED_TARGET, startDepth: '102', endDepth: '106.8' } as unknown as Record<string, string>);
    const reply = await json(await get(`/image?${query}`, { method: 'POST', body: form }));
    const stored = emulator.image(reply.imageId as string)!;
    expect(stored.record).toMatchObject({ mimeType: 'image/png', width: 50, height: 20, size: png.length, checksum: createHash('sha256').update(png).digest('hex') });
    const noFile = new FormData();
    noFile.append('other', new Blob([new Uint8Array(png)]), 'x.png');
    expect((await get(`/image?${query}`, { method: 'POST', body: noFile })).status).toBe(422);
  });

  it('serves images as stored, ignoring EXIF orientation', async () => {
    const rotated = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#334455' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const query = new URLSearchParams({ ...SEEDED_TARGET, startDepth: '102', endDepth: '106.8' } as unknown as Record<string, string>);
    const reply = await json(await get(`/image?${query}`, { method: 'POST', body: new Uint8Array(rotated), headers: { 'content-type': 'image/jpeg' } }));
    expect(emulator.image(reply.imageId as string)!.record).toMatchObject({ width: 60, height: 20 });
    const back = Buffer.from(await (await get(`/image?${query}`)).arrayBuffer());
    expect(back.equals(rotated)).toBe(true);
  });

  it('serves signed links itself and expires them', async () => {
    const { images } = await json(await get('/image-metadata?collectionName=FF-RC-0101&limit=1'));
    const url = (images as { url: string }[])[0]!.url;
    expect(url.startsWith(emulator.server.baseUrl)).toBe(true);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.replace(/sig=[0-9a-f]{4}/, 'sig=0000'))).status).toBe(403);
    await admin(emulator, 'POST', '/clock', { advanceMs: 3601_000 });
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ message: 'This image link has expired' });
  });

  it('answers a multi-item POST /dataset with the first and refuses items without a workspace id', async () => {
    const [live] = (await (await get('/dataset')).json()) as { workspaceId: string }[];
    const body = JSON.stringify([
      { workspaceId: live!.workspaceId, name: 'Sonic Drilling' },
      { workspaceId: live!.workspaceId, name: 'Air Core' },
    ]);
    const reply = await json(await get('/dataset', { method: 'POST', body }));
    expect(reply.name).toBe('Sonic Drilling');
    expect(emulator.summary().datasets).toBe(5);
    const bad = await get('/dataset', { method: 'POST', body: JSON.stringify([{ name: 'x' }]) });
    expect(bad.status).toBe(422);
    const unknown = await get('/dataset', { method: 'POST', body: JSON.stringify([{ workspaceId: '00000000-0000-4000-8000-000000000000', name: 'x' }]) });
    expect(unknown.status).toBe(422);
  });

  it('switches the imagery key, and a client with the other guess reports malformed-response', async () => {
    await admin(emulator, 'PATCH', '/imago/options', { imageryKey: 'imagery' });
    const matching = clientFor(emulator, { api: { imageryKey: 'imagery' } }).client;
    expect(await matching.listImagery({ collectionName: 'FF-RC-0101' })).toHaveLength(2);
    expect(await matching.saveImagery([{ collectionName: 'FF-RC-0101', imageryTypeName: 'Chips', startDepth: 40, endDepth: 60 }])).toHaveLength(1);
    const stale = clientFor(emulator).client;
    await expect(stale.listImagery({ collectionName: 'FF-RC-0101' })).rejects.toMatchObject({ kind: 'malformed-response', message: expect.stringContaining('imageries') });
    await expect(stale.saveImagery([{ collectionName: 'FF-RC-0101', imageryTypeName: 'Chips', startDepth: 60, endDepth: 80 }])).rejects.toMatchObject({ kind: 'rejected', status: 422 });
  });

  it('has admin calls for options, state, workspaces and accounts', async () => {
    expect(await admin(emulator, 'GET', '/imago/state')).toMatchObject({ workspaces: expect.any(Array), collections: 4, imageries: 10, images: 14, deletedImages: 0 });
    await expect(admin(emulator, 'PATCH', '/imago/options', { nonsense: 1 })).rejects.toThrow(/400/);
    await expect(admin(emulator, 'PATCH', '/imago/options', { readonlyStatus: 200 })).rejects.toThrow(/400/);
    expect(await admin(emulator, 'PATCH', '/imago/options', { readonlyStatus: 401 })).toMatchObject({ readonlyStatus: 401 });
    const ws = (await admin(emulator, 'POST', '/imago/workspaces', { name: 'Scratch', readonly: false })) as { id: string };
    await admin(emulator, 'PATCH', `/imago/workspaces/${ws.id}`, { readonly: true });
    const created = await get('/dataset', { method: 'POST', body: JSON.stringify([{ workspaceId: ws.id, name: 'x' }]) });
    expect(created.status).toBe(401);
    expect(token).toBeTruthy();
  });
});
