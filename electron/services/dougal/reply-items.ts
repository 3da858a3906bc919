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

/** A list reply, item by item. Anything but a list is a `malformed-response`. */
export function parseItems<S extends z.ZodType>(schema: S, value: unknown, action: string, status: number, report?: ReportProblem): ReadItem<z.output<S>>[] {
  if (!Array.isArray(value)) throw malformed(action, status, ': a list was expected');
  const kept: ReadItem<z.output<S>>[] = [];
  value.forEach((item: unknown, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success && item && typeof item === 'object') kept.push({ value: parsed.data, raw: item as Record<string, unknown> });
    else report?.({ action, detail: `left out ${itemName(item, index)}: ${parsed.success ? 'not an object' : describeIssue(parsed.error)}` });
  });
  return kept;
}

/**
 * Label definitions, as an array of `{name, data}` or an object keyed by name (reference §6
 * leaves the shape open); a label whose name is missing is left out, one whose `data` is
 * missing or null still counts (with no colour and the default flags).
 */
export function parseLabels(value: unknown, action: string, status: number, report?: ReportProblem): DougalLabel[] {
  if (Array.isArray(value)) return parseItems(labelItemSchema, value, action, status, report).map((item) => item.value);
  if (value && typeof value === 'object') return Object.entries(value).filter(([name]) => name).map(([name, data]) => ({ name, ...labelDataSchema.parse(data) }));
  throw malformed(action, status, ': a list of labels was expected');
}
