/**
 * Values as a Node + Postgres server (node-postgres) may put them on the wire, read into the one
 * form Corelog works with. node-postgres sends `bigint`, `numeric` and `count(*)` as strings, a
 * `::text` cast or a hand-built JSON column gives Postgres' own time and range text, and a
 * `timestamp without time zone` carries no zone at all. Each reader takes every form that means
 * one thing and refuses anything else (null), so garbage still fails where it did before.
 */

/** A number, or a string that is nothing but a decimal number ("401", "5000.25", "-1e3"). */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A finite number from a number or numeric text; null for anything else ("", "NaN", "12 m", true). */
export function readNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Date, optional time (`T` or Postgres' space), fraction of any length, and a zone: `Z`, `+00`,
 * `+0100`, `+01:00`, or Postgres' historic `+05:53:28`.
 */
const TIME_TEXT = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d\d(?::?\d\d(?::?\d\d)?)?)?$/;
/** RFC 1123-style text that names its zone (`…GMT`, `…+0000`): Date.parse reads those exactly. */
const ZONED_OTHER_TEXT = /(?:GMT|UTC|Z|[+-]\d{4})$/i;

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h = '0', m = '0', s = '0'] = zone.slice(1).match(/\d\d/g) ?? [];
  return sign * ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/**
 * The instant a timestamp names, as ISO-8601 UTC (`…Z`, milliseconds), or null.
 *
 * A time without a zone is UTC: Dougal keeps times in UTC, and reading one as the workstation's
 * local time (what `Date.parse` does) would move every event by the navigator's offset the first
 * time it is edited, since the edit is sent back with an explicit zone.
 */
export function readInstant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const m = TIME_TEXT.exec(text);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
    const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    const check = new Date(utc);
    // Date.UTC rolls 2024-02-31 over into March: a date that does not exist is not a timestamp.
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
    const at = utc - zoneOffsetMs(zone);
    return Number.isFinite(at) ? new Date(at).toISOString() : null;
  }
  if (!ZONED_OTHER_TEXT.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** An instant in milliseconds from any text `readInstant` takes, else NaN (for comparing times). */
export function instantMs(value: unknown): number {
  const iso = readInstant(value);
  return iso === null ? Number.NaN : Date.parse(iso);
}

/** A validity: `[lower bracket, from, to, upper bracket]`, a null bound unbounded (reference §3 EventUniqueEdit). */
export type Validity = [string | null, string | null, string | null, string | null];

/** A range bound: null for unbounded (empty, `infinity`, `-infinity`), the instant as ISO, or undefined when unreadable. */
function readBound(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || /^[+-]?infinity$/i.test(text)) return null;
  return readInstant(text) ?? undefined;
}

/** `["2024-06-01 10:00:00+00",)`, `[2024-06-01T10:00:00Z,infinity)`: Postgres tstzrange text (quotes optional). */
const RANGE_TEXT = /^\s*([[(])\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*,\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*([\])])\s*$/;
const unquote = (bound: string) => (bound.startsWith('"') ? bound.slice(1, -1).replace(/\\(.)/g, '$1') : bound);

/**
 * A validity from the 4-item array the documents describe or from Postgres' range text, with
 * `infinity` read as unbounded (so "closed" always means a real end time) and both times as ISO
 * UTC; null when it is neither.
 */
export function readValidity(value: unknown): Validity | null {
  let parts: unknown[];
  if (Array.isArray(value) && value.length === 4) parts = value;
  else if (typeof value === 'string') {
    const m = RANGE_TEXT.exec(value);
    if (!m) return null;
    parts = [m[1], unquote(m[2]!), unquote(m[3]!), m[4]];
  } else return null;
  const [lower, from, to, upper] = parts;
  const bracket = (b: unknown) => (b === null || b === undefined || (typeof b === 'string' && /^[[\]()]$/.test(b)) ? (b ?? null) : undefined);
  const out = [bracket(lower), readBound(from), readBound(to), bracket(upper)];
  return out.every((part) => part !== undefined) ? (out as Validity) : null;
}

/**
 * A label name as an event carries it: the name itself, or an object naming it (`{name}`, or the
 * `label`/`text` a hand-built JSON aggregate might use); null otherwise. Refused rather than
 * skipped, since an event written back without one of its labels would lose it on Dougal.
 */
export function readLabelName(value: unknown): string | null {
  if (typeof value === 'string') return value;
  // A label named with digits only may come as a number (see `text` in schemas.ts).
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const key of ['name', 'label', 'text']) {
      const named = o[key];
      if (typeof named === 'string' && named) return named;
      if (typeof named === 'number' && Number.isFinite(named)) return String(named);
    }
  }
  return null;
}

/** Keys a server or framework wraps a list in: `{data: [...], count: 2}` and the like. */
const GENERIC_LIST_WRAPPERS = ['data', 'items', 'results', 'rows'];
/** The list's own name as a wrapper (`{events: [...]}`): every list Corelog reads from Dougal. */
const NAMED_LIST_WRAPPERS = ['events', 'changes', 'history', 'sequences', 'plan', 'lines', 'labels', 'projects', 'entries'];

/**
 * The list inside a wrapper object, or undefined when `value` is no wrapper. Only an array under
 * one of the known keys counts, so an object keyed by label name is never taken for one.
 */
export function unwrapList(value: unknown): unknown[] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  for (const key of [...GENERIC_LIST_WRAPPERS, ...NAMED_LIST_WRAPPERS]) if (Array.isArray(o[key])) return o[key] as unknown[];
  return undefined;
}
