/**
 * How values read on the wire when Dougal is Node + Postgres (node-postgres) and its handlers
 * send rows as the driver or a `::text` cast gives them: the switches `idStyle`, `timeStyle`,
 * `validityStyle`, `numberStyle`, `eventLabelStyle`, `eventUid` and `listWrapper` (behaviour.ts;
 * BEHAVIOUR.md says why each is plausible). The emulator stores one form (numbers, ISO times,
 * validity arrays) and only the replies change.
 */
import type { DougalBehaviour } from './behaviour';
import type { JsonObject } from './model';

export type ValueStyles = Pick<DougalBehaviour, 'idStyle' | 'timeStyle' | 'validityStyle' | 'numberStyle' | 'eventLabelStyle' | 'eventUid' | 'listWrapper'>;

/** Time attributes of events, sequences and plan entries. */
const TIME_KEYS = new Set(['tstamp', 'ts0', 'ts1', 'ts0_final', 'ts1_final']);
/** `bigint` columns: node-postgres sends them as strings. */
const ID_KEYS = new Set(['id', 'uid']);
/** `count(*)` and `numeric` results: node-postgres sends them as strings too. */
const COUNT_KEYS = new Set(['num_points', 'missing_shots', 'length', 'azimuth', 'lines', 'total', 'virgin', 'prime', 'other', 'ntba', 'remaining', 'seq_raw', 'seq_final', 'prod_distance', 'shooting_rate']);

/** An ISO time in the configured text form. */
export function styleTime(iso: string, style: DougalBehaviour['timeStyle']): string {
  if (style === 'iso-z') return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [date, rest] = d.toISOString().split('T') as [string, string];
  const clock = rest.slice(0, 8);
  const ms = d.getUTCMilliseconds();
  // Postgres prints a fraction only when there is one, without trailing zeros.
  const fraction = ms ? `.${String(ms).padStart(3, '0').replace(/0+$/, '')}` : '';
  if (style === 'postgres-text') return `${date} ${clock}${fraction}+00`;
  if (style === 'short-offset') return `${date}T${clock}${fraction}+00`;
  return `${date}T${clock}${fraction}`; // zoneless: `timestamp without time zone` sent as JSON
}

function styleValidity(validity: unknown, styles: ValueStyles): unknown {
  if (!Array.isArray(validity) || validity.length !== 4) return validity;
  const [lower, from, to, upper] = validity as (string | null)[];
  const bound = (t: string | null) => (t === null ? null : styleTime(t, styles.timeStyle));
  if (styles.validityStyle === 'array') return [lower, bound(from ?? null), bound(to ?? null), upper];
  if (styles.validityStyle === 'array-infinity') return [lower, bound(from ?? null) ?? '-infinity', bound(to ?? null) ?? 'infinity', upper];
  // tstzrange as text: a bound with a space (Postgres' own time text) is quoted, an unbounded end is empty.
  const text = (t: string | null) => {
    const b = bound(t);
    return b === null ? '' : /[\s,"()[\]\\]/.test(b) ? `"${b}"` : b;
  };
  return `${lower ?? '['}${text(from ?? null)},${text(to ?? null)}${upper ?? ')'}`;
}

/** One entity's top-level attributes in the configured styles (nested data such as `meta` is left alone). */
export function styleEntity(entity: unknown, styles: ValueStyles): unknown {
  if (!entity || typeof entity !== 'object' || Array.isArray(entity)) return entity;
  const out: JsonObject = {};
  const isEvent = 'id' in entity && 'labels' in entity;
  for (const [key, value] of Object.entries(entity)) {
    if (isEvent && key === 'uid' && styles.eventUid === 'history-only' && !('validity' in entity)) continue;
    if (ID_KEYS.has(key) && typeof value === 'number') out[key] = styles.idStyle === 'string' ? String(value) : value;
    else if (TIME_KEYS.has(key) && typeof value === 'string') out[key] = styleTime(value, styles.timeStyle);
    else if (key === 'validity') out[key] = styleValidity(value, styles);
    else if (COUNT_KEYS.has(key) && typeof value === 'number') out[key] = styles.numberStyle === 'string' ? String(value) : value;
    else if (isEvent && key === 'labels' && Array.isArray(value) && styles.eventLabelStyle === 'objects') out[key] = value.map((name) => (typeof name === 'string' ? { name } : name));
    else out[key] = value;
  }
  return out;
}

/**
 * A reply in the configured styles: each entity styled, and a list wrapped when `listName` is
 * given and `listWrapper` asks for it (`{data: [...], count}`, `{items}`, `{rows}`, or the
 * list's own name).
 */
export function styleReply(body: unknown, styles: ValueStyles, listName?: string): unknown {
  if (!Array.isArray(body)) return styleEntity(body, styles);
  const items = body.map((item) => styleEntity(item, styles));
  const wrapper = styles.listWrapper;
  if (!listName || wrapper === 'none') return items;
  if (wrapper === 'named') return { [listName]: items };
  // Frameworks and hand-written handlers add a count next to the rows; a reader must not take it for an item.
  return { [wrapper]: items, count: items.length };
}

/**
 * A time a client sent, as ISO UTC, or null when it is none. A time without a zone is UTC, as
 * Postgres stores it in a `timestamp` column (Date.parse would take the emulator host's zone).
 */
export function readClientTime(text: string): string | null {
  const zoneless = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/.test(text.trim());
  const ms = Date.parse(zoneless ? `${text.trim().replace(' ', 'T')}Z` : text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
