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
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { CorelogError } from '../../../common/errors';
import { errorFromResponse, sendHttpRequest, type HttpRequestOptions, type HttpResponse } from '../http/http-request';
import { defaultImagoApiOptions, type ImagoApiOptions } from './api-options';
import { portalDeepLink, type PortalTarget } from './deep-link';
import { ImagoSession, type ImagoSessionInfo } from './imago-session';
import {
  collectionParams,
  datasetParams,
  imageMetadataParams,
  imageryParams,
  imageTargetParams,
  queryString,
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
  imageMetadataList,
  imageryList,
  parseReply,
  sessionCheckReply,
  sessionReply,
  uploadReply,
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
}

const CONTENT_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff' };

export class ImagoClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;
  private readonly api: ImagoApiOptions;
  private readonly state: ImagoSession;
  /** One sign-in at a time: concurrent requests that all need a fresh token share it. */
  private renewing: Promise<void> | null = null;

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
    await response.discard();
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
    return this.fetchJson({ method: 'GET', path: '/imagery', query: imageryParams(query, this.api), action: 'list imagery' }, imageryList(this.api.imageryKey));
  }

  /** Creates or updates intervals (keyed by collection + imagery type + geometry), with attributes and features. */
  async saveImagery(items: ImageryWrite[]): Promise<ImageryInterval[]> {
    if (items.length === 0) return [];
    return this.fetchJson(
      { method: 'POST', path: '/imagery', json: { [this.api.imageryKey]: items }, action: `save ${items.length} imagery interval${items.length === 1 ? '' : 's'}` },
      imageryList(this.api.imageryKey),
    );
  }

  // ---- images ----------------------------------------------------------------------------

  async downloadImage(target: ImageTarget, options: DownloadOptions = {}): Promise<DownloadedImage & { bytes: Buffer }> {
    const response = await this.request(this.downloadSpec(target, options));
    const bytes = await response.bytes();
    return { ...describeDownload(response), bytes };
  }

  /** Streams the image to `filePath` (via a `.part` file, so a broken download leaves nothing behind). */
  async downloadImageToFile(target: ImageTarget, filePath: string, options: DownloadOptions = {}): Promise<DownloadedImage & { path: string; size: number; sha256: string }> {
    const response = await this.request(this.downloadSpec(target, options));
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
      throw this.reported(new CorelogError('offline', `The image download from Imago was interrupted: ${(error as Error).message}.`, { system: 'imago', cause: error }), false);
    }
    return { ...describeDownload(response), path: filePath, size, sha256: hash.digest('hex') };
  }

  /** Fetches a signed `url` from a list reply (no token needed; the link itself expires). */
  async downloadSignedUrl(url: string): Promise<Buffer> {
    const response = await this.attempt({ system: 'imago', method: 'GET', url, timeoutMs: this.timeoutMs });
    if (response.status < 200 || response.status >= 300) throw this.reported(await errorFromResponse('imago', response, 'hand out the image link'));
    this.report({ reachable: true });
    return response.bytes();
  }

  /** Uploads a photo, streamed from disk. Replaces the interval's image of that image type. */
  async uploadImage(target: ImageTarget, filePath: string, options: UploadOptions = {}): Promise<UploadReply> {
    const contentType = options.contentType ?? CONTENT_TYPES[extname(filePath).toLowerCase()];
    if (!contentType) throw new CorelogError('validation', `Cannot tell the image type of ${filePath}; Imago takes JPEG or PNG.`);
    const file = { path: filePath, contentType, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
    const spec: RequestSpec = { method: 'POST', path: '/image', query: imageTargetParams(target, this.api), file, action: `take the ${target.imageTypeName} photo of ${describeTarget(target)}`, signal: options.signal };
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
      query: { ...imageTargetParams(target, this.api), width: options.width, height: options.height, imageId: options.imageId },
      action: `hand out the ${target.imageTypeName} photo of ${describeTarget(target)}`,
      signal: options.signal,
    };
  }

  private async fetchJson<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    return this.parse(await this.request(spec), schema, spec.action);
  }

  private async parse<S extends z.ZodType>(response: HttpResponse, schema: S, action: string): Promise<z.output<S>> {
    try {
      return parseReply(schema, await response.json(), action, response.status);
    } catch (error) {
      throw error instanceof CorelogError && error.kind === 'malformed-response' ? this.reported(error) : error;
    }
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
    if (response.status < 200 || response.status >= 300) throw this.reported(await errorFromResponse('imago', response, spec.action));
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
    const response = await this.attempt(options);
    if (spec.path === '/session' && spec.method === 'POST' && response.status !== 200 && response.status !== 404) {
      throw this.reported(await errorFromResponse('imago', response, 'sign in'));
    }
    return response;
  }

  private async attempt(options: HttpRequestOptions): Promise<HttpResponse> {
    try {
      const response = await sendHttpRequest(options);
      // Any HTTP answer, even a refusal, proves Imago is reachable.
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
  private reported(error: CorelogError, reachable = !['offline', 'timeout'].includes(error.kind)): CorelogError {
    if (error.kind !== 'cancelled') this.report({ reachable, error });
    return error;
  }
}

function describeTarget(target: ImageTarget): string {
  const where = target.imageryName ?? target.imageryId ?? (target.startDepth !== undefined ? `${target.startDepth}${target.endDepth !== undefined ? `–${target.endDepth}` : ''} m` : '');
  return `${target.collectionName} ${where}`.trim();
}

function describeDownload(response: HttpResponse): DownloadedImage {
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
  return { contentType: response.headers.get('content-type') ?? 'application/octet-stream', fileName: fileName ? decodeURIComponent(fileName) : null };
}
