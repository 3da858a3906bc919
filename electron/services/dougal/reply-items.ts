/**
 * Reading Dougal's replies: one whole reply against a schema, or a list item by item. A list
 * keeps every item that fits; each one that does not is left out and reported through
 * `onReplyProblem`, because one odd event (an unexpected null, a label without a name) must
 * never hide the rest of the log.
 */
import type { z } from 'zod';
import { CorelogError } from '../../../common/errors';
import type { ReplyProblem } from '../http/system-client-options';
import { labelDataSchema, labelItemSchema, type DougalLabel } from './schemas';
import { unwrapList } from './wire-values';

export type ReportProblem = (problem: ReplyProblem) => void;

/** An item that fitted its schema, with the object exactly as Dougal sent it. */
export interface ReadItem<T> {
  value: T;
  raw: Record<string, unknown>;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return `${issue?.message ?? 'invalid'}${where}`;
}

/** Which item it was, for the log: its id, name or number when it has one. */
function itemName(value: unknown, index: number): string {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    for (const key of ['id', 'pid', 'name', 'sequence', 'line']) {
      const named = v[key];
      if (typeof named === 'number' || (typeof named === 'string' && named)) return `item ${index + 1} (${key} ${String(named).slice(0, 60)})`;
    }
  }
  return `item ${index + 1}`;
}

function malformed(action: string, status: number, what: string): CorelogError {
  // Not marked permanent: a reply of the wrong shape says something about the path (a proxy, a
  // captive portal, a server mid-upgrade), so whether to try again is left to the error kind.
  return new CorelogError('malformed-response', `Dougal's reply to "${action}" was not what Corelog expects${what}.`, { status, system: 'dougal' });
}

/** Checks a reply against its schema; a mismatch names the first problem so a log reader can find it. */
export function parseReply<S extends z.ZodType>(schema: S, value: unknown, action: string, status: number): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw malformed(action, status, `${where}: ${issue?.message ?? 'invalid'}`);
}

/**
 * A list reply, item by item: a bare list, or one wrapped the way servers and frameworks wrap
 * them (`{data: [...], count: n}`, `items`, `results`, `rows`, or the list's own name). Anything
 * else is a `malformed-response`.
 */
export function parseItems<S extends z.ZodType>(schema: S, value: unknown, action: string, status: number, report?: ReportProblem): ReadItem<z.output<S>>[] {
  const list = Array.isArray(value) ? value : unwrapList(value);
  if (!list) throw malformed(action, status, ': a list was expected');
  const kept: ReadItem<z.output<S>>[] = [];
  list.forEach((item: unknown, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success && item && typeof item === 'object') kept.push({ value: parsed.data, raw: item as Record<string, unknown> });
    else report?.({ action, detail: `left out ${itemName(item, index)}: ${parsed.success ? 'not an object' : describeIssue(parsed.error)}` });
  });
  return kept;
}

/**
 * Label definitions, as an array of `{name, data}` (bare or wrapped like any list) or an object
 * keyed by name (reference §6 leaves the shape open); a label whose name is missing is left out,
 * one whose `data` is missing or null still counts (with no colour and the default flags). In the
 * keyed shape a value that is neither an object nor null (`"count": 2`) is no label's data: it is
 * left out and reported rather than shown as a label.
 */
export function parseLabels(value: unknown, action: string, status: number, report?: ReportProblem): DougalLabel[] {
  const list = Array.isArray(value) ? value : unwrapList(value);
  if (list) return parseItems(labelItemSchema, list, action, status, report).map((item) => item.value);
  if (!value || typeof value !== 'object') throw malformed(action, status, ': a list of labels was expected');
  const labels: DougalLabel[] = [];
  for (const [name, data] of Object.entries(wrappedKeyedLabels(value as Record<string, unknown>))) {
    if (!name) continue;
    if (data === null || (typeof data === 'object' && !Array.isArray(data))) labels.push({ name, ...labelDataSchema.parse(data) });
    else report?.({ action, detail: `left out "${name.slice(0, 60)}": not a label's data` });
  }
  return labels;
}

const plainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
/** What a label's own `data` holds (reference §3 Label), as opposed to labels keyed by name. */
const LABEL_DATA_KEYS = ['view', 'model', 'description', 'colour'];

/**
 * The keyed labels inside a wrapper (`{data: {Nav: {...}, QC: {...}}}`, `{labels: {...}}`), or the
 * object itself. A wrapper is one of the list wrapper keys (plus a count) holding an object that is
 * not itself a label's data: read as keyed labels, it would show one label named "data" and hide
 * every real one.
 */
function wrappedKeyedLabels(value: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(value).filter((key) => !['count', 'total'].includes(key));
  if (keys.length !== 1 || !['data', 'items', 'results', 'rows', 'labels'].includes(keys[0]!)) return value;
  const inner = value[keys[0]!];
  if (!plainObject(inner) || Object.keys(inner).some((key) => LABEL_DATA_KEYS.includes(key))) return value;
  return Object.values(inner).every((v) => v === null || plainObject(v)) ? inner : value;
}
