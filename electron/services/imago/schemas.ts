/**
 * The shapes of Imago's replies, validated with zod so a changed or broken reply becomes a clear
 * `malformed-response` error instead of `undefined` deep inside the sync code. Fields the
 * reference marks as guesses are optional here; documented ones are required.
 */
import { z } from 'zod';
import { CorelogError } from '../../../common/errors';

const text = z.string();
const id = z.string().min(1);
const nullableNumber = z.number().nullable();

export const sessionReply = z.object({ uid: id, apiToken: z.string().min(1) });
export const sessionCheckReply = z.object({ uid: id });

const imageTypeDefinition = z.object({
  id: id.optional(),
  name: text,
  dataType: text.optional(),
  sourceType: text.optional(),
  baseImageTypeName: text.nullable().optional(),
});

const attributeDefinition = z.object({
  id: id.optional(),
  name: text,
  attributeTypes: z.array(z.object({ id: id.optional(), name: text, dataType: text })),
});

const labelDefinition = z.object({
  id: id.optional(),
  name: text,
  labelTypes: z.array(z.object({ id: id.optional(), name: text })).default([]),
});

const featureDefinition = z.object({
  id: id.optional(),
  name: text,
  featureTypes: z.array(z.object({ id: id.optional(), name: text, colour: text.optional(), shapeType: text.optional() })).default([]),
});

export const imageryType = z.object({
  id,
  name: text,
  contentType: text,
  geometryType: text,
  coordinateType: text.optional(),
  imageTypes: z.array(imageTypeDefinition),
  attributeDefinitions: z.array(attributeDefinition).default([]),
  labelDefinitions: z.array(labelDefinition).default([]),
  featureDefinitions: z.array(featureDefinition).default([]),
  enableAutoCrop: z.boolean().optional(),
});

export const contextReply = z.object({
  workspaces: z.array(
    z.object({
      id,
      name: text,
      readonly: z.boolean(),
      workspaceFolder: text.optional(),
      datasets: z.array(z.object({ id, name: text, lengthUnits: text.optional(), imageryTypes: z.array(imageryType).default([]) })),
    }),
  ),
});

export const dataset = z.object({ id, name: text, workspaceId: id, createdOn: text.optional() });
export const datasetList = z.array(dataset);

export const collection = z.object({ id, name: text, datasetId: id, createdOn: text.optional() });
const pageMeta = z.object({ limit: z.number(), offset: z.number() });
export const collectionList = z.object({ collections: z.array(collection), meta: pageMeta.optional() });

const featurePoint = z.object({ x: z.number(), y: z.number(), pen: z.number().optional() });
const featureValues = z.object({
  name: text,
  featureTypes: z.array(
    z.object({
      name: text,
      images: z.array(z.object({ name: text, features: z.array(z.object({ points: z.array(featurePoint) })) })).default([]),
    }),
  ),
});
const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const imageryImage = z.object({
  id,
  imageTypeName: text,
  url: text.optional(),
  uploadedOn: text.optional(),
  uploadedBy: text.optional(),
  mimeType: text.optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  fileSize: z.number().optional(),
  updatedAt: text.optional(),
});

export const imagery = z.object({
  id,
  workspaceName: text.optional(),
  workspaceId: id.optional(),
  datasetName: text.optional(),
  datasetId: id.optional(),
  collectionName: text.optional(),
  imageryTypeName: text.optional(),
  updatedAt: text.optional(),
  name: text.nullable().default(null),
  startDepth: nullableNumber.default(null),
  endDepth: nullableNumber.default(null),
  x: nullableNumber.default(null),
  y: nullableNumber.default(null),
  z: nullableNumber.default(null),
  images: z.array(imageryImage).default([]),
  attributeDefinitions: z.array(z.object({ name: text, attributes: z.record(z.string(), attributeValue) })).default([]),
  featureDefinitions: z.array(featureValues).optional(),
});

/** `GET /imagery` and `POST /imagery` replies: the array sits under a key the docs do not show. */
export const imageryList = (key: string) => z.object({ [key]: z.array(imagery) }).transform((reply) => reply[key] as z.infer<typeof imagery>[]);

export const uploadReply = z.object({ imageId: id, imageryId: id });

export const imageMetadata = z.object({
  id,
  workspaceId: id.optional(),
  workspaceName: text.optional(),
  datasetId: id.optional(),
  datasetName: text.optional(),
  collectionId: id.optional(),
  collectionName: text.optional(),
  imageryTypeId: id.optional(),
  imageryTypeName: text.optional(),
  imageryId: id,
  imageryName: text.nullable().optional(),
  imageTypeId: id.optional(),
  imageTypeName: text.nullable().optional(),
  updatedAt: text.optional(),
  uploadedOn: text.optional(),
  uploadedBy: text.optional(),
  mimeType: text,
  checksum: text.optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  size: z.number().optional(),
  url: text.optional(),
  startDepth: nullableNumber.optional(),
  endDepth: nullableNumber.optional(),
  x: nullableNumber.optional(),
  y: nullableNumber.optional(),
  z: nullableNumber.optional(),
  deleted: z.boolean().optional(),
});
export const imageMetadataList = z.object({ images: z.array(imageMetadata), meta: pageMeta.optional() });

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

/** Validates a reply; one that does not fit is a `malformed-response` naming the first problem. */
export function parseReply<S extends z.ZodType>(schema: S, value: unknown, what: string, status?: number): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new CorelogError('malformed-response', `Imago sent an unexpected reply to ${what}${where}: ${issue?.message ?? 'the reply does not fit'}.`, {
    system: 'imago',
    retryable: false,
    ...(status === undefined ? {} : { status }),
  });
}
