/**
 * What the app asks Imago for, as typed objects, and how each becomes query parameters. The
 * parameter names the reference only guesses go through `ImagoApiOptions`.
 */
import type { ImagoApiOptions } from './api-options';
import type { AttributeValue } from './schemas';

export type MatchMode = 'equals' | 'startswith' | 'endswith' | 'includes' | 'like';
type ParamValue = string | number | boolean | undefined | null;

export interface Paging {
  offset?: number;
  limit?: number;
}

export interface DatasetQuery extends Paging {
  name?: string;
  match?: MatchMode;
  workspaceId?: string;
  workspaceName?: string;
}

export interface CollectionQuery extends Paging {
  name?: string;
  match?: MatchMode;
  datasetId?: string;
  datasetName?: string;
  workspaceId?: string;
  workspaceName?: string;
}

export type NewCollection = { name: string; workspaceName: string; datasetName: string } | { name: string; datasetId: string };

/** Where an interval sits: a name, a depth range (trace types) or a point, by imagery type. */
export interface IntervalGeometry {
  name?: string;
  startDepth?: number;
  endDepth?: number;
  x?: number;
  y?: number;
  z?: number;
}

export interface ImageryQuery extends Paging, IntervalGeometry {
  workspaceName?: string;
  datasetName?: string;
  collectionName?: string;
  imageryTypeName?: string;
  /** Names use every mode; depths use `equals` (within `tolerance`) or `includes`. */
  match?: MatchMode;
  tolerance?: number;
  updatedWithinDays?: number;
  uploadedWithinDays?: number;
  /** Default true; false leaves `featureDefinitions` out. */
  includeFeatures?: boolean;
}

export interface ImageryWrite extends IntervalGeometry {
  workspaceName?: string;
  datasetName?: string;
  collectionName: string;
  imageryTypeName: string;
  /** Booleans, objects and lists only where Imago sent them: written back as they came. */
  attributeDefinitions?: { name: string; attributes: Record<string, AttributeValue> }[];
  featureDefinitions?: {
    name: string;
    featureTypes: { name: string; images: { name: string; features: { points: { x: number; y: number; pen?: number }[] }[] }[] }[];
  }[];
}

/** One imagery interval and image type, as `/image` needs it: names plus one way to pick the interval. */
export interface ImageTarget {
  workspaceName?: string;
  datasetName?: string;
  collectionName: string;
  imageryTypeName: string;
  imageTypeName: string;
  imageryName?: string;
  startDepth?: number;
  endDepth?: number;
  /** Used by downloads (documented there); uploads send it only with `uploadSendsImageryId`. */
  imageryId?: string;
  x?: number;
  y?: number;
  z?: number;
  /** Depth tolerance for an upload (not documented; overrides `uploadTolerance`). Downloads never send it. */
  tolerance?: number;
}

export interface ImageMetadataQuery extends Paging {
  workspaceName?: string;
  workspaceId?: string;
  datasetName?: string;
  datasetId?: string;
  collectionName?: string;
  collectionId?: string;
  imageryTypeName?: string;
  imageryTypeId?: string;
  imageryName?: string;
  imageryId?: string;
  imageTypeName?: string;
  imageTypeId?: string;
  imageId?: string;
  match?: MatchMode;
  /** true returns only deleted (replaced) images. */
  deleted?: boolean;
  updatedWithinDays?: number;
  uploadedWithinDays?: number;
}

/** Builds a query string, leaving out absent values. */
export function queryString(params: Record<string, ParamValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function datasetParams(q: DatasetQuery, api: ImagoApiOptions): Record<string, ParamValue> {
  return { name: q.name, [api.matchParam]: q.match, workspaceId: q.workspaceId, workspaceName: q.workspaceName, offset: q.offset, limit: q.limit };
}

export function collectionParams(q: CollectionQuery, api: ImagoApiOptions): Record<string, ParamValue> {
  return {
    name: q.name,
    [api.matchParam]: q.match,
    datasetId: q.datasetId,
    datasetName: q.datasetName,
    workspaceId: q.workspaceId,
    workspaceName: q.workspaceName,
    offset: q.offset,
    limit: q.limit,
  };
}

export function imageryParams(q: ImageryQuery, api: ImagoApiOptions): Record<string, ParamValue> {
  return {
    workspaceName: q.workspaceName,
    datasetName: q.datasetName,
    collectionName: q.collectionName,
    imageryTypeName: q.imageryTypeName,
    name: q.name,
    startDepth: q.startDepth,
    endDepth: q.endDepth,
    x: q.x,
    y: q.y,
    z: q.z,
    [api.matchParam]: q.match,
    [api.toleranceParam]: q.tolerance,
    [api.updatedSinceParam]: q.updatedWithinDays,
    [api.uploadedSinceParam]: q.uploadedWithinDays,
    offset: q.offset,
    limit: q.limit,
    // The docs say to always send verbose=true: without it the name keys are missing.
    verbose: true,
    includeFeatures: q.includeFeatures,
  };
}

/** The names both `/image` calls start with: where the collection is, and which imagery and image type. */
function imageNames(t: ImageTarget): Record<string, ParamValue> {
  return { workspaceName: t.workspaceName, datasetName: t.datasetName, collectionName: t.collectionName, imageryTypeName: t.imageryTypeName, imageTypeName: t.imageTypeName };
}

/**
 * `POST /image`: the names, then the imagery as the upload page documents it (name, start/end
 * depth, x/y/z) and the image's mime type. `imageryId` is documented for downloads only, so it
 * goes along only when `uploadSendsImageryId` says this server takes it.
 */
export function uploadParams(t: ImageTarget, api: ImagoApiOptions, mimeType: string): Record<string, ParamValue> {
  return {
    ...imageNames(t),
    [api.imageryNameParam]: t.imageryName,
    startDepth: t.startDepth,
    endDepth: t.endDepth,
    x: t.x,
    y: t.y,
    z: t.z,
    ...(api.uploadSendsImageryId ? { imageryId: t.imageryId } : {}),
    ...(t.startDepth !== undefined ? { [api.toleranceParam]: t.tolerance ?? api.uploadTolerance } : {}),
    ...(api.mimeTypeParam ? { [api.mimeTypeParam]: mimeType } : {}),
  };
}

/**
 * `GET /image`: the names plus exactly one of the page's three ways to pick the imagery — its
 * id, else its name, else its depths — and the documented `width`, `height`, `imageId`.
 */
export function downloadParams(t: ImageTarget, api: ImagoApiOptions, options: { width?: number | undefined; height?: number | undefined; imageId?: string | undefined }): Record<string, ParamValue> {
  const imagery =
    t.imageryId !== undefined ? { imageryId: t.imageryId } : t.imageryName !== undefined ? { [api.imageryNameParam]: t.imageryName } : { startDepth: t.startDepth, endDepth: t.endDepth };
  return {
    ...imageNames(t),
    ...imagery,
    width: options.width,
    height: options.height,
    imageId: options.imageId,
  };
}

export function imageMetadataParams(q: ImageMetadataQuery, api: ImagoApiOptions): Record<string, ParamValue> {
  const { match, deleted, updatedWithinDays, uploadedWithinDays, ...names } = q;
  return {
    ...names,
    [api.matchParam]: match,
    [api.deletedParam]: deleted,
    [api.updatedSinceParam]: updatedWithinDays,
    [api.uploadedSinceParam]: uploadedWithinDays,
  };
}
