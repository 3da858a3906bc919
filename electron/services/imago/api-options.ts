/**
 * The guesses the client makes about Imago's integrate/2 API where the reference is unsure,
 * each switchable. Defaults match the Imago emulator's defaults (emulators/imago/BEHAVIOUR.md).
 */
export interface ImagoApiOptions {
  /** How long a token lives after sign-in (documented: 24 h). */
  tokenLifetimeMs: number;
  /** `bearer` = `Authorization: Bearer …` (documented); `imago-api-token` = the [OLD] header. */
  tokenHeader: 'bearer' | 'imago-api-token';
  /**
   * Key wrapping the array when `POST /imagery` is sent keyed ([OLD] and [1.3.1] example: `imageries`).
   * Whether the server wants it keyed or as a bare array is detected, not configured; replies are
   * read in either form (bare array, or an object with one array-valued key).
   */
  imageryKey: string;
  /**
   * Query parameter carrying the upload's mime type. The seed page lists "Image's mime type"
   * among the upload parameters without its name; `mimeType` follows the page's camelCase, the
   * [OLD] clients sent `mimetype`. null = do not send it.
   */
  mimeTypeParam: string | null;
  /** Upload body: `multipart` (every public client and sample) or `raw` bytes with a Content-Type. */
  uploadEncoding: 'multipart' | 'raw';
  /** Name of the multipart part holding the image (C# client `file`; an older curl sample `filedata`). */
  uploadPartName: string;
  /** Whether uploads also send `imageryId` (documented for downloads only; uploads bind by depths/name). */
  uploadSendsImageryId: boolean;
  /** Depth tolerance sent with an upload's depths (via `toleranceParam`), or null to send none (not documented for uploads). */
  uploadTolerance: number | null;
  /** Name of the match-mode query parameter ([OLD] `match`). */
  matchParam: string;
  /** Name of the depth tolerance parameter ([OLD] `tol`). */
  toleranceParam: string;
  /** Name of the imagery-name parameter on `/image` (page text `name`; earlier reading `imageryName`). */
  imageryNameParam: string;
  /** Name of the "only deleted images" flag on `/image-metadata`. */
  deletedParam: string;
  /** Name of the "updated within N days" parameter ([OLD] `updatedsince`). */
  updatedSinceParam: string;
  /** Name of the "uploaded within N days" parameter (not shown in the docs). */
  uploadedSinceParam: string;
  /** Page size `listAllCollections` asks for. */
  collectionPageSize: number;
  /** Base of the portal deep links. */
  portalBaseUrl: string;
}

export const defaultImagoApiOptions = (): ImagoApiOptions => ({
  tokenLifetimeMs: 24 * 60 * 60 * 1000,
  tokenHeader: 'bearer',
  imageryKey: 'imageries',
  mimeTypeParam: 'mimeType',
  uploadEncoding: 'multipart',
  uploadPartName: 'file',
  uploadSendsImageryId: false,
  uploadTolerance: null,
  matchParam: 'match',
  toleranceParam: 'tol',
  imageryNameParam: 'name',
  deletedParam: 'deleted',
  updatedSinceParam: 'updatedSince',
  uploadedSinceParam: 'uploadedSince',
  collectionPageSize: 50,
  portalBaseUrl: 'https://imago.seequent.com/api/display',
});
