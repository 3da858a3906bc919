/**
 * `/context`, `/dataset` and `/collection`: the workspace → dataset → collection tree. Creating
 * an existing name changes nothing and answers with the existing record (idempotent POSTs).
 */
import { randomUUID } from 'node:crypto';
import { HttpError, type Router } from '../kit/http-kit';
import { assertWritable, authenticate, isoNow, query, transaction, unknownName, type ImagoApiContext } from './api-context';
import { attributeRuleFields, standardImageryTypes } from './seed';
import { collectionNamesFrom, findCollections } from './resolve';
import { matchMode, nameMatches, page, slice } from './search';
import type { Collection, Dataset, ImageryType, Workspace } from './state';
import { listReply } from './reply-dialects';
import { shapeReply } from './views';

const datasetJson = (d: Dataset) => ({ id: d.id, name: d.name, workspaceId: d.workspaceId, createdOn: d.createdOn });
const collectionJson = (c: Collection) => ({ id: c.id, name: c.name, datasetId: c.datasetId, createdOn: c.createdOn });

function imageryTypeJson(ctx: ImagoApiContext, t: ImageryType) {
  return {
    id: t.id,
    name: t.name,
    contentType: t.contentType,
    geometryType: t.geometryType,
    coordinateType: t.coordinateType,
    imageTypes: t.imageTypes,
    attributeDefinitions:
      ctx.behaviour().attributeRules !== 'none'
        ? t.attributeDefinitions.map((d) => ({ ...d, attributeTypes: d.attributeTypes.map((a) => ({ ...a, ...attributeRuleFields(a.name) })) }))
        : t.attributeDefinitions,
    labelDefinitions: t.labelDefinitions,
    featureDefinitions: t.featureDefinitions,
    enableAutoCrop: t.enableAutoCrop,
  };
}

function workspaceJson(ctx: ImagoApiContext, w: Workspace) {
  const world = ctx.store.world;
  return {
    id: w.id,
    name: w.name,
    readonly: ctx.behaviour().readonlyField === 'null-when-readonly' && w.readonly ? null : w.readonly,
    // The reference: "Omitted when the workspace is not in a folder"; explicit-null sends null instead.
    ...(w.workspaceFolder ? { workspaceFolder: w.workspaceFolder } : ctx.behaviour().nullStyle === 'explicit-null' ? { workspaceFolder: null } : {}),
    datasets: world.datasets
      .filter((d) => d.workspaceId === w.id)
      .map((d) => ({
        id: d.id,
        name: d.name,
        lengthUnits: d.lengthUnits,
        imageryTypes: world.imageryTypes.filter((t) => t.datasetId === d.id).map((t) => imageryTypeJson(ctx, t)),
      })),
  };
}

export function addCatalogueRoutes(router: Router, ctx: ImagoApiContext): void {
  const world = () => ctx.store.world;

  router.get('/context', (req) => {
    authenticate(ctx, req);
    return { status: 200, json: shapeReply(ctx, { workspaces: world().workspaces.map((w) => workspaceJson(ctx, w)) }) };
  });

  router.get('/dataset', (req) => {
    authenticate(ctx, req);
    const q = query(ctx, req);
    const mode = matchMode(q);
    const workspaceId = q.get('workspaceId');
    const workspaceName = q.get('workspaceName');
    const found = world().datasets.filter((d) => {
      const workspace = ctx.store.workspace(d.workspaceId);
      return (
        nameMatches(d.name, q.get('name', 'datasetName'), mode) &&
        (workspaceId === undefined || d.workspaceId === workspaceId) &&
        (workspaceName === undefined || workspace.name === workspaceName)
      );
    });
    // A bare array with no meta: that is what the [new] page shows (other wrappers by listWrapper).
    const items = slice(found, page(q, Number.MAX_SAFE_INTEGER, null)).map(datasetJson);
    return { status: 200, json: shapeReply(ctx, listReply(ctx, { key: 'datasets', items, path: '/dataset', bare: true })) };
  });

  router.post('/dataset', async (req) => {
    authenticate(ctx, req);
    const body = await req.readJson();
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) throw new HttpError(422, 'the body must be a non-empty array of { workspaceId, name }');
    const saved = await transaction(ctx, () =>
      items.map((item: unknown) => {
        const { workspaceId, name } = (item ?? {}) as { workspaceId?: unknown; name?: unknown };
        if (typeof workspaceId !== 'string' || workspaceId.length !== 36) throw new HttpError(422, 'workspaceId (a 36-character id) is required');
        if (typeof name !== 'string' || !name.trim()) throw new HttpError(422, 'name is required');
        const workspace = world().workspaces.find((w) => w.id === workspaceId);
        if (!workspace) throw unknownName(ctx, `No workspace with id ${workspaceId}`);
        // Readonly first: a viewer is refused even when the write would change nothing.
        assertWritable(ctx, workspace);
        const existing = world().datasets.find((d) => d.workspaceId === workspaceId && d.name === name);
        if (existing) return existing;
        const dataset: Dataset = { id: randomUUID(), workspaceId, name, lengthUnits: 'metres', createdOn: isoNow(ctx) };
        world().datasets.push(dataset);
        world().imageryTypes.push(...standardImageryTypes(dataset.id));
        return dataset;
      }),
    );
    // The docs show a single object; with several items the first is answered (guess).
    return { status: 200, json: shapeReply(ctx, datasetJson(saved[0]!)) };
  });

  router.get('/collection', (req) => {
    authenticate(ctx, req);
    const q = query(ctx, req);
    const mode = matchMode(q);
    // The parents filter by equality; the collection name itself by the match mode.
    const { collectionName: _exact, ...parents } = collectionNamesFrom(q);
    const found = findCollections(ctx, parents).filter((c) => nameMatches(c.name, q.get('name', 'collectionName'), mode));
    const p = page(q, ctx.behaviour().collectionDefaultLimit, null);
    if (ctx.behaviour().pagingOffset === 'ignored') p.offset = 0;
    const items = slice(found, p).map(collectionJson);
    return { status: 200, json: shapeReply(ctx, listReply(ctx, { key: 'collections', items, page: p, total: found.length, path: '/collection' })) };
  });

  router.post('/collection', async (req) => {
    authenticate(ctx, req);
    const body = ((await req.readJson()) ?? {}) as Record<string, unknown>;
    const { name, datasetId, datasetName, workspaceName } = body;
    if (typeof name !== 'string' || !name.trim()) throw new HttpError(422, 'name is required');
    let datasets: Dataset[];
    if (typeof datasetId === 'string') {
      datasets = world().datasets.filter((d) => d.id === datasetId);
    } else if (typeof datasetName === 'string' && typeof workspaceName === 'string') {
      datasets = world().datasets.filter((d) => d.name === datasetName && ctx.store.workspace(d.workspaceId).name === workspaceName);
    } else {
      throw new HttpError(422, 'workspaceName and datasetName (or datasetId) are required');
    }
    const dataset = datasets[0];
    if (!dataset) throw unknownName(ctx, `No dataset ${typeof datasetId === 'string' ? datasetId : `"${String(datasetName)}" in workspace "${String(workspaceName)}"`}`);
    assertWritable(ctx, ctx.store.workspace(dataset.workspaceId));
    const existing = world().collections.find((c) => c.datasetId === dataset.id && c.name === name);
    if (existing) return { status: 200, json: shapeReply(ctx, collectionJson(existing)) };
    const collection: Collection = { id: randomUUID(), datasetId: dataset.id, name, createdOn: isoNow(ctx) };
    world().collections.push(collection);
    ctx.store.save();
    return { status: 200, json: shapeReply(ctx, collectionJson(collection)) };
  });
}
