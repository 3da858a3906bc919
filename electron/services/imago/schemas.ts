/**
 * The shapes of Imago's replies, read the way a tolerant reader should read a server it cannot
 * see: fields the documents show in every example are required; every other field may be absent
 * or `null` (the documented examples send `"name": null`, the C# models type sizes and dates as
 * nullable), and both read the same. Lists are checked item by item: an item that does not fit
 * is left out and noted, so one odd interval never hides a whole hole. A reply that does not fit
 * where it matters becomes a clear `malformed-response` instead of `undefined` deep in the sync.
 */
import { z } from 'zod';
import { CorelogError } from '../../../common/errors';

// ---- reading helpers ---------------------------------------------------------------------

/**
 * Notes collected while one reply is parsed. zod parses synchronously, so the one sink in use
 * belongs to the `parseReply` call on the stack (a nested call saves and restores it).
 */
let oddities: string[] | null = null;

const text = z.string();
const id = z.string().min(1);

/** Optional field: absent and `null` both read as `undefined`. */
const opt = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value): z.output<S> | undefined => value ?? undefined);
/** Optional field where `null` means "none" (an imagery without a name or point): absent reads as `null` too. */
const orNull = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value): z.output<S> | null => value ?? null);

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  return `${issue?.message ?? 'does not fit'}${where}`;
}

function itemLabel(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const { name, id: itemId } = value as { name?: unknown; id?: unknown };
  if (typeof name === 'string' && name) return ` "${name.slice(0, 80)}"`;
  if (typeof itemId === 'string' && itemId) return ` ${itemId.slice(0, 40)}`;
  return '';
}

/** The items that fit; each one that does not is left out and noted. */
function keepFitting<S extends z.ZodType>(values: readonly unknown[], item: S, what: string): z.output<S>[] {
  const kept: z.output<S>[] = [];
  values.forEach((value, index) => {
    const result = item.safeParse(value);
    if (result.success) kept.push(result.data);
    else oddities?.push(`left out ${what} #${index + 1}${itemLabel(value)}: ${describeIssue(result.error)}`);
  });
  return kept;
}

/** A list the documents require in the reply, checked item by item. */
const list = <S extends z.ZodType>(item: S, what: string) => z.array(z.unknown()).transform((values) => keepFitting(values, item, what));
/** An optional list: absent or `null` reads as empty. */
const optList = <S extends z.ZodType>(item: S, what: string) => z.array(z.unknown()).nullish().transform((values) => keepFitting(values ?? [], item, what));

// ---- session -----------------------------------------------------------------------------

export const sessionReply = z.object({ uid: id, apiToken: z.string().min(1) });
export const sessionCheckReply = z.object({ uid: id });

// ---- context -----------------------------------------------------------------------------

const imageTypeDefinition = z.object({
  id: opt(id),
  name: text,
  dataType: opt(text),
  sourceType: opt(text),
  baseImageTypeName: orNull(text),
});

/** An undocumented rule field: the value when it fits, otherwise undefined. */
const rule = <S extends z.ZodType>(schema: S) => opt(schema).catch(undefined);

const attributeDefinition = z.object({
  id: opt(id),
  name: text,
  attributeTypes: optList(
    z.object({
      id: opt(id),
      name: text,
      dataType: text,
      // Rule fields no Imago page shows: read when a server sends them, an odd one ignored (never the type dropped).
      required: rule(z.boolean()),
      minimum: rule(z.number()),
      maximum: rule(z.number()),
      min: rule(z.number()),
      max: rule(z.number()),
      values: rule(z.array(z.string())),
    }),
    'attribute type',
  ),
});

const labelDefinition = z.object({
  id: opt(id),
  name: text,
  labelTypes: optList(z.object({ id: opt(id), name: text }), 'label type'),
});

const featureDefinition = z.object({
  id: opt(id),
  name: text,
  featureTypes: optList(z.object({ id: opt(id), name: text, colour: opt(text), shapeType: opt(text) }), 'feature type'),
});

export const imageryType = z.object({
  id,
  name: text,
  // Shown in every example but never needed by Corelog: a server that leaves it out still works.
  contentType: opt(text),
  geometryType: text,
  coordinateType: opt(text),
  imageTypes: optList(imageTypeDefinition, 'image type'),
  attributeDefinitions: optList(attributeDefinition, 'attribute definition'),
  labelDefinitions: optList(labelDefinition, 'label definition'),
  featureDefinitions: optList(featureDefinition, 'feature definition'),
  enableAutoCrop: opt(z.boolean()),
});

const contextDataset = z.object({ id, name: text, lengthUnits: opt(text), imageryTypes: optList(imageryType, 'imagery type') });

const workspace = z.object({
  id,
  name: text,
  readonly: z.boolean(),
  workspaceFolder: opt(text),
  datasets: optList(contextDataset, 'dataset'),
});

export const contextReply = z.object({ workspaces: list(workspace, 'workspace') });

// ---- datasets and collections ------------------------------------------------------------

export const dataset = z.object({ id, name: text, workspaceId: id, createdOn: opt(text) });
/** `GET /dataset` answers a bare array [new]. */
export const datasetList = list(dataset, 'dataset');

export const collection = z.object({ id, name: text, datasetId: id, createdOn: opt(text) });
const pageMeta = z.object({ limit: z.number(), offset: z.number() });
export const collectionList = z.object({ collections: list(collection, 'collection'), meta: opt(pageMeta) });

// ---- imagery -----------------------------------------------------------------------------

const featurePoint = z.object({ x: z.number(), y: z.number(), pen: opt(z.number()) });
const featureValues = z.object({
  name: text,
  featureTypes: optList(
    z.object({
      name: text,
      images: optList(z.object({ name: text, features: optList(z.object({ points: optList(featurePoint, 'feature point') }), 'feature') }), 'feature image'),
    }),
    'feature type',
  ),
});

export type AttributeValue = string | number | boolean | null;

/**
 * An attribute group's values. A value that is not a scalar (an object, a list) is left out and
 * noted rather than failing the interval: Corelog shows and writes back scalars only.
 */
const attributeValues = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((values) => {
    const kept: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(values ?? {})) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) kept[key] = value as AttributeValue;
      else oddities?.push(`left out attribute "${key.slice(0, 80)}": a ${Array.isArray(value) ? 'list' : typeof value}, not a single value`);
    }
    return kept;
  });

export const imageryImage = z.object({
  id,
  imageTypeName: text,
  url: opt(text),
  uploadedOn: opt(text),
  uploadedBy: opt(text),
  mimeType: opt(text),
  width: opt(z.number()),
  height: opt(z.number()),
  fileSize: opt(z.number()),
  updatedAt: opt(text),
});

/** Loose: an interval keeps every field the server sent, for whoever writes it back. */
export const imagery = z.looseObject({
  id,
  workspaceName: opt(text),
  workspaceId: opt(id),
  datasetName: opt(text),
  datasetId: opt(id),
  collectionName: opt(text),
  imageryTypeName: opt(text),
  updatedAt: opt(text),
  name: orNull(text),
  startDepth: orNull(z.number()),
  endDepth: orNull(z.number()),
  x: orNull(z.number()),
  y: orNull(z.number()),
  z: orNull(z.number()),
  images: optList(imageryImage, 'image'),
  attributeDefinitions: optList(z.looseObject({ name: text, attributes: attributeValues }), 'attribute group'),
  // Absent when asked with includeFeatures=false; kept absent (not empty) so the caller can tell.
  featureDefinitions: opt(z.array(z.unknown()).transform((values) => keepFitting(values, featureValues, 'feature definition'))),
});

/** The imagery items of a `GET /imagery` or `POST /imagery` reply, however they were wrapped. */
export const imageryItems = list(imagery, 'imagery interval');

export type ImageryBodyForm = 'keyed' | 'bare';

/**
 * Finds the imagery array in a reply. The documents do not show the wrapper: the [OLD] API and
 * the [1.3.1] example wrap it as `{ "imageries": [...] }`, the 2021 C# client reads a bare list.
 * So: a bare array, else `key` when it holds an array, else the object's only array-valued key.
 */
export function findImageryArray(value: unknown, key: string): { items: unknown[]; form: ImageryBodyForm; key?: string } | null {
  if (Array.isArray(value)) return { items: value, form: 'bare' };
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record[key])) return { items: record[key] as unknown[], form: 'keyed', key };
  // A serializer that writes empty lists as null: nothing matched.
  if (record[key] === null) return { items: [], form: 'keyed', key };
  const arrays = Object.entries(record).filter(([, v]) => Array.isArray(v));
  if (arrays.length !== 1) return null;
  const [foundKey, items] = arrays[0]!;
  return { items: items as unknown[], form: 'keyed', key: foundKey };
}

// ---- images ------------------------------------------------------------------------------

export const uploadReply = z.object({ imageId: id, imageryId: id });

export const imageMetadata = z.object({
  id,
  workspaceId: opt(id),
  workspaceName: opt(text),
  datasetId: opt(id),
  datasetName: opt(text),
  collectionId: opt(id),
  collectionName: opt(text),
  imageryTypeId: opt(id),
  imageryTypeName: opt(text),
  imageryId: id,
  imageryName: orNull(text),
  imageTypeId: opt(id),
  imageTypeName: orNull(text),
  updatedAt: opt(text),
  uploadedOn: opt(text),
  uploadedBy: opt(text),
  mimeType: text,
  checksum: opt(text),
  width: opt(z.number()),
  height: opt(z.number()),
  size: opt(z.number()),
  url: opt(text),
  startDepth: orNull(z.number()),
  endDepth: orNull(z.number()),
  x: orNull(z.number()),
  y: orNull(z.number()),
  z: orNull(z.number()),
  deleted: opt(z.boolean()),
});
export const imageMetadataList = z.object({ images: optList(imageMetadata, 'image'), meta: opt(pageMeta) });

export type ImagoContext = z.infer<typeof contextReply>;
export type ImagoWorkspace = ImagoContext['workspaces'][number];
export type ImagoImageryType = z.infer<typeof imageryType>;
export type ImagoDataset = z.infer<typeof dataset>;
export type ImagoCollection = z.infer<typeof collection>;
export type ImagoCollectionPage = z.infer<typeof collectionList>;
export type ImageryInterval = z.infer<typeof imagery>;
export type ImageryImage = z.infer<typeof imageryImage>;
export type ImageMetadata = z.infer<typeof imageMetadata>;
export type ImageMetadataPage = z.infer<typeof imageMetadataList>;
export type UploadReply = z.infer<typeof uploadReply>;

/**
 * Validates a reply; one that does not fit is a `malformed-response` naming the first problem.
 * Items left out of lists (and other things worked around) go to `onOddity`, one line each.
 */
export function parseReply<S extends z.ZodType>(schema: S, value: unknown, what: string, status?: number, onOddity?: (detail: string) => void): z.output<S> {
  const outer = oddities;
  const noted: string[] = [];
  oddities = noted;
  let result: ReturnType<S['safeParse']>;
  try {
    result = schema.safeParse(value) as ReturnType<S['safeParse']>;
  } finally {
    oddities = outer;
  }
  if (result.success) {
    for (const detail of noted) onOddity?.(detail);
    return result.data as z.output<S>;
  }
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  // Not marked permanent: a reply of the wrong shape says something about the path (a proxy, a
  // captive portal, a server mid-upgrade), not about the item, so the caller may try again later.
  throw new CorelogError('malformed-response', `Imago sent an unexpected reply to ${what}${where}: ${issue?.message ?? 'the reply does not fit'}.`, {
    system: 'imago',
    ...(status === undefined ? {} : { status }),
  });
}
