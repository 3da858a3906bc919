/**
 * What we accept from Dougal, read the way a tolerant reader should read a server it cannot see:
 * the fields the app cannot work without are required; every other field may be absent or
 * `null` and both read the same; unknown fields are kept (objects are written back whole).
 * Lists are checked item by item by the client (reply-items.ts), so one odd item is left out
 * and reported instead of failing the whole list.
 */
import { z } from 'zod';
import { readInstant, readLabelName, readNumber, readValidity } from './wire-values';

const json = z.record(z.string(), z.unknown());
/**
 * A time in any form Dougal's Postgres may send (ISO, `2024-06-01 10:00:00+00`, `+00`, a zoneless
 * time read as UTC), read as ISO-8601 UTC; the reply as sent (`raw`) keeps the original text.
 */
const timestamp = z.string().transform((text, ctx) => readInstant(text) ?? (ctx.addIssue({ code: 'custom', message: 'not a timestamp' }), z.NEVER));
/**
 * A number, or a string holding only a number: node-postgres sends `bigint`, `numeric` and
 * `count(*)` as strings. Anything else is still refused.
 */
const number = z.union([z.number(), z.string()]).transform((value, ctx) => readNumber(value) ?? (ctx.addIssue({ code: 'custom', message: 'not a number' }), z.NEVER));
const int = number.pipe(z.number().int());
/** node-postgres `interval` object, or an ISO-8601 duration string (reference §3 Duration). */
const duration = z.union([z.record(z.string(), z.number()), z.string()]).nullish();
const pointGeometry = z.looseObject({ type: z.literal('Point'), coordinates: z.array(z.number()).min(2) });
const lineGeometry = z.looseObject({ type: z.literal('LineString'), coordinates: z.array(z.array(z.number()).min(2)) });
/** Any GeoJSON-looking object: an event's geometry is written back as sent, never interpreted here. */
const anyGeometry = z.looseObject({ type: z.string() });
/**
 * Text Dougal may send as a JSON number (remarks of digits only, a name like 2024, from a JSON
 * column or a hand-made import): read as the text it shows, rather than losing the item for it.
 */
const text = z.union([z.string(), z.number().finite().transform(String)]);
/** An optional reply field: absent and `null` read the same. */
const opt = <S extends z.ZodType>(schema: S) => schema.nullish();
/** A field read leniently: the wrong type counts as absent rather than losing the whole item. */
const lenient = <S extends z.ZodType>(schema: S) => z.unknown().optional().transform((value) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as z.output<S>) : undefined;
});
/**
 * What Dougal computes or only shows (a shape, a count, a flag): read leniently, since an item must
 * not vanish from a list for it. PostGIS sends a geometry as EWKB hex text unless the query turns it
 * into GeoJSON, a `count(*)` may come as text, a flag as Postgres' `t`/`f`: the item is kept (with
 * the value as sent in its raw copy) and only that field reads as absent.
 */
const shown = lenient;
/** A flag as JSON or as Postgres text (`t`/`f`, `true`/`false`); anything else (a count) reads as absent. */
const flag = z.union([z.boolean(), z.enum(['t', 'f', 'true', 'false'])]).transform((v) => v === true || v === 't' || v === 'true');

export const shotpointSchema = z.looseObject({
  sequence: opt(int),
  line: opt(int),
  point: opt(int),
  tstamp: opt(timestamp),
  geometry: shown(pointGeometry),
});

/** ProjectSummary's counts and figures: all shown, none needed to work, so each reads leniently. */
const projectFigures = {
  schema: shown(z.string()),
  lines: shown(int),
  total: shown(int),
  virgin: shown(int),
  prime: shown(int),
  other: shown(int),
  ntba: shown(int),
  remaining: shown(int),
  fsp: shown(shotpointSchema),
  lsp: shown(shotpointSchema),
  seq_raw: shown(int),
  seq_final: shown(int),
  prod_duration: shown(duration),
  prod_distance: shown(number),
  shooting_rate: shown(number),
};

/**
 * A project in the project list: the `pid` is what every path needs; a project without a name
 * (null, left out) is still listed, under its pid.
 */
export const projectSummarySchema = z
  .looseObject({ pid: text.pipe(z.string().min(1)), name: shown(text), ...projectFigures })
  .transform((p) => ({ ...p, name: p.name || p.pid }));
/**
 * The single project's summary (`/project/{pid}/summary`): the path names the project, so the
 * reply need not. With every figure lenient, a reply carrying none (`{data: {...}}`, `{}`) would
 * read as a project with no counts at all: it is refused instead, so the caller falls back.
 */
export const projectSummaryReplySchema = z
  .looseObject({ pid: shown(text), name: shown(text), ...projectFigures })
  .refine((s) => Object.keys(projectFigures).some((key) => key !== 'schema' && s[key as keyof typeof s] !== undefined), 'no project figures');
export type DougalProjectSummary = z.output<typeof projectSummaryReplySchema>;

const object = (value: unknown): Record<string, unknown> | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

/**
 * One label's `data` (reference §3 Label), any part of which may be missing or null: colours and
 * descriptions read as null, the flags as the permissive default (user label, many per sequence).
 */
export const labelDataSchema = z.unknown().transform((value) => {
  const data = object(value);
  const view = object(data?.view);
  const model = object(data?.model);
  const colour = lenient(z.string());
  const words = lenient(text);
  const flag = lenient(z.boolean());
  return {
    colour: colour.parse(view?.colour) ?? null,
    description: words.parse(view?.description) ?? words.parse(data?.description) ?? null,
    /** Users may apply it by hand (false: a system label). */
    user: flag.parse(model?.user) ?? true,
    /** false: one event per sequence carries it; applying it elsewhere moves it. */
    multiple: flag.parse(model?.multiple) ?? true,
  };
});
/** One item of the array form of the label list: only the name is required. */
export const labelItemSchema = z.looseObject({ name: text.pipe(z.string().min(1)), data: z.unknown().optional() }).transform((l) => ({ name: l.name, ...labelDataSchema.parse(l.data) }));
export type DougalLabel = z.output<typeof labelItemSchema>;

export const lineSchema = z.looseObject({
  line: int,
  fsp: opt(int),
  lsp: opt(int),
  remarks: opt(text),
  meta: opt(json),
  ntba: shown(flag),
  num_points: shown(int),
  length: shown(number),
  azimuth: shown(number),
  geometry: shown(lineGeometry),
});
export type DougalLine = z.infer<typeof lineSchema>;

export const sequenceSchema = z.looseObject({
  sequence: int,
  line: int,
  fsp: opt(int),
  lsp: opt(int),
  fsp_final: opt(int),
  lsp_final: opt(int),
  ts0: opt(timestamp),
  ts1: opt(timestamp),
  ts0_final: opt(timestamp),
  ts1_final: opt(timestamp),
  duration: shown(duration),
  duration_final: shown(duration),
  num_preplots: shown(int),
  num_points: shown(int),
  missing_shots: shown(int),
  length: shown(number),
  azimuth: shown(number),
  remarks: opt(text),
  remarks_final: opt(text),
  // Never written back (a sequence PATCH sends only what changed): shown, so read leniently.
  meta: shown(json),
  meta_final: shown(json),
  status: shown(z.string()),
});
export type DougalSequence = z.infer<typeof sequenceSchema>;

export const plannedSequenceSchema = z.looseObject({
  sequence: int,
  line: int,
  fsp: int,
  lsp: int,
  ts0: opt(timestamp),
  ts1: opt(timestamp),
  name: opt(text),
  remarks: opt(text),
  meta: opt(json),
  // PlannedSequence's readOnly fields: Dougal computes them, Corelog only shows them.
  duration: shown(duration),
  num_points: shown(int),
  length: shown(number),
  azimuth: shown(number),
  class: shown(z.string()),
  geometry: shown(lineGeometry),
});
export type DougalPlannedSequence = z.infer<typeof plannedSequenceSchema>;

/** An event or instance id: a `bigint` column arrives as a string; beyond 2^53 it could not be told apart from its neighbours. */
const eventId = int.pipe(z.number().refine(Number.isSafeInteger, 'not a usable id'));
/** Label names, each given as the name or as an object naming it (`{name}`, `{label}`, `{text}`). */
const labelNames = z.array(z.unknown().transform((item, ctx) => readLabelName(item) ?? (ctx.addIssue({ code: 'custom', message: 'not a label name' }), z.NEVER)));

const eventShape = {
  id: eventId,
  uid: opt(eventId),
  tstamp: opt(timestamp).transform((v) => v ?? null),
  sequence: opt(int).transform((v) => v ?? null),
  point: opt(int).transform((v) => v ?? null),
  remarks: opt(text).transform((v) => v ?? ''),
  labels: opt(labelNames).transform((v) => v ?? []),
  meta: opt(json).transform((v) => v ?? {}),
  geometry: lenient(anyGeometry.nullable()).transform((v) => v ?? null),
  readonly: opt(z.boolean()).transform((v) => v ?? false),
  /** The "edited" flag; its real name was not recovered (reference §3), so both guesses are read. */
  has_edits: opt(z.boolean()),
  edited: opt(z.boolean()),
};

/** The uid of an event whose reply did not say which instance it is (see `withUid`). */
export const UNKNOWN_UID = 0;

/**
 * The uid of a reply that left it out. The documents put `uid` on EventUniqueEdit (changes,
 * history) and say it "equals id until first edit", so a plain event reply may lack it:
 * - the reply says the event was never edited (`has_edits`/`edited` false): its uid is its id;
 * - otherwise it is not known, and reads as 0, which no instance has. Taking the id there would
 *   name the event's *first* version: an undelete picking that uid would restore old content, and
 *   a conflict check would take an edited event for an unedited one. 0 only ever fails such a
 *   check (a conflict shown, never a silent overwrite), and as the lowest uid any real uid learned
 *   later from the changes or the history supersedes it.
 * The client can learn the real one from the history (the open instance) where it needs it.
 */
function withUid<T extends { id: number; uid?: number | null; has_edits?: boolean | null; edited?: boolean | null }>(event: T): T & { uid: number } {
  if (typeof event.uid === 'number') return event as T & { uid: number };
  const unedited = (event.has_edits ?? event.edited) === false;
  return { ...event, uid: unedited ? event.id : UNKNOWN_UID };
}

/**
 * Whether an item is an event at all. A reply without `uid` must still carry what every event
 * has (a time or a shot, and some of its content): a create answered with only `{id}` (an
 * `INSERT … RETURNING id`) is not the event, and taken for it would read as an empty one.
 */
function isWholeEvent(value: unknown): boolean {
  const item = object(value);
  if (!item) return true; // the object schema says what is wrong with it
  if (item.uid !== undefined && item.uid !== null) return true;
  const placed = ['tstamp', 'sequence'].some((key) => item[key] !== undefined && item[key] !== null);
  return placed && ['remarks', 'labels', 'meta'].some((key) => key in item);
}
/** Checked on the reply as sent: after parsing, every attribute reads as present. */
const wholeEvent = z.unknown().refine(isWholeEvent, 'not a whole event (no uid, and no time or shot with its content)');

export const eventSchema = wholeEvent.pipe(z.looseObject(eventShape)).transform(withUid);
export type DougalEvent = z.output<typeof eventSchema>;

/** A validity as the 4-item array or Postgres range text; `infinity` reads as unbounded (null). */
const validity = z.unknown().transform((value, ctx) => readValidity(value) ?? (ctx.addIssue({ code: 'custom', message: 'not a validity range' }), z.NEVER));
export const eventInstanceSchema = wholeEvent.pipe(z.looseObject({ ...eventShape, validity })).transform(withUid);
/** One version of an event; `validity[2] === null` marks the current one. */
export type DougalEventInstance = z.output<typeof eventInstanceSchema>;

/** An event exactly as Dougal sent it (every attribute, known or not): the base of a PUT. */
export type DougalRawEvent = Record<string, unknown>;

/** Attributes Dougal owns: never sent back in a PUT (EventAbstract marks them readOnly). */
export const SERVER_OWNED_EVENT_ATTRIBUTES: readonly string[] = ['id', 'uid', 'validity', 'readonly', 'has_edits', 'edited'];

/** The QC results tree; its structure was not recovered (reference §6), so only its outline is checked. */
export const qcResultsSchema = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);
export type DougalQcResults = z.infer<typeof qcResultsSchema>;

/** Every attribute an event PUT must carry (reference §2.11: missing ones fail or revert). */
export interface DougalEventFields {
  tstamp: string | null;
  sequence: number | null;
  point: number | null;
  remarks: string;
  labels: string[];
  meta: Record<string, unknown>;
}

/** A new event: a time, or a sequence and point (or all three, unchecked by Dougal). */
export type DougalNewEvent = Partial<DougalEventFields> & ({ tstamp: string } | { sequence: number; point: number });

export interface DougalPlanInput {
  sequence?: number;
  line: number;
  fsp: number;
  lsp: number;
  ts0: string;
  ts1: string;
  name?: string;
  remarks?: string;
  meta?: Record<string, unknown>;
}

export interface DougalSequencePatch {
  remarks?: string;
  remarks_final?: string;
  meta?: Record<string, unknown>;
  meta_final?: Record<string, unknown>;
}
