/**
 * Reply shapes a real Imago can plausibly send that the documents do not show: wrappers, nulls,
 * missing fields Corelog does not use, numeric ids, thin upload replies, other paging facts.
 * Each is read (never an empty list with only a log line, never a malformed-response). The
 * documented shapes are covered in imago-replies.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  collectionList,
  contextReply,
  datasetList,
  findImageryArray,
  imageMetadataList,
  imageryItems,
  parseReply,
  uploadReply,
} from '../../../electron/services/imago/schemas';

const read = <T>(schema: Parameters<typeof parseReply>[0], value: unknown) => {
  const notes: string[] = [];
  const data = parseReply(schema, value, 'test', 200, (note) => notes.push(note)) as T;
  return { data, notes };
};

const DS = '71b93d30-0000-4000-8000-000000000011';
const collection = (i: number, extra: Record<string, unknown> = {}) => ({ id: `c${i}`, name: `RC-${i}`, datasetId: DS, ...extra });
const context = (workspace: Record<string, unknown> = {}, imageryType: Record<string, unknown> = {}) => ({
  workspaces: [
    {
      id: 'w1',
      name: 'W',
      readonly: false,
      datasets: [{ id: 'd1', name: 'D', imageryTypes: [{ id: 't1', name: 'Chips', contentType: 'chiptray', geometryType: 'trace', imageTypes: [{ id: 'it1', name: 'Wet' }], ...imageryType }] }],
      ...workspace,
    },
  ],
});

describe('list wrappers', () => {
  it.each([
    ['{items}', { items: [{ id: 'd1', name: 'D', workspaceId: 'w1' }] }],
    ['{data}', { data: [{ id: 'd1', name: 'D', workspaceId: 'w1' }] }],
    ['{datasets, meta}', { datasets: [{ id: 'd1', name: 'D', workspaceId: 'w1' }], meta: { limit: 50, offset: 0 } }],
  ])('/dataset as %s', (_label, reply) => {
    expect(read<unknown[]>(datasetList, reply).data).toEqual([{ id: 'd1', name: 'D', workspaceId: 'w1' }]);
  });

  it.each([
    ['a bare array', [collection(1)], 1],
    ['{items, total}', { items: [collection(1)], total: 1 }, 1],
    ['{collections: null}', { collections: null, meta: { limit: 50, offset: 0 } }, 0],
    ['{} (an empty list left out)', {}, 0],
  ])('/collection as %s', (_label, reply, count) => {
    expect(read<{ collections: unknown[] }>(collectionList, reply).data.collections).toHaveLength(count);
  });

  it('/image-metadata as a bare array', () => {
    expect(read<{ images: unknown[] }>(imageMetadataList, [{ id: 'e2', imageryId: 'b9', mimeType: 'image/jpeg' }]).data.images).toHaveLength(1);
  });

  it.each([
    ['{} (an empty hole)', {}],
    ['{data: [], errors: []}', { data: [], errors: [] }],
  ])('/imagery as %s is an empty list', (_label, reply) => {
    expect(findImageryArray(reply, 'imageries')?.items).toEqual([]);
  });

  it('/context with workspaces: null is no workspaces', () => {
    expect(read<{ workspaces: unknown[] }>(contextReply, { workspaces: null }).data.workspaces).toEqual([]);
  });

  it('an object that holds no list is still not a list reply', () => {
    expect(findImageryArray({ message: 'Please sign in' }, 'imageries')).toBeNull();
    expect(() => read(collectionList, { message: 'Please sign in' })).toThrow(/no list of collections/);
    expect(() => read(datasetList, 'OK')).toThrow(/no list of datasets/);
  });
});

describe('fields Corelog does not use may be null or missing', () => {
  it.each([
    ['datasetId null', { datasetId: null }],
    ['datasetId missing', { datasetId: undefined }],
  ])('collections with %s are kept', (_label, extra) => {
    const { data, notes } = read<{ collections: { id: string }[] }>(collectionList, { collections: [collection(1, extra), collection(2, extra)], meta: { limit: 50, offset: 0 } });
    expect(data.collections.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(notes).toEqual([]);
  });

  it('a dataset with workspaceId null is kept', () => {
    expect(read<{ id: string }[]>(datasetList, [{ id: 'd1', name: 'D', workspaceId: null }]).data.map((d) => d.id)).toEqual(['d1']);
  });

  it.each([
    ['null', null],
    ['missing', undefined],
  ])('a workspace with readonly %s is kept, as read-only, and noted', (_label, readonly) => {
    const { data, notes } = read<{ workspaces: { readonly: boolean }[] }>(contextReply, context({ readonly }));
    expect(data.workspaces.map((w) => w.readonly)).toEqual([true]);
    expect(notes.join()).toMatch(/read-only/);
  });

  it('an imagery type with geometryType null is kept', () => {
    const { data } = read<{ workspaces: { datasets: { imageryTypes: { name: string }[] }[] }[] }>(contextReply, context({}, { geometryType: null }));
    expect(data.workspaces[0]!.datasets[0]!.imageryTypes.map((t) => t.name)).toEqual(['Chips']);
  });

  it('an image named only by imageTypeId is kept; one with neither is left out', () => {
    const { data, notes } = read<{ images: { id: string; imageTypeId?: string }[] }[]>(imageryItems, [
      { id: 'b9', startDepth: 0, endDepth: 3.5, images: [{ id: 'i1', imageTypeId: 'it1' }, { id: 'i2' }] },
    ]);
    expect(data[0]!.images).toEqual([{ id: 'i1', imageTypeId: 'it1' }]);
    expect(notes).toHaveLength(1);
  });

  it('image metadata with mimeType null is kept', () => {
    const { data } = read<{ images: { id: string }[] }>(imageMetadataList, { images: [{ id: 'e2', imageryId: 'b9', mimeType: null, checksum: null, size: null }] });
    expect(data.images.map((i) => i.id)).toEqual(['e2']);
  });
});

describe('ids as strings or numbers', () => {
  it('are read everywhere and become strings', () => {
    expect(read<{ id: string; workspaceId: string }[]>(datasetList, [{ id: 12, name: 'D', workspaceId: 3 }]).data).toEqual([{ id: '12', name: 'D', workspaceId: '3' }]);
    expect(read<{ collections: { id: string; datasetId: string }[] }>(collectionList, { collections: [collection(1, { id: 101, datasetId: 7 })] }).data.collections[0]).toMatchObject({ id: '101', datasetId: '7' });
    expect(read<{ id: string }[]>(imageryItems, [{ id: 9, startDepth: 0, endDepth: 1 }]).data[0]!.id).toBe('9');
    expect(read<{ workspaces: { id: string }[] }>(contextReply, context({ id: 5 })).data.workspaces[0]!.id).toBe('5');
  });

  it('names sent as numbers (a hole named 4242) are read as that text, not dropped from the list', () => {
    const holes = read<{ collections: { name: string }[] }>(collectionList, { collections: [collection(1, { name: 4242 }), collection(2)] });
    expect(holes.data.collections.map((c) => c.name)).toEqual(['4242', 'RC-2']);
    expect(holes.notes).toEqual([]);
    expect(read<{ name: string }[]>(datasetList, [{ id: 'd', name: 2024 }]).data[0]!.name).toBe('2024');
  });
});

describe('paging facts', () => {
  it('meta as {total, next} without limit/offset is read, and kept', () => {
    const { data } = read<{ meta?: unknown }>(collectionList, { collections: [collection(1)], meta: { total: 120, next: '/collection?page=2' } });
    expect(data.meta).toEqual({ total: 120, next: '/collection?page=2' });
  });

  it('meta with null fields reads as what is there', () => {
    expect(read<{ meta?: unknown }>(collectionList, { collections: [collection(1)], meta: { limit: null, offset: null, total: 3 } }).data.meta).toEqual({ total: 3 });
  });

  it('limit and offset are kept, and a next link under links is found', () => {
    expect(read<{ meta?: unknown }>(imageMetadataList, { images: [], meta: { limit: 1000, offset: 0 }, links: { next: null } }).data.meta).toEqual({ limit: 1000, offset: 0 });
    expect(read<{ meta?: unknown }>(collectionList, { collections: [], links: { next: '/collection?offset=50' } }).data.meta).toEqual({ next: '/collection?offset=50' });
  });
});

describe('upload replies', () => {
  it.each([
    ['{imageId} only', { imageId: 'i1' }, { imageId: 'i1', imageryId: undefined }],
    ['{id, imageryId}', { id: 'i1', imageryId: 'b1' }, { imageId: 'i1', imageryId: 'b1' }],
    ['numeric ids', { imageId: 1, imageryId: 2 }, { imageId: '1', imageryId: '2' }],
    ['{data: {…}}', { data: { imageId: 'i1', imageryId: 'b1' } }, { imageId: 'i1', imageryId: 'b1' }],
    ['a one-item list', [{ imageId: 'i1', imageryId: 'b1' }], { imageId: 'i1', imageryId: 'b1' }],
    ['nothing (204 or an empty 200)', undefined, { imageId: undefined, imageryId: undefined }],
    ['{success: true}', { success: true }, { imageId: undefined, imageryId: undefined }],
  ])('%s is read', (_label, reply, expected) => {
    expect(read(uploadReply, reply).data).toEqual(expected);
  });
});
