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
import { rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseContentDisposition } from 'content-disposition';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { CorelogError, meansUnreachable } from '../../../common/errors';
import { errorFromResponse, sendHttpRequest, type HttpRequestOptions, type HttpResponse } from '../http/http-request';
import { defaultImagoApiOptions, type ImagoApiOptions } from './api-options';
import { portalDeepLink, type PortalTarget } from './deep-link';
import { ImagoSession, type ImagoSessionInfo } from './imago-session';
import { multipartFraming } from './multipart-upload';
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
  sessionReply,
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
}

/**
 * `GET /imagery` pages hold up to 5,000 intervals (the documented default and maximum); with
 * attributes and features that is ~7 MB, too close to the default 8 MiB cap for one reply.
 */
const IMAGERY_PAGE_MAX_BYTES = 32 * 1024 * 1024;

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
  async signIn(username: string, password: string): Promise<{ uid: string; expiresAt: string }> {
    const signedInAt = this.now();
    const response = await this.send({ method: 'POST', path: '/session', json: { username, password }, action: 'sign in' }, null);
    if (response.status === 404) {
      // Documented for sign-in as "internal error" [1.3.5]: a server fault, not a missing thing.
      const error = await errorFromResponse('imago', response, 'sign in');
      throw this.reported(new CorelogError('server', error.message, { status: 404, system: 'imago', retryable: true }));
    }
    const reply = await this.parse(response, sessionReply, 'sign in');
    const info = this.state.start(reply, username, this.api.tokenLifetimeMs, signedInAt);
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

  /** Asks Imago whether the current token still works (no automatic re-sign-in). */
  async checkSession(): Promise<ImagoSessionInfo> {
    const token = this.state.apiToken;
    if (!token) return this.state.info();
    const response = await this.send({ method: 'GET', path: '/session', action: 'check the session' }, token);
    if (response.status === 401) {
      await response.discard();
      this.state.forget();
      return this.state.info();
    }
    const reply = await this.parse(response, sessionCheckReply, 'check the session');
    if (reply.uid !== this.state.info().uid) throw this.reported(new CorelogError('malformed-response', 'Imago says this session belongs to another user.', { system: 'imago', retryable: false }));
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

  /** Creates a dataset, or returns the existing one with that name. */
  async createDataset(input: { workspaceId: string; name: string }): Promise<ImagoDataset> {
    return this.fetchJson({ method: 'POST', path: '/dataset', json: [input], action: `create dataset "${input.name}"` }, dataset);
  }

  async listCollections(query: CollectionQuery = {}): Promise<ImagoCollectionPage> {
    return this.fetchJson({ method: 'GET', path: '/collection', query: collectionParams(query, this.api), action: 'list collections' }, collectionList);
  }

  /** Every matching collection, following the pages (bounded at 1,000 pages). */
  async listAllCollections(query: Omit<CollectionQuery, 'offset' | 'limit'> = {}): Promise<ImagoCollection[]> {
    const all: ImagoCollection[] = [];
    const limit = this.api.collectionPageSize;
    for (let pageIndex = 0; pageIndex < 1000; pageIndex++) {
      const page = await this.listCollections({ ...query, offset: pageIndex * limit, limit });
      all.push(...page.collections);
      if (page.collections.length < limit) break;
    }
    return all;
  }

  /** Creates a collection (hole), or returns the existing one with that name in the dataset. */
  async createCollection(input: NewCollection): Promise<ImagoCollection> {
    return this.fetchJson({ method: 'POST', path: '/collection', json: input, action: `create collection "${input.name}"` }, collection);
  }

  // ---- imagery ---------------------------------------------------------------------------

  async listImagery(query: ImageryQuery): Promise<ImageryInterval[]> {
    const action = 'list imagery';
    return this.parseImagery(await this.request({ method: 'GET', path: '/imagery', query: imageryParams(query, this.api), action, maxReplyBytes: IMAGERY_PAGE_MAX_BYTES }), action);
  }

  /**
   * Creates or updates intervals (keyed by collection + imagery type + geometry), with attributes
   * and features. The body goes keyed (`{[imageryKey]: items}`) or as a bare array, whichever
   * this server takes: until one has worked, a 400/422 to one form is tried once in the other.
   */
  async saveImagery(items: ImageryWrite[]): Promise<ImageryInterval[]> {
    if (items.length === 0) return [];
    const action = `save ${items.length} imagery interval${items.length === 1 ? '' : 's'}`;
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
      const firstRefusal = await errorFromResponse('imago', response, action);
      form = form === 'keyed' ? 'bare' : 'keyed';
      response = await attempt(form);
      if (BODY_FORM_REFUSALS.includes(response.status)) {
        // Both forms refused: one refusal is about the body's form, the other about the content.
        // Which is which cannot be told from here, so the user gets both reasons.
        const secondRefusal = await errorFromResponse('imago', response, action);
        const asForm = (f: ImageryBodyForm) => (f === 'keyed' ? `as {"${this.api.imageryKey}": […]}` : 'as a bare list');
        const other = form === 'keyed' ? 'bare' : 'keyed';
        throw this.reported(
          new CorelogError(secondRefusal.kind, `${firstRefusal.message.replace(/\.$/, '')} (sent ${asForm(other)}); sent again ${asForm(form)}: ${secondRefusal.message}`, {
            system: 'imago',
            ...(secondRefusal.status === undefined ? {} : { status: secondRefusal.status }),
          }),
        );
      }
      this.problem(action, `the server refused the ${form === 'bare' ? 'keyed' : 'bare-list'} body and took the ${form === 'bare' ? 'bare-list' : 'keyed'} one; using that from now on`);
    }
    this.imageryBody = { form, settled: true };
    return this.parseImagery(response, action);
  }

  // ---- images ----------------------------------------------------------------------------

  async downloadImage(target: ImageTarget, options: DownloadOptions = {}): Promise<DownloadedImage & { bytes: Buffer }> {
    const spec = this.downloadSpec(target, options);
    const response = await this.request(spec);
    const bytes = await response.bytes();
    return { ...this.describeDownload(response, spec.action), bytes };
  }

  /** Streams the image to `filePath` (via a `.part` file, so a broken download leaves nothing behind). */
  async downloadImageToFile(target: ImageTarget, filePath: string, options: DownloadOptions = {}): Promise<DownloadedImage & { path: string; size: number; sha256: string }> {
    const spec = this.downloadSpec(target, options);
    const response = await this.request(spec);
    const partial = `${filePath}.part`;
    const hash = createHash('sha256');
    let size = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
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
  async uploadImage(target: ImageTarget, filePath: string, options: UploadOptions = {}): Promise<UploadReply> {
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
    return this.fetchJson(spec, uploadReply);
  }

  async listImageMetadata(query: ImageMetadataQuery = {}): Promise<ImageMetadataPage> {
    return this.fetchJson({ method: 'GET', path: '/image-metadata', query: imageMetadataParams(query, this.api), action: 'list image metadata' }, imageMetadataList);
  }

  /** A link that opens the hole (and optionally depth and image) in the Imago portal. */
  portalDeepLink(target: PortalTarget): string {
    return portalDeepLink(target, this.api.portalBaseUrl);
  }

  // ---- plumbing --------------------------------------------------------------------------

  private downloadSpec(target: ImageTarget, options: DownloadOptions): RequestSpec {
    return {
      method: 'GET',
      path: '/image',
      query: downloadParams(target, this.api, options),
      action: `hand out the ${target.imageTypeName} photo of ${describeTarget(target)}`,
      signal: options.signal,
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

  /** Reads a `GET`/`POST /imagery` reply in whichever wrapper it came (see `findImageryArray`). */
  private async parseImagery(response: HttpResponse, action: string): Promise<ImageryInterval[]> {
    let value: unknown;
    try {
      value = await response.json();
    } catch (error) {
      throw error instanceof CorelogError ? this.reported(error) : error;
    }
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

  /** An authenticated request: renew if due, re-sign-in once on 401, typed error otherwise. */
  private async request(spec: RequestSpec): Promise<HttpResponse> {
    if (this.state.needsRenewal(this.renewBeforeMs)) await this.renew();
    let response = await this.send(spec, this.state.apiToken);
    if (response.status === 401) {
      await response.discard();
      this.state.forget();
      await this.renew();
      // Uploads are sent again from the file: sendHttpRequest opens a fresh stream each time.
      response = await this.send(spec, this.state.apiToken);
      if (response.status === 401) {
        await response.discard();
        this.state.forget();
        throw this.reported(new CorelogError('auth', 'Imago refused the session even after signing in again. Sign in to Imago again.', { status: 401, system: 'imago', retryable: false }));
      }
    }
    if ((response.status < 200 || response.status >= 300) && !spec.passStatuses?.includes(response.status)) throw this.reported(await errorFromResponse('imago', response, spec.action));
    this.report({ reachable: true });
    return response;
  }

  /** Signs in again with the stored credentials; concurrent callers share one sign-in. */
  private async renew(): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const credentials = await this.options.credentials();
        if (!credentials) throw new CorelogError('auth', 'Imago needs you to sign in: no stored service-account login.', { system: 'imago', retryable: false });
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
    const response = await this.attempt(options);
    if (spec.path === '/session' && spec.method === 'POST' && response.status !== 200 && response.status !== 404) {
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
