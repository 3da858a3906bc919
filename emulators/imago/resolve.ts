/**
 * Turning names from a request into exactly one collection, imagery type and imagery, with the
 * failure modes Imago documents or implies: nothing matched, or more than one thing matched.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, type QueryParams } from '../kit/http-kit';
import { ambiguous, isoNow, type ImagoApiContext } from './api-context';
import { depthMatches, type MatchMode } from './search';
import type { Collection, GeometryType, Imagery, ImageryType } from './state';

export interface CollectionNames {
  workspaceName?: string;
  workspaceId?: string;
  datasetName?: string;
  datasetId?: string;
  collectionName?: string;
  collectionId?: string;
}

export interface Geometry {
  imageryId?: string;
  name?: string;
  startDepth?: number;
  endDepth?: number;
  x?: number;
  y?: number;
  z?: number;
}

export function collectionNamesFrom(q: QueryParams): CollectionNames {
  return strip({
    workspaceName: q.get('workspaceName'),
    workspaceId: q.get('workspaceId'),
    datasetName: q.get('datasetName'),
    datasetId: q.get('datasetId'),
    collectionName: q.get('collectionName'),
    collectionId: q.get('collectionId'),
  });
}

/** Geometry from the query; the imagery name is `name` in the page text, `imageryName` in an earlier reading: both work. */
export function geometryFrom(q: QueryParams): Geometry {
  return strip({
    imageryId: q.get('imageryId'),
    name: q.get('name', 'imageryName'),
    startDepth: q.number('startDepth'),
    endDepth: q.number('endDepth'),
    x: q.number('x'),
    y: q.number('y'),
    z: q.number('z'),
  });
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Collections matching the names (case-sensitive equality); names left out match anything. */
export function findCollections(ctx: ImagoApiContext, names: CollectionNames): Collection[] {
  return ctx.store.world.collections.filter((c) => {
    const dataset = ctx.store.dataset(c.datasetId);
    const workspace = ctx.store.workspace(dataset.workspaceId);
    return (
      (names.collectionName === undefined || c.name === names.collectionName) &&
      (names.collectionId === undefined || c.id === names.collectionId) &&
      (names.datasetName === undefined || dataset.name === names.datasetName) &&
      (names.datasetId === undefined || dataset.id === names.datasetId) &&
      (names.workspaceName === undefined || workspace.name === names.workspaceName) &&
      (names.workspaceId === undefined || workspace.id === names.workspaceId)
    );
  });
}

/** Exactly one collection, or `notFound` / the ambiguity status. */
export function oneCollection(ctx: ImagoApiContext, names: CollectionNames, notFound: (message: string) => HttpError): Collection {
  if (names.collectionName === undefined && names.collectionId === undefined) throw new HttpError(422, 'collectionName is required');
  const found = findCollections(ctx, names);
  const label = names.collectionName ?? names.collectionId;
  if (found.length === 0) throw notFound(`No collection "${label}" found${names.datasetName ? ` in dataset "${names.datasetName}"` : ''}`);
  if (found.length > 1) {
    const where = found.map((c) => `${ctx.store.workspace(ctx.store.dataset(c.datasetId).workspaceId).name} / ${ctx.store.dataset(c.datasetId).name}`);
    throw ambiguous(ctx, `Collection "${label}" exists in several datasets (${where.join('; ')}); add datasetName and workspaceName`);
  }
  return found[0]!;
}

export function imageryTypeOf(ctx: ImagoApiContext, collection: Collection, name: string | undefined, notFound: (message: string) => HttpError): ImageryType {
  if (name === undefined) throw new HttpError(422, 'imageryTypeName is required');
  const type = ctx.store.world.imageryTypes.find((t) => t.datasetId === collection.datasetId && t.name === name);
  if (!type) throw notFound(`No imagery type "${name}" in dataset "${ctx.store.dataset(collection.datasetId).name}"`);
  return type;
}

const near = (a: number | null, b: number | undefined, tol: number) => b === undefined || (a !== null && Math.abs(a - b) <= tol + 1e-9);

/** Imagery in a collection + imagery type that match the geometry (depths by `mode` within `tol`). */
export function findImageries(ctx: ImagoApiContext, collection: Collection, type: ImageryType, g: Geometry, mode: MatchMode, tol: number): Imagery[] {
  return ctx.store.world.imageries.filter(
    (i) =>
      i.collectionId === collection.id &&
      i.imageryTypeId === type.id &&
      (g.imageryId === undefined || i.id === g.imageryId) &&
      (g.name === undefined || i.name === g.name) &&
      depthMatches(i, g, mode === 'includes' ? 'includes' : 'equals', tol) &&
      near(i.x, g.x, tol) &&
      near(i.y, g.y, tol) &&
      near(i.z, g.z, tol),
  );
}

export function oneImagery(ctx: ImagoApiContext, found: Imagery[], describe: string): Imagery {
  if (found.length === 0) throw new HttpError(404, `No imagery found for ${describe}`);
  if (found.length > 1) throw ambiguous(ctx, `${found.length} imagery intervals match ${describe}; give startDepth and endDepth, the imagery name or imageryId`);
  return found[0]!;
}

/** Why a geometry cannot key a new imagery of this type, or null when it can. */
export function missingGeometry(geometryType: GeometryType, g: Geometry): string | null {
  if (geometryType === 'trace') {
    if (g.startDepth === undefined || g.endDepth === undefined) return 'startDepth and endDepth are required for a trace imagery type';
    if (g.endDepth < g.startDepth) return 'endDepth must not be less than startDepth';
  }
  if (geometryType === 'point' && (g.x === undefined || g.y === undefined)) return 'x and y are required for a point imagery type';
  if (geometryType === 'none' && g.name === undefined) return 'name is required for an imagery type without geometry';
  return null;
}

export function createImagery(ctx: ImagoApiContext, collection: Collection, type: ImageryType, g: Geometry): Imagery {
  const imagery: Imagery = {
    id: randomUUID(),
    collectionId: collection.id,
    imageryTypeId: type.id,
    name: g.name ?? null,
    startDepth: g.startDepth ?? null,
    endDepth: g.endDepth ?? null,
    x: g.x ?? null,
    y: g.y ?? null,
    z: g.z ?? null,
    updatedAt: isoNow(ctx),
    attributes: {},
    features: {},
  };
  ctx.store.world.imageries.push(imagery);
  return imagery;
}

export function describeTarget(collection: Collection, type: ImageryType, g: Geometry): string {
  const where = g.imageryId ?? g.name ?? (g.startDepth !== undefined ? `depth ${g.startDepth}${g.endDepth !== undefined ? `–${g.endDepth}` : ''}` : g.x !== undefined ? `point ${g.x}, ${g.y}` : 'any geometry');
  return `${collection.name} / ${type.name} / ${where}`;
}
