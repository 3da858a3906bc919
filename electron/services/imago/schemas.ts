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
import type { AttributeValue } from '../../../common/photos/attribute-value';

// ---- reading helpers ---------------------------------------------------------------------

/**
 * Notes collected while one reply is parsed. zod parses synchronously, so the one sink in use
 * belongs to the `parseReply` call on the stack (a nested call saves and restores it).
 */
let oddities: string[] | null = null;

/**
 * Text, also when it comes as a JSON number: a hole named 4242 by a script or an import arrives
 * that way from a server whose names are loosely typed, and must be listed, not dropped.
 */
const text = z.preprocess((value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value), z.string());
/**
 * An id. The documents show lowercase UUID strings, but a server backed by integer keys sends
 * numbers: both are read, as strings, so ids compare alike wherever they came from.
 */
const id = z.preprocess((value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value), z.string().min(1));

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
    const noted = oddities?.length ?? 0;
    const result = item.safeParse(value);
    if (result.success) {
      kept.push(result.data);
      return;
    }
    // What was noted while reading an item that is then left out is said by this one line instead.
    oddities?.splice(noted);
    oddities?.push(`left out ${what} #${index + 1}${itemLabel(value)}: ${describeIssue(result.error)}`);
  });
  return kept;
}

/**
 * Not one item is even an object: not a list of ours with an odd item to leave out, but a reply in
 * another language (or not Imago's). Read as empty, it would tell the user there are none.
 */
function holdsNoRecords(values: readonly unknown[]): boolean {
  return values.length > 0 && !values.some((value) => value !== null && typeof value === 'object' && !Array.isArray(value));
}

/** Checked item by item; a list holding no records at all is refused as a whole (`holdsNoRecords`). */
const fitting = <S extends z.ZodType>(values: readonly unknown[], item: S, what: string, ctx: z.RefinementCtx): z.output<S>[] => {
  if (!holdsNoRecords(values)) return keepFitting(values, item, what);
  ctx.addIssue({ code: 'custom', message: `its ${what} list holds no ${what}s (${values.length} values of another kind)` });
  return z.NEVER;
};

/** A list the documents require in the reply, checked item by item. */
const list = <S extends z.ZodType>(item: S, what: string) => z.array(z.unknown()).transform((values, ctx) => fitting(values, item, what, ctx));
/** An optional list: absent or `null` reads as empty. */
const optList = <S extends z.ZodType>(item: S, what: string) => z.array(z.unknown()).nullish().transform((values, ctx) => fitting(values ?? [], item, what, ctx));

// ---- session -----------------------------------------------------------------------------

/** `GET /session`: documented `{uid}`; a 2xx without one still says the token works. Sign-in: session-reply.ts. */
export const sessionCheckReply = z.object({ uid: opt(id) });

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
  // Corelog logs by depth only, and checks this only before an archive import: a server that
  // does not say is read as the documented core-photo geometry, by depth (trace), and noted.
  geometryType: text.nullish().transform((value) => {
    if (value === null || value === undefined) oddities?.push('an imagery type did not say its geometry; read as by depth (trace)');
    return value ?? 'trace';
  }),
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
  // Write access must be stated: `null` or absent (a serializer that drops false) reads as read-only,
  // so Corelog never offers to log work a server did not say it takes.
  readonly: z
    .boolean()
    .nullish()
    .transform((value) => {
      if (typeof value !== 'boolean') oddities?.push(`a workspace did not say whether it is read-only (readonly ${value === null ? 'null' : 'absent'}); treated as read-only`);
      return value ?? true;
    }),
  workspaceFolder: opt(text),
  datasets: optList(contextDataset, 'dataset'),
});

/** `GET /context`: `{workspaces}` (documented); a bare list of workspaces reads the same; `null` as none. */
export const contextReply = z.preprocess(
  (value) => (Array.isArray(value) ? { workspaces: value } : value),
  z.object({ workspaces: optList(workspace, 'workspace') }),
);

// ---- wrappers and paging -------------------------------------------------------------

/**
 * Paging facts a list reply may carry, every one optional: the documents echo `{limit, offset}`,
 * other servers send a `total` or a link to the `next` page (under `meta`, `links` or at the top).
 */
export interface PageMeta {
  total?: number;
  next?: string;
  limit?: number;
  offset?: number;
}

/** A paging number: a count sent as text ("50") reads as the number; anything else is ignored. */
const pageNumber = z.union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)]).nullish().catch(undefined);
/** The next page: a link, or an offset some servers give instead (kept as text either way). */
const nextLink = z.union([z.string().min(1), z.number().transform(String)]).nullish().catch(undefined);

function readPageMeta(record: Record<string, unknown>): PageMeta | undefined {
  const asRecord = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const meta = asRecord(record.meta);
  const links = asRecord(record.links);
  const pick = <T>(schema: z.ZodType<T | null | undefined>, ...values: unknown[]): T | undefined => {
    for (const value of values) {
      const read = schema.parse(value);
      if (read !== null && read !== undefined) return read;
    }
    return undefined;
  };
  const page: PageMeta = {};
  const total = pick(pageNumber, meta.total, record.total);
  const next = pick(nextLink, meta.next, links.next, record.next);
  const limit = pick(pageNumber, meta.limit, record.limit);
  const offset = pick(pageNumber, meta.offset, record.offset);
  if (total !== undefined) page.total = total;
  if (next !== undefined) page.next = next;
  if (limit !== undefined) page.limit = limit;
  if (offset !== undefined) page.offset = offset;
  return Object.keys(page).length > 0 ? page : undefined;
}

/** Keys a list reply may carry beside its list that say nothing about the items. */
const BESIDE_THE_LIST = new Set(['meta', 'links', 'total', 'count', 'next', 'previous', 'prev', 'limit', 'offset', 'page', 'pageSize', 'success', 'status', 'errors', 'warnings', 'messages']);
/** Where a wrapped list is usually found when it is not under the documented key. */
const USUAL_LIST_KEYS = ['items', 'data', 'results', 'records', 'values'];

export type ListBodyForm = 'keyed' | 'bare';

/**
 * Finds the list in a list reply, whatever wraps it. The documents show a bare array for
 * `/dataset`, `{collections}`, `{images}` and an undocumented key for `/imagery`; servers also
 * wrap lists as `{items}`, `{data}`, `{data, errors}` or `{datasets, meta}`, and leave an empty
 * list out (`{}`) or write it as `null`. In order: a bare array; the documented key (`null` there
 * is an empty list); a usual key (`items`, `data`, …); the object's only array apart from the
 * paging and error keys; and an object with nothing but those keys is an empty list. Anything
 * else (an object with other content, a single value) is not a list reply: null.
 */
export function findListArray(value: unknown, key: string): { items: unknown[]; form: ListBodyForm; key?: string; page?: PageMeta } | null {
  if (Array.isArray(value)) return { items: value, form: 'bare' };
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const page = readPageMeta(record);
  const found = (items: unknown[], foundKey: string) => ({ items, form: 'keyed' as const, key: foundKey, ...(page ? { page } : {}) });
  if (Array.isArray(record[key])) return found(record[key] as unknown[], key);
  // A serializer that writes empty lists as null: nothing matched.
  if (record[key] === null) return found([], key);
  for (const usual of USUAL_LIST_KEYS) if (Array.isArray(record[usual])) return found(record[usual] as unknown[], usual);
  const arrays = Object.entries(record).filter(([k, v]) => Array.isArray(v) && !BESIDE_THE_LIST.has(k));
  if (arrays.length === 1) return found(arrays[0]![1] as unknown[], arrays[0]![0]);
  if (arrays.length === 0 && Object.entries(record).every(([k, v]) => BESIDE_THE_LIST.has(k) || v === null)) return found([], key);
  return null;
}

/**
 * A list reply read by `findListArray`: the items that fit (each one that does not is left out
 * and noted), the paging facts, and a note when the list came under another key than documented.
 */
const listReply = <S extends z.ZodType>(item: S, what: string, key: string) =>
  z.unknown().transform((value, ctx) => {
    const found = findListArray(value, key);
    if (!found) {
      ctx.addIssue({ code: 'custom', message: `there is no list of ${what}s in it` });
      return z.NEVER;
    }
    if (found.key !== undefined && found.key !== key) oddities?.push(`the ${what} list came under "${found.key}", not "${key}"`);
    return { items: fitting(found.items, item, what, ctx), page: found.page };
  });

// ---- datasets and collections ------------------------------------------------------------

// A dataset or collection is found by name; the ids of its parents are never needed.
export const dataset = z.object({ id, name: text, workspaceId: opt(id), createdOn: opt(text) });
/** `GET /dataset` answers a bare array [new]; a wrapped one reads the same. */
export const datasetList = listReply(dataset, 'dataset', 'datasets').transform(({ items }) => items);

export const collection = z.object({ id, name: text, datasetId: opt(id), createdOn: opt(text) });
/** `GET /collection`: `{collections, meta}` [new]; any other wrapper, or a bare array, reads the same. */
export const collectionList = listReply(collection, 'collection', 'collections').transform(({ items, page }) => ({ collections: items, ...(page ? { meta: page } : {}) }));

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

export type { AttributeValue } from '../../../common/photos/attribute-value';

/**
 * An attribute group's values, every one as Imago sent it, whatever its type: a value Corelog
 * cannot edit (an object, a list, nested) is still carried, so a write-back returns it unchanged.
 */
const attributeValues = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((values) => (values ?? {}) as Record<string, AttributeValue>);

/**
 * An image of an interval. Its image type is named, or (the [OLD] form) only given by id; one or
 * the other must be there, or nobody can tell which photo it is.
 */
export const imageryImage = z
  .object({
    id,
    imageTypeName: opt(text),
    imageTypeId: opt(id),
    url: opt(text),
    uploadedOn: opt(text),
    uploadedBy: opt(text),
    mimeType: opt(text),
    width: opt(z.number()),
    height: opt(z.number()),
    fileSize: opt(z.number()),
    updatedAt: opt(text),
  })
  .refine((image) => image.imageTypeName !== undefined || image.imageTypeId !== undefined, { message: 'Invalid input: neither imageTypeName nor imageTypeId', path: ['imageTypeName'] });

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

export type ImageryBodyForm = ListBodyForm;

/**
 * Finds the imagery array in a reply. The documents do not show the wrapper: the [OLD] API and
 * the [1.3.1] example wrap it as `{ "imageries": [...] }`, the 2021 C# client reads a bare list;
 * an empty hole may come as `{}` or `{data: [], errors: []}`. See `findListArray`.
 */
export function findImageryArray(value: unknown, key: string): { items: unknown[]; form: ImageryBodyForm; key?: string; page?: PageMeta } | null {
  return findListArray(value, key);
}

// ---- images ------------------------------------------------------------------------------

/**
 * `POST /image` answers `{imageId, imageryId}` [new]. Servers also answer `{id, imageryId}`, only
 * `{imageId}`, numeric ids, the object wrapped (`{data: {…}}`, `{image: {…}}`) or in a one-item
 * list, or nothing at all (204, an empty 200). Every one of those took the photo, so every one
 * reads: an id that is not there is `undefined`, and the caller confirms by looking it up.
 */
export const uploadReply = z.preprocess(
  unwrapUploadReply,
  z.object({
    imageId: opt(id).catch(undefined),
    imageryId: opt(id).catch(undefined),
  }),
);

function unwrapUploadReply(value: unknown): Record<string, unknown> {
  const isRecord = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  const first = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  // The new image's id alone (`"4dba5ebd-…"`, `9001`): only what looks like an id, never a word like "OK".
  if (typeof first === 'number' && Number.isSafeInteger(first) && first >= 0) return { imageId: first };
  if (typeof first === 'string' && (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(first.trim()) || /^\d{1,19}$/.test(first.trim()))) return { imageId: first.trim() };
  if (!isRecord(first)) return {};
  let reply = first;
  for (const wrapper of ['data', 'image', 'result']) {
    // `{data: {...}}`, or `{data: [{...}]}` (a list of the one image taken).
    const raw = reply[wrapper];
    const inner = Array.isArray(raw) && raw.length === 1 ? (raw[0] as unknown) : raw;
    if (isRecord(inner) && !('imageId' in reply) && !('id' in reply)) reply = inner;
  }
  return { imageId: reply.imageId ?? reply.id, imageryId: reply.imageryId };
}

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
  // Corelog asks for the image by id and reads the type from the download itself.
  mimeType: opt(text),
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
/** `GET /image-metadata`: `{images, meta}` [new]; any other wrapper, or a bare array, reads the same. */
export const imageMetadataList = listReply(imageMetadata, 'image', 'images').transform(({ items, page }) => ({ images: items, ...(page ? { meta: page } : {}) }));

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
