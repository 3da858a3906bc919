/**
 * The one way main-process services talk HTTP. Every request is bounded three ways, so no server,
 * proxy or captive portal can hold a sync queue or fill the service process's memory:
 *
 * - an idle timeout (`timeoutMs`): no bytes moving for this long aborts the request;
 * - a total deadline (`deadlineMs`, default 60 s) that grows with the bytes actually moved
 *   (`minBytesPerSecond`, default 1 KiB/s): a 200 MB upload or a big list over a slow satellite link
 *   earns the time it needs, a reply trickling a byte every few seconds is cut;
 * - a size cap on every reply read into memory (`maxReplyBytes` 8 MiB for JSON and text,
 *   `maxDownloadBytes` 64 MiB for `bytes()`, 64 KiB for error bodies), checked while the bytes
 *   stream in, so a 50 MB body is never held. Reading a reply costs about twice the bytes held
 *   until the garbage collector runs (chunks, then the joined buffer), hence a cap of 8 MiB:
 *   above the largest page either system is asked for (5,000 imagery intervals ≈ 7 MB; a client
 *   that expects more asks for more per call).
 *
 * Requests go over node:http(s) (node-exchange.ts, which says why not fetch). Redirects are never
 * followed to another origin, so a token or cookie never reaches a host it was not meant for. A 2xx web page where
 * data belongs is a captive portal's or proxy's, and is refused before anyone reads it as success.
 * Such replies are `malformed-response` (retryable: a problem of the path, not of the item) with
 * `notFromServer` set, so the connection strip does not claim the system is reachable.
 */
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CorelogError, errorKindForStatus, type SystemId } from '../../../common/errors';
import { redactText } from '../desktop/redact';
import { FileBody } from './file-body';
import { decodeText } from './reply-charset';
import { secretsOf, withoutSecrets } from './request-secrets';
import { exchange, type BodyReader, type ExchangeAbort, type ExchangeReply } from './node-exchange';

/** How long and how much one request may take; every field has a default. */
export interface HttpLimits {
  /** Total time for one request and its reply, before `minBytesPerSecond` adds to it (default 60 s). */
  deadlineMs?: number;
  /** Each byte moved (the upload's size, the reply's bytes) extends the deadline at this rate (default 1 KiB/s). */
  minBytesPerSecond?: number;
  /** Largest JSON or text reply read into memory (default 8 MiB). */
  maxReplyBytes?: number;
  /** Largest binary reply read into memory with `bytes()` (default 64 MiB). */
  maxDownloadBytes?: number;
  /**
   * Largest reply passed on by `stream()` (default 1 GiB): a download written to disk is not held
   * in memory, but one that never ends would fill the disk, and the deadline grows with the bytes.
   */
  maxStreamBytes?: number;
}

export const DEFAULT_HTTP_LIMITS: Required<HttpLimits> = {
  deadlineMs: 60_000,
  minBytesPerSecond: 1024,
  maxReplyBytes: 8 * 1024 * 1024,
  maxDownloadBytes: 64 * 1024 * 1024,
  maxStreamBytes: 1024 * 1024 * 1024,
};

/** Error bodies are only read for a short reason; the rest of a long page is dropped unread. */
export const ERROR_BODY_BYTES = 64 * 1024;

export interface HttpRequestOptions extends HttpLimits {
  system: SystemId;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with the right content type. */
  json?: unknown;
  body?: string | Buffer;
  /**
   * Streams this file as the body, between `before` and `after` when given (a multipart part's
   * framing): the file is never read into memory and Content-Length is known up front.
   */
  file?: {
    path: string;
    contentType: string;
    before?: Buffer;
    after?: Buffer;
    onProgress?: (sentBytes: number, totalBytes: number) => void;
    /**
     * Waits before each piece (at most `PACE_SLICE_BYTES`) of the file is sent: a bandwidth cap.
     * The idle timeout does not run while it waits (the quiet is ours, not the network's).
     */
    pace?: (bytes: number) => Promise<void>;
  };
  /**
   * A GET may be redirected once to another origin (a signed storage address for an image). It
   * goes there without the Authorization and Cookie headers, and never from https to http.
   */
  crossOriginRedirect?: boolean;
  /** Idle timeout: no bytes moving for this long aborts the request. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Reading the reply failed after its status arrived (too slow, cut off, too large, a web page, not
   * JSON). The client reports this like a failed request, so the connection strip is not left
   * saying "Reachable" because the headers came in time.
   */
  onReadFailure?: (error: CorelogError) => void;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Every `Set-Cookie` header of the response, unparsed. */
  setCookies: string[];
  /**
   * The credentials the request carried (its token, a password in its body): an error message
   * that quotes the server's reply must not repeat them (`errorFromResponse`).
   */
  sentSecrets?: readonly string[];
  /** The body as text, decoded by its declared charset (UTF-8 when none); longer than `maxBytes` (default `maxReplyBytes`) is an error, or with `cut` the first `maxBytes`. */
  text(options?: { maxBytes?: number; cut?: boolean }): Promise<string>;
  /**
   * Parses JSON of at most `maxBytes` (default `maxReplyBytes`); a web page, a cut-off, unreadable
   * or larger body is a `malformed-response` error. An empty body is one too, unless `allowEmpty`
   * (then `undefined`).
   */
  json(options?: { allowEmpty?: boolean; maxBytes?: number }): Promise<unknown>;
  /** The body as bytes, at most `maxBytes` (default `maxDownloadBytes`). */
  bytes(options?: { maxBytes?: number }): Promise<Buffer>;
  /** The body as a Node stream, for downloads written straight to disk (at most `maxBytes`, default `maxStreamBytes`; the deadline applies). */
  stream(options?: { maxBytes?: number }): Readable;
  /** Reads and drops the (first 64 KiB of the) body: a probe counts only a reply that arrives whole and in time. */
  drain(): Promise<void>;
  /** Releases the connection when the body is not needed. */
  discard(): Promise<void>;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  // node-exchange.ts: a status line no HTTP server sends (something else is on that port).
  'ERR_HTTP_BAD_STATUS',
  // node:http: the connection closed before the reply was whole.
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A paced upload is sent in pieces this small, so a low cap makes an even stream, not bursts. */
export const PACE_SLICE_BYTES = 64 * 1024;

const SYSTEM_NAMES: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

/** How far into an HTML-labelled reply we look for the start of JSON before calling it a page. */
const PEEK_BYTES = 4096;

type AbortCause = 'idle' | 'deadline' | null;

/**
 * Sends one request. Resolves for every HTTP status the server itself gave; rejects when no
 * response arrived, and when something on the way answered instead (a redirect, a web page
 * where data belongs, a proxy or network asking for a sign-in).
 */
export async function sendHttpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...definedLimits(options) };
  const system = options.system;
  const name = SYSTEM_NAMES[system];
  const controller = new Abort();
  const startedAt = Date.now();
  let abortCause: AbortCause = null;
  let headersArrived = false;
  /** Bytes that earn deadline time: the upload's size up front, then every reply byte received. */
  let earnedBytes = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;

  const abort = (cause: Exclude<AbortCause, null>) => {
    abortCause ??= cause;
    controller.abort();
  };
  /** A body read is waiting on the network. */
  let reading = false;
  // Idle means the network is quiet while we wait on it: before the reply's status, and while a
  // body read is pending. A caller slow to read its reply is not the network being idle.
  const touch = () => {
    clearTimeout(idleTimer);
    if (headersArrived && !reading) return;
    idleTimer = setTimeout(() => abort('idle'), options.timeoutMs);
    idleTimer.unref?.();
  };
  const allowedMs = () => limits.deadlineMs + (earnedBytes / limits.minBytesPerSecond) * 1000;
  const armDeadline = () => {
    const remaining = startedAt + allowedMs() - Date.now();
    if (remaining <= 0) return abort('deadline');
    // Re-checked when it fires: bytes that arrived meanwhile may have earned more time.
    deadlineTimer = setTimeout(armDeadline, Math.min(remaining, 2 ** 31 - 1));
    deadlineTimer.unref?.();
  };
  const stopTimers = () => {
    clearTimeout(idleTimer);
    clearTimeout(deadlineTimer);
  };
  const onCallerAbort = () => controller.abort();
  // Reads race this: a read pending on a body is ended by the abort even where the stream would not say so.
  const aborted = new Promise<never>((_resolve, reject) => controller.onAbort(reject));
  aborted.catch(() => undefined);
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const headers: Record<string, string> = { ...options.headers };
  if (options.method === 'GET' || options.method === 'HEAD') askPastCaches(headers);
  let body: string | Uint8Array | FileBody | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    try {
      body = JSON.stringify(options.json);
    } catch (error) {
      // A value JSON cannot hold (a cycle, a BigInt, nesting deeper than the stack): nothing was sent.
      options.signal?.removeEventListener('abort', onCallerAbort);
      throw internalFault(name, error, system);
    }
  } else if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : new Uint8Array(options.body);
  } else if (options.file) {
    const { size } = await stat(options.file.path).catch((error: unknown) => {
      options.signal?.removeEventListener('abort', onCallerAbort);
      throw new CorelogError('internal', `The file to upload cannot be read: ${(error as Error).message}`);
    });
    const { before, after } = options.file;
    const total = (before?.length ?? 0) + size + (after?.length ?? 0);
    headers['content-type'] ??= options.file.contentType;
    headers['content-length'] = String(total);
    earnedBytes = total;
    let sent = 0;
    const { onProgress, pace } = options.file;
    body = new FileBody(options.file.path, size, { before, after }, {
      ...(pace
        ? {
            pace: (bytes: number) => {
              clearTimeout(idleTimer); // waiting for the cap is not the network being idle
              return pace(bytes);
            },
            pieceBytes: PACE_SLICE_BYTES,
          }
        : {}),
      sent: (bytes) => {
        sent += bytes;
        touch();
        onProgress?.(sent, size);
      },
    });
  }

  const describeFailure = (error: unknown): CorelogError => {
    stopTimers();
    if (abortCause === 'deadline') {
      // The time it was allowed, not the time the timer fired: the same words for the same limit.
      const after = formatDuration(allowedMs());
      const message = headersArrived
        ? `${name}'s reply was still not complete after ${after}; the link is too slow or something on the way is holding it.`
        : `${name} did not answer within ${after}; the link is too slow or something on the way is holding the request.`;
      return new CorelogError('timeout', message, { system, cause: error });
    }
    if (abortCause === 'idle') {
      const quiet = formatDuration(options.timeoutMs);
      const message = headersArrived ? `${name} stopped sending its reply for ${quiet}.` : `${name} did not answer within ${quiet}.`;
      return new CorelogError('timeout', message, { system, cause: error });
    }
    if (options.signal?.aborted) return new CorelogError('cancelled', 'The request was cancelled.', { system, cause: error });
    // Our own verdict on the body (the file changed while it was sent), not the network's.
    if (error instanceof CorelogError) return error;
    const code = networkErrorCode(error);
    if (code && /^(Z_|ERR_ZLIB|ERR_BROTLI)/.test(code)) {
      return new CorelogError('malformed-response', `${name}'s reply said it was compressed but could not be decompressed; something on the way may have damaged it.`, { system, cause: error });
    }
    if (code && NETWORK_CODES.has(code)) {
      const detail = code === 'ECONNREFUSED' ? 'the server refused the connection' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the server name could not be resolved' : 'the connection was lost';
      return new CorelogError('offline', `${name} cannot be reached: ${detail} (${code}).`, { system, cause: error });
    }
    // A fault of our own code (a value it cannot send) is no network failure: retried as one, it
    // would fail the same way for ever while the queue said "cannot be reached".
    if (!code && isCodeFault(error)) return internalFault(name, error, system);
    return new CorelogError('offline', `${name} cannot be reached: ${error instanceof Error ? error.message : String(error)}.`, { system, cause: error });
  };

  let sentSecrets: ReturnType<typeof secretsOf>;
  try {
    sentSecrets = secretsOf(headers, options.json);
  } catch (error) {
    options.signal?.removeEventListener('abort', onCallerAbort);
    throw internalFault(name, error, system);
  }
  touch();
  armDeadline();
  const release = () => {
    stopTimers();
    options.signal?.removeEventListener('abort', onCallerAbort);
  };

  let url = new URL(options.url);
  let response: ExchangeReply;
  let reader: BodyReader | null;
  let hopHeaders = headers;
  // At most one hop: a same-origin redirect of a read, or a cross-origin one where allowed (see `followable`).
  for (let hop = 0; ; hop++) {
    try {
      // Never followed automatically (node-exchange.ts): a redirect is judged below.
      response = await exchange(url, { method: options.method, headers: hopHeaders, ...(body === undefined ? {} : { body }) }, controller);
    } catch (error) {
      release();
      throw describeFailure(error);
    }
    reader = response.body;
    if (response.status < 300 || response.status >= 400) break;
    await reader?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    const target = resolveLocation(location, url);
    if (hop === 0 && target && followable(options.method, url, target, options.crossOriginRedirect ?? false)) {
      // Credentials are for the server they were given by, never for the address it points to.
      if (target.origin !== url.origin) hopHeaders = withoutSecrets(headers);
      url = target;
      continue;
    }
    release();
    throw redirectError(system, response.status, url, location, options.method);
  }
  headersArrived = true;
  clearTimeout(idleTimer);

  const status = response.status;
  if (status === 407 || status === 511) {
    await reader?.cancel().catch(() => undefined);
    release();
    throw gatekeeperError(system, status);
  }

  // Body reading: chunks pulled from the reader, with the timers and byte counts kept up to date.
  const peeked: Uint8Array[] = [];
  let bodyDone = reader === null;
  let readFailed = false;
  /** Failures before the response is handed over are thrown by this function; the caller reports those. */
  let handedOver = false;
  if (bodyDone) release();
  const readFailure = (error: CorelogError): CorelogError => {
    bodyDone = true;
    release();
    if (handedOver && !readFailed && error.kind !== 'cancelled') {
      readFailed = true;
      options.onReadFailure?.(error);
    }
    return error;
  };
  const cancel = async () => {
    if (bodyDone) return;
    bodyDone = true;
    release();
    await reader?.cancel().catch(() => undefined);
  };
  const readChunk = async (): Promise<Uint8Array | null> => {
    const queued = peeked.shift();
    if (queued) return queued;
    if (bodyDone || !reader) return null;
    let result: Awaited<ReturnType<BodyReader['read']>>;
    const pending = reader.read();
    pending.catch(() => undefined);
    reading = true;
    touch();
    try {
      result = await Promise.race([pending, aborted]);
    } catch (error) {
      void reader.cancel().catch(() => undefined);
      throw readFailure(describeFailure(error));
    } finally {
      reading = false;
      clearTimeout(idleTimer);
    }
    if (result.done) {
      bodyDone = true;
      release();
      return null;
    }
    earnedBytes += result.value.byteLength;
    return result.value;
  };
  const readAll = async (maxBytes: number, cut: boolean): Promise<Buffer> => {
    const declared = Number(response.headers.get('content-length'));
    if (!cut && Number.isFinite(declared) && declared > maxBytes) {
      await cancel();
      throw readFailure(tooLargeError(system, status, maxBytes));
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = await readChunk();
      if (!chunk) break;
      if (total + chunk.byteLength > maxBytes) {
        if (!cut) {
          chunks.length = 0;
          await cancel();
          throw readFailure(tooLargeError(system, status, maxBytes));
        }
        chunks.push(chunk.subarray(0, maxBytes - total));
        total = maxBytes;
        await cancel();
        break;
      }
      chunks.push(chunk);
      total += chunk.byteLength;
    }
    return Buffer.concat(chunks, total);
  };

  // A page where data belongs: a captive portal or a proxy answered, whatever the status says.
  // A server that labels real JSON as HTML is tolerated: we look at how the body starts.
  if (status >= 200 && status < 300 && isWebPageType(response.headers.get('content-type'))) {
    let seen = 0;
    let first: string | null = null;
    while (first === null && seen < PEEK_BYTES) {
      const chunk = await readChunk();
      if (!chunk) break;
      peeked.push(chunk);
      seen += chunk.byteLength;
      first = firstMeaningfulChar(Buffer.concat(peeked).toString('utf8'));
    }
    if (seen > 0 && first !== '{' && first !== '[') {
      await cancel();
      throw webPageError(system, status);
    }
  }

  handedOver = true;
  return {
    status,
    headers: response.headers,
    setCookies: response.setCookies,
    sentSecrets,
    bytes: (opts = {}) => readAll(opts.maxBytes ?? limits.maxDownloadBytes, false),
    async text(opts = {}) {
      return decodeText(await readAll(opts.maxBytes ?? limits.maxReplyBytes, opts.cut ?? false), response.headers.get('content-type'));
    },
    async json(opts = {}) {
      const text = decodeText(await readAll(opts.maxBytes ?? limits.maxReplyBytes, false), response.headers.get('content-type')).replace(/^\uFEFF/, '');
      if (!text.trim()) {
        if (opts.allowEmpty) return undefined;
        throw readFailure(new CorelogError('malformed-response', `${name} sent an empty reply where data was expected (HTTP ${status}).`, { system, status }));
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw readFailure(unreadableReplyError(system, status, text, response.headers.get('content-type'), error));
      }
    },
    stream(opts = {}) {
      const maxBytes = opts.maxBytes ?? limits.maxStreamBytes;
      const chunks = async function* () {
        try {
          const declared = Number(response.headers.get('content-length'));
          if (Number.isFinite(declared) && declared > maxBytes) throw readFailure(tooLargeError(system, status, maxBytes));
          let total = 0;
          for (;;) {
            const chunk = await readChunk();
            if (!chunk) return;
            total += chunk.byteLength;
            if (total > maxBytes) throw readFailure(tooLargeError(system, status, maxBytes));
            yield chunk;
          }
        } finally {
          await cancel();
        }
      };
      return Readable.from(chunks(), { objectMode: false });
    },
    async drain() {
      await readAll(ERROR_BODY_BYTES, true);
    },
    discard: cancel,
  };
}

/**
 * Turns a non-2xx response into a `CorelogError`, quoting the server's own reason when its body
 * has a short plain-text one (`message`, `error`, `errors`, `detail`… or plain text). Markup,
 * web pages and long pages are never quoted; only the first 64 KiB of the body is read.
 */
export async function errorFromResponse(system: SystemId, response: HttpResponse, action: string): Promise<CorelogError> {
  const text = await response.text({ maxBytes: ERROR_BODY_BYTES, cut: true }).catch(() => '');
  const status = response.status;
  const name = SYSTEM_NAMES[system];
  const kind = errorKindForStatus(status);
  if (kind === 'malformed-response') return redirectError(system, status, null, response.headers.get('location'), 'GET');
  const page = isWebPageType(response.headers.get('content-type')) || looksLikeWebPage(text);
  const reason = page ? null : serverReason(text);
  // A server may echo what it was sent (the token, a password): the user's message never repeats it.
  const quoted = reason ? `: ${redactText(withoutSentSecrets(reason, response.sentSecrets ?? []))}` : '';
  const retryAfterMs = status === 429 || status === 503 ? retryAfterOf(response.headers.get('retry-after')) : undefined;
  const wait = retryAfterMs === undefined ? '' : ` It asked to be left alone for ${formatDuration(retryAfterMs)}; Corelog tries again then.`;
  let message: string;
  if (status === 429) message = `${name} is busy and could not ${action} now (HTTP 429)${quoted}.${wait || ' Corelog tries again shortly.'}`;
  else if (kind === 'server') message = `${name} had a problem and could not ${action} (HTTP ${status})${quoted}.${wait}`;
  else message = `${name} refused to ${action} (HTTP ${status})${quoted}.`;
  return new CorelogError(kind, message, { status, system, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** `text` with every credential the request carried replaced, however the server quoted it. */
function withoutSentSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((current, secret) => current.split(secret).join('[redacted]'), text);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) as a wait in ms: delay-seconds or an HTTP date. Unreadable,
 * negative or past values mean the server did not say.
 */
export function retryAfterOf(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) && at > now ? at - now : undefined;
}

/** The error for a web page where data belongs (a captive portal's or a proxy's). */
export function webPageError(system: SystemId, status: number): CorelogError {
  return new CorelogError('malformed-response', `${SYSTEM_NAMES[system]} answered with a web page instead of data — a captive portal or proxy may be in the way (HTTP ${status}).`, {
    system,
    status,
    notFromServer: true,
  });
}

/** Whether a body is markup (an HTML or XML page) rather than data. */
export function looksLikeWebPage(text: string): boolean {
  return firstMeaningfulChar(text.slice(0, PEEK_BYTES)) === '<';
}

/**
 * The server's reason from an error body, when it is short plain text: JSON `message`, `error`
 * (text or `{message}`), `errors` (Imago's `[{name, message}]` or ASP.NET's `{field: [text]}`),
 * `detail`, `reason`, `title`, or a plain-text body. Null when there is none or it has markup.
 */
export function serverReason(body: string): string | null {
  const trimmed = body.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return plainReason(trimmed);
  }
  return plainReason(reasonFromJson(parsed));
}

const MAX_REASON_CHARS = 200;

function reasonFromJson(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  for (const key of ['message', 'error', 'errors', 'detail', 'reason', 'title', 'error_description', 'Message']) {
    const field = record[key];
    if (typeof field === 'string' && field.trim()) return field;
    if (Array.isArray(field)) {
      const texts = field.map((item) => (typeof item === 'string' ? item : textOf(item))).filter((t): t is string => !!t);
      if (texts.length) return texts.slice(0, 3).join('; ');
    } else if (field && typeof field === 'object') {
      const own = textOf(field);
      if (own) return own;
      if (key === 'errors') {
        // ASP.NET validation problems: { "Depth": ["must be positive"] }
        const texts = Object.entries(field as Record<string, unknown>).flatMap(([where, list]) =>
          (Array.isArray(list) ? list : [list]).filter((t): t is string => typeof t === 'string').map((t) => `${where}: ${t}`),
        );
        if (texts.length) return texts.slice(0, 3).join('; ');
      }
    }
  }
  return null;
}

function textOf(item: unknown): string | null {
  if (!item || typeof item !== 'object') return null;
  const { message, msg, name, param, path } = item as { message?: unknown; msg?: unknown; name?: unknown; param?: unknown; path?: unknown };
  if (typeof message === 'string' && message.trim()) return message;
  // express-validator: [{ msg: "Invalid value", param | path: "tstamp", location: "body" }]
  if (typeof msg === 'string' && msg.trim()) {
    const field = [param, path].find((f): f is string => typeof f === 'string' && f.trim() !== '');
    return field ? `${field}: ${msg}` : msg;
  }
  if (typeof name === 'string' && name.trim()) return name;
  return null;
}

/** Plain text of reasonable length, or null: anything with markup is refused, not stripped. */
function plainReason(text: string | null): string | null {
  if (!text) return null;
  if (/<\s*\/?\s*[a-z!?][^>]*>/i.test(text) || /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(text)) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  let reason = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (reason.length > MAX_REASON_CHARS) {
    const cut = reason.slice(0, MAX_REASON_CHARS);
    const space = cut.lastIndexOf(' ');
    reason = `${(space > MAX_REASON_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
  }
  reason = reason.replace(/[\s.]+$/, '');
  return reason || null;
}

function unreadableReplyError(system: SystemId, status: number, text: string, contentType: string | null, parseError: unknown): CorelogError {
  const name = SYSTEM_NAMES[system];
  if (looksLikeWebPage(text)) return webPageError(system, status);
  const body = text.trimEnd();
  const message = (parseError as Error)?.message ?? '';
  const position = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
  const cutOff = /^[[{]/.test(body.trimStart()) && (/end of JSON input/i.test(message) || position >= body.length);
  if (cutOff) {
    return new CorelogError('malformed-response', `${name}'s reply was cut off before the end (${formatBytes(Buffer.byteLength(text))} arrived, HTTP ${status}); the connection or a proxy may have dropped the rest.`, {
      system,
      status,
    });
  }
  return new CorelogError('malformed-response', `${name} answered with something other than data (${describeContentType(contentType)}, HTTP ${status}).`, { system, status });
}

function tooLargeError(system: SystemId, status: number, maxBytes: number): CorelogError {
  return new CorelogError('malformed-response', `${SYSTEM_NAMES[system]} sent a reply larger than ${formatBytes(maxBytes)}, far more than Corelog asked for; it stopped reading it (HTTP ${status}).`, {
    system,
    status,
  });
}

/** A 407 (a proxy wants a login) or 511 (the network wants a sign-in): the server was not reached. */
function gatekeeperError(system: SystemId, status: number): CorelogError {
  const name = SYSTEM_NAMES[system];
  const message =
    status === 407
      ? `A proxy between Corelog and ${name} asks for a sign-in Corelog cannot give (HTTP 407); ask whoever runs this network.`
      : `The network asks you to sign in before it lets Corelog reach ${name} (HTTP 511); open a web browser and accept the network's terms.`;
  return new CorelogError('malformed-response', message, { system, status, notFromServer: true });
}

/**
 * A read asks to be answered by the server, not from a cache on the way: ships and remote camps
 * often sit behind caching proxies and link accelerators, and a cached read-back would call a
 * write that went through lost, or hide another user's change. `Pragma` is for HTTP/1.0 proxies.
 * Headers the caller set itself win.
 */
function askPastCaches(headers: Record<string, string>): void {
  const named = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (!named.has('cache-control')) headers['cache-control'] = 'no-cache';
  if (!named.has('pragma')) headers.pragma = 'no-cache';
}

function redirectError(system: SystemId, status: number, from: URL | null, location: string | null, method: string): CorelogError {
  const name = SYSTEM_NAMES[system];
  const target = from ? resolveLocation(location, from) : null;
  const code = status ? ` (HTTP ${status})` : '';
  let message: string;
  if (from && target && target.origin !== from.origin && target.host === from.host && from.protocol === 'http:' && target.protocol === 'https:') {
    message = `${name} sent Corelog to its https:// address${code}; change the server address in Connections to begin with https://.`;
  } else if (from && target && target.origin !== from.origin) {
    message = `${name} did not answer: the request was redirected to another address (${target.host.slice(0, 100)}) — a captive portal or proxy may be in the way${code}.`;
  } else if (from && target) {
    message = `${name} answered ${method === 'GET' || method === 'HEAD' ? 'with a second redirect' : 'a change with a redirect'}${code}; Corelog follows one redirect, and only for reads.`;
  } else {
    message = `${name} did not answer: the request was redirected elsewhere — a captive portal or proxy may be in the way${code}.`;
  }
  return new CorelogError('malformed-response', message, { system, notFromServer: true, ...(status ? { status } : {}) });
}

function resolveLocation(location: string | null, base: URL): URL | null {
  if (!location) return null;
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

/**
 * A redirect is followed once, and only when it stays on the same origin and the request is a
 * read: the token then goes to the server it was meant for (a reverse proxy adding a trailing
 * slash, say), and nothing can be sent twice. Anything else is reported, never followed.
 */
function followable(method: string, from: URL, to: URL, crossOrigin: boolean): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (to.origin === from.origin) return true;
  // A signed storage address: https stays https (a token in the query must not go in the clear).
  return crossOrigin && (to.protocol === 'https:' || (to.protocol === 'http:' && from.protocol === 'http:'));
}

function isWebPageType(contentType: string | null): boolean {
  return !!contentType && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

function firstMeaningfulChar(text: string): string | null {
  return /[^\s\uFEFF]/.exec(text)?.[0] ?? null;
}

/** A reply's media type, fit to quote in a message (a header is server text too). */
export function describeContentType(contentType: string | null): string {
  const type = contentType?.split(';')[0]?.trim() ?? '';
  return /^[\w.+-]{1,40}\/[\w.+-]{1,60}$/.test(type) ? type : 'no usable content type';
}

function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 10) return `${Number(seconds.toFixed(1))} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function definedLimits(options: HttpLimits): HttpLimits {
  const limits: HttpLimits = {};
  for (const key of ['deadlineMs', 'minBytesPerSecond', 'maxReplyBytes', 'maxDownloadBytes'] as const) {
    const value = options[key];
    if (typeof value === 'number' && value > 0) limits[key] = value;
  }
  return limits;
}

function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What aborts a request: a timer, or the caller's signal. Not an AbortController: Node makes every
 * AbortSignal transferable between threads, which cost ~0.1 ms of CPU per request, and a push of
 * 10,000 events makes 10,000 requests.
 */
class Abort implements ExchangeAbort {
  private reason: Error | null = null;
  private listeners: ((reason: Error) => void)[] = [];

  onAbort(listener: (reason: Error) => void): void {
    if (this.reason) listener(this.reason);
    else this.listeners.push(listener);
  }

  abort(): void {
    if (this.reason) return;
    this.reason = Object.assign(new Error('The request was aborted.'), { name: 'AbortError' });
    for (const listener of this.listeners.splice(0)) listener(this.reason);
  }
}

/** JavaScript's own errors (a stack overflow, a wrong type), as opposed to the network's, which carry a code. */
export function isCodeFault(error: unknown): error is Error {
  return error instanceof RangeError || error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError;
}

/** A request that failed inside Corelog before or while it went out: said as such, never retried by itself. */
export function internalFault(name: string, error: unknown, system: SystemId | undefined): CorelogError {
  const detail = error instanceof Error ? error.message : String(error);
  return new CorelogError('internal', `Corelog could not send this request to ${name} (${detail}). This is a fault in Corelog, not in the connection, so it is not retried by itself.`, {
    ...(system ? { system } : {}),
    retryable: false,
    cause: error,
  });
}
