/**
 * Corelog's client for Seequent Imago's integrate/2 API (main process, plain Node).
 *
 * Keeps the service-account session alive by itself: it renews the token shortly before its
 * 24 h end, and when Imago answers 401 anyway (revoked, server restarted, clock skew) it signs
 * in again once with the stored credentials and repeats the request once. Every reply is
 * validated; every failure is a typed `CorelogError`.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseContentDisposition } from 'content-disposition';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { CorelogError, meansUnreachable } from '../../../common/errors';
import { DEFAULT_HTTP_LIMITS, ERROR_BODY_BYTES, errorFromResponse, sendHttpRequest, serverReason, type HttpRequestOptions, type HttpResponse } from '../http/http-request';
import { defaultImagoApiOptions, type ImagoApiOptions } from './api-options';
import { portalDeepLink, type PortalTarget } from './deep-link';
import { sameImagoId } from './imago-ids';
import { ImagoSession, type ImagoSessionInfo } from './imago-session';
import { multipartFraming } from './multipart-upload';
import { readAllPages, type AllPages, type Page, type PageRequest } from './paging';
import {
  collectionParams,
  datasetParams,
  downloadParams,
  imageMetadataParams,
  imageryParams,
  queryString,
  uploadParams,
  type CollectionQuery,
  type DatasetQuery,
  type ImageMetadataQuery,
  type ImageryQuery,
  type ImageryWrite,
  type ImageTarget,
  type NewCollection,
} from './queries';
import { readSessionReply, sessionLifetimeMs, type SessionReply } from './session-reply';
import { sniffReply } from './sniffed-reply';
import { WholeImageCheck } from './whole-image';
import { saysAlreadyExists, saysBodyForm, saysNotPermitted, saysSessionEnded } from './refusal-reasons';
import {
  collection,
  collectionList,
  contextReply,
  dataset,
  datasetList,
  findImageryArray,
  imageMetadataList,
  imageryItems,
  parseReply,
  sessionCheckReply,
  uploadReply,
  type ImageryBodyForm,
  type ImageMetadataPage,
  type ImageryInterval,
  type ImagoCollection,
  type ImagoCollectionPage,
  type ImagoContext,
  type ImagoDataset,
  type UploadReply,
} from './schemas';
import type { RequestOutcome, SystemClientOptions } from '../http/system-client-options';

export type { ImagoApiOptions } from './api-options';
export type { PortalTarget } from './deep-link';
export type { ImagoSessionInfo } from './imago-session';
export type * from './queries';
export type * from './schemas';

export interface ImagoCredentials {
  username: string;
  password: string;
}

/** `timeoutMs` defaults to 30 s; `baseUrl` e.g. `https://imago.api.seequent.com/integrate/2`. */
export interface ImagoClientOptions extends SystemClientOptions<ImagoSessionInfo> {
  /** The stored service-account login, used to renew the session. Never logged. */
  credentials: () => Promise<ImagoCredentials | null>;
  /** Renew when the token ends within this long (default 10 min). */
  renewBeforeMs?: number;
  api?: Partial<ImagoApiOptions>;
}

export interface DownloadOptions {
  /** Scale to this width (height follows the aspect ratio unless also given). */
  width?: number;
  height?: number;
  /** Pick one image by id (e.g. an older, replaced one). */
  imageId?: string;
  signal?: AbortSignal;
}

export interface DownloadedImage {
  contentType: string;
  fileName: string | null;
}

/** What an upload reply names; either may be missing (see `uploadedIds`). */
export interface UploadedIds {
  imageId: string | undefined;
  imageryId: string | undefined;
}

export interface UploadOptions {
  /** Default: from the file extension (.jpg/.jpeg, .png, .tif/.tiff). */
  contentType?: string;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /** A bandwidth cap: awaited before each piece of the file is sent (see `sendHttpRequest`'s `file.pace`). */
  pace?: (bytes: number) => Promise<void>;
}

interface RequestSpec {
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  json?: unknown;
  file?: HttpRequestOptions['file'];
  /** Completes "Imago refused to …" in error messages. */
  action: string;
  signal?: AbortSignal | undefined;
  /** Error statuses handed back to the caller instead of thrown (after the 401 handling). */
  passStatuses?: readonly number[];
  /** A larger reply cap for calls whose documented page is big (the client's default otherwise). */
  maxReplyBytes?: number;
  /** May follow one redirect to another origin (a signed storage address), without the token. */
  crossOriginRedirect?: boolean;
}

/**
 * `GET /imagery` pages hold up to 5,000 intervals (the documented default and maximum); with
 * attributes and features that is ~7 MB, too close to the default 8 MiB cap for one reply.
 */
const IMAGERY_PAGE_MAX_BYTES = 32 * 1024 * 1024;
/** `GET /imagery`'s documented default page: a reply of this many intervals without `meta` may have more. */
const IMAGERY_DEFAULT_PAGE = 5000;

const CONTENT_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff' };
const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif' };
/** Statuses with which a server may refuse a `POST /imagery` body of the form it does not take. */
const BODY_FORM_REFUSALS: readonly number[] = [400, 422];

export class ImagoClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;
  private readonly api: ImagoApiOptions;
  private readonly state: ImagoSession;
  /** One sign-in at a time: concurrent requests that all need a fresh token share it. */
  private renewing: Promise<void> | null = null;
  /**
   * The login Imago last refused (a digest, not the password). Automatic renewals do not send it
   * again: with hundreds of photos queued, each would try it once more, and an account that locks
   * after a few failures would lock. A sign-in the user asks for always goes.
   */
  private refusedLogin: string | null = null;
  /**
   * How this server takes `POST /imagery` bodies: keyed (`{imageries: [...]}`) or a bare array.
   * Starts keyed; a reply's shape hints at it until a write succeeds, which settles it.
   */
  private imageryBody: { form: ImageryBodyForm; settled: boolean } = { form: 'keyed', settled: false };

  constructor(private readonly options: ImagoClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.renewBeforeMs = options.renewBeforeMs ?? 10 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.api = { ...defaultImagoApiOptions(), ...options.api };
    this.state = new ImagoSession(this.now, (info) => options.onSessionChange?.(info));
  }

  // ---- session ---------------------------------------------------------------------------

  /** Signs in with a service account; the token is valid for 24 h from now. */
  async signIn(username: string, password: string): Promise<{ uid: string | null; expiresAt: string }> {
    const signedInAt = this.now();
    let response: HttpResponse;
    try {
      response = await this.send({ method: 'POST', path: '/session', json: { username, password }, action: 'sign in' }, null);
    } catch (error) {
      if (error instanceof CorelogError && error.kind === 'auth') this.refusedLogin = loginKey(username, password);
      throw error;
    }
    this.refusedLogin = null;
    if (response.status === 404) throw this.reported(await this.signInNotFound(response));
    let reply: SessionReply;
    try {
      reply = readSessionReply(await response.json(), response.headers.get('date'), this.now(), (detail) => this.problem('sign in', detail));
    } catch (error) {
      throw error instanceof CorelogError ? this.reported(error) : error;
    }
    // The documented 24 h, or less when the reply says the token ends sooner.
    const lifetimeMs = sessionLifetimeMs(reply, this.api.tokenLifetimeMs);
    const info = this.state.start(reply, username, lifetimeMs, signedInAt);
    return { uid: reply.uid, expiresAt: info.expiresAt! };
  }

  /** Ends the session on the server (when reachable) and always forgets the token locally. */
  async signOut(): Promise<void> {
    const token = this.state.apiToken;
    if (!token) return;
    try {
      const response = await this.send({ method: 'DELETE', path: '/session', action: 'sign out' }, token);
      await response.discard();
    } catch {
      // Offline or refused: the token is forgotten anyway and expires on its own.
    } finally {
      this.state.forget();
    }
  }

  session(): ImagoSessionInfo {
    return this.state.info();
  }

  /**
   * A 404 to `POST /session`. Documented as "internal error" [1.3.5], so one that says so is a
   * server fault; otherwise the far likelier reason is an address without the API path (or with a
   * wrong one), which only the user can fix.
   */
  private async signInNotFound(response: HttpResponse): Promise<CorelogError> {
    const { reason } = await this.readRefusal(response, 'sign in');
    if (reason && /internal/i.test(reason)) {
      return new CorelogError('server', `Imago had an internal problem signing in (HTTP 404: ${reason}). Corelog tries again shortly.`, { status: 404, system: 'imago', retryable: true });
    }
    return new CorelogError('not-found', `Imago's sign-in address was not found (HTTP 404 at ${this.baseUrl}/session): check the server address in Connections — it usually ends in /integrate/2.`, {
      status: 404,
      system: 'imago',
      retryable: false,
    });
  }

  /** Asks Imago whether the current token still works (no automatic re-sign-in). */
  async checkSession(): Promise<ImagoSessionInfo> {
    const token = this.state.apiToken;
    if (!token) return this.state.info();
    const response = await this.send({ method: 'GET', path: '/session', action: 'check the session' }, token);
    if (response.status === 401) {
      await response.discard();
      this.state.forgetIfCurrent(token);
      return this.state.info();
    }
    // Any 2xx says the token works; a uid, when both sides know one, must be ours.
    const value = await this.replyJson(response, true);
    const reply: { uid?: string | undefined } = value === undefined ? {} : await this.parse(response, sessionCheckReply, 'check the session', { value });
    const mine = this.state.info().uid;
    if (reply.uid !== undefined && mine !== null && !sameImagoId(reply.uid, mine)) throw this.reported(new CorelogError('malformed-response', 'Imago says this session belongs to another user.', { system: 'imago', retryable: false }));
    return this.state.info();
  }

  /** Resolves when Imago answers at all (even 401); rejects only when it cannot be reached. */
  async probe(): Promise<void> {
    const response = await this.send({ method: 'GET', path: '/session', action: 'answer' }, this.state.apiToken);
    // Read, not dropped: a reply that trickles or never ends means Imago is not usable.
    await response.drain();
  }

  // ---- catalogue -------------------------------------------------------------------------

  async context(): Promise<ImagoContext> {
    return this.fetchJson({ method: 'GET', path: '/context', action: 'list workspaces' }, contextReply);
  }

  async listDatasets(query: DatasetQuery = {}): Promise<ImagoDataset[]> {
    return this.fetchJson({ method: 'GET', path: '/dataset', query: datasetParams(query, this.api), action: 'list datasets' }, datasetList);
  }

  /**
   * Creates a dataset, or returns the existing one with that name. Whatever the create answers
   * ("already exists" included) the dataset is read from the reply when it is there, else looked up.
   */
  async createDataset(input: { workspaceId: string; name: string }): Promise<ImagoDataset> {
    const action = `create dataset "${input.name}"`;
    const reply = await this.createIdempotent({ method: 'POST', path: '/dataset', json: [input], action });
    const named = (value: unknown) => firstFitting(value, dataset, 'dataset', (d) => d.name === input.name);
    const found = named(reply) ?? (await this.listDatasets({ name: input.name, match: 'equals', workspaceId: input.workspaceId })).find((d) => d.name === input.name && sameImagoId(d.workspaceId, input.workspaceId));
    if (found) return found;
    throw this.reported(new CorelogError('malformed-response', `Imago accepted the new dataset "${input.name}" but does not list it.`, { system: 'imago' }));
  }

  async listCollections(query: CollectionQuery = {}): Promise<ImagoCollectionPage> {
    return this.fetchJson({ method: 'GET', path: '/collection', query: collectionParams(query, this.api), action: 'list collections' }, collectionList);
  }

  /** Every matching collection, following the pages; a list the server did not hand out whole is reported (see `readAllCollections`). */
  async listAllCollections(query: Omit<CollectionQuery, 'offset' | 'limit'> = {}): Promise<ImagoCollection[]> {
    return (await this.readAllCollections(query)).items;
  }

  /** As `listAllCollections`, saying whether the list is complete (and why not). */
  async readAllCollections(query: Omit<CollectionQuery, 'offset' | 'limit'> = {}): Promise<AllPages<ImagoCollection>> {
    const action = 'list collections';
    const read = await readAllPages((request) => this.collectionPage(query, request, action), { pageSize: this.api.collectionPageSize });
    return this.noteIncomplete(read, action);
  }

  /** Creates a collection (hole), or returns the existing one with that name in the dataset. */
  async createCollection(input: NewCollection): Promise<ImagoCollection> {
    const reply = await this.postCollection(input);
    const found = firstFitting(reply, collection, 'collection', (c) => c.name === input.name) ?? (await this.findCollection(input));
    if (found) return found;
    throw this.reported(new CorelogError('malformed-response', `Imago accepted the new collection "${input.name}" but does not list it.`, { system: 'imago' }));
  }

  /**
   * Makes sure the collection (hole) exists, for callers that need nothing back: looked up first
   * (an existing hole is never written to, which a read-only workspace would refuse), created
   * when not found; any 2xx or "already exists" is enough.
   */
  async ensureCollection(input: NewCollection): Promise<void> {
    const existing = await this.findCollection(input).catch((error: unknown) => {
      // A look-up the server does not take (an unknown filter) is no reason not to try the create.
      if (error instanceof CorelogError && (error.kind === 'rejected' || error.kind === 'not-found' || error.kind === 'malformed-response') && !error.notFromServer) return null;
      throw error;
    });
    if (!existing) await this.postCollection(input);
  }

  /** The collection with exactly this name in the input's dataset, or null. */
  private async findCollection(input: NewCollection): Promise<ImagoCollection | null> {
    const where = 'datasetId' in input ? { datasetId: input.datasetId } : { workspaceName: input.workspaceName, datasetName: input.datasetName };
    const read = await this.readAllCollections({ ...where, name: input.name, match: 'equals' });
    // Matched again here: a server that ignores the name filter answers with other holes too.
    return read.items.find((c) => c.name === input.name && ('datasetId' in input ? sameImagoId(c.datasetId, input.datasetId) : true)) ?? null;
  }

  private async postCollection(input: NewCollection): Promise<unknown> {
    return this.createIdempotent({ method: 'POST', path: '/collection', json: input, action: `create collection "${input.name}"` });
  }

  /**
   * A create whose result is the same whether it makes the thing or finds it there: any 2xx is
   * success (its body, when readable JSON, is handed back), and so is a 409 or a 4xx whose reason
   * says the thing already exists (answered `undefined`).
   */
  private async createIdempotent(spec: RequestSpec): Promise<unknown> {
    const response = await this.request({ ...spec, passStatuses: [400, 409, 422] });
    if (response.status >= 200 && response.status < 300) {
      return response.json({ allowEmpty: true }).catch((error: unknown) => {
        // A page from something in between is not Imago's answer; an odd body from Imago is just unused.
        if (error instanceof CorelogError && error.notFromServer) throw error;
        this.problem(spec.action, `the reply is not JSON (HTTP ${response.status}); it is not needed`);
        return undefined;
      });
    }
    const refusal = await this.readRefusal(response, spec.action);
    if (response.status === 409 || saysAlreadyExists(refusal.reason)) {
      this.problem(spec.action, `answered HTTP ${response.status}${refusal.reason ? ` (${refusal.reason.slice(0, 120)})` : ''}: it exists already, which is what was wanted`);
      return undefined;
    }
    throw this.reported(saysNotPermitted(refusal.reason) ? asForbidden(refusal.error) : refusal.error);
  }

  /** One page of `GET /collection`; the whole reply goes along for `readAllPages` to find the paging facts in. */
  private async collectionPage(query: CollectionQuery, request: PageRequest, action: string): Promise<Page<ImagoCollection>> {
    const spec = this.pageSpec({ method: 'GET', path: '/collection', query: collectionParams({ ...query, offset: request.offset, limit: request.limit }, this.api), action }, request);
    const response = await this.request(spec);
    let value: unknown;
    try {
      value = await response.json();
    } catch (error) {
      throw error instanceof CorelogError ? this.reported(error) : error;
    }
    const page = await this.parse(response, collectionList, action, { value });
    return { items: page.collections, meta: value };
  }

  /** A follow-up page asked by the server's own `next` link (same origin only: the token goes along). */
  private pageSpec(spec: RequestSpec, request: PageRequest): RequestSpec {
    if (request.next === undefined) return spec;
    const base = new URL(`${this.baseUrl}/`);
    let link: URL;
    try {
      link = new URL(request.next, base);
    } catch {
      return spec;
    }
    if (link.origin !== base.origin) {
      this.problem(spec.action, `the next-page link leads to another server (${link.origin}); not followed`);
      return spec;
    }
    // A link may or may not repeat the API's base path (`/integrate/2/collection?…` or `/collection?…`).
    const basePath = base.pathname.replace(/\/$/, '');
    const path = link.pathname.startsWith(`${basePath}/`) ? link.pathname.slice(basePath.length) : link.pathname;
    return { ...spec, path, query: Object.fromEntries(link.searchParams) };
  }

  /** Reports a list the server did not hand out whole (the caller still gets what was read). */
  private noteIncomplete<T>(read: AllPages<T>, action: string): AllPages<T> {
    if (!read.complete) this.problem(action, `the list is incomplete: ${read.note ?? 'the server holds more'}`);
    return read;
  }

  // ---- imagery ---------------------------------------------------------------------------

  /**
   * The matching intervals. Without an `offset`/`limit` in the query every page is read (a server
   * whose page is smaller than the documented 5,000 says so with `meta`); with one, that page only.
   */
  async listImagery(query: ImageryQuery): Promise<ImageryInterval[]> {
    return (await this.readAllImagery(query)).items;
  }

  /** As `listImagery`, saying whether the list is complete (and why not). */
  async readAllImagery(query: ImageryQuery): Promise<AllPages<ImageryInterval>> {
    const action = 'list imagery';
    if (query.offset !== undefined || query.limit !== undefined) return { items: (await this.imageryPage(query, {}, action)).items, complete: true };
    // A whole hole is asked with the documented page size, so that a shorter first page from a
    // server that gives no `meta` is read as its cap and the next page asked: asked without one,
    // a server capping pages at 100 was read one page deep and called complete. One interval's
    // depths need no second request (the write path asks so before every upload).
    const oneInterval = query.startDepth !== undefined && query.endDepth !== undefined;
    const read = await readAllPages((request) => this.imageryPage(query, request, action), oneInterval ? { defaultPageSize: IMAGERY_DEFAULT_PAGE } : { pageSize: IMAGERY_DEFAULT_PAGE });
    return this.noteIncomplete(read, action);
  }

  private async imageryPage(query: ImageryQuery, request: PageRequest, action: string): Promise<Page<ImageryInterval>> {
    const paged = request.offset === undefined ? query : { ...query, offset: request.offset, limit: request.limit };
    const spec = this.pageSpec({ method: 'GET', path: '/imagery', query: imageryParams(paged, this.api), action, maxReplyBytes: IMAGERY_PAGE_MAX_BYTES }, request);
    const response = await this.request(spec);
    const value = await this.replyJson(response);
    return { items: await this.parseImagery(response, value, action), meta: value };
  }

  /**
   * Creates or updates intervals (keyed by collection + imagery type + geometry), with attributes
   * and features. The body goes keyed (`{[imageryKey]: items}`) or as a bare array, whichever
   * this server takes: until one has worked, a refusal about the body's form is tried once in the
   * other. The reply's shape is not documented: a 2xx means the write worked, and when the reply
   * does not carry the intervals they are read back by their geometry.
   */
  async saveImagery(items: ImageryWrite[]): Promise<ImageryInterval[]> {
    if (items.length === 0) return [];
    const action = `save ${items.length} imagery interval${items.length === 1 ? '' : 's'}`;
    const response = await this.postImagery(items, action);
    const echoed = await this.savedImageryIn(response, action);
    if (echoed.length >= items.length) return echoed;
    const readBack: ImageryInterval[] = [];
    for (const item of items) {
      const found = echoed.find((interval) => sameGeometry(interval, item)) ?? (await this.storedInterval(item));
      if (found) readBack.push(found);
      else this.problem(action, `the interval ${describeWrite(item)} was accepted but is not listed afterwards`);
    }
    return readBack;
  }

  /** Sends `POST /imagery` in the body form this server takes (see `saveImagery`). */
  private async postImagery(items: ImageryWrite[], action: string): Promise<HttpResponse> {
    const settled = this.imageryBody.settled;
    const attempt = (form: ImageryBodyForm) =>
      this.request({
        method: 'POST',
        path: '/imagery',
        json: form === 'keyed' ? { [this.api.imageryKey]: items } : items,
        action,
        passStatuses: settled ? [] : BODY_FORM_REFUSALS,
      });
    let form = this.imageryBody.form;
    let response = await attempt(form);
    if (!settled && BODY_FORM_REFUSALS.includes(response.status)) {
      const first = await this.readRefusal(response, action);
      // Only a refusal about the body's form is worth the other form. A read-only workspace or an
      // unknown hole would be refused again, and the second refusal would hide the first's reason.
      if (first.reason !== null && !saysBodyForm(first.reason)) throw this.reported(saysNotPermitted(first.reason) ? asForbidden(first.error) : first.error);
      form = form === 'keyed' ? 'bare' : 'keyed';
      response = await attempt(form);
      if (BODY_FORM_REFUSALS.includes(response.status)) {
        // Both forms refused: one refusal is about the body's form, the other (likely) about the
        // content. The user gets both reasons; the kind and status are those of the one that does
        // not complain about the form.
        const second = await this.readRefusal(response, action);
        const main = saysBodyForm(second.reason) && !saysBodyForm(first.reason) ? first : second;
        const asForm = (f: ImageryBodyForm) => (f === 'keyed' ? `as {"${this.api.imageryKey}": […]}` : 'as a bare list');
        const other = form === 'keyed' ? 'bare' : 'keyed';
        throw this.reported(
          new CorelogError(main.error.kind, `${first.error.message.replace(/\.$/, '')} (sent ${asForm(other)}); sent again ${asForm(form)}: ${second.error.message}`, {
            system: 'imago',
            ...(main.error.status === undefined ? {} : { status: main.error.status }),
          }),
        );
      }
      this.problem(action, `the server refused the ${form === 'bare' ? 'keyed' : 'bare-list'} body and took the ${form === 'bare' ? 'bare-list' : 'keyed'} one; using that from now on`);
    }
    this.imageryBody = { form, settled: true };
    return response;
  }

  /**
   * The intervals a `POST /imagery` reply carries, read generously: a list (bare or under a key),
   * lists under several keys (`{created, updated}`), or one interval. Anything else (empty, `{}`,
   * `{"success": true}`, ids only) carries none, and that is no error: the write was accepted.
   */
  private async savedImageryIn(response: HttpResponse, action: string): Promise<ImageryInterval[]> {
    let value: unknown;
    try {
      value = await response.json({ allowEmpty: true });
    } catch (error) {
      if (error instanceof CorelogError && error.notFromServer) throw this.reported(error);
      this.problem(action, `the reply is not JSON (HTTP ${response.status}); the intervals are read back`);
      return [];
    }
    const candidates = intervalObjectsIn(value, this.api.imageryKey);
    if (candidates.length === 0) return [];
    const objects = candidates.filter((item) => item && typeof item === 'object' && !Array.isArray(item));
    return objects.length ? this.parse(response, imageryItems, action, { value: objects }) : [];
  }

  /** The interval Imago holds for a write's geometry, read back by it (documented parameters). */
  private async storedInterval(item: ImageryWrite): Promise<ImageryInterval | null> {
    const found = await this.listImagery({
      workspaceName: item.workspaceName,
      datasetName: item.datasetName,
      collectionName: item.collectionName,
      imageryTypeName: item.imageryTypeName,
      name: item.name,
      startDepth: item.startDepth,
      endDepth: item.endDepth,
      x: item.x,
      y: item.y,
      z: item.z,
      includeFeatures: false,
    });
    // Matched again here: a server that ignores a filter answers with other intervals too.
    return found.find((interval) => (interval.imageryTypeName ?? item.imageryTypeName) === item.imageryTypeName && sameGeometry(interval, item)) ?? null;
  }

  // ---- images ----------------------------------------------------------------------------

  async downloadImage(target: ImageTarget, options: DownloadOptions = {}): Promise<DownloadedImage & { bytes: Buffer }> {
    const spec = this.downloadSpec(target, options);
    const response = await this.imageReply(await this.request(spec), spec.action);
    const bytes = await response.bytes();
    // No content type said it is not an image, but the bytes may still be a JSON message.
    if (startsLikeJson(bytes)) throw this.reported(notAnImage(bytes.toString('utf8'), spec.action));
    const whole = new WholeImageCheck();
    whole.feed(bytes);
    const missing = whole.missing();
    if (missing) throw this.reported(incompleteImage(missing, spec.action));
    return { ...this.describeDownload(response, spec.action), bytes };
  }

  /**
   * Streams the image to `filePath` (via a `.part` file, so a broken download leaves nothing
   * behind). A body that ends before the image does (cleanly, as far as HTTP goes) is refused.
   */
  async downloadImageToFile(target: ImageTarget, filePath: string, options: DownloadOptions = {}): Promise<DownloadedImage & { path: string; size: number; sha256: string }> {
    const spec = this.downloadSpec(target, options);
    const response = await this.imageReply(await this.request(spec), spec.action);
    const partial = `${filePath}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const refuse = (chunk: Buffer) => this.reported(notAnImage(chunk.toString('utf8'), spec.action));
    const cutShort = (missing: string) => this.reported(incompleteImage(missing, spec.action));
    const whole = new WholeImageCheck();
    const counting = new Transform({
      transform(chunk: Buffer, _enc, done) {
        // An image never starts like JSON: such a body is a message (under a type that did not say so).
        if (size === 0 && startsLikeJson(chunk)) return done(refuse(chunk));
        size += chunk.length;
        hash.update(chunk);
        whole.feed(chunk);
        done(null, chunk);
      },
      flush(done) {
        const missing = whole.missing();
        done(missing ? cutShort(missing) : null);
      },
    });
    try {
      await pipeline(response.stream(), counting, createWriteStream(partial));
      await rename(partial, filePath);
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof CorelogError) throw error;
      // A full or read-only disk is this computer's problem, not the link's: Imago stays "reachable".
      const code = (error as NodeJS.ErrnoException).code;
      if (code && /^E(NOSPC|ACCES|PERM|ROFS|DQUOT|NOENT|ISDIR)$/.test(code)) {
        throw new CorelogError('internal', `The image from Imago could not be saved on this computer (${code === 'ENOSPC' ? 'the disk is full' : code}).`, { system: 'imago', cause: error, retryable: true });
      }
      throw this.reported(new CorelogError('offline', `The image download from Imago was interrupted: ${(error as Error).message}.`, { system: 'imago', cause: error }), false);
    }
    return { ...this.describeDownload(response, spec.action), path: filePath, size, sha256: hash.digest('hex') };
  }

  /** Fetches a signed `url` from a list reply (no token needed; the link itself expires). */
  async downloadSignedUrl(url: string): Promise<Buffer> {
    const response = await this.attempt({ system: 'imago', method: 'GET', url, timeoutMs: this.timeoutMs });
    if (response.status < 200 || response.status >= 300) throw this.reported(await errorFromResponse('imago', response, 'hand out the image link'));
    this.report({ reachable: true });
    return response.bytes();
  }

  /**
   * Uploads a photo, streamed from disk; replaces the interval's image of that image type. The
   * interval is picked as the upload page documents it (name, depths, x/y/z), the mime type goes
   * as a query parameter, and the body is multipart (or raw bytes, per `uploadEncoding`).
   */
  async uploadImage(target: ImageTarget, filePath: string, options: UploadOptions = {}): Promise<UploadedIds> {
    const contentType = options.contentType ?? CONTENT_TYPES[extname(filePath).toLowerCase()];
    if (!contentType) throw new CorelogError('validation', `Cannot tell the image type of ${filePath}; Imago takes JPEG or PNG.`);
    const progress = { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.pace ? { pace: options.pace } : {}) };
    let file: NonNullable<HttpRequestOptions['file']>;
    if (this.api.uploadEncoding === 'multipart') {
      const framing = multipartFraming(this.api.uploadPartName, uploadFileName(target, contentType), contentType);
      file = { path: filePath, contentType: framing.contentType, before: framing.before, after: framing.after, ...progress };
    } else {
      file = { path: filePath, contentType, ...progress };
    }
    const spec: RequestSpec = {
      method: 'POST',
      path: '/image',
      query: uploadParams(target, this.api, contentType),
      file,
      action: `take the ${target.imageTypeName} photo of ${describeTarget(target)}`,
      signal: options.signal,
    };
    let response: HttpResponse;
    try {
      response = await this.request(spec);
    } catch (error) {
      if (error instanceof CorelogError && error.status === 413) throw await tooLargeForImago(error, filePath);
      throw error;
    }
    return this.uploadedIds(response, spec.action);
  }

  /**
   * The ids an upload reply names. Documented `{imageId, imageryId}`; servers may wrap it, name
   * the image `id`, send numbers, or send nothing at all (204, an empty 200). A 2xx means the
   * photo was taken, so a missing id is `undefined` for the caller to look up — never a reason to
   * send the photo again.
   */
  private async uploadedIds(response: HttpResponse, action: string): Promise<UploadedIds> {
    let value: unknown;
    try {
      value = await response.json({ allowEmpty: true });
    } catch (error) {
      if (error instanceof CorelogError && error.notFromServer) throw this.reported(error);
      this.problem(action, `the reply is not JSON (HTTP ${response.status}); the image is looked up instead`);
      return { imageId: undefined, imageryId: undefined };
    }
    // An error written into a 2xx (`{"errors": [...]}`, `{"success": false}`) is no acceptance: taken
    // for one, the photo would count as uploaded and never be sent.
    const refusal = errorInSuccess(value);
    if (refusal !== null) {
      const reason = serverReason(JSON.stringify(value)) ?? refusal;
      const missing = /NO_IMAGERY_FOUND|NOT[_ ]FOUND/i.test(reason);
      throw this.reported(
        new CorelogError(missing ? 'not-found' : 'rejected', `Imago answered the upload with an error (HTTP ${response.status}): ${reason}. The photo was not taken.`, {
          system: 'imago',
          status: response.status,
          retryable: missing,
        }),
      );
    }
    // The reply is read by the schema (unwrapped, ids as text, a missing one undefined).
    const reply: UploadReply = await this.parse(response, uploadReply, action, { value: value ?? {} });
    // A 201/202 may name the new image only by where it can be read (`Location`).
    const imageId = idText(reply.imageId) ?? imageIdInLocation(response.headers.get('location'));
    return { imageId, imageryId: idText(reply.imageryId) };
  }

  async listImageMetadata(query: ImageMetadataQuery = {}): Promise<ImageMetadataPage> {
    return this.fetchJson({ method: 'GET', path: '/image-metadata', query: imageMetadataParams(query, this.api), action: 'list image metadata' }, imageMetadataList);
  }

  /** A link that opens the hole (and optionally depth and image) in the Imago portal. */
  portalDeepLink(target: PortalTarget): string {
    return portalDeepLink(target, this.api.portalBaseUrl);
  }

  // ---- plumbing --------------------------------------------------------------------------

  /**
   * The reply to `GET /image` when it is an image. One with a JSON or text type is a message
   * instead (`{"errors": [… NO_IMAGE_FOUND]}` with a 200): an error with the server's reason. One
   * that hands out a link (`{"url": …}`, as the list replies' signed links) is followed once,
   * without the token, as `downloadSignedUrl` does.
   */
  private async imageReply(response: HttpResponse, action: string): Promise<HttpResponse> {
    if (!isMessageType(response.headers.get('content-type'))) return response;
    // The header may lie (storage or a gateway typing every reply as text): an image's bytes win.
    const sniffed = await sniffReply(response, ERROR_BODY_BYTES, this.options.limits?.maxDownloadBytes ?? DEFAULT_HTTP_LIMITS.maxDownloadBytes).catch(() => ({ message: '' }));
    if ('image' in sniffed) {
      this.problem(action, `the image came typed "${response.headers.get('content-type')}"; its bytes show ${sniffed.image.headers.get('content-type')}`);
      return sniffed.image;
    }
    const text = sniffed.message;
    const link = signedLinkIn(text, this.baseUrl);
    if (!link) throw this.reported(notAnImage(text, action));
    const linked = await this.attempt({ system: 'imago', method: 'GET', url: link, timeoutMs: this.timeoutMs });
    if (linked.status < 200 || linked.status >= 300) throw this.reported(await errorFromResponse('imago', linked, action));
    if (isMessageType(linked.headers.get('content-type'))) throw this.reported(notAnImage(await linked.text({ maxBytes: ERROR_BODY_BYTES, cut: true }).catch(() => ''), action));
    return linked;
  }

  private downloadSpec(target: ImageTarget, options: DownloadOptions): RequestSpec {
    return {
      method: 'GET',
      path: '/image',
      query: downloadParams(target, this.api, options),
      action: `hand out the ${target.imageTypeName} photo of ${describeTarget(target)}`,
      signal: options.signal,
      // An image may be served from blob storage: `/image` redirecting to a signed address.
      crossOriginRedirect: true,
    };
  }

  private async fetchJson<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    return this.parse(await this.request(spec), schema, spec.action);
  }

  private async parse<S extends z.ZodType>(response: HttpResponse, schema: S, action: string, body?: { value: unknown }): Promise<z.output<S>> {
    try {
      const value = body ? body.value : await response.json();
      return parseReply(schema, value, action, response.status, (detail) => this.problem(action, detail));
    } catch (error) {
      throw error instanceof CorelogError && error.kind === 'malformed-response' ? this.reported(error) : error;
    }
  }

  private async replyJson(response: HttpResponse, allowEmpty = false): Promise<unknown> {
    try {
      return await response.json({ allowEmpty });
    } catch (error) {
      throw error instanceof CorelogError ? this.reported(error) : error;
    }
  }

  /** Reads a `GET /imagery` reply in whichever wrapper it came (see `findImageryArray`). */
  private async parseImagery(response: HttpResponse, value: unknown, action: string): Promise<ImageryInterval[]> {
    const found = findImageryArray(value, this.api.imageryKey);
    if (!found) {
      throw this.reported(
        new CorelogError('malformed-response', `Imago sent an unexpected reply to ${action}: there is no list of imagery intervals in it.`, { system: 'imago', status: response.status }),
      );
    }
    if (found.key !== undefined && found.key !== this.api.imageryKey) this.problem(action, `the imagery list came under "${found.key}", not "${this.api.imageryKey}"`);
    // Until a write has settled it, the reply's wrapper is the best hint of the body form to send.
    if (!this.imageryBody.settled) this.imageryBody.form = found.form;
    return this.parse(response, imageryItems, action, { value: found.items });
  }

  /** Content type and file name of a downloaded image; a header we cannot read gives no name, never an error. */
  private describeDownload(response: HttpResponse, action: string): DownloadedImage {
    const header = response.headers.get('content-disposition');
    let fileName: string | null = null;
    if (header) {
      try {
        const name = parseContentDisposition(header).parameters.filename;
        fileName = typeof name === 'string' && name ? utf8FromLatin1(name) : null;
      } catch {
        this.problem(action, `unreadable Content-Disposition header (${header.slice(0, 100)}); the file name is left out`);
      }
    }
    return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', fileName };
  }

  private problem(action: string, detail: string): void {
    this.options.onReplyProblem?.({ action, detail });
  }

  /**
   * An authenticated request: renew if due, on 401 try once more with a working token, typed
   * error otherwise. Several requests may meet the same 401 (a revoked token, a server restart):
   * each forgets only the token it was refused with, so a token a sibling has just signed in for
   * is used, not thrown away — with a server that keeps one session per account, that would end
   * the sibling's session and start a storm of sign-ins.
   */
  private async request(spec: RequestSpec): Promise<HttpResponse> {
    if (this.state.needsRenewal(this.renewBeforeMs)) await this.renew();
    const token = this.state.apiToken;
    let response = await this.send(spec, token);
    if (response.status === 401) {
      const first = await this.readRefusal(response, spec.action);
      // A 401 about permission (a read-only workspace: the reference says Imago may use 401 for
      // it) is not cured by signing in again; sending a write twice would only be refused twice.
      if (saysNotPermitted(first.reason)) throw this.reported(asForbidden(first.error));
      const retryToken = await this.tokenAfterRefusal(token);
      // Uploads are sent again from the file: sendHttpRequest opens a fresh stream each time.
      response = await this.send(spec, retryToken);
      if (response.status === 401) {
        const second = await this.readRefusal(response, spec.action);
        // A fresh token refused too: either the account cannot sign in for real, or the server
        // uses 401 for "not allowed here". A session that still works says which.
        if (!saysSessionEnded(second.reason) && (await this.sessionWorks(retryToken))) {
          throw this.reported(asForbidden(second.error, ' The session itself works: this account is probably not allowed to do this here (a read-only workspace?).'));
        }
        this.state.forgetIfCurrent(retryToken);
        throw this.reported(new CorelogError('auth', 'Imago refused the session even after signing in again. Sign in to Imago again.', { status: 401, system: 'imago', retryable: false }));
      }
    }
    if ((response.status < 200 || response.status >= 300) && !spec.passStatuses?.includes(response.status)) throw this.reported(await errorFromResponse('imago', response, spec.action));
    this.report({ reachable: true });
    return response;
  }

  /**
   * The token to try again with after `refused` met a 401: a newer one when a concurrent request
   * has signed in meanwhile, else the one a (shared) fresh sign-in gives.
   */
  private async tokenAfterRefusal(refused: string | null): Promise<string | null> {
    this.state.forgetIfCurrent(refused);
    if (this.state.apiToken === null || this.renewing) await this.renew();
    return this.state.apiToken;
  }

  /** Whether Imago takes this token for `GET /session` (false on any failure). */
  private async sessionWorks(token: string | null): Promise<boolean> {
    if (!token) return false;
    try {
      const response = await this.send({ method: 'GET', path: '/session', action: 'check the session' }, token);
      await response.discard();
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    }
  }

  /**
   * A refusal as the error the user sees, plus the server's own reason for deciding what to do
   * next (`refusal-reasons.ts`). The body is read once and handed to `errorFromResponse` again.
   */
  private async readRefusal(response: HttpResponse, action: string): Promise<{ error: CorelogError; reason: string | null }> {
    const body = await response.text({ maxBytes: ERROR_BODY_BYTES, cut: true }).catch(() => '');
    const replay: HttpResponse = { ...response, text: async () => body };
    const page = /html|xml/i.test(response.headers.get('content-type') ?? '');
    return { error: await errorFromResponse('imago', replay, action), reason: page ? null : serverReason(body) };
  }

  /** Signs in again with the stored credentials; concurrent callers share one sign-in. */
  private async renew(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const credentials = await this.options.credentials();
        if (!credentials) throw new CorelogError('auth', 'Imago needs you to sign in: no stored service-account login.', { system: 'imago', retryable: false });
        if (this.refusedLogin === loginKey(credentials.username, credentials.password)) {
          throw new CorelogError('auth', 'Imago refused the stored service-account login. Sign in to Imago again (Connections).', { status: 401, system: 'imago', retryable: false });
        }
        await this.signIn(credentials.username, credentials.password);
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }

  /** One HTTP exchange. Sign-in failures are thrown here; other statuses go back to the caller. */
  private async send(spec: RequestSpec, token: string | null): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) {
      if (this.api.tokenHeader === 'bearer') headers.authorization = `Bearer ${token}`;
      else headers['imago-api-token'] = token;
    }
    const options: HttpRequestOptions = {
      system: 'imago',
      method: spec.method,
      url: `${this.baseUrl}${spec.path}${queryString(spec.query ?? {})}`,
      headers,
      timeoutMs: this.timeoutMs,
    };
    if (spec.json !== undefined) options.json = spec.json;
    if (spec.file) options.file = spec.file;
    if (spec.signal) options.signal = spec.signal;
    if (spec.maxReplyBytes) options.maxReplyBytes = spec.maxReplyBytes;
    if (spec.crossOriginRedirect) options.crossOriginRedirect = true;
    const response = await this.attempt(options);
    // Any 2xx is a sign-in answer (a REST server may well say 201 "session created"); its body
    // then decides. 404 is the documented "internal error" of sign-in, read by the caller.
    const success = response.status >= 200 && response.status < 300;
    if (spec.path === '/session' && spec.method === 'POST' && !success && response.status !== 404) {
      throw this.reported(await errorFromResponse('imago', response, 'sign in'));
    }
    return response;
  }

  private async attempt(options: HttpRequestOptions): Promise<HttpResponse> {
    try {
      // The limits (total deadline, reply caps) apply to every request; a reply that then fails to
      // arrive whole is reported like a failed request.
      const response = await sendHttpRequest({ ...this.options.limits, ...options, onReadFailure: (error) => void this.reported(error) });
      // Any HTTP answer from Imago itself, even a refusal, proves it is reachable (one from a
      // captive portal or a redirect elsewhere is thrown by sendHttpRequest instead).
      this.report({ reachable: true });
      return response;
    } catch (error) {
      if (error instanceof CorelogError) throw this.reported(error, false);
      throw error;
    }
  }

  private report(outcome: RequestOutcome): void {
    this.options.onOutcome?.(outcome);
  }

  /** Reports the error to the reachability listener and hands it back for throwing. */
  private reported(error: CorelogError, reachable = !meansUnreachable(error)): CorelogError {
    if (error.kind !== 'cancelled') this.report({ reachable, error });
    return error;
  }
}

/** A login as a digest, to recognise it again without keeping the password. */
function loginKey(username: string, password: string): string {
  return createHash('sha256').update(username).update('\0').update(password).digest('hex');
}

function describeTarget(target: ImageTarget): string {
  const where = target.imageryName ?? target.imageryId ?? (target.startDepth !== undefined ? `${target.startDepth}${target.endDepth !== undefined ? `–${target.endDepth}` : ''} m` : '');
  return `${target.collectionName} ${where}`.trim();
}

/**
 * HTTP header values reach us as Latin-1; a server that put raw UTF-8 in a plain `filename="…"`
 * (instead of `filename*=UTF-8''…`) gives mojibake such as "Ã¼". Read it as UTF-8 when it is.
 */
function utf8FromLatin1(name: string): string {
  const codes = [...name].map((c) => c.codePointAt(0)!);
  if (!codes.some((code) => code >= 0x80) || codes.some((code) => code > 0xff)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

/** The multipart part's file name: where the photo belongs, with the extension of its type. */
function uploadFileName(target: ImageTarget, contentType: string): string {
  const where = target.imageryName ?? (target.startDepth !== undefined ? `${target.startDepth}-${target.endDepth ?? ''}` : 'photo');
  return `${target.collectionName}_${where}_${target.imageTypeName}.${EXTENSIONS[contentType] ?? 'jpg'}`;
}

/** A refusal that is about what this account may do, as `forbidden` (kept: status and the server's reason). */
function asForbidden(error: CorelogError, addendum = ''): CorelogError {
  return new CorelogError('forbidden', `${error.message}${addendum}`, { system: 'imago', retryable: false, ...(error.status === undefined ? {} : { status: error.status }) });
}

/**
 * The first object in a create's reply that fits `schema` (and `wanted`): the object itself, or
 * wrapped as `[obj]`, `{[what]: obj}`, `{[what + 's']: [obj]}` or `{data: …}`. Null when none does.
 */
function firstFitting<S extends z.ZodType>(value: unknown, schema: S, what: string, wanted: (item: z.output<S>) => boolean): z.output<S> | null {
  const candidates: unknown[] = [];
  const add = (v: unknown) => (Array.isArray(v) ? candidates.push(...v) : candidates.push(v));
  add(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of [what, `${what}s`, 'data', 'result']) if (record[key] !== undefined) add(record[key]);
  }
  for (const candidate of candidates) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success && wanted(parsed.data)) return parsed.data;
  }
  return null;
}

/** The interval-like objects of a `POST /imagery` reply (see `savedImageryIn`). */
function intervalObjectsIn(value: unknown, key: string): unknown[] {
  const found = findImageryArray(value, key);
  if (found) return found.items;
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  // One interval, not a list; or lists under several keys ({created: [...], updated: [...]}).
  if (typeof record.id === 'string' || typeof record.id === 'number') return [value];
  return Object.values(record).filter(Array.isArray).flat();
}

/** Whether a stored interval sits where a write put it (depths within a millimetre: a server may round them). */
function sameGeometry(interval: ImageryInterval, item: ImageryWrite): boolean {
  const near = (held: number | null, sent: number | undefined) => sent === undefined || (held !== null && Math.abs(held - sent) < 1e-3);
  if (item.collectionName && interval.collectionName && interval.collectionName !== item.collectionName) return false;
  if (item.name !== undefined && interval.name !== item.name) return false;
  return near(interval.startDepth, item.startDepth) && near(interval.endDepth, item.endDepth) && near(interval.x, item.x) && near(interval.y, item.y) && near(interval.z, item.z);
}

function describeWrite(item: ImageryWrite): string {
  const where = item.name ?? (item.startDepth !== undefined ? `${item.startDepth}–${item.endDepth ?? ''} m` : `${item.x ?? ''},${item.y ?? ''},${item.z ?? ''}`);
  return `${item.collectionName} ${where}`;
}

/** A content type that says "a message", not an image: JSON, text, HTML, XML. */
function isMessageType(contentType: string | null): boolean {
  return /json|^\s*text\/|xml|javascript/i.test(contentType ?? '');
}

/** Whether bytes begin as JSON does (`{` or `[`, after a BOM or white space); no image format does. */
function startsLikeJson(bytes: Buffer): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b || bytes[i] === 0x5b;
}

/** The error for a message where an image was asked for, with the server's reason when it gives one. */
/**
 * An image body that ended before the image did. Retryable: most often the reply was cut on the
 * way; a copy Imago itself holds incomplete keeps failing, and says so.
 */
/** A download whose image ends early: cut short on the way, or held incomplete by Imago itself. */
export class IncompleteImageError extends CorelogError {}

function incompleteImage(missing: string, action: string): CorelogError {
  return new IncompleteImageError(
    'malformed-response',
    `Imago did not ${action} whole: ${missing}. Corelog kept nothing of it (the reply was cut short on the way, or Imago holds this image incomplete).`,
    { system: 'imago', status: 200 },
  );
}

function notAnImage(body: string, action: string): CorelogError {
  const reason = serverReason(body);
  const missing = !!reason && /not[\s_-]?found|no[\s_-]?image|does not exist/i.test(reason);
  const message = `Imago did not ${action}: it answered with a message instead of the image${reason ? `: ${reason}` : ''}.`;
  // "Not found" is an answer (the photo is not there); anything else may be the path's passing fault.
  return missing ? new CorelogError('not-found', message, { system: 'imago', status: 200, retryable: false }) : new CorelogError('malformed-response', message, { system: 'imago', status: 200 });
}

/** The link of a `{"url": "…"}` reply, made absolute; null when the body is not that, or the link is not http(s). */
function signedLinkIn(body: string, baseUrl: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  const url = value && typeof value === 'object' ? (value as { url?: unknown }).url : undefined;
  if (typeof url !== 'string' || !url.trim()) return null;
  try {
    const link = new URL(url.trim(), `${baseUrl}/`);
    return link.protocol === 'https:' || link.protocol === 'http:' ? link.toString() : null;
  } catch {
    return null;
  }
}

/** An id as text: strings as they are, numbers written out; anything else (or empty) is no id. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A 413 to an upload, said as what it means for this photo. */
async function tooLargeForImago(error: CorelogError, filePath: string): Promise<CorelogError> {
  const size = await stat(filePath).then((info) => info.size).catch(() => null);
  const quoted = /\(HTTP 413\): (.+)$/.exec(error.message)?.[1] ?? '';
  const ofSize = size === null ? '' : ` (${(size / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB)`;
  return new CorelogError('rejected', `The photo${ofSize} is too large for Imago: it refused to take it (HTTP 413)${quoted ? `: ${quoted.replace(/\.$/, '')}` : ''}. Send a smaller file (a lower-resolution or more compressed copy).`, {
    status: 413,
    system: 'imago',
    retryable: false,
  });
}

/**
 * The image id in an upload reply's `Location` (`…/image-metadata?imageId=…`, `…/image/<id>`,
 * `…/images/<id>`); undefined when it names none that way. Nothing else of the address is trusted.
 */
function imageIdInLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  let url: URL;
  try {
    url = new URL(location, 'http://imago.invalid/');
  } catch {
    return undefined;
  }
  const byQuery = url.searchParams.get('imageId')?.trim();
  if (byQuery) return byQuery.slice(0, 200);
  // An id, not a stored file's name (`…/images/tray.jpg` from a storage link is no image id).
  const byPath = /\/images?\/([A-Za-z0-9_-]{1,200})\/?$/.exec(url.pathname);
  return byPath ? byPath[1] : undefined;
}

/**
 * What says "error" in a 2xx reply's JSON: a non-empty `errors`, an `error` with content, or
 * `success: false` / `ok: false` / `status: "error"|"failed"`. Null when nothing does (an id,
 * an empty body, `{"success": true}`).
 */
function errorInSuccess(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const reply = value as Record<string, unknown>;
  if (Array.isArray(reply.errors) ? reply.errors.length > 0 : reply.errors && typeof reply.errors === 'object') return 'errors';
  if (typeof reply.error === 'string' ? reply.error.trim() !== '' : reply.error && typeof reply.error === 'object') return 'error';
  if (reply.success === false || reply.ok === false) return 'success: false';
  if (typeof reply.status === 'string' && /^(error|failed|failure)$/i.test(reply.status)) return `status: ${reply.status}`;
  return null;
}
