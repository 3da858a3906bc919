/** How imagery and images look in replies (field names from the reference; guessed ones noted there). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ImagoApiContext } from './api-context';
import type { Imagery, StoredImage } from './state';

/** Optional lists that a server could as well send as `null` when empty (`explicit-null`). */
const OPTIONAL_LISTS: ReadonlySet<string> = new Set(['imageryTypes', 'attributeDefinitions', 'labelDefinitions', 'featureDefinitions', 'attributeTypes', 'labelTypes', 'featureTypes', 'images']);

/**
 * A reply body in the configured `nullStyle`: `documented` as the reference's examples show it
 * (`"name": null` on imagery, `workspaceFolder` left out when there is none), `omit` leaves every
 * `null` field out, `explicit-null` sends empty optional lists as `null` (absent optional fields
 * are sent as `null` where they are built). Attribute values are user data and left alone.
 */
export function shapeReply<T>(ctx: ImagoApiContext, body: T): T {
  const style = ctx.behaviour().nullStyle;
  if (style === 'documented') return body;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (key === 'attributes') out[key] = field;
      else if (style === 'omit' && field === null) continue;
      else if (style === 'explicit-null' && Array.isArray(field) && field.length === 0 && OPTIONAL_LISTS.has(key)) out[key] = null;
      else out[key] = walk(field);
    }
    return out;
  };
  return walk(body) as T;
}

export function signedUrl(ctx: ImagoApiContext, image: StoredImage): string {
  const expires = ctx.clock.now() + ctx.behaviour().signedUrlLifetimeSeconds * 1000;
  return ctx.signer.url(ctx.baseUrl(), image.id, expires);
}

export function imageryJson(ctx: ImagoApiContext, imagery: Imagery, options: { verbose: boolean; includeFeatures: boolean }) {
  const { collection, dataset, workspace, imageryType } = ctx.store.context(imagery);
  const typeName = (id: string) => imageryType.imageTypes.find((t) => t.id === id)?.name ?? null;
  const images = ctx.store.world.images
    .filter((i) => i.imageryId === imagery.id && !i.deleted)
    .map((i) => ({
      id: i.id,
      imageTypeName: typeName(i.imageTypeId),
      url: signedUrl(ctx, i),
      uploadedOn: i.uploadedOn,
      uploadedBy: i.uploadedBy,
      mimeType: i.mimeType,
      width: i.width,
      height: i.height,
      fileSize: i.size,
      updatedAt: i.updatedAt,
    }));
  const json: Record<string, unknown> = { id: imagery.id };
  if (options.verbose) {
    Object.assign(json, {
      workspaceName: workspace.name,
      workspaceId: workspace.id,
      datasetName: dataset.name,
      datasetId: dataset.id,
      collectionName: collection.name,
      imageryTypeName: imageryType.name,
    });
  }
  Object.assign(json, {
    updatedAt: imagery.updatedAt,
    name: imagery.name,
    startDepth: imagery.startDepth,
    endDepth: imagery.endDepth,
    x: imagery.x,
    y: imagery.y,
    z: imagery.z,
    images,
    attributeDefinitions: Object.entries(imagery.attributes).map(([name, attributes]) => ({ name, attributes })),
  });
  if (options.includeFeatures) {
    json.featureDefinitions = Object.entries(imagery.features).map(([name, featureTypes]) => ({
      name,
      featureTypes: Object.entries(featureTypes).map(([typeName, byImage]) => ({
        name: typeName,
        images: Object.entries(byImage).map(([imageName, features]) => ({ name: imageName, features })),
      })),
    }));
  }
  return json;
}

/**
 * One `/image-metadata` item. `imagery` saves the lookup when the caller has an index; `url: false`
 * leaves the signed link out, for filtering many images before the page is cut (signing is the
 * costly part of an item).
 */
export function imageMetadataJson(ctx: ImagoApiContext, image: StoredImage, known: { imagery?: Imagery | undefined; url?: boolean } = {}) {
  const imagery = known.imagery ?? ctx.store.imagery(image.imageryId);
  const { collection, dataset, workspace, imageryType } = ctx.store.context(imagery);
  const imageType = imageryType.imageTypes.find((t) => t.id === image.imageTypeId);
  return {
    id: image.id,
    workspaceId: workspace.id,
    workspaceName: workspace.name,
    datasetId: dataset.id,
    datasetName: dataset.name,
    collectionId: collection.id,
    collectionName: collection.name,
    imageryTypeId: imageryType.id,
    imageryTypeName: imageryType.name,
    imageryId: imagery.id,
    imageryName: imagery.name,
    imageTypeId: image.imageTypeId,
    imageTypeName: imageType?.name ?? null,
    updatedAt: image.updatedAt,
    uploadedOn: image.uploadedOn,
    uploadedBy: image.uploadedBy,
    mimeType: image.mimeType,
    ...checksumField(ctx, image),
    width: image.width,
    height: image.height,
    size: image.size,
    ...(known.url === false ? {} : { url: signedUrl(ctx, image) }),
    startDepth: imagery.startDepth,
    endDepth: imagery.endDepth,
    x: imagery.x,
    y: imagery.y,
    z: imagery.z,
    deleted: image.deleted,
  };
}

/** MD5s of stored images, worked out when first asked for (images are never rewritten in place). */
const md5s = new Map<string, string>();

/**
 * The `checksum` field as the `checksumStyle` switch writes it. The stored record always keeps the
 * SHA-256 hex; the other styles are how a server could plausibly present it (or an MD5 instead).
 */
function checksumField(ctx: ImagoApiContext, image: StoredImage): { checksum?: string | null } {
  switch (ctx.behaviour().checksumStyle) {
    case 'sha256':
      return { checksum: image.checksum };
    case 'sha256-prefixed':
      return { checksum: `sha256:${image.checksum}` };
    case 'md5': {
      const path = ctx.store.imagePath(image);
      let md5 = md5s.get(path);
      if (md5 === undefined) {
        md5 = createHash('md5').update(readFileSync(path)).digest('hex');
        md5s.set(path, md5);
      }
      return { checksum: md5 };
    }
    case 'absent':
      return ctx.behaviour().nullStyle === 'explicit-null' ? { checksum: null } : {};
  }
}
