/**
 * Bridge methods and events for core photography and interval logging (Imago). The renderer owns
 * the queue (IndexedDB); main does the work that needs Node: photo intake with sharp into the
 * content-addressed store, uploads streamed from that store, the watch folder, and the on-disk
 * cache of images fetched from Imago. Originals never cross the bridge: only thumbnails do.
 */
import { z } from 'zod';
import { depthField, depthRangeProblem, fromDepthField, toDepthField } from '../forms/depth-fields';
import { filenamePatternSchema, newHoleNameSchema } from '../forms/text-fields';
import { existingNameSchema, freeTextSchema } from '../free-text';
import { structuredValueProblem, type ScalarAttributeValue, type StructuredAttributeValue } from '../photos/attribute-value';

/**
 * A name sent to Imago (workspace, dataset, hole, imagery type, image type): one line without
 * control characters (the free-text rule), trimmed, not empty.
 */
const name = freeTextSchema({ maxLength: 300, multiline: false, label: 'The name' }).pipe(z.string().trim().min(1));
/**
 * A hole (collection) name as Imago has it: the free-text rule with the field's own label. An
 * existing hole may have been named elsewhere, so only a new one (`createHole`) gets the stricter
 * rule of the New hole field (common/forms/text-fields.ts).
 */
const holeName = freeTextSchema({ maxLength: 300, multiline: false, label: 'The hole name' }).pipe(z.string().trim().min(1));
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256');
/** A depth in the dataset's own units, by the same rule as the forms' From and To (common/forms). */
const depth = depthField('Depth').schema;
const uuidish = z.string().min(1).max(100);

/**
 * An object or list value Imago holds (common/photos/attribute-value.ts): carried as it came so a
 * write-back returns it unchanged; plain JSON within depth and size bounds.
 */
const structuredAttributeValue = z
  // Typed first, so a string that breaks the free-text rule is refused with that rule's words, not
  // a generic "invalid input" from this option too.
  .union([z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .superRefine((value, ctx) => {
    const problem = structuredValueProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `An attribute value ${problem}.` });
  }) as unknown as z.ZodType<StructuredAttributeValue>;

/**
 * Attribute values per definition, as Imago writes them: `{ "Core Tray Box Numbers": { StartBox: 1 } }`.
 * Text values follow the free-text rule (multi-line, as notes and comments are; the form holds
 * single-line types to one line); definition and attribute names are one line.
 */
export const attributeValuesSchema = z.record(
  freeTextSchema({ maxLength: 300, multiline: false, label: 'An attribute definition name' }),
  // Booleans, objects and lists only as Imago sent them: kept as they are so a write-back never
  // turns `true` into "true" or drops a value the form cannot edit.
  z.record(
    freeTextSchema({ maxLength: 300, multiline: false, label: 'An attribute name' }),
    z.union([freeTextSchema({ maxLength: 10_000, label: 'An attribute value' }), z.number(), z.boolean(), z.null(), structuredAttributeValue]),
  ),
);
export type AttributeValues = z.infer<typeof attributeValuesSchema>;
/** Attribute values of single values only: what a form or a manifest column gives. */
export type ScalarAttributeValues = Record<string, Record<string, ScalarAttributeValue>>;

export const ATTRIBUTE_DATA_TYPES = ['number', 'string', 'note', 'date', 'colour'] as const;

const imageryTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  geometryType: z.string(),
  imageTypes: z.array(z.object({ name: z.string() })),
  attributeDefinitions: z.array(
    z.object({
      name: z.string(),
      attributeTypes: z.array(
        z.object({
          name: z.string(),
          dataType: z.string(),
          // Not documented by Imago; used when a server sends them (common/forms/attribute-rules.ts).
          required: z.boolean().nullish(),
          minimum: z.number().nullish(),
          maximum: z.number().nullish(),
          values: z.array(z.string()).nullish(),
        }),
      ),
    }),
  ),
});
export type CatalogueImageryType = z.infer<typeof imageryTypeSchema>;

/** The user context: what the signed-in account can see, cached by the renderer for offline use. */
export const photoCatalogueSchema = z.object({
  fetchedAt: z.string(),
  workspaces: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      readonly: z.boolean(),
      folder: z.string().nullable(),
      datasets: z.array(z.object({ id: z.string(), name: z.string(), lengthUnits: z.string(), imageryTypes: z.array(imageryTypeSchema) })),
    }),
  ),
});
export type PhotoCatalogue = z.infer<typeof photoCatalogueSchema>;
export type CatalogueWorkspace = PhotoCatalogue['workspaces'][number];
export type CatalogueDataset = CatalogueWorkspace['datasets'][number];

const datasetRef = z.object({ workspaceName: name, datasetName: name }).strict();
/** Names of things Imago already has, for reads only (see existingNameSchema): sent exactly as Imago gave them. */
const existing = existingNameSchema();
const existingDatasetRef = z.object({ workspaceName: existing, datasetName: existing }).strict();

export const remoteImageSchema = z.object({
  id: z.string(),
  imageTypeName: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  mimeType: z.string().nullable(),
});

export const remoteIntervalSchema = z.object({
  id: z.string(),
  imageryTypeName: z.string(),
  from: z.number().nullable(),
  to: z.number().nullable(),
  attributes: attributeValuesSchema,
  images: z.array(remoteImageSchema),
  /** Imago's `updatedAt` (a guessed field name): shown beside a conflict; attributes decide it. */
  updatedAt: z.string().nullish(),
});
export type RemoteInterval = z.infer<typeof remoteIntervalSchema>;

/**
 * Why a list Imago handed out is not the whole of it (a server that ignores the paging offset, a
 * page cap, a total it never reached), in words for the screen; null when it is whole. The window
 * then says things may be missing, and takes nothing's absence from the list as gone from Imago.
 */
const listIncompleteSchema = z.string().max(1_000).nullable();

export const holeListSchema = z.object({ holes: z.array(z.object({ id: z.string(), name: z.string() })), incomplete: listIncompleteSchema });
export type HoleList = z.infer<typeof holeListSchema>;

export const holeIntervalListSchema = z.object({ intervals: z.array(remoteIntervalSchema), incomplete: listIncompleteSchema });
export type HoleIntervalList = z.infer<typeof holeIntervalListSchema>;

/** Where a photo or an interval goes in Imago. */
export const intervalTargetSchema = datasetRef
  .extend({ collectionName: holeName, imageryTypeName: name, from: fromDepthField.schema, to: toDepthField.schema })
  .strict()
  .superRefine((t, ctx) => {
    const problem = depthRangeProblem(t.from, t.to);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['to'] });
  });
export type IntervalTarget = z.infer<typeof intervalTargetSchema>;

/**
 * Imago's version of an interval that a local edit started from (as last read from or written to
 * Imago). Main compares it with what Imago holds just before writing: when Imago's attributes
 * changed since (and are not already what is being sent), the write is refused as `conflict` and
 * nothing is overwritten. Null: the interval was never seen in Imago.
 */
export const intervalBaseSchema = z.object({ attributes: attributeValuesSchema, updatedAt: z.string().nullish() }).strict();
export type IntervalBase = z.infer<typeof intervalBaseSchema>;

/** What an interval write answers: Imago's id, and the interval as Imago now holds it (the next base). */
export const savedIntervalSchema = z.object({ imageryId: z.string(), updatedAt: z.string().nullish(), attributes: attributeValuesSchema.nullish() });
export type SavedIntervalReply = z.infer<typeof savedIntervalSchema>;

export const intakeOutcomeSchema = z.discriminatedUnion('accepted', [
  z.object({
    accepted: z.literal(true),
    sha256: z.string(),
    mimeType: z.enum(['image/jpeg', 'image/png']),
    width: z.number(),
    height: z.number(),
    bytes: z.number(),
    /** Why the stored file differs from the original (converted, turned upright), or null. */
    converted: z.string().nullable(),
    /** JPEG, ~15 KB, upright. */
    thumbnailBase64: z.string(),
  }),
  z.object({ accepted: z.literal(false), reason: z.string() }),
]);
export type IntakeOutcome = z.infer<typeof intakeOutcomeSchema>;

/** `{hole}_{from}_{to}_{imageType}`: which parts of a file name say what (the form's rule, common/forms). */
export { filenamePatternSchema };

export const filenameFieldsSchema = z.object({
  hole: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  imageType: z.string().optional(),
});
export type FilenameFields = z.infer<typeof filenameFieldsSchema>;

export const watchedFileSchema = z.object({ ref: z.string(), name: z.string(), bytes: z.number(), foundAt: z.string() });
export type WatchedFile = z.infer<typeof watchedFileSchema>;

export const watchFolderStatusSchema = z.object({
  folder: z.string().nullable(),
  pattern: z.string(),
  watching: z.boolean(),
  /** Files found and not yet taken in or discarded. */
  pending: z.array(watchedFileSchema),
  error: z.string().nullable(),
});
export type WatchFolderStatus = z.infer<typeof watchFolderStatusSchema>;

export const uploadReceiptSchema = z.object({
  imageId: z.string(),
  imageryId: z.string(),
  /** True when Imago already had this exact photo (a lost response earlier): nothing was sent. */
  alreadyThere: z.boolean(),
  /** The interval's attributes as Imago holds them after the upload wrote them (the next base). */
  attributes: attributeValuesSchema.nullish(),
  updatedAt: z.string().nullish(),
});
export type UploadReceipt = z.infer<typeof uploadReceiptSchema>;

/**
 * What the hole report's Save as PDF asks for: the file name offered in the save dialog (one
 * line, no folder part: the dialog decides where), and the paper.
 */
export const holeReportPdfSchema = z
  .object({
    fileName: freeTextSchema({ maxLength: 200, multiline: false, label: 'The file name' })
      .pipe(z.string().trim().min(1))
      .refine((value) => !/[\\/:*?"<>|]/.test(value) && !/^\.+$/.test(value), 'A file name cannot contain \\ / : * ? " < > | or be only dots.'),
    pageSize: z.enum(['A4', 'Letter']).default('A4'),
    landscape: z.boolean().default(false),
  })
  .strict();
export type HoleReportPdfRequest = z.input<typeof holeReportPdfSchema>;

export const photoMethods = {
  /** Workspaces, datasets, imagery types and attribute definitions of the signed-in account. */
  loadPhotoCatalogue: { input: z.undefined(), output: photoCatalogueSchema },
  listHoles: { input: existingDatasetRef, output: holeListSchema },
  /** Intervals of a hole in Imago, with their attributes and images. */
  listHoleIntervals: {
    input: existingDatasetRef.extend({ collectionName: existing, imageryTypeName: existing.optional() }).strict(),
    output: holeIntervalListSchema,
  },
  /**
   * Checks, converts and stores a handed-over file; the reference is released either way, except a
   * watch-folder find's, which stays offered until discardStagedFiles says its draft is written.
   */
  intakePhoto: { input: z.object({ ref: uuidish }).strict(), output: intakeOutcomeSchema },
  /** Forgets handed-over files: discarded, or (watch-folder finds) taken in and written by the renderer. */
  discardStagedFiles: { input: z.object({ refs: z.array(uuidish).max(10_000) }).strict(), output: z.object({ released: z.number() }) },
  /** Creates the hole (collection) in Imago, or answers the existing one. */
  createHole: { input: datasetRef.extend({ collectionName: newHoleNameSchema }).strict(), output: z.object({ id: z.string() }) },
  /** Creates the hole if missing and writes the interval with its attributes. */
  /** Checked against the attribute definitions' rules and against `base` (see intervalBaseSchema). */
  saveInterval: {
    input: z.object({ target: intervalTargetSchema, attributes: attributeValuesSchema, base: intervalBaseSchema.nullish() }).strict(),
    output: savedIntervalSchema,
  },
  /**
   * Uploads a stored photo (hole and interval created first, attributes written). Asking again
   * with the same `jobId` while it runs joins the running upload; asking again later first checks
   * whether Imago already has the photo, so a lost response never uploads twice.
   */
  uploadPhoto: {
    input: z
      .object({
        jobId: uuidish,
        sha256,
        target: intervalTargetSchema,
        imageTypeName: name,
        attributes: attributeValuesSchema,
        /** Imago's version the interval's attributes started from (see intervalBaseSchema). */
        base: intervalBaseSchema.nullish(),
        /** True when an earlier attempt may have reached Imago: check before sending again. */
        resend: z.boolean(),
      })
      .strict(),
    output: uploadReceiptSchema,
  },
  /** Stops a running upload (pause); it answers `cancelled`. */
  cancelPhotoUpload: { input: z.object({ jobId: uuidish }).strict(), output: z.object({ cancelled: z.boolean() }) },
  /** A photo of Imago, scaled to `width`, from main's disk cache when it has it (works offline). */
  fetchImagoImage: {
    input: existingDatasetRef
      .extend({ collectionName: existing, imageryTypeName: existing, imageTypeName: existing, imageryId: uuidish, imageId: uuidish, width: z.number().int().min(16).max(2048) })
      .strict(),
    output: z.object({ dataUrl: z.string(), fromCache: z.boolean() }),
  },
  /** A queued photo from the local store, scaled for the viewer. */
  previewStoredPhoto: { input: z.object({ sha256, width: z.number().int().min(16).max(2048) }).strict(), output: z.object({ dataUrl: z.string() }) },
  /** The Imago portal link for a hole and depth (always on the configured portal). */
  imagoPortalLink: {
    input: z
      .object({ workspace: name, dataset: name, collection: name, imageryType: name.optional(), imageType: name.optional(), depth: depth.optional() })
      .strict(),
    output: z.object({ url: z.string() }),
  },
  /**
   * Desktop app: prints the page as it stands (the hole report, laid out by its print CSS) to a PDF
   * and saves it where the user chooses. Browser mode answers `unavailable`: there the page prints
   * itself (`window.print()`, Save as PDF) to the same layout.
   */
  saveHoleReportPdf: { input: holeReportPdfSchema, output: z.object({ path: z.string(), bytes: z.number() }) },
  getWatchFolder: { input: z.undefined(), output: watchFolderStatusSchema },
  /** Starts watching a folder (null stops). The folder must be a readable directory. */
  setWatchFolder: {
    input: z.object({ folder: z.string().trim().max(4096).nullable(), pattern: filenamePatternSchema }).strict(),
    output: watchFolderStatusSchema,
  },
} as const;

export const photoEvents = {
  /** Bytes sent of a running upload. */
  photoUploadProgress: z.object({ jobId: z.string(), sentBytes: z.number(), totalBytes: z.number() }),
  /** A finished file appeared in the watch folder (waiting for review). */
  watchFolderFile: watchedFileSchema,
  watchFolderChanged: watchFolderStatusSchema,
} as const;
