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

  it('switches the imagery key: a client with the other key still reads the list (and says so), but its keyed writes are refused with both reasons', async () => {
    await admin(emulator, 'PATCH', '/imago/options', { imageryKey: 'imagery' });
    const matching = clientFor(emulator, { api: { imageryKey: 'imagery' } }).client;
    expect(await matching.listImagery({ collectionName: 'FF-RC-0101' })).toHaveLength(2);
    expect(await matching.saveImagery([{ collectionName: 'FF-RC-0101', imageryTypeName: 'Chips', startDepth: 40, endDepth: 60 }])).toHaveLength(1);
    const problems: string[] = [];
    const stale = clientFor(emulator, { onReplyProblem: (p) => problems.push(p.detail) }).client;
    expect((await stale.listImagery({ collectionName: 'FF-RC-0101' })).map((i) => i.startDepth)).toEqual([0, 20, 40]);
    // Said once per page read (the second page, asked because the first was short of the asked limit, is empty).
    expect([...new Set(problems)]).toEqual(['the imagery list came under "imagery", not "imageries"']);
    const refused = await stale.saveImagery([{ collectionName: 'FF-RC-0101', imageryTypeName: 'Chips', startDepth: 60, endDepth: 80 }]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'rejected', status: 422 });
    expect((refused as Error).message).toMatch(/"imagery" array.*sent again as a bare list.*not a bare array/s);
    expect(emulator.world.imageries.filter((i) => i.startDepth === 60)).toHaveLength(0);
  });

  it('dialect: upload encoding, part name and the mime parameter are enforced with reasons', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer();
    const base = { ...SEEDED_TARGET, startDepth: '102', endDepth: '106.8' } as unknown as Record<string, string>;
    const raw = (query: Record<string, string>) => get(`/image?${new URLSearchParams(query)}`, { method: 'POST', body: new Uint8Array(jpeg), headers: { 'content-type': 'image/jpeg' } });
    const multipart = (query: Record<string, string>, part = 'file') => {
      const form = new FormData();
      form.append(part, new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'tray.jpg');
      return get(`/image?${new URLSearchParams(query)}`, { method: 'POST', body: form });
    };
    const reason = async (response: Response) => [response.status, ((await response.json()) as { message: string }).message];

    emulator.setOptions({ uploadEncoding: 'multipart-only' });
    expect(await reason(await raw(base))).toEqual([422, 'The image must be sent as multipart/form-data in a part named "file"']);
    expect((await multipart(base)).status).toBe(200);
    emulator.setOptions({ uploadEncoding: 'raw-only' });
    expect(await reason(await multipart(base))).toEqual([422, 'The image must be sent as the raw request body, not multipart/form-data']);
    expect((await raw(base)).status).toBe(200);
    emulator.setOptions({ uploadEncoding: 'either', uploadPartName: 'filedata' });
    expect(await reason(await multipart(base))).toEqual([422, 'The multipart body has no part named "filedata"']);
    expect((await multipart(base, 'filedata')).status).toBe(200);

    emulator.setOptions({ mimeParam: 'required-mimeType' });
    expect(await reason(await raw(base))).toEqual([422, 'The image\'s mime type ("mimeType": image/png or image/jpeg) is required']);
    expect(await reason(await raw({ ...base, mimetype: 'image/jpeg' }))).toEqual([422, 'The image\'s mime type must be given as "mimeType", not "mimetype"']);
    expect(await reason(await raw({ ...base, mimeType: 'image/gif' }))).toEqual([422, 'mimeType must be one of image/png, image/jpeg, not "image/gif"']);
    expect(await reason(await raw({ ...base, mimeType: 'image/png' }))).toEqual([422, 'The upload says image/png but the file is image/jpeg']);
    expect((await raw({ ...base, mimeType: 'image/jpeg' })).status).toBe(200);
    emulator.setOptions({ mimeParam: 'required-mimetype' });
    expect(await reason(await raw({ ...base, mimeType: 'image/jpeg' }))).toEqual([422, 'The image\'s mime type must be given as "mimetype", not "mimeType"']);
    expect((await raw({ ...base, mimetype: 'image/jpeg' })).status).toBe(200);
    emulator.setOptions({ mimeParam: 'optional' });
    expect(await reason(await raw({ ...base, mimetype: 'image/png' }))).toEqual([422, 'The upload says image/png but the file is image/jpeg']);
  });

  it('dialect: uploads bind by depths or name; imageryId only where switched on', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#6b5a44' } }).jpeg().toBuffer();
    const second = emulator.world.imageries.find((i) => i.startDepth === 106.8)!;
    const byId = new URLSearchParams({ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', imageryId: second.id });
    const send = () => get(`/image?${byId}`, { method: 'POST', body: new Uint8Array(jpeg), headers: { 'content-type': 'image/jpeg' } });
    // Ignored by default: the id alone picks nothing, so every interval of the hole matches.
    const ignored = await send();
    expect(ignored.status).toBe(422);
    expect(((await ignored.json()) as { message: string }).message).toMatch(/4 imagery intervals match/);
    emulator.setOptions({ uploadAcceptsImageryId: true });
    expect((await json(await send())).imageryId).toBe(second.id);
    // Downloads always take it (documented there).
    emulator.setOptions({ uploadAcceptsImageryId: false });
    expect((await get(`/image?${byId}`)).status).toBe(200);
  });

  it('dialect: null style, error body and imagery body forms', async () => {
    emulator.setOptions({ nullStyle: 'explicit-null' });
    const context = (await json(await get('/context'))) as unknown as { workspaces: { workspaceFolder: unknown; datasets: { imageryTypes: { name: string; featureDefinitions: unknown }[] }[] }[] };
    expect(context.workspaces[1]!.workspaceFolder).toBeNull();
    expect(context.workspaces[0]!.datasets[1]!.imageryTypes.find((t) => t.name === 'Chips')!.featureDefinitions).toBeNull();
    await get('/imagery', { method: 'POST', body: JSON.stringify({ imageries: [{ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: 200, endDepth: 201 }] }) });
    const empty = (await json(await get('/imagery?collectionName=FF-DD-0012&startDepth=200'))).imageries[0]!;
    expect(empty).toMatchObject({ name: null, x: null, images: null, attributeDefinitions: null });
    emulator.setOptions({ nullStyle: 'omit' });
    const omitted = (await json(await get('/imagery?collectionName=FF-DD-0012&startDepth=200'))).imageries[0]!;
    expect(Object.keys(omitted)).not.toEqual(expect.arrayContaining(['name']));
    expect(omitted).not.toHaveProperty('x');
    expect(omitted).toMatchObject({ images: [], attributeDefinitions: [] });
    const metadata = (await json(await get('/image-metadata?collectionName=FF-RC-0101&limit=1'))).images as Record<string, unknown>[];
    expect(metadata[0]).not.toHaveProperty('imageryName');

    emulator.setOptions({ errorBodyShape: 'errors' });
    const missing = await get('/image?collectionName=FF-DD-9999&imageryTypeName=Core%20Trays&imageTypeName=Wet');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [{ name: 'NOT_FOUND', message: 'No collection "FF-DD-9999" found' }] });

    const write = (body: unknown) => get('/imagery', { method: 'POST', body: JSON.stringify(body) });
    const item = { collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: 300, endDepth: 301 };
    emulator.setOptions({ imageryBody: 'bare-array' });
    expect(Array.isArray(await (await get('/imagery?collectionName=FF-RC-0101')).json())).toBe(true);
    expect((await write({ imageries: [item] })).status).toBe(422);
    expect(Array.isArray(await (await write([item])).json())).toBe(true);
    emulator.setOptions({ imageryBody: 'keyed' });
    expect((await write([item])).status).toBe(422);
    emulator.setOptions({ imageryBody: 'either' });
    expect(Array.isArray(await (await write([item])).json())).toBe(true);
    expect(await (await write({ imageries: [item] })).json()).toHaveProperty('imageries');
    expect(await (await get('/imagery?collectionName=FF-RC-0101')).json()).toHaveProperty('imageries');
  });

  it('dialect: with case-sensitive names, the all-lowercase [OLD] aliases are not taken', async () => {
    await admin(emulator, 'POST', '/clock', { advanceMs: 10 * 86_400_000 });
    ({ get } = await rawSession(emulator));
    await get('/imagery', { method: 'POST', body: JSON.stringify({ imageries: [{ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: 102, endDepth: 106.8 }] }) });
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&updatedsince=1'))).imageries).toHaveLength(1);
    emulator.setOptions({ caseInsensitiveParams: false });
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&updatedsince=1'))).imageries).toHaveLength(4);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&updatedSince=1'))).imageries).toHaveLength(1);
    expect((await json(await get('/imagery?collectionName=FF-DD-0012&startDepth=101.95&tol=0.1'))).imageries).toHaveLength(1);
  });

  it('refuses unknown dialect values at the admin endpoint', async () => {
    await expect(admin(emulator, 'PATCH', '/imago/options', { uploadEncoding: 'base64' })).rejects.toThrow(/400: .*uploadEncoding must be one of .*multipart-only.*raw-only.*either/);
    await expect(admin(emulator, 'PATCH', '/imago/options', { nullStyle: null })).rejects.toThrow(/400/);
    expect(await admin(emulator, 'PATCH', '/imago/options', { mimeParam: 'required-mimetype', imageryBody: 'either' })).toMatchObject({ mimeParam: 'required-mimetype', imageryBody: 'either' });
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
