/**
 * What we accept from Dougal. Deliberately tolerant (extra fields kept, guessed fields optional),
 * because the spec text is partial; but a reply without the fields the app relies on is refused
 * as `malformed-response` rather than flowing into the event log half-formed.
 */
import { z } from 'zod';

const json = z.record(z.string(), z.unknown());
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp');
/** node-postgres `interval` object, or an ISO-8601 duration string (reference §3 Duration). */
const duration = z.union([z.record(z.string(), z.number()), z.string()]).nullable().optional();
const pointGeometry = z.looseObject({ type: z.literal('Point'), coordinates: z.array(z.number()).min(2) });
const lineGeometry = z.looseObject({ type: z.literal('LineString'), coordinates: z.array(z.array(z.number()).min(2)) });
const int = z.number().int();

export const shotpointSchema = z.looseObject({
  sequence: int.optional(),
  line: int.optional(),
  point: int.optional(),
  tstamp: timestamp.optional(),
  geometry: pointGeometry.nullable().optional(),
});

export const projectSummarySchema = z.looseObject({
  pid: z.string(),
  name: z.string(),
  schema: z.string().optional(),
  lines: int.optional(),
  total: int.optional(),
  virgin: int.optional(),
  prime: int.optional(),
  other: int.optional(),
  ntba: int.optional(),
  remaining: int.optional(),
  fsp: shotpointSchema.nullable().optional(),
  lsp: shotpointSchema.nullable().optional(),
  seq_raw: int.optional(),
  seq_final: int.optional(),
  prod_duration: duration,
  prod_distance: z.number().nullable().optional(),
  shooting_rate: z.number().nullable().optional(),
});
export type DougalProjectSummary = z.infer<typeof projectSummarySchema>;

const labelData = z.looseObject({
  view: z.looseObject({ colour: z.string().optional(), description: z.string().optional() }).optional(),
  model: z.looseObject({ user: z.boolean().optional(), multiple: z.boolean().optional() }).optional(),
  description: z.string().optional(),
});
/** Dougal may list labels as an array of `{name, data}` or as an object keyed by name (reference §6). */
export const labelListSchema = z
  .union([z.array(z.looseObject({ name: z.string(), data: labelData })), z.record(z.string(), labelData)])
  .transform((value) => (Array.isArray(value) ? value : Object.entries(value).map(([name, data]) => ({ name, data }))))
  .transform((labels) =>
    labels.map((l) => ({
      name: l.name,
      colour: l.data.view?.colour ?? null,
      description: l.data.view?.description ?? l.data.description ?? null,
      /** Users may apply it by hand (false: a system label). */
      user: l.data.model?.user ?? true,
      /** false: one event per sequence carries it; applying it elsewhere moves it. */
      multiple: l.data.model?.multiple ?? true,
    })),
  );
export type DougalLabel = z.infer<typeof labelListSchema>[number];

export const lineSchema = z.looseObject({
  line: int,
  fsp: int.optional(),
  lsp: int.optional(),
  remarks: z.string().nullable().optional(),
  meta: json.nullable().optional(),
  ntba: z.boolean().nullable().optional(),
  geometry: lineGeometry.nullable().optional(),
});
export type DougalLine = z.infer<typeof lineSchema>;

export const sequenceSchema = z.looseObject({
  sequence: int,
  line: int,
  fsp: int.nullable().optional(),
  lsp: int.nullable().optional(),
  fsp_final: int.nullable().optional(),
  lsp_final: int.nullable().optional(),
  ts0: timestamp.nullable().optional(),
  ts1: timestamp.nullable().optional(),
  ts0_final: timestamp.nullable().optional(),
  ts1_final: timestamp.nullable().optional(),
  duration,
  duration_final: duration,
  num_points: int.nullable().optional(),
  missing_shots: int.nullable().optional(),
  length: z.number().nullable().optional(),
  azimuth: z.number().nullable().optional(),
  remarks: z.string().nullable().optional(),
  remarks_final: z.string().nullable().optional(),
  meta: json.nullable().optional(),
  meta_final: json.nullable().optional(),
  status: z.string(),
});
export type DougalSequence = z.infer<typeof sequenceSchema>;

export const plannedSequenceSchema = z.looseObject({
  sequence: int,
  line: int,
  fsp: int,
  lsp: int,
  ts0: timestamp.nullable().optional(),
  ts1: timestamp.nullable().optional(),
  name: z.string().nullable().optional(),
  remarks: z.string().nullable().optional(),
  meta: json.nullable().optional(),
  duration,
  num_points: int.nullable().optional(),
  length: z.number().nullable().optional(),
  azimuth: z.number().nullable().optional(),
  class: z.string().optional(),
  geometry: lineGeometry.nullable().optional(),
});
export type DougalPlannedSequence = z.infer<typeof plannedSequenceSchema>;

export const eventSchema = z.looseObject({
  id: int,
  uid: z.number(),
  tstamp: timestamp.nullable().optional().transform((v) => v ?? null),
  sequence: int.nullable().optional().transform((v) => v ?? null),
  point: int.nullable().optional().transform((v) => v ?? null),
  remarks: z.string().nullable().optional().transform((v) => v ?? ''),
  labels: z.array(z.string()).nullable().optional().transform((v) => v ?? []),
  meta: json.nullable().optional().transform((v) => v ?? {}),
  geometry: pointGeometry.nullable().optional().transform((v) => v ?? null),
  readonly: z.boolean().nullable().optional().transform((v) => v ?? false),
  /** The "edited" flag; its real name was not recovered (reference §3). */
  has_edits: z.boolean().optional(),
});
export type DougalEvent = z.infer<typeof eventSchema>;

export const eventInstanceSchema = eventSchema.extend({
  validity: z.tuple([z.string().nullable(), z.string().nullable(), z.string().nullable(), z.string().nullable()]),
});
/** One version of an event; `validity[2] === null` marks the current one. */
export type DougalEventInstance = z.infer<typeof eventInstanceSchema>;

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
