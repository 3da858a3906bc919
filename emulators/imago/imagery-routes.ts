/**
 * `/imagery`: list/search intervals, and the batch upsert that is also the only documented way
 * to write attributes and features. An imagery is keyed by collection + imagery type + geometry.
 */
import { HttpError, type Router } from '../kit/http-kit';
import { assertWritable, authenticate, isoNow, query, transaction, unknownName, type ImagoApiContext } from './api-context';
import { collectionNamesFrom, createImagery, findCollections, findImageries, geometryFrom, missingGeometry, oneCollection, imageryTypeOf, type Geometry } from './resolve';
import { depthMatches, matchMode, nameMatches, page, slice, tolerance, withinDays } from './search';
import type { AttributeDataType, AttributeObject, FeaturePoint, Imagery, ImageryType } from './state';
import { attributeRuleFields } from './seed';
import { imageryJson, shapeReply } from './views';

/** An imagery list in the configured wrapper: `{ [imageryKey]: [...] }` or a bare array. */
function imageryReply(ctx: ImagoApiContext, items: unknown[], form: 'keyed' | 'bare'): unknown {
  if (form === 'bare') return shapeReply(ctx, items);
  // An empty hole in the configured emptyListStyle: `[]`, `null`, or the key left out (`{}`).
  const { imageryKey, emptyListStyle } = ctx.behaviour();
  if (items.length === 0 && emptyListStyle !== 'empty-array') return emptyListStyle === 'null' ? { [imageryKey]: null } : {};
  return shapeReply(ctx, { [imageryKey]: items });
}

export function addImageryRoutes(router: Router, ctx: ImagoApiContext): void {
  router.get('/imagery', (req) => {
    authenticate(ctx, req);
    const q = query(ctx, req);
    const names = collectionNamesFrom(q);
    if (names.collectionName === undefined && names.collectionId === undefined && names.workspaceName === undefined && names.workspaceId === undefined && names.datasetId === undefined) {
      throw new HttpError(422, 'Either the collection (collectionName) or the workspace (workspaceName) must be given');
    }
    const mode = matchMode(q);
    const tol = tolerance(q);
    const g = geometryFrom(q);
    const typeName = q.get('imageryTypeName');
    const typeId = q.get('imageryTypeId');
    const updatedDays = q.number('updatedSince', 'updatedsince', 'updatedWithinDays');
    const uploadedDays = q.number('uploadedSince', 'uploadedsince', 'uploadedWithinDays');
    const now = ctx.clock.now();
    const collections = new Set(findCollections(ctx, names).map((c) => c.id));
    const near = (a: number | null, b: number | undefined) => b === undefined || (a !== null && Math.abs(a - b) <= tol + 1e-9);
    const found = ctx.store.world.imageries.filter((i) => {
      if (!collections.has(i.collectionId)) return false;
      const type = ctx.store.imageryType(i.imageryTypeId);
      const images = ctx.store.world.images.filter((img) => img.imageryId === i.id && !img.deleted);
      return (
        (typeName === undefined || type.name === typeName) &&
        (typeId === undefined || type.id === typeId) &&
        (g.imageryId === undefined || i.id === g.imageryId) &&
        nameMatches(i.name, g.name, mode) &&
        depthMatches(i, g, mode === 'includes' ? 'includes' : 'equals', tol) &&
        near(i.x, g.x) &&
        near(i.y, g.y) &&
        near(i.z, g.z) &&
        withinDays(i.updatedAt, updatedDays, now) &&
        (uploadedDays === undefined || images.some((img) => withinDays(img.uploadedOn, uploadedDays, now)))
      );
    });
    const cap = ctx.behaviour().imageryLimitCap;
    const p = page(q, cap, cap);
    // A server that does not page: every page is the first.
    if (ctx.behaviour().pagingOffset === 'ignored') p.offset = 0;
    const options = { verbose: q.bool('verbose') ?? false, includeFeatures: q.bool('includeFeatures') ?? true };
    const items = slice(found, p).map((i) => imageryJson(ctx, i, options));
    return { status: 200, json: imageryReply(ctx, items, ctx.behaviour().imageryBody === 'bare-array' ? 'bare' : 'keyed') };
  });

  router.post('/imagery', async (req) => {
    authenticate(ctx, req);
    const tol = tolerance(query(ctx, req));
    const body = await req.readJson();
    const { imageryKey: key, imageryBody: style } = ctx.behaviour();
    const form = Array.isArray(body) ? 'bare' : 'keyed';
    const items = Array.isArray(body) ? body : body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
    // keyed: the [1.3.1] example and [OLD]; bare-array: the 2021 C# client; either: both, answered in kind.
    if (style === 'keyed' && form === 'bare') throw new HttpError(422, `The body must be an object with a non-empty "${key}" array, not a bare array`);
    if (style === 'bare-array' && form === 'keyed') throw new HttpError(422, 'The body must be a JSON array of imagery');
    if (!Array.isArray(items) || items.length === 0) throw new HttpError(422, form === 'bare' ? 'The body must be a non-empty array of imagery' : `The body must be an object with a non-empty "${key}" array`);
    const saved = await transaction(ctx, () => items.map((item, index) => upsertImagery(ctx, item, index, tol)));
    const replyForm = style === 'either' ? form : style === 'bare-array' ? 'bare' : 'keyed';
    return { status: 200, json: imageryReply(ctx, saved.map((i) => imageryJson(ctx, i, { verbose: true, includeFeatures: true })), replyForm) };
  });
}

interface ImageryWrite {
  workspaceName?: unknown;
  datasetName?: unknown;
  collectionName?: unknown;
  imageryTypeName?: unknown;
  name?: unknown;
  startDepth?: unknown;
  endDepth?: unknown;
  x?: unknown;
  y?: unknown;
  z?: unknown;
  attributeDefinitions?: unknown;
  featureDefinitions?: unknown;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(422, `${field} must be a string`);
  return value;
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new HttpError(422, `${field} must be a number`);
  return n;
}

function upsertImagery(ctx: ImagoApiContext, raw: unknown, index: number, tol: number): Imagery {
  if (!raw || typeof raw !== 'object') throw new HttpError(422, `imagery ${index} must be an object`);
  const item = raw as ImageryWrite;
  const at = `imagery ${index}`;
  const collectionName = optionalString(item.collectionName, `${at}: collectionName`);
  if (!collectionName) throw new HttpError(422, `${at}: collectionName is required`);
  const names = {
    collectionName,
    workspaceName: optionalString(item.workspaceName, `${at}: workspaceName`),
    datasetName: optionalString(item.datasetName, `${at}: datasetName`),
  };
  const notFound = (message: string) => unknownName(ctx, `${at}: ${message}`);
  const collection = oneCollection(ctx, Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined)), notFound);
  assertWritable(ctx, ctx.store.workspace(ctx.store.dataset(collection.datasetId).workspaceId));
  const type = imageryTypeOf(ctx, collection, optionalString(item.imageryTypeName, `${at}: imageryTypeName`), notFound);
  const g: Geometry = Object.fromEntries(
    Object.entries({
      name: optionalString(item.name, `${at}: name`),
      startDepth: optionalNumber(item.startDepth, `${at}: startDepth`),
      endDepth: optionalNumber(item.endDepth, `${at}: endDepth`),
      x: optionalNumber(item.x, `${at}: x`),
      y: optionalNumber(item.y, `${at}: y`),
      z: optionalNumber(item.z, `${at}: z`),
    }).filter(([, v]) => v !== undefined),
  );
  const missing = missingGeometry(type.geometryType, g);
  if (missing) throw new HttpError(422, `${at}: ${missing}`);
  // The upsert key is the geometry the type uses; a name on a trace imagery is data, not key.
  const key: Geometry = type.geometryType === 'trace' ? { startDepth: g.startDepth, endDepth: g.endDepth } : type.geometryType === 'point' ? { x: g.x, y: g.y, z: g.z } : { name: g.name };
  const matches = findImageries(ctx, collection, type, stripUndefined(key), 'equals', tol);
  if (matches.length > 1) throw new HttpError(ctx.behaviour().ambiguityStatus, `${at}: ${matches.length} imagery intervals match; the upsert key is ambiguous`);
  const imagery = matches[0] ?? createImagery(ctx, collection, type, g);
  if (g.name !== undefined) imagery.name = g.name;
  const { attributeRules, attributeGroupWrite, structuredAttributeValues, attributeValueTyping } = ctx.behaviour();
  writeAttributes(imagery, type, item.attributeDefinitions, at, {
    rules: attributeRules === 'inline',
    replaceGroup: attributeGroupWrite === 'replace',
    structured: structuredAttributeValues,
    asSent: attributeValueTyping === 'as-sent',
  });
  writeFeatures(imagery, type, item.featureDefinitions, at);
  imagery.updatedAt = isoNow(ctx);
  return imagery;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `attributeValueTyping: 'as-sent'`: a single value is held in the type it came in ("85" stays text). */
function scalarAsSent(value: unknown, where: string): string | number | null {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  // Booleans are held as sent too (the stored type names text and numbers only).
  if (typeof value === 'boolean') return value as unknown as string;
  throw new HttpError(422, `${where} must be a single value`);
}

function coerceAttribute(value: unknown, dataType: AttributeDataType, where: string): string | number | null {
  if (value === null) return null;
  switch (dataType) {
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new HttpError(422, `${where} must be a number`);
      return n;
    }
    case 'string':
    case 'note':
      if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(422, `${where} must be text`);
      return String(value);
    case 'date':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new HttpError(422, `${where} must be an ISO date`);
      return value;
    case 'colour':
      if (typeof value !== 'string' || !/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) throw new HttpError(422, `${where} must be a colour like #A0522D`);
      return value;
  }
}

/**
 * Writes attribute groups. `replaceGroup`: a written group's set replaces what the interval held
 * (a plausible reading of `attributeDefinitions[{name, attributes}]`), so whatever a write leaves
 * out is gone. `structured`: objects and lists are taken and held as sent.
 */
function writeAttributes(
  imagery: Imagery,
  type: ImageryType,
  raw: unknown,
  at: string,
  { rules, replaceGroup, structured, asSent }: { rules: boolean; replaceGroup: boolean; structured: boolean; asSent: boolean },
): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) throw new HttpError(422, `${at}: attributeDefinitions must be an array`);
  for (const entry of raw as { name?: unknown; attributes?: unknown }[]) {
    const definition = type.attributeDefinitions.find((d) => d.name === entry?.name);
    if (!definition) throw new HttpError(422, `${at}: imagery type "${type.name}" has no attribute definition "${String(entry?.name)}"`);
    if (!entry.attributes || typeof entry.attributes !== 'object') throw new HttpError(422, `${at}: attributes of "${definition.name}" must be an object`);
    if (replaceGroup) imagery.attributes[definition.name] = {};
    const values = (imagery.attributes[definition.name] ??= {});
    for (const [name, value] of Object.entries(entry.attributes)) {
      const attributeType = definition.attributeTypes.find((t) => t.name === name);
      if (structured && value !== null && typeof value === 'object') {
        // Held as sent, known attribute or not: the tool that wrote it defines it, not this type.
        values[name] = value as AttributeObject;
        continue;
      }
      if (!attributeType) throw new HttpError(422, `${at}: attribute definition "${definition.name}" has no attribute "${name}"`);
      const coerced = asSent ? scalarAsSent(value, `${at}: ${definition.name}.${name}`) : coerceAttribute(value, attributeType.dataType, `${at}: ${definition.name}.${name}`);
      if (rules) {
        const rule = attributeRuleFields(name);
        if (rule.required && coerced === null) throw new HttpError(422, `${at}: ${definition.name}.${name} is required`);
        if (typeof coerced === 'number' && ((rule.minimum !== undefined && coerced < rule.minimum) || (rule.maximum !== undefined && coerced > rule.maximum))) {
          throw new HttpError(422, `${at}: ${definition.name}.${name} is out of range`);
        }
      }
      if (coerced === null) delete values[name];
      else values[name] = coerced;
    }
  }
}

function writeFeatures(imagery: Imagery, type: ImageryType, raw: unknown, at: string): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) throw new HttpError(422, `${at}: featureDefinitions must be an array`);
  for (const entry of raw as { name?: unknown; featureTypes?: unknown }[]) {
    const definition = type.featureDefinitions.find((d) => d.name === entry?.name);
    if (!definition) throw new HttpError(422, `${at}: imagery type "${type.name}" has no feature definition "${String(entry?.name)}"`);
    if (!Array.isArray(entry.featureTypes)) throw new HttpError(422, `${at}: featureTypes of "${definition.name}" must be an array`);
    const byType = (imagery.features[definition.name] ??= {});
    for (const featureType of entry.featureTypes as { name?: unknown; images?: unknown }[]) {
      if (!definition.featureTypes.some((t) => t.name === featureType?.name)) throw new HttpError(422, `${at}: feature definition "${definition.name}" has no feature type "${String(featureType?.name)}"`);
      if (!Array.isArray(featureType.images)) throw new HttpError(422, `${at}: images of feature type "${String(featureType.name)}" must be an array`);
      const byImage = (byType[featureType.name as string] ??= {});
      for (const image of featureType.images as { name?: unknown; features?: unknown }[]) {
        if (!type.imageTypes.some((t) => t.name === image?.name)) throw new HttpError(422, `${at}: imagery type "${type.name}" has no image type "${String(image?.name)}"`);
        if (!Array.isArray(image.features)) throw new HttpError(422, `${at}: features must be an array`);
        byImage[image.name as string] = (image.features as { points?: unknown }[]).map((feature) => ({ points: points(feature?.points, at) }));
      }
    }
  }
}

function points(raw: unknown, at: string): FeaturePoint[] {
  if (!Array.isArray(raw)) throw new HttpError(422, `${at}: feature points must be an array`);
  return raw.map((p: { x?: unknown; y?: unknown; pen?: unknown }) => {
    // Points are fractions of the image width and height.
    if (typeof p?.x !== 'number' || typeof p.y !== 'number' || p.x < 0 || p.x > 1 || p.y < 0 || p.y > 1) {
      throw new HttpError(422, `${at}: feature points need x and y between 0 and 1`);
    }
    return typeof p.pen === 'number' ? { x: p.x, y: p.y, pen: p.pen } : { x: p.x, y: p.y };
  });
}
