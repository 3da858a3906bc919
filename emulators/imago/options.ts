/**
 * Every guess the Imago emulator takes about the real service, as a switchable option. The
 * defaults are the readings documented in emulators/imago/BEHAVIOUR.md; tests and the admin
 * endpoint (`PATCH /__admin/imago/options`) flip them to check the client copes with the others.
 */
import type { EmulatorClock } from '../kit/clock';
import type { EmptyListStyle, ListWrapper, PageMetaStyle, UploadReplyShape } from './reply-dialects';

export interface ImagoBehaviour {
  /** Session lifetime, fixed from issue (not sliding). */
  tokenLifetimeSeconds: number;
  /** Status for writes to a `readonly: true` workspace (the docs document none). */
  readonlyStatus: number;
  /** Status when a name resolves to several collections or imageries. */
  ambiguityStatus: number;
  /** Status when a write names a workspace, dataset, collection, imagery type or image type that does not exist. */
  unknownNameStatus: number;
  /** Whether `POST /image` creates the imagery interval when none matches (the [OLD] hint). */
  uploadCreatesImagery: boolean;
  /** Whether `image/tiff` uploads are accepted (the limits mention TIFF, the mime list does not). */
  acceptTiff: boolean;
  /** Largest side in pixels for PNG, TIFF and baseline JPEG. */
  maxSidePixels: number;
  /** Largest width × height for progressive JPEG. */
  maxProgressivePixels: number;
  /** Largest upload body in bytes; null = no limit (the docs state none). */
  maxUploadBytes: number | null;
  /** Error body shape: `{ message }`, `{ error }` or the 2021 C# client's `{ errors: [{ name, message }] }`; the docs show none. */
  errorBodyShape: ErrorBodyShape;
  /** Key wrapping the array in keyed `POST /imagery` bodies and `GET /imagery` replies ([OLD] `imageries`). */
  imageryKey: string;
  /** `POST /imagery` body accepted and reply sent, and `GET /imagery` reply: keyed by `imageryKey`, a bare array, or either (reply mirrors the request; GET keyed). */
  imageryBody: ImageryBodyStyle;
  /** Whether query parameter names are matched case-insensitively (so [OLD] `datasetid` works); false = exact documented camelCase only. */
  caseInsensitiveParams: boolean;
  /** Upload bodies taken: multipart/form-data only (every public client), raw bytes only, or either. */
  uploadEncoding: UploadEncoding;
  /** Name of the multipart part holding the image (C# client `file`; an older curl sample `filedata`). */
  uploadPartName: string;
  /** The upload's mime-type query parameter: required as `mimeType`, required as `mimetype` ([OLD]), or optional (either spelling). */
  mimeParam: MimeParamRule;
  /** Optional reply fields: as the reference's examples show them, always left out, or always sent (`null` / empty list as `null`). */
  nullStyle: NullStyle;
  /** Whether `POST /image` honours `imageryId` (documented for downloads only; off = ignored, the depths or name must pick the imagery). */
  uploadAcceptsImageryId: boolean;
  /** Whether the [OLD] `imago-api-token` header is accepted besides `Authorization: Bearer`. */
  acceptOldTokenHeader: boolean;
  /** Default page size of `GET /collection` (the only example shows 50). */
  collectionDefaultLimit: number;
  /** Default and maximum page size of `GET /imagery`. */
  imageryLimitCap: number;
  /** Default and maximum page size of `GET /image-metadata`. */
  imageMetadataLimitCap: number;
  /** How long the signed `url`s in list replies stay valid. */
  signedUrlLifetimeSeconds: number;
  /**
   * Rule fields on attribute types in `/context` (no page shows any): `none` = `{id, name, dataType}`
   * only, as documented; `inline` adds `required`, `minimum`/`maximum` and `values` to the seeded
   * types that have a natural rule, and `POST /imagery` refuses values that break them (422);
   * `advisory` shows the same rules but stores what it is sent (rules for clients' forms only).
   */
  attributeRules: AttributeRulesStyle;
  /**
   * What `checksum` holds in `/image-metadata` (the reference names the field, not its algorithm):
   * `sha256` hex (default), `sha256-prefixed` (`sha256:<hex>`), `md5` hex, or `absent` (no field).
   */
  checksumStyle: ChecksumStyle;
  /**
   * The wrapper of `/dataset`, `/collection` and `/image-metadata` lists: `documented` (a bare
   * array for `/dataset`, `{collections}`, `{images}`), or every one as a `bare-array`, `{items}`
   * or `{data}`.
   */
  listWrapper: ListWrapper;
  /** An empty wrapped list (also `/imagery`'s): `[]`, `null`, or the key left out (`{}`). */
  emptyListStyle: EmptyListStyle;
  /** Paging facts of `/collection` and `/image-metadata`: `{limit, offset}` (documented) or `{total, next}` (a link). */
  pageMetaStyle: PageMetaStyle;
  /** The `POST /image` reply: `{imageId, imageryId}` (documented) or one of the thinner or wrapped forms. */
  uploadReplyShape: UploadReplyShape;
  /** `readonly` in `/context`: a boolean (documented), or `null` for a read-only workspace (`null-when-readonly`). */
  readonlyField: ReadonlyField;
  /** A written attribute group: merged into what the interval holds (default), or its whole set `replace`d. */
  attributeGroupWrite: AttributeGroupWrite;
  /** Whether attribute values may be objects or lists (held as sent; none of the documented data types). */
  structuredAttributeValues: boolean;
  /**
   * The `POST /session` reply: `{uid, apiToken}` (documented), the token as `token`, the reply
   * wrapped in `{data}`, no `uid`, or the documented pair plus the token's end (`expiresIn` seconds
   * and `expiresAt` on the emulator clock).
   */
  sessionReplyShape: SessionReplyShape;
  /**
   * Which `/image-metadata` filters are honoured (their names are guesses): `all`, `names-only`
   * (the `…Id` filters are ignored), or `none` (every name and id filter ignored; `deleted` and the
   * day filters still apply).
   */
  imageMetadataFilters: ImageMetadataFilters;
  /** Single attribute values written: `coerce`d to the attribute's data type (default), or held `as-sent` (`"85"` stays text for a number attribute). */
  attributeValueTyping: AttributeValueTyping;
  /** `Content-Type` of `GET /image` replies: the `stored` mime type (default), or one that lies: `text-plain`, `json`. */
  downloadContentType: DownloadContentType;
  /**
   * `offset` of `/collection`, `/imagery` and `/image-metadata`: `honoured` (default), or `ignored` (every page is
   * the first, as a server that does not page; with `pageMetaStyle: limit-offset` it gives no total).
   */
  pagingOffset: PagingOffset;
  /** Every authenticated call refused with 429 (without or with `Retry-After: 1`) or 503, as a rate limiter or an overloaded server does; `off` by default. */
  slowDown: SlowDown;
}

export type SlowDown = 'off' | '429' | '429-retry-after' | '503';

export type PagingOffset = 'honoured' | 'ignored';

export type DownloadContentType = 'stored' | 'text-plain' | 'json';

export type AttributeValueTyping = 'coerce' | 'as-sent';

export type ImageMetadataFilters = 'all' | 'names-only' | 'none';

export type SessionReplyShape = 'documented' | 'token-key' | 'data-wrapped' | 'no-uid' | 'states-expiry';

export type ReadonlyField = 'boolean' | 'null-when-readonly';
export type AttributeGroupWrite = 'merge' | 'replace';

export type ErrorBodyShape = 'message' | 'error' | 'errors';
export type ImageryBodyStyle = 'keyed' | 'bare-array' | 'either';
export type UploadEncoding = 'multipart-only' | 'raw-only' | 'either';
export type MimeParamRule = 'required-mimeType' | 'required-mimetype' | 'optional';
export type NullStyle = 'documented' | 'omit' | 'explicit-null';
export type AttributeRulesStyle = 'none' | 'inline' | 'advisory';
export type ChecksumStyle = 'sha256' | 'sha256-prefixed' | 'md5' | 'absent';

/** The switches whose values are one of a few words, with those words. */
const ENUM_VALUES = {
  errorBodyShape: ['message', 'error', 'errors'],
  imageryBody: ['keyed', 'bare-array', 'either'],
  uploadEncoding: ['multipart-only', 'raw-only', 'either'],
  mimeParam: ['required-mimeType', 'required-mimetype', 'optional'],
  nullStyle: ['documented', 'omit', 'explicit-null'],
  attributeRules: ['none', 'inline', 'advisory'],
  checksumStyle: ['sha256', 'sha256-prefixed', 'md5', 'absent'],
  listWrapper: ['documented', 'bare-array', 'items', 'data'],
  emptyListStyle: ['empty-array', 'null', 'omitted'],
  pageMetaStyle: ['limit-offset', 'total-next'],
  uploadReplyShape: ['documented', 'image-id-only', 'id-and-imagery-id', 'data-wrapped', 'bare-array', 'no-content', 'empty-200'],
  readonlyField: ['boolean', 'null-when-readonly'],
  attributeGroupWrite: ['merge', 'replace'],
  sessionReplyShape: ['documented', 'token-key', 'data-wrapped', 'no-uid', 'states-expiry'],
  imageMetadataFilters: ['all', 'names-only', 'none'],
  attributeValueTyping: ['coerce', 'as-sent'],
  downloadContentType: ['stored', 'text-plain', 'json'],
  slowDown: ['off', '429', '429-retry-after', '503'],
  pagingOffset: ['honoured', 'ignored'],
} as const satisfies Partial<Record<keyof ImagoBehaviour, readonly string[]>>;

export interface ImagoEmulatorOptions extends Partial<ImagoBehaviour> {
  /** Persist state under `dataDir/imago/` (state.json + images/); null or absent = in memory. */
  dataDir?: string | null;
  clock?: EmulatorClock;
  /** Seed the demo site on first start (default true). */
  seed?: boolean;
  /** `/__admin` endpoints and fault injection (default on; off for the app's sample systems). */
  adminEndpoints?: boolean;
}

export const defaultBehaviour = (): ImagoBehaviour => ({
  tokenLifetimeSeconds: 86_400,
  readonlyStatus: 403,
  ambiguityStatus: 422,
  unknownNameStatus: 422,
  uploadCreatesImagery: true,
  acceptTiff: false,
  maxSidePixels: 65_500,
  maxProgressivePixels: 500_000_000,
  maxUploadBytes: null,
  errorBodyShape: 'message',
  imageryKey: 'imageries',
  imageryBody: 'keyed',
  caseInsensitiveParams: true,
  uploadEncoding: 'either',
  uploadPartName: 'file',
  mimeParam: 'optional',
  nullStyle: 'documented',
  uploadAcceptsImageryId: false,
  acceptOldTokenHeader: true,
  collectionDefaultLimit: 50,
  imageryLimitCap: 5000,
  imageMetadataLimitCap: 1000,
  signedUrlLifetimeSeconds: 3600,
  attributeRules: 'none',
  checksumStyle: 'sha256',
  listWrapper: 'documented',
  emptyListStyle: 'empty-array',
  pageMetaStyle: 'limit-offset',
  uploadReplyShape: 'documented',
  readonlyField: 'boolean',
  attributeGroupWrite: 'merge',
  structuredAttributeValues: false,
  sessionReplyShape: 'documented',
  imageMetadataFilters: 'all',
  attributeValueTyping: 'coerce',
  downloadContentType: 'stored',
  slowDown: 'off',
  pagingOffset: 'honoured',
});

const NUMBER_KEYS = [
  'tokenLifetimeSeconds',
  'readonlyStatus',
  'ambiguityStatus',
  'unknownNameStatus',
  'maxSidePixels',
  'maxProgressivePixels',
  'collectionDefaultLimit',
  'imageryLimitCap',
  'imageMetadataLimitCap',
  'signedUrlLifetimeSeconds',
] as const;
const BOOLEAN_KEYS = ['uploadCreatesImagery', 'acceptTiff', 'caseInsensitiveParams', 'acceptOldTokenHeader', 'uploadAcceptsImageryId', 'structuredAttributeValues'] as const;
const STATUS_KEYS: ReadonlySet<string> = new Set(['readonlyStatus', 'ambiguityStatus', 'unknownNameStatus']);

/** Merges a partial update (from code or the admin endpoint), refusing unknown keys and bad values. */
export function applyBehaviourUpdate(current: ImagoBehaviour, update: Record<string, unknown>): ImagoBehaviour {
  const next: ImagoBehaviour = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`${key} must be a positive number`);
      if (STATUS_KEYS.has(key) && !(Number.isInteger(value) && value >= 400 && value <= 599)) throw new RangeError(`${key} must be an HTTP error status`);
      (next as unknown as Record<string, number>)[key] = value;
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new RangeError(`${key} must be true or false`);
      (next as unknown as Record<string, boolean>)[key] = value;
    } else if (key === 'maxUploadBytes') {
      if (value !== null && (typeof value !== 'number' || !(value > 0))) throw new RangeError('maxUploadBytes must be a positive number or null');
      next.maxUploadBytes = value;
    } else if (key in ENUM_VALUES) {
      const allowed: readonly string[] = ENUM_VALUES[key as keyof typeof ENUM_VALUES];
      if (typeof value !== 'string' || !allowed.includes(value)) throw new RangeError(`${key} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}`);
      (next as unknown as Record<string, string>)[key] = value;
    } else if (key === 'imageryKey' || key === 'uploadPartName') {
      if (typeof value !== 'string' || !value) throw new RangeError(`${key} must be a non-empty string`);
      next[key] = value;
    } else {
      throw new RangeError(`unknown Imago emulator option "${key}"`);
    }
  }
  return next;
}

/** Picks the behaviour keys out of the constructor options (dataDir, clock, seed and adminEndpoints are not behaviour). */
export function behaviourFromOptions(options: ImagoEmulatorOptions): ImagoBehaviour {
  const { dataDir: _d, clock: _c, seed: _s, adminEndpoints: _a, ...rest } = options;
  return applyBehaviourUpdate(defaultBehaviour(), rest as Record<string, unknown>);
}
