/**
 * The one way main-process services talk HTTP: timeouts on every request, network failures
 * turned into typed `CorelogError`s (offline / timeout / cancelled), and file uploads streamed
 * from disk so memory does not grow with the file.
 *
 * Uses Node's built-in fetch. The timeout is an idle timeout: it restarts whenever bytes move,
 * so a 200 MB upload over a slow satellite link is not cut off while it is still progressing.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { CorelogError, errorKindForStatus, type SystemId } from '../../../common/errors';

export interface HttpRequestOptions {
  system: SystemId;
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with the right content type. */
  json?: unknown;
  body?: string | Buffer;
  /** Streams this file as the body. */
  file?: { path: string; contentType: string; onProgress?: (sentBytes: number, totalBytes: number) => void };
  /** Idle timeout: no bytes moving for this long aborts the request. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Every `Set-Cookie` header of the response, unparsed. */
  setCookies: string[];
  text(): Promise<string>;
  /** Parses JSON; an unreadable body is a `malformed-response` error. */
  json(): Promise<unknown>;
  bytes(): Promise<Buffer>;
  /** The body as a Node stream, for downloads written straight to disk. */
  stream(): Readable;
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
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const SYSTEM_NAMES: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

/** Sends one request. Resolves for every HTTP status; rejects only when no response arrived. */
export async function sendHttpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
  };
  const stop = () => clearTimeout(timer);
  const onCallerAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : new Uint8Array(options.body);
  } else if (options.file) {
    const { size } = await stat(options.file.path).catch((error: unknown) => {
      throw new CorelogError('internal', `The file to upload cannot be read: ${(error as Error).message}`);
    });
    headers['content-type'] ??= options.file.contentType;
    headers['content-length'] = String(size);
    let sent = 0;
    const onProgress = options.file.onProgress;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        touch();
        onProgress?.(sent, size);
        done(null, chunk);
      },
    });
    // 1 MiB chunks: fewer trips through the web-stream adapter, measurably closer to curl on loopback.
    const fileStream = createReadStream(options.file.path, { highWaterMark: 1024 * 1024 });
    fileStream.on('error', (error) => counter.destroy(error));
    body = Readable.toWeb(fileStream.pipe(counter)) as unknown as ReadableStream<Uint8Array>;
  }

  const describeFailure = (error: unknown): CorelogError => {
    stop();
    const system = SYSTEM_NAMES[options.system];
    if (timedOut) {
      return new CorelogError('timeout', `${system} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`, { system: options.system, cause: error });
    }
    if (options.signal?.aborted) return new CorelogError('cancelled', 'The request was cancelled.', { system: options.system, cause: error });
    const code = networkErrorCode(error);
    if (code && NETWORK_CODES.has(code)) {
      const detail = code === 'ECONNREFUSED' ? 'the server refused the connection' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the server name could not be resolved' : 'the connection was lost';
      return new CorelogError('offline', `${system} cannot be reached: ${detail} (${code}).`, { system: options.system, cause: error });
    }
    return new CorelogError('offline', `${system} cannot be reached: ${error instanceof Error ? error.message : String(error)}.`, { system: options.system, cause: error });
  };

  touch();
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: options.method,
      headers,
      body,
      signal: controller.signal,
      // A streamed body cannot be replayed after a redirect; with 'manual' undici would keep a copy
      // of the whole upload in memory just in case. Servers here never redirect an upload.
      redirect: body instanceof ReadableStream ? 'error' : 'manual',
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    options.signal?.removeEventListener('abort', onCallerAbort);
    throw describeFailure(error);
  }

  const finish = () => {
    stop();
    options.signal?.removeEventListener('abort', onCallerAbort);
  };
  const readAll = async (): Promise<Buffer> => {
    if (!response.body) {
      finish();
      return Buffer.alloc(0);
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      throw describeFailure(error);
    } finally {
      finish();
    }
    return Buffer.concat(chunks);
  };
  touch();
  return {
    status: response.status,
    headers: response.headers,
    setCookies: response.headers.getSetCookie(),
    bytes: readAll,
    async text() {
      return (await readAll()).toString('utf8');
    },
    async json() {
      const text = (await readAll()).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new CorelogError('malformed-response', `${SYSTEM_NAMES[options.system]} sent a reply that is not valid JSON (${describeSnippet(text)}).`, {
          system: options.system,
          status: response.status,
          retryable: false,
        });
      }
    },
    stream() {
      if (!response.body) {
        finish();
        return Readable.from([]);
      }
      const nodeStream = Readable.fromWeb(response.body as never);
      nodeStream.on('data', touch);
      nodeStream.on('end', finish);
      nodeStream.on('error', finish);
      return nodeStream;
    },
    async discard() {
      finish();
      await response.body?.cancel().catch(() => undefined);
    },
  };
}

/**
 * Turns a non-2xx response into a `CorelogError`, quoting the server's own message when its
 * body has one (`message`, `error`, `detail` or plain text).
 */
export async function errorFromResponse(system: SystemId, response: HttpResponse, action: string): Promise<CorelogError> {
  const text = await response.text().catch(() => '');
  const serverMessage = extractServerMessage(text);
  const kind = errorKindForStatus(response.status);
  const name = SYSTEM_NAMES[system];
  const reason = serverMessage ? `: ${serverMessage}` : '';
  const message = `${name} refused to ${action} (HTTP ${response.status})${reason}.`;
  return new CorelogError(kind, message, { status: response.status, system });
}

function extractServerMessage(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    for (const key of ['message', 'error', 'detail', 'reason']) {
      const value = parsed?.[key];
      if (typeof value === 'string' && value) return value.slice(0, 300);
      if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
        return ((value as { message: string }).message).slice(0, 300);
      }
    }
    return null;
  } catch {
    // An HTML error page from a proxy says nothing useful; plain text usually does.
    return /^\s*</.test(trimmed) ? null : trimmed.slice(0, 300);
  }
}

function describeSnippet(text: string): string {
  if (!text.trim()) return 'the body was empty';
  return `it began "${text.trim().slice(0, 60).replace(/\s+/g, ' ')}"`;
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
