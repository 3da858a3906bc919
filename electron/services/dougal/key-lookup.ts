/**
 * What the idempotency look-up reads in Dougal's replies besides the parsed events: whether an
 * item carries Corelog's key before any schema has had its say, and whether a stored event has
 * the content Corelog sent. The look-up decides whether a create is sent again, so it must never
 * mistake "could not read it" for "it is not there".
 */
import { CorelogError } from '../../../common/errors';
import type { DougalEvent, DougalNewEvent } from './schemas';

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How deep wrappers (`{data: [...]}`, `{events: {items: [...]}}`) are looked into for the items. */
const MAX_WRAPPER_DEPTH = 3;

/**
 * The event-like items of a reply as Dougal sent it, whatever schema they fail: the items of a
 * list, or of lists inside a wrapper object. An object with `id` or `meta` is an item.
 */
export function rawEventItems(value: unknown, depth = 0): Loose[] {
  if (Array.isArray(value)) return value.flatMap((item) => rawEventItems(item, depth + 1));
  if (!isObject(value)) return [];
  if ('id' in value || 'meta' in value) return [value];
  if (depth >= MAX_WRAPPER_DEPTH) return [];
  return Object.values(value).flatMap((inner) => rawEventItems(inner, depth + 1));
}

/** An item's `meta` as an object: a server may send the json column as text. */
function metaOf(item: Loose): Loose | null {
  const meta = item.meta;
  if (isObject(meta)) return meta;
  if (typeof meta !== 'string') return null;
  try {
    const parsed = JSON.parse(meta) as unknown;
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function carriesKey(item: Loose, metaKey: string, key: string): boolean {
  return metaOf(item)?.[metaKey] === key;
}

/** Whether the item carries any Corelog key at all: evidence that this server keeps `meta`. */
export function keepsKeyAttribute(item: Loose, metaKey: string): boolean {
  const meta = metaOf(item);
  return meta !== null && meta[metaKey] !== undefined && meta[metaKey] !== null;
}

const instant = (t: string | null | undefined) => (typeof t === 'string' ? Date.parse(t) : NaN);
const labelSet = (labels: readonly string[] | undefined) => [...new Set(labels ?? [])].sort().join('\u0000');

/**
 * Whether `stored` holds exactly what was sent: the same instant (to the millisecond), sequence,
 * shot point and remarks, and the same labels as a set. An event sent without a time gets its
 * time from Dougal (the shot's), so there the shot alone says when.
 */
export function sameEventContent(sent: DougalNewEvent, stored: DougalEvent): boolean {
  const sentTime = instant(sent.tstamp);
  const when = Number.isNaN(sentTime) ? typeof sent.sequence === 'number' && typeof sent.point === 'number' : sentTime === instant(stored.tstamp);
  return (
    when &&
    (sent.sequence ?? null) === stored.sequence &&
    (sent.point ?? null) === stored.point &&
    (sent.remarks ?? '') === stored.remarks &&
    labelSet(sent.labels) === labelSet(stored.labels)
  );
}

/**
 * The create is known to have reached Dougal but Corelog cannot read the event back. Retryable,
 * and the retry looks the key up before sending anything (the renderer's outbox always does
 * after a first attempt), so it is never logged a second time.
 */
export function landedButUnreadable(detail: string): CorelogError {
  return new CorelogError('malformed-response', `Dougal has this event, but ${detail}. Corelog looks it up again on the next try and does not log it a second time.`, {
    system: 'dougal',
    retryable: true,
  });
}
