/**
 * The guesses the client makes about Imago's integrate/2 API where the reference is unsure,
 * each switchable. Defaults match the Imago emulator's defaults (emulators/imago/BEHAVIOUR.md).
 */
export interface ImagoApiOptions {
  /** How long a token lives after sign-in (documented: 24 h). */
  tokenLifetimeMs: number;
  /** `bearer` = `Authorization: Bearer …` (documented); `imago-api-token` = the [OLD] header. */
  tokenHeader: 'bearer' | 'imago-api-token';
  /** Key wrapping the array in `POST /imagery` bodies and `GET /imagery` replies ([OLD] `imageries`). */
  imageryKey: string;
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
  matchParam: 'match',
  toleranceParam: 'tol',
  imageryNameParam: 'name',
  deletedParam: 'deleted',
  updatedSinceParam: 'updatedSince',
  uploadedSinceParam: 'uploadedSince',
  collectionPageSize: 50,
  portalBaseUrl: 'https://imago.seequent.com/api/display',
});
