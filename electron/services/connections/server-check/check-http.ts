/**
 * The server check's view of HTTP: raw replies (status, headers, the body as sent) so it can say
 * what shape a server answers in, through the shared HTTP layer (`sendHttpRequest`: idle timeout,
 * typed network errors). It can only read: `get()` is the one general method, and the single
 * non-read it allows — the sign-in a server needs before anything can be read — is named for
 * what it is and listed in the report.
 */
import type { SystemId } from '../../../../common/errors';
import { sendHttpRequest, type HttpResponse } from '../../http/http-request';

export type QueryValue = string | number | boolean | undefined | null;

export interface CheckCall {
  method: string;
  path: string;
  status: number | null;
  ms: number;
  shape: string;
}

export interface CheckReply {
  status: number;
  headers: Headers;
  setCookies: string[];
  contentType: string;
  /** The body as text (cut at `maxBodyBytes`; `truncated` says so). */
  text: string;
  bytes: number;
  truncated: boolean;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
  isJson: boolean;
  ms: number;
  /** The request as sent, for messages: `GET /context`. */
  request: string;
}

export interface CheckHttpOptions {
  system: SystemId;
  baseUrl: string;
  /** Idle timeout of each request. */
  timeoutMs: number;
  /** Bodies are read up to this size; a check needs shapes, not whole catalogues. */
  maxBodyBytes?: number;
  now?: () => number;
  /** Every exchange, answered or not (the step runner files it under the running step). */
  onCall: (call: CheckCall) => void;
  /** Sees every reply's headers first (Dougal: a fresh JWT cookie may come on any reply). */
  onReply?: (reply: { setCookies: string[] }) => void;
}

export class CheckHttp {
  /** The requests that were not reads: only ever the sign-in. */
  readonly nonReads: string[] = [];
  private readonly baseUrl: string;

  constructor(private readonly options: CheckHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** A read. Resolves for every HTTP status; rejects (CorelogError offline/timeout/cancelled) only when nothing answered. */
  get(path: string, query: Record<string, QueryValue> = {}, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<CheckReply> {
    return this.exchange('GET', path, query, headers, undefined, signal);
  }

  /** The sign-in (Imago `POST /session`, Dougal `POST /login`): needed to read anything, and reported as the one non-read. */
  signIn(path: string, body: unknown, signal?: AbortSignal): Promise<CheckReply> {
    this.nonReads.push(`POST ${path} (sign-in)`);
    return this.exchange('POST', path, {}, {}, body, signal);
  }

  private async exchange(method: 'GET' | 'POST', path: string, query: Record<string, QueryValue>, headers: Record<string, string>, json: unknown, signal?: AbortSignal): Promise<CheckReply> {
    const now = this.options.now ?? Date.now;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
    const queryText = search.toString();
    const shown = `${path}${queryText ? `?${queryText}` : ''}`;
    const started = now();
    let response: HttpResponse;
    try {
      response = await sendHttpRequest({
        system: this.options.system,
        method,
        url: `${this.baseUrl}${shown}`,
        headers: { accept: 'application/json', ...headers },
        ...(json === undefined ? {} : { json }),
        timeoutMs: this.options.timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      this.options.onCall({ method, path: shown, status: null, ms: now() - started, shape: 'no answer' });
      throw error;
    }
    this.options.onReply?.({ setCookies: response.setCookies });
    const { body, truncated } = await readCapped(response, this.options.maxBodyBytes ?? 8 * 1024 * 1024);
    const contentType = response.headers.get('content-type') ?? '';
    const text = body.toString('utf8');
    let parsed: unknown;
    let isJson = false;
    if (!truncated && text.trim() && !/^image\//i.test(contentType)) {
      try {
        parsed = JSON.parse(text);
        isJson = true;
      } catch {
        // Not JSON: the shape says what it was (HTML, text, YAML…).
      }
    }
    const reply: CheckReply = { status: response.status, headers: response.headers, setCookies: response.setCookies, contentType, text: truncated ? '' : text, bytes: body.length, truncated, json: parsed, isJson, ms: now() - started, request: `${method} ${path}` };
    this.options.onCall({ method, path: shown, status: response.status, ms: reply.ms, shape: describeBody(reply) });
    return reply;
  }
}

/** Reads at most `max` bytes, then lets the rest go (a check never needs a whole download). */
async function readCapped(response: HttpResponse, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = response.stream();
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > max) {
        stream.destroy();
        await response.discard();
        return { body: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } catch {
    // A body cut off half-way: what arrived is still worth describing.
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** One phrase for a reply body: `JSON object {uid, apiToken}`, `JSON array of 3`, `HTML page`, `empty`… */
export function describeBody(reply: Pick<CheckReply, 'contentType' | 'text' | 'bytes' | 'truncated' | 'json' | 'isJson'>): string {
  if (reply.truncated) return `more than ${formatBytes(reply.bytes)} (not read to the end)`;
  if (reply.bytes === 0) return 'empty';
  if (reply.isJson) return describeJson(reply.json);
  if (/^image\//i.test(reply.contentType)) return `${reply.contentType.split(';')[0]}, ${formatBytes(reply.bytes)}`;
  if (/html/i.test(reply.contentType) || /^\s*<(!doctype|html)/i.test(reply.text)) return 'HTML page';
  if (/ya?ml/i.test(reply.contentType)) return `YAML, ${formatBytes(reply.bytes)}`;
  return `${reply.contentType.split(';')[0] || 'text'}, ${formatBytes(reply.bytes)}`;
}

export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return `JSON array of ${value.length}`;
  if (value === null) return 'JSON null';
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    return `JSON object {${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}}`;
  }
  return `JSON ${typeof value}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
