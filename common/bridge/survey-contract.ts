/**
 * Bridge methods for the survey side of Dougal: acquired sequences' remarks, the plan (planned
 * sequences) and the preplot lines. As for the event log, the renderer owns the local copy and the
 * outbox; main does one server operation per call and adds only what needs the server's answer in
 * the same breath: the check that nobody changed what the user started from (so nothing of
 * theirs is overwritten silently), the look-up before a retried add, and the fall-backs for a
 * server that lacks PATCH on the plan.
 */
import { z } from 'zod';
import { timestampSchema } from '../forms/date-fields';
import { INT4_MAX } from '../forms/number-fields';
import { freeTextSchema, type FreeTextRules } from '../free-text';
import { dougalProjectSchema as project } from './dougal-project';

/** A planned sequence's name (Dougal's acquisition line name): one line. */
export const PLAN_NAME_RULES: FreeTextRules = { maxLength: 200, multiline: false, label: 'Name' };
/** Remarks of a planned or acquired sequence: many lines (the same rule as event remarks). */
export const SURVEY_REMARKS_RULES: FreeTextRules = { maxLength: 20_000, multiline: true, label: 'Remarks' };

const number = z.number().int().min(1).max(INT4_MAX);
const point = z.number().int().min(0).max(INT4_MAX);

/** What the user sets on a planned sequence (PlannedSequence minus the fields Dougal computes). */
export const planFieldsSchema = z
  .object({
    line: number,
    fsp: point,
    lsp: point,
    ts0: timestampSchema,
    ts1: timestampSchema,
    name: freeTextSchema(PLAN_NAME_RULES),
    remarks: freeTextSchema(SURVEY_REMARKS_RULES),
  })
  .strict();
export type PlanFields = z.infer<typeof planFieldsSchema>;

/** The attributes an edit may change: everything but the line (Dougal never changes it). */
export const planChangesSchema = planFieldsSchema.omit({ line: true }).partial().strict();
export type PlanChanges = z.infer<typeof planChangesSchema>;

/**
 * What the user started from: the changed attributes' values then, and the entry's `line`, which
 * names the entry (Dougal never changes a planned sequence's line, so another line under the same
 * number is another entry). Changes queued before `line` was carried have none.
 */
export const planBaseSchema = planFieldsSchema.partial().strict();
export type PlanBase = z.infer<typeof planBaseSchema>;

/** A planned sequence as Dougal has it, with every attribute it sent kept in `raw`. */
export const planEntrySchema = z.object({
  sequence: z.number().int(),
  line: z.number().int(),
  fsp: z.number().int(),
  lsp: z.number().int(),
  ts0: z.string().nullable(),
  ts1: z.string().nullable(),
  name: z.string().nullable(),
  remarks: z.string().nullable(),
  numPoints: z.number().int().nullable(),
  length: z.number().nullable(),
  /** Corelog's client key (`meta.corelog_key`) when a Corelog added it. */
  clientKey: z.string().nullable(),
  raw: z.record(z.string(), z.unknown()),
});
export type PlanEntry = z.infer<typeof planEntrySchema>;

/** A sequence as the event log lists it (re-exported by event-log-contract.ts). */
export const sequenceSummarySchema = z.object({
  sequence: z.number().int(),
  line: z.number().int(),
  status: z.string(),
  fsp: z.number().int().nullable(),
  lsp: z.number().int().nullable(),
  ts0: z.string().nullable(),
  ts1: z.string().nullable(),
  numPoints: z.number().int().nullable(),
});
export type SequenceSummary = z.infer<typeof sequenceSummarySchema>;

/** An acquired sequence with the parts the survey screen shows and edits. */
export const sequenceDetailSchema = sequenceSummarySchema.extend({
  remarks: z.string(),
  remarksFinal: z.string(),
  /** Whether processed (final) data exists: Dougal ignores final remarks without it. */
  hasFinal: z.boolean(),
});
export type SequenceDetail = z.infer<typeof sequenceDetailSchema>;

export const lineDetailSchema = z.object({
  line: z.number().int(),
  fsp: z.number().int().nullable(),
  lsp: z.number().int().nullable(),
  numPoints: z.number().int().nullable(),
  ntba: z.boolean(),
  remarks: z.string().nullable(),
  length: z.number().nullable(),
  azimuth: z.number().nullable(),
});
export type LineDetail = z.infer<typeof lineDetailSchema>;

/** The project summary's counts (ProjectSummary); each null when Dougal did not give it. */
export const projectCountsSchema = z.object({
  lines: z.number().int().nullable(),
  total: z.number().int().nullable(),
  virgin: z.number().int().nullable(),
  prime: z.number().int().nullable(),
  other: z.number().int().nullable(),
  ntba: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  seqRaw: z.number().int().nullable(),
  seqFinal: z.number().int().nullable(),
  /** Mean seconds between production shots. */
  shootingRate: z.number().nullable(),
});
export type ProjectCounts = z.infer<typeof projectCountsSchema>;

export const SURVEY_PARTS = ['plan', 'sequences', 'lines', 'counts'] as const;
export type SurveyPart = (typeof SURVEY_PARTS)[number];

/** The sequence attributes the user edits: raw and final remarks. */
export const sequenceChangesSchema = z
  .object({ remarks: freeTextSchema(SURVEY_REMARKS_RULES).optional(), remarksFinal: freeTextSchema(SURVEY_REMARKS_RULES).optional() })
  .strict()
  .refine((c) => c.remarks !== undefined || c.remarksFinal !== undefined, 'nothing to change');
export type SequenceChanges = z.infer<typeof sequenceChangesSchema>;

export const surveyMethods = {
  /**
   * The plan, the acquired sequences, the preplot lines and the project's counts. A part Dougal
   * cannot give comes back empty (named in `unavailable`, said in `notes`); offline fails the call.
   */
  surveyRead: {
    input: z.object({ project }).strict(),
    output: z.object({
      plan: z.array(planEntrySchema),
      sequences: z.array(sequenceDetailSchema),
      lines: z.array(lineDetailSchema),
      counts: projectCountsSchema.nullable(),
      unavailable: z.array(z.enum(SURVEY_PARTS)),
      notes: z.array(z.string()),
    }),
  },
  /**
   * Adds planned sequence `sequence`, carrying `clientKey` in its `meta`. With `lookupFirst` (a
   * retry: an earlier attempt may have landed) the plan is read first and an entry carrying the key
   * (or, having none, the same number, line and shot points) is taken as that attempt's.
   */
  surveyPlanAdd: {
    input: z.object({ project, clientKey: z.string().min(8).max(100), sequence: number, fields: planFieldsSchema, lookupFirst: z.boolean() }).strict(),
    output: z.object({ entry: planEntrySchema.nullable(), existed: z.boolean() }),
  },
  /**
   * Changes planned sequence `sequence` (and renumbers it to `to`), only if what the user started
   * from (`base`, the changed attributes' values then, and its line) is still what Dougal holds:
   * otherwise a `conflict`, nothing sent. Gone from the plan: `not-found`. A write Dougal answers
   * as done but does not show afterwards is `rejected` (the change stays with the user). Sends PATCH with the changed
   * attributes only; a server without PATCH gets a PUT of its own copy with the changes on top
   * (and a renumber as add-then-remove).
   */
  surveyPlanEdit: {
    input: z
      .object({ project, sequence: number, to: number.optional(), changes: planChangesSchema, base: planBaseSchema, lookupFirst: z.boolean() })
      .strict(),
    output: z.object({ entry: planEntrySchema.nullable() }),
  },
  /** Removes planned sequence `sequence` if Dougal still holds what the user saw (`base`); already gone counts as done. */
  surveyPlanRemove: {
    input: z.object({ project, sequence: number, base: planBaseSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  },
  /**
   * Sets a sequence's raw and/or final remarks (PATCH), only if Dougal still holds `base` for each
   * (else `conflict`). Final remarks on a sequence without processed data are refused (`rejected`),
   * since Dougal would ignore them.
   */
  surveySequenceEdit: {
    input: z.object({ project, sequence: point, changes: sequenceChangesSchema, base: z.object({ remarks: z.string().optional(), remarksFinal: z.string().optional() }).strict() }).strict(),
    output: z.object({ sequence: sequenceDetailSchema.nullable() }),
  },
} as const;
