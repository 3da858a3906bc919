/**
 * Every guess the Imago emulator takes about the real service, as a switchable option. The
 * defaults are the readings documented in emulators/imago/BEHAVIOUR.md; tests and the admin
 * endpoint (`PATCH /__admin/imago/options`) flip them to check the client copes with the others.
 */
import type { EmulatorClock } from '../kit/clock';

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
  /** Error body shape: `{ message }` or `{ error }`; the docs show no error body. */
  errorBodyShape: 'message' | 'error';
  /** Key wrapping the array in `POST /imagery` bodies and `GET /imagery` replies ([OLD] `imageries`). */
  imageryKey: string;
  /** Whether query parameter names are matched case-insensitively (so [OLD] `datasetid` works). */
  caseInsensitiveParams: boolean;
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
}

export interface ImagoEmulatorOptions extends Partial<ImagoBehaviour> {
  /** Persist state under `dataDir/imago/` (state.json + images/); null or absent = in memory. */
  dataDir?: string | null;
  clock?: EmulatorClock;
  /** Seed the demo site on first start (default true). */
  seed?: boolean;
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
  caseInsensitiveParams: true,
  acceptOldTokenHeader: true,
  collectionDefaultLimit: 50,
  imageryLimitCap: 5000,
  imageMetadataLimitCap: 1000,
  signedUrlLifetimeSeconds: 3600,
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
const BOOLEAN_KEYS = ['uploadCreatesImagery', 'acceptTiff', 'caseInsensitiveParams', 'acceptOldTokenHeader'] as const;
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
    } else if (key === 'errorBodyShape') {
      if (value !== 'message' && value !== 'error') throw new RangeError('errorBodyShape must be "message" or "error"');
      next.errorBodyShape = value;
    } else if (key === 'imageryKey') {
      if (typeof value !== 'string' || !value) throw new RangeError('imageryKey must be a non-empty string');
      next.imageryKey = value;
    } else {
      throw new RangeError(`unknown Imago emulator option "${key}"`);
    }
  }
  return next;
}

/** Picks the behaviour keys out of the constructor options (dataDir, clock and seed are not behaviour). */
export function behaviourFromOptions(options: ImagoEmulatorOptions): ImagoBehaviour {
  const { dataDir: _d, clock: _c, seed: _s, ...rest } = options;
  return applyBehaviourUpdate(defaultBehaviour(), rest as Record<string, unknown>);
}
