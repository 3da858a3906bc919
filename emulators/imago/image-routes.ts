/**
 * `/image` (download and upload), `/image-metadata`, and the signed links the list replies hand
 * out. Uploads are streamed to disk and checked from the image header only (sharp metadata),
 * so a 200 MB upload never sits in memory and the pixel limits are enforced the way Imago
 * documents them.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { HttpError, type EmulatorRequest, type EmulatorResponse, type QueryParams, type Router } from '../kit/http-kit';
import { ambiguous, assertWritable, authenticate, isoNow, query, type ImagoApiContext } from './api-context';
import { extractFilePart, multipartBoundary } from './multipart';
import { collectionNamesFrom, createImagery, describeTarget, findImageries, geometryFrom, imageryTypeOf, missingGeometry, oneCollection, oneImagery } from './resolve';
import { matchMode, nameMatches, page, slice, tolerance, withinDays } from './search';
import { SIGNED_PATH } from './signed-url';
import type { StoredImage } from './state';
import { imageMetadataJson, shapeReply } from './views';
import { listReply, uploadReply } from './reply-dialects';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif' };
const FORMAT_MIME: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', tiff: 'image/tiff' };
const notFound = (message: string) => new HttpError(404, message);

/**
 * The imagery, imagery type and image type an /image request names; 404 when any is missing.
 * `imageryId` is documented for downloads only: an upload honours it only when switched on.
 */
function target(ctx: ImagoApiContext, q: QueryParams, use: 'download' | 'upload') {
  const collection = oneCollection(ctx, collectionNamesFrom(q), notFound);
  const type = imageryTypeOf(ctx, collection, q.get('imageryTypeName'), notFound);
  const imageTypeName = q.get('imageTypeName');
  if (imageTypeName === undefined) throw new HttpError(422, 'imageTypeName is required');
  const imageType = type.imageTypes.find((t) => t.name === imageTypeName);
  if (!imageType) throw notFound(`Imagery type "${type.name}" has no image type "${imageTypeName}"`);
  const asked = geometryFrom(q);
  const g = use === 'upload' && !ctx.behaviour().uploadAcceptsImageryId ? { ...asked, imageryId: undefined } : asked;
  const found = findImageries(ctx, collection, type, g, matchMode(q), tolerance(q));
  return { collection, type, imageType, g, found, describe: describeTarget(collection, type, g) };
}

function dimension(q: QueryParams, name: string): number | undefined {
  const value = q.number(name);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 65_500) throw new HttpError(422, `${name} must be a whole number of pixels between 1 and 65500`);
  return value;
}

function downloadName(ctx: ImagoApiContext, image: StoredImage): string {
  const imagery = ctx.store.imagery(image.imageryId);
  const { collection, imageryType } = ctx.store.context(imagery);
  const typeName = imageryType.imageTypes.find((t) => t.id === image.imageTypeId)?.name ?? 'image';
  const where = imagery.name ?? (imagery.startDepth !== null ? `${imagery.startDepth}-${imagery.endDepth}` : imagery.id);
  const base = `${collection.name}_${where}_${typeName}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${base}.${EXTENSIONS[image.mimeType] ?? 'bin'}`;
}

/** The stored bytes, or a resized copy keeping the aspect ratio. EXIF orientation is ignored, as Imago does. */
async function serveImage(ctx: ImagoApiContext, image: StoredImage, width: number | undefined, height: number | undefined): Promise<EmulatorResponse> {
  const typed = ctx.behaviour().downloadContentType;
  const headers: Record<string, string> = {
    // `text-plain`: storage whose objects were saved without their type (or a gateway stamping every reply).
    'content-type': typed === 'text-plain' ? 'text/plain; charset=utf-8' : typed === 'json' ? 'application/json' : image.mimeType,
    'content-disposition': `attachment; filename="${downloadName(ctx, image)}"`,
  };
  const path = ctx.store.imagePath(image);
  if (width === undefined && height === undefined) {
    headers['content-length'] = String(image.size);
    return { status: 200, headers, body: createReadStream(path) };
  }
  const format = image.mimeType === 'image/png' ? 'png' : image.mimeType === 'image/tiff' ? 'tiff' : 'jpeg';
  // The other side is computed here (rounded) rather than by sharp, whose scale factors can land a pixel off.
  const scale = Math.min(width === undefined ? Infinity : width / image.width, height === undefined ? Infinity : height / image.height);
  const size = { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
  const body = await sharp(path, { limitInputPixels: false }).resize({ ...size, fit: 'fill' }).toFormat(format).toBuffer();
  headers['content-length'] = String(body.length);
  return { status: 200, headers, body };
}

const acceptedTypes = (ctx: ImagoApiContext) => ['image/png', 'image/jpeg', ...(ctx.behaviour().acceptTiff ? ['image/tiff'] : [])];

/** A declared type without parameters, lower case; null when it says nothing (absent or octet-stream). */
function specificMime(declared: string | null | undefined): string | null {
  const mime = declared?.toLowerCase().split(';')[0]!.trim() || null;
  return mime === 'application/octet-stream' ? null : mime;
}

/**
 * The mime type the upload's query declares. `required-mimeType`/`required-mimetype` take only
 * that exact spelling (any other, or none, is a 422 with the reason); `optional` takes either.
 */
function declaredQueryMime(ctx: ImagoApiContext, q: QueryParams): string | null {
  const rule = ctx.behaviour().mimeParam;
  const accepted = acceptedTypes(ctx);
  if (rule === 'optional') return q.raw.get('mimeType') ?? q.raw.get('mimetype') ?? q.get('mimeType') ?? null;
  const name = rule === 'required-mimeType' ? 'mimeType' : 'mimetype';
  const value = q.raw.get(name);
  if (value === null) {
    const other = [...q.raw.keys()].find((key) => key.toLowerCase() === 'mimetype');
    throw new HttpError(422, other ? `The image's mime type must be given as "${name}", not "${other}"` : `The image's mime type ("${name}": ${accepted.join(' or ')}) is required`);
  }
  if (!accepted.includes(value.toLowerCase())) throw new HttpError(422, `${name} must be one of ${accepted.join(', ')}, not "${value}"`);
  return value;
}

/** Refuses a body encoding this dialect does not take, before the body is read. */
function checkEncoding(ctx: ImagoApiContext, contentType: string | undefined): void {
  const rule = ctx.behaviour().uploadEncoding;
  const multipart = multipartBoundary(contentType) !== null;
  if (rule === 'multipart-only' && !multipart) throw new HttpError(422, `The image must be sent as multipart/form-data in a part named "${ctx.behaviour().uploadPartName}"`);
  if (rule === 'raw-only' && multipart) throw new HttpError(422, 'The image must be sent as the raw request body, not multipart/form-data');
}

/** Header-only checks: readable, an accepted mime type that matches the bytes, within the pixel limits. */
async function inspectUpload(ctx: ImagoApiContext, path: string, declared: (string | null)[]): Promise<{ mimeType: string; width: number; height: number }> {
  const behaviour = ctx.behaviour();
  const accepted = acceptedTypes(ctx);
  const declaredTypes = [...new Set(declared.map(specificMime).filter((m): m is string => m !== null))];
  for (const mime of declaredTypes) if (!accepted.includes(mime)) throw new HttpError(422, `Unsupported image type ${mime}; Imago accepts ${accepted.join(', ')}`);
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch {
    throw new HttpError(422, `The uploaded file is not a readable image (${accepted.join(', ')} expected)`);
  }
  const detected = FORMAT_MIME[meta.format ?? ''];
  if (!detected || !accepted.includes(detected)) throw new HttpError(422, `Unsupported image type ${detected ?? meta.format}; Imago accepts ${accepted.join(', ')}`);
  for (const mime of declaredTypes) if (detected !== mime) throw new HttpError(422, `The upload says ${mime} but the file is ${detected}`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (detected === 'image/jpeg' && meta.isProgressive) {
    if (width * height > behaviour.maxProgressivePixels) {
      throw new HttpError(422, `Progressive JPEG of ${width} × ${height} pixels is over the limit of ${behaviour.maxProgressivePixels.toLocaleString('en')} pixels`);
    }
  } else if (width > behaviour.maxSidePixels || height > behaviour.maxSidePixels) {
    throw new HttpError(422, `Image of ${width} × ${height} pixels is over the limit of ${behaviour.maxSidePixels} pixels per side`);
  }
  return { mimeType: detected, width, height };
}

/** Streams the image to `into`; `declared` is the body's own type (Content-Type, or the multipart part's). */
async function receiveUpload(ctx: ImagoApiContext, req: EmulatorRequest, into: string): Promise<{ bytes: number; sha256: string; declared: string | null }> {
  const max = ctx.behaviour().maxUploadBytes;
  const announced = Number(req.headers['content-length']);
  if (max !== null && Number.isFinite(announced) && announced > max) throw new HttpError(413, `The upload is larger than ${max} bytes`);
  const contentType = req.headers['content-type'];
  const boundary = multipartBoundary(contentType);
  let received: { bytes: number; sha256: string; declared: string | null };
  if (boundary) {
    const part = await extractFilePart(req.streamBody(), boundary, into, ctx.behaviour().uploadPartName);
    received = { bytes: part.bytes, sha256: part.sha256, declared: part.contentType };
  } else {
    const saved = await req.saveBodyTo(into);
    received = { ...saved, declared: contentType ?? null };
  }
  if (max !== null && received.bytes > max) throw new HttpError(413, `The upload is larger than ${max} bytes`);
  if (received.bytes === 0) throw new HttpError(422, 'The upload body is empty');
  return received;
}

export function addImageRoutes(router: Router, ctx: ImagoApiContext): void {
  const world = () => ctx.store.world;

  router.get('/image', async (req) => {
    authenticate(ctx, req);
    const q = query(ctx, req);
    const imageId = q.get('imageId');
    const width = dimension(q, 'width');
    const height = dimension(q, 'height');
    if (imageId !== undefined && !q.has('collectionName', 'collectionId')) {
      const image = world().images.find((i) => i.id === imageId);
      if (!image) throw notFound(`No image ${imageId}`);
      return serveImage(ctx, image, width, height);
    }
    const t = target(ctx, q, 'download');
    const imagery = oneImagery(ctx, t.found, t.describe);
    const image = world().images.find((i) => i.imageryId === imagery.id && i.imageTypeId === t.imageType.id && (imageId !== undefined ? i.id === imageId : !i.deleted));
    if (!image) throw notFound(`No ${t.imageType.name} image for ${t.describe}`);
    return serveImage(ctx, image, width, height);
  });

  router.post('/image', async (req) => {
    const account = authenticate(ctx, req);
    const q = query(ctx, req);
    checkEncoding(ctx, req.headers['content-type']);
    const queryMime = declaredQueryMime(ctx, q);
    const t = target(ctx, q, 'upload');
    assertWritable(ctx, ctx.store.workspace(ctx.store.dataset(t.collection.datasetId).workspaceId));
    if (t.found.length > 1) throw ambiguous(ctx, `${t.found.length} imagery intervals match ${t.describe}; give startDepth and endDepth, the imagery name or imageryId`);
    if (t.found.length === 0) {
      if (!ctx.behaviour().uploadCreatesImagery) throw notFound(`No imagery found for ${t.describe}`);
      const missing = missingGeometry(t.type.geometryType, t.g);
      if (missing) throw notFound(`No imagery found for ${t.describe}, and one cannot be created: ${missing}`);
    }
    const temp = join(ctx.store.imagesDir, `.upload-${randomUUID()}`);
    try {
      const received = await receiveUpload(ctx, req, temp);
      const { mimeType, width, height } = await inspectUpload(ctx, temp, [queryMime, received.declared]);
      // Looked up again: another upload may have created the imagery while this body streamed in.
      const again = findImageries(ctx, t.collection, t.type, t.g, matchMode(q), tolerance(q));
      const imagery = again.length === 1 ? again[0]! : oneImagery(ctx, again.length ? again : [createImagery(ctx, t.collection, t.type, t.g)], t.describe);
      const now = isoNow(ctx);
      // One image per image type per imagery: the previous one is kept, marked deleted.
      for (const old of world().images) {
        if (old.imageryId === imagery.id && old.imageTypeId === t.imageType.id && !old.deleted) {
          old.deleted = true;
          old.updatedAt = now;
        }
      }
      const id = randomUUID();
      const image: StoredImage = {
        id,
        imageryId: imagery.id,
        imageTypeId: t.imageType.id,
        file: `${id}.${EXTENSIONS[mimeType]}`,
        mimeType,
        width,
        height,
        size: received.bytes,
        checksum: received.sha256,
        uploadedOn: now,
        uploadedBy: account.username,
        updatedAt: now,
        deleted: false,
      };
      await rename(temp, ctx.store.imagePath(image));
      world().images.push(image);
      imagery.updatedAt = now;
      ctx.store.save();
      return uploadReply(ctx, { imageId: image.id, imageryId: imagery.id });
    } finally {
      await rm(temp, { force: true });
    }
  });

  router.get('/image-metadata', (req) => {
    authenticate(ctx, req);
    const q = query(ctx, req);
    const mode = matchMode(q);
    const deleted = q.bool('deleted') ?? false;
    const updatedDays = q.number('updatedSince', 'updatedsince', 'updatedWithinDays');
    const uploadedDays = q.number('uploadedSince', 'uploadedsince', 'uploadedWithinDays');
    const now = ctx.clock.now();
    const nameFilters = ['workspace', 'dataset', 'collection', 'imageryType', 'imagery', 'imageType'] as const;
    const honoured = ctx.behaviour().imageMetadataFilters;
    // Filtered on items without their signed link, then only the page's items are signed: a world
    // of thousands of images is listed per hole without signing (or looking up) each one every time.
    const imageries = new Map(world().imageries.map((i) => [i.id, i]));
    const found = world().images.filter((image) => {
      if (image.deleted !== deleted || !withinDays(image.updatedAt, updatedDays, now) || !withinDays(image.uploadedOn, uploadedDays, now)) return false;
      const json = imageMetadataJson(ctx, image, { imagery: imageries.get(image.imageryId), url: false });
      if (honoured === 'none') return true;
      if (honoured === 'all' && q.has('imageId') && json.id !== q.get('imageId')) return false;
      for (const field of nameFilters) {
        const id = q.get(`${field}Id`);
        if (honoured === 'all' && id !== undefined && json[`${field}Id`] !== id) return false;
        if (!nameMatches(json[`${field}Name`], q.get(`${field}Name`), mode)) return false;
      }
      return true;
    });
    const cap = ctx.behaviour().imageMetadataLimitCap;
    const p = page(q, cap, cap);
    // A server that does not page: every page is the first.
    if (ctx.behaviour().pagingOffset === 'ignored') p.offset = 0;
    const images = slice(found, p).map((image) => imageMetadataJson(ctx, image, { imagery: imageries.get(image.imageryId) }));
    return { status: 200, json: shapeReply(ctx, listReply(ctx, { key: 'images', items: images, page: p, total: found.length, path: '/image-metadata' })) };
  });

  // The signed links need no token: the signature is the permission, and it expires.
  router.get(`${SIGNED_PATH}/:imageId`, (req, params) => {
    const check = ctx.signer.check(params.imageId!, req.url.searchParams.get('expires') ?? undefined, req.url.searchParams.get('sig') ?? undefined, ctx.clock.now());
    if (check === 'expired') throw new HttpError(403, 'This image link has expired');
    if (check !== 'ok') throw new HttpError(403, 'This image link is not valid');
    const image = world().images.find((i) => i.id === params.imageId);
    if (!image) throw notFound('Image not found');
    return serveImage(ctx, image, undefined, undefined);
  });
}
