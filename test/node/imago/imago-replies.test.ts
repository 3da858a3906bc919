/**
 * Replies as a real Imago could plausibly send them and our emulator never does: `null` in every
 * optional field, one item in each list that does not fit, values of odd types, a `POST /imagery`
 * that takes only a bare array, and download names with `%`, quotes, UTF-8 or a broken header.
 * A small stand-in server on 127.0.0.1 answers with exactly those bodies.
 */
import { readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagoImageCache } from '../../../electron/services/photos/image-cache';
import { clientFor, tempDir } from './imago-fixture';

const WS = 'a27b51bf-0000-4000-8000-000000000010';
const DS = '71b93d30-0000-4000-8000-000000000011';

const context = {
  workspaces: [
    {
      id: WS,
      name: 'Firefly Resource Development',
      readonly: false,
      workspaceFolder: null,
      datasets: [
        {
          id: DS,
          name: 'Diamond Drilling',
          lengthUnits: null,
          imageryTypes: [
            {
              id: 'it-1',
              name: 'Core Trays',
              contentType: null,
              geometryType: 'trace',
              coordinateType: null,
              imageTypes: [{ id: null, name: 'Wet', dataType: null, sourceType: null, baseImageTypeName: null }, { id: 'x', name: null }],
              attributeDefinitions: [{ id: null, name: 'Core Tray Box Numbers', attributeTypes: [{ id: null, name: 'StartBox', dataType: 'number' }, { name: 'NoType' }] }],
              labelDefinitions: null,
              featureDefinitions: null,
              enableAutoCrop: null,
            },
            { id: null, name: 'Broken type' },
          ],
        },
      ],
    },
    { id: 'w-2', name: null, readonly: true },
  ],
};

const interval = {
  id: 'im-1',
  workspaceName: null,
  collectionName: 'FF-DD-0012',
  imageryTypeName: 'Core Trays',
  updatedAt: null,
  name: null,
  startDepth: 102,
  endDepth: 106.8,
  x: null,
  y: null,
  z: null,
  images: [
    { id: 'img-1', imageTypeName: 'Wet', url: null, uploadedOn: null, uploadedBy: null, mimeType: null, width: null, height: null, fileSize: null, updatedAt: null },
    { id: 'img-2', imageTypeName: null },
  ],
  attributeDefinitions: [{ name: 'Core Tray Box Numbers', attributes: { StartBox: 1, Weird: { nested: true }, Checked: true, Empty: null } }],
  featureDefinitions: null,
  tenantNote: 'a field Corelog does not know',
};

let server: Server;
let baseUrl: string;
const keyedWrites: unknown[] = [];

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const route = `${req.method} ${url.pathname.replace('/integrate/2', '')}`;
    if (route === 'POST /session') return json(200, { uid: 'u-1', apiToken: 't-1' });
    if (route === 'GET /context') return json(200, context);
    if (route === 'GET /dataset') return json(200, [{ id: DS, name: 'Diamond Drilling', workspaceId: WS, createdOn: null }, { id: 7 }]);
    if (route === 'GET /collection') return json(200, { collections: [{ id: 'c-1', name: 'FF-DD-0012', datasetId: DS, createdOn: null }, { id: 'c-2', name: null, datasetId: DS }], meta: null });
    if (route === 'GET /imagery') return json(200, url.searchParams.get('collectionName') === 'EMPTY' ? { imageries: null } : { imageries: [interval, { id: null }] });
    if (route === 'POST /imagery') {
      const sent = await body(req);
      if (!Array.isArray(sent)) {
        keyedWrites.push(sent);
        return json(400, { errors: [{ name: 'INVALID_BODY', message: 'Expected an array of imagery' }] });
      }
      return json(200, sent.map((item: object, i: number) => ({ ...interval, ...item, id: `saved-${i}`, images: null, attributeDefinitions: null })));
    }
    if (route === 'GET /image-metadata') {
      const image = { id: 'img-1', imageryId: 'im-1', mimeType: 'image/jpeg', imageryName: null, imageTypeName: null, checksum: null, width: null, size: null, url: null, x: null, deleted: null };
      return json(200, { images: [image, { id: 'img-3', mimeType: 'image/png' }], meta: null });
    }
    if (route === 'GET /image') {
      const names: Record<string, string> = {
        pct: 'attachment; filename="tray 100%25 wet%.jpg"',
        quote: 'attachment; filename="the \\"good\\" tray.jpg"',
        star: "attachment; filename=\"fallback.jpg\"; filename*=UTF-8''Bohrloch%C3%BC%20%E2%82%AC.jpg",
        raw: `attachment; filename="${Buffer.from('Bohrloch_ü.jpg', 'utf8').toString('latin1')}"`,
        broken: 'attachment; filename="unterminated',
        none: 'inline',
      };
      res.setHeader('content-disposition', names[url.searchParams.get('imageId') ?? 'none']!);
      return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    }
    json(404, { message: `no route ${route}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/integrate/2`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function probe() {
  const problems: string[] = [];
  const { client } = clientFor({ server: { baseUrl } }, { onReplyProblem: (p) => problems.push(`${p.action}: ${p.detail}`) });
  return { client, problems };
}

describe('Imago replies with nulls, odd items and other wrappers', () => {
  it('reads null as absent in the context and leaves out (and reports) only the items that do not fit', async () => {
    const { client, problems } = probe();
    const read = await client.context();
    expect(read.workspaces).toHaveLength(1);
    const [workspace] = read.workspaces;
    expect(workspace).toMatchObject({ name: 'Firefly Resource Development', workspaceFolder: undefined });
    const [dataset] = workspace!.datasets;
    expect(dataset!.lengthUnits).toBeUndefined();
    expect(dataset!.imageryTypes.map((t) => t.name)).toEqual(['Core Trays']);
    const [type] = dataset!.imageryTypes;
    expect(type).toMatchObject({ contentType: undefined, labelDefinitions: [], featureDefinitions: [], enableAutoCrop: undefined });
    expect(type!.imageTypes).toEqual([{ id: undefined, name: 'Wet', dataType: undefined, sourceType: undefined, baseImageTypeName: null }]);
    expect(type!.attributeDefinitions[0]!.attributeTypes.map((a) => a.name)).toEqual(['StartBox']);
    expect(problems).toEqual([
      'list workspaces: left out image type #2 x: Invalid input: expected string, received null at name',
      'list workspaces: left out attribute type #2 "NoType": Invalid input: expected string, received undefined at dataType',
      'list workspaces: left out imagery type #2 "Broken type": Invalid input: expected string, received null at id',
      'list workspaces: left out workspace #2 w-2: Invalid input: expected string, received null at name',
    ]);
  });

  it('keeps the good datasets, collections and image metadata around a bad one', async () => {
    const { client, problems } = probe();
    expect((await client.listDatasets()).map((d) => [d.name, d.createdOn])).toEqual([['Diamond Drilling', undefined]]);
    const page = await client.listCollections();
    expect(page).toEqual({ collections: [{ id: 'c-1', name: 'FF-DD-0012', datasetId: DS, createdOn: undefined }], meta: undefined });
    const metadata = await client.listImageMetadata();
    expect(metadata.images).toHaveLength(1);
    expect(metadata.images[0]).toMatchObject({ id: 'img-1', imageryName: null, imageTypeName: null, checksum: undefined, width: undefined, x: null, deleted: undefined });
    expect(problems.map((p) => p.replace(/: Invalid input.*/, ''))).toEqual([
      'list datasets: left out dataset #2',
      'list collections: left out collection #2 c-2',
      'list image metadata: left out image #2 img-3',
    ]);
  });

  it('reads intervals with null lists and odd attribute values, keeping unknown fields and the good images', async () => {
    const { client, problems } = probe();
    const [only, ...rest] = await client.listImagery({ collectionName: 'FF-DD-0012' });
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ id: 'im-1', name: null, x: null, workspaceName: undefined, featureDefinitions: undefined, tenantNote: 'a field Corelog does not know' });
    expect(only!.images.map((i) => [i.id, i.width, i.mimeType])).toEqual([['img-1', undefined, undefined]]);
    // Every value as Imago sent it, objects included: a write-back must return them (attribute-writeback.test.ts).
    expect(only!.attributeDefinitions[0]!.attributes).toEqual({ StartBox: 1, Weird: { nested: true }, Checked: true, Empty: null });
    expect(await client.listImagery({ collectionName: 'EMPTY' })).toEqual([]);
    // This double sends the same list whatever the offset: a short page followed by itself cannot be
    // told from a server capping its pages and ignoring the offset, so the list is said incomplete.
    expect([...new Set(problems.map((p) => p.replace(/: Invalid input.*/, '')))]).toEqual([
      'list imagery: left out image #2 img-2',
      'list imagery: left out imagery interval #2',
      'list imagery: the list is incomplete: read 1: the server ignores the paging offset and sent the same page again',
    ]);
  });

  it('writes imagery as a bare array once the server refused the keyed body, and remembers it', async () => {
    const { client, problems } = probe();
    keyedWrites.length = 0;
    const item = { collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', startDepth: 110, endDepth: 111 };
    const [saved] = await client.saveImagery([item]);
    expect(saved).toMatchObject({ id: 'saved-0', startDepth: 110, images: [], attributeDefinitions: [] });
    expect(keyedWrites).toEqual([{ imageries: [item] }]);
    await client.saveImagery([{ ...item, startDepth: 111, endDepth: 112 }]);
    expect(keyedWrites).toHaveLength(1);
    expect(problems).toEqual(['save 1 imagery interval: the server refused the keyed body and took the bare-list one; using that from now on']);
  });

  it('reads download names with %, quotes and UTF-8, and a broken header gives no name instead of an error', async () => {
    const { client, problems } = probe();
    const name = async (imageId: string) => (await client.downloadImage({ collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', startDepth: 102 }, { imageId })).fileName;
    expect(await name('pct')).toBe('tray 100%25 wet%.jpg');
    expect(await name('quote')).toBe('the "good" tray.jpg');
    expect(await name('star')).toBe('Bohrlochü €.jpg');
    expect(await name('raw')).toBe('Bohrloch_ü.jpg');
    expect(await name('none')).toBeNull();
    expect(await name('broken')).toBeNull();
    expect(problems).toEqual([expect.stringMatching(/unreadable Content-Disposition header \(attachment; filename="unterminated\)/)]);
  });

  it('the viewer cache refuses a reply that is not a readable image, and caches nothing', async () => {
    const { client } = probe();
    const folder = tempDir('imago-cache-');
    try {
      const cache = new ImagoImageCache(join(folder.path, 'image-cache'));
      const target = { collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', imageTypeName: 'Wet', imageryId: 'im-1' };
      const error = await cache.dataUrl('img-1', 256, async () => (await client.downloadImage(target, { width: 256, imageId: 'none' })).bytes).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'malformed-response', retryable: true, message: 'Imago sent something that is not a readable image (4 bytes); try again later.' });
      expect(await readdir(join(folder.path, 'image-cache')).catch(() => [])).toEqual([]);
    } finally {
      folder.remove();
    }
  });
});
