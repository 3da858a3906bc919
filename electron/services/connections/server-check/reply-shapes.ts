/**
 * Reading what a reply's shape says about a server: whether absent values come as `null` or are
 * left out, what an error body looks like (and what Corelog would show the user from it), which
 * hash a checksum most likely is.
 */
import type { SystemId } from '../../../../common/errors';
import { errorFromResponse, type HttpResponse } from '../../http/http-request';
import type { CheckReply } from './check-http';

/** Counts `null` values and left-out optional fields across the replies of one check. */
export class AbsentValueSurvey {
  private readonly nulls = new Map<string, number>();
  private readonly missing = new Map<string, number>();

  /** Every `null` in a reply, by path (`imageries[].name`); attribute values are user data and skipped. */
  scan(where: string, value: unknown): void {
    const walk = (node: unknown, path: string, depth: number): void => {
      if (depth > 12) return;
      if (node === null) {
        this.nulls.set(path, (this.nulls.get(path) ?? 0) + 1);
      } else if (Array.isArray(node)) {
        for (const item of node) walk(item, `${path}[]`, depth + 1);
      } else if (typeof node === 'object') {
        for (const [key, inner] of Object.entries(node)) if (key !== 'attributes') walk(inner, path ? `${path}.${key}` : key, depth + 1);
      }
    };
    walk(value, where, 0);
  }

  /** Notes which of `fields` (documented as optional, shown in the examples) are absent from `items`. */
  expect(where: string, items: unknown[], fields: string[]): void {
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      for (const field of fields) if (!Object.hasOwn(item, field)) this.missing.set(`${where}.${field}`, (this.missing.get(`${where}.${field}`) ?? 0) + 1);
    }
  }

  get nullCount(): number {
    return [...this.nulls.values()].reduce((a, b) => a + b, 0);
  }

  get missingCount(): number {
    return [...this.missing.values()].reduce((a, b) => a + b, 0);
  }

  /** One sentence on how this server writes absent values; null when no reply showed either way. */
  conclusion(): { style: 'explicit-null' | 'omitted' | 'mixed'; text: string } | null {
    // The last two parts of a path say enough (`imageries[].name`), the whole one is a mouthful.
    const examples = (map: Map<string, number>) => [...new Set([...map.keys()].map((path) => path.split('.').slice(-2).join('.')))].slice(0, 3).join(', ');
    if (this.nullCount > 0 && this.missingCount === 0) {
      return { style: 'explicit-null', text: `Replies use explicit nulls for absent values (${this.nullCount} null values, e.g. ${examples(this.nulls)}).` };
    }
    if (this.nullCount === 0 && this.missingCount > 0) {
      return { style: 'omitted', text: `Replies leave absent values out instead of sending null (e.g. ${examples(this.missing)} missing).` };
    }
    if (this.nullCount > 0) {
      return { style: 'mixed', text: `Replies send some absent values as null (e.g. ${examples(this.nulls)}) and leave others out (e.g. ${examples(this.missing)}).` };
    }
    return null;
  }
}

export type ErrorBodyFormat = 'errors[]' | '{message}' | '{error}' | 'html' | 'empty' | 'text' | 'other-json';

/** What an error reply's body looks like, and the text Corelog would show the user for it. */
export async function describeErrorReply(system: SystemId, reply: CheckReply, action: string): Promise<{ format: ErrorBodyFormat; shape: string; shown: string; quotesReason: boolean; reason: string | null }> {
  const body = reply.json as Record<string, unknown> | undefined;
  let format: ErrorBodyFormat;
  let shape: string;
  let reason: string | null = null;
  if (reply.isJson && body && typeof body === 'object' && !Array.isArray(body)) {
    const errors = body.errors;
    if (Array.isArray(errors) && errors.some((e) => e && typeof e === 'object')) {
      format = 'errors[]';
      const first = errors[0] as Record<string, unknown>;
      shape = `{"errors": [{${Object.keys(first).join(', ')}}]}`;
      reason = typeof first.message === 'string' ? first.message : null;
    } else if (typeof body.message === 'string') {
      format = '{message}';
      shape = `{${Object.keys(body).join(', ')}}`;
      reason = body.message;
    } else if (body.error !== undefined) {
      format = '{error}';
      shape = typeof body.error === 'string' ? '{"error": "…"}' : `{"error": {${Object.keys(body.error ?? {}).join(', ')}}}`;
      reason = typeof body.error === 'string' ? body.error : typeof (body.error as { message?: unknown })?.message === 'string' ? ((body.error as { message: string }).message) : null;
    } else {
      format = 'other-json';
      shape = `JSON {${Object.keys(body).join(', ')}}`;
    }
  } else if (reply.bytes === 0) {
    format = 'empty';
    shape = 'an empty body';
  } else if (/html/i.test(reply.contentType) || /^\s*</.test(reply.text)) {
    format = 'html';
    shape = 'an HTML page';
  } else {
    format = 'text';
    shape = `plain text`;
    reason = reply.text.trim().slice(0, 200) || null;
  }
  const shown = (await errorFromResponse(system, asResponse(reply), action)).message;
  const quotesReason = reason !== null && shown.includes(reason.slice(0, 40));
  return { format, shape, shown, quotesReason, reason };
}

/**
 * An already-read reply in the form `errorFromResponse` takes. It reads only the status, the
 * headers and the text; the rest answers from the same stored body.
 */
function asResponse(reply: CheckReply): HttpResponse {
  const response: Omit<HttpResponse, 'stream'> & { stream(): never } = {
    status: reply.status,
    headers: reply.headers,
    setCookies: reply.setCookies,
    text: async () => reply.text,
    json: async () => reply.json,
    bytes: async () => Buffer.from(reply.text),
    stream: () => {
      throw new Error('the body was already read');
    },
    drain: async () => undefined,
    discard: async () => undefined,
  };
  return response as HttpResponse;
}

/** The hash a checksum most likely is, from its length and alphabet. */
export function guessChecksum(value: string): string {
  const hexLengths: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };
  if (/^[0-9a-f]+$/i.test(value) && hexLengths[value.length]) return `${value.length} hex digits: most likely ${hexLengths[value.length]}`;
  if (/^[A-Za-z0-9+/]+=*$/.test(value) && value.length === 44) return '44 base64 characters: most likely SHA-256';
  if (/^[A-Za-z0-9+/]+=*$/.test(value) && value.length === 24) return '24 base64 characters: most likely MD5';
  return `${value.length} characters: not a hash length Corelog recognises`;
}

/** Minutes or hours, for lifetimes. */
export function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(minutes) < 120) return `${minutes} min`;
  return `${(minutes / 60).toFixed(minutes % 60 === 0 ? 0 : 1)} h`;
}

/** The array in a reply, however it is wrapped: bare, under `key`, or under the object's only array-valued key. */
export function findList(value: unknown, key: string): { items: unknown[]; form: 'bare' | 'keyed'; key?: string } | null {
  if (Array.isArray(value)) return { items: value, form: 'bare' };
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record[key])) return { items: record[key] as unknown[], form: 'keyed', key };
  const arrays = Object.entries(record).filter(([, inner]) => Array.isArray(inner));
  if (arrays.length !== 1) return null;
  return { items: arrays[0]![1] as unknown[], form: 'keyed', key: arrays[0]![0] };
}
