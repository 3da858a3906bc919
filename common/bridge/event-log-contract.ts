/**
 * Bridge methods of the Dougal event log. Main only does HTTP here: the renderer owns the log
 * (IndexedDB), its outbox and the sync engine, and asks main for one server operation at a time.
 * Writes carry what the renderer expects the server to hold (`expect`), so main can report a
 * conflict instead of overwriting someone else's edit.
 */
import { z } from 'zod';
import { timestampSchema } from '../forms/date-fields';
import { bridgeErrorSchema } from './connection-contract';
import { eventTimingProblem } from '../forms/event-fields';
import { sequenceField, shotPointField } from '../forms/number-fields';
import { freeTextSchema, type FreeTextRules } from '../free-text';
import { dougalProjectSchema } from './dougal-project';
import { sequenceSummarySchema, surveyMethods, type SequenceSummary } from './survey-contract';
import { holeReportPdfSchema } from './photo-contract';

/**
 * The `meta` attribute that carries Corelog's client key of an event it logged (DougalClient's
 * default idempotency key), so a retried create is found instead of logged twice.
 */
export const CLIENT_KEY_META = 'corelog_key';

/**
 * A Dougal project id (`pid`): single-line text without controls or broken characters, since it is
 * URL-encoded into every request path (a lone surrogate makes encodeURIComponent throw).
 */
const project = dougalProjectSchema;
const eventId = z.number().int().nonnegative();
/** A time that exists (common/forms/date-fields.ts: `2024-02-30` is refused, not rolled over to 1 March). */
const isoTime = timestampSchema;

/** Event remarks: many lines, no NUL or other controls (common/free-text.ts); forms use the same rules. */
export const REMARKS_RULES: FreeTextRules = { maxLength: 20_000, multiline: true, label: 'Remarks' };
/** A label name: one line. */
export const LABEL_NAME_RULES: FreeTextRules = { maxLength: 200, multiline: false, label: 'A label name' };

/**
 * The user's part of an event: what Corelog changes (Dougal's PUT gets these on top of every other
 * attribute). Sequence and shot point follow the same field rules as the forms (common/forms).
 */
export const eventFieldsSchema = z
  .object({
    tstamp: isoTime.nullable(),
    sequence: sequenceField.schema.nullable(),
    point: shotPointField.schema.nullable(),
    remarks: freeTextSchema(REMARKS_RULES),
    labels: z.array(freeTextSchema(LABEL_NAME_RULES)).max(100),
    meta: z.record(z.string(), z.unknown()),
  })
  .strict();
export type EventFields = z.infer<typeof eventFieldsSchema>;

/** One event as Dougal serves it now (its current instance). */
export const serverEventSchema = eventFieldsSchema.extend({
  id: eventId,
  uid: z.number(),
  readonly: z.boolean(),
  hasEdits: z.boolean(),
  /** `meta[CLIENT_KEY_META]` when a Corelog logged it. */
  clientKey: z.string().nullable(),
  /**
   * Every other attribute the server sent (`geometry`, attributes Corelog does not know), kept
   * so nothing is dropped on the way to the local store. Absent in rows from older versions.
   */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type ServerEvent = z.infer<typeof serverEventSchema>;

/** One version of an event; `validity[2] === null` marks the current one, a closed newest one a deletion. */
export const eventInstanceSchema = serverEventSchema.extend({
  validity: z.tuple([z.string().nullable(), z.string().nullable(), z.string().nullable(), z.string().nullable()]),
});
export type EventInstance = z.infer<typeof eventInstanceSchema>;

export const eventLabelSchema = z.object({
  name: z.string(),
  colour: z.string().nullable(),
  description: z.string().nullable(),
  user: z.boolean(),
  multiple: z.boolean(),
});
export type EventLabel = z.infer<typeof eventLabelSchema>;

// A sequence as the log lists it; defined with the survey's fuller sequence, which extends it.
export { sequenceSummarySchema, type SequenceSummary };

export const plannedSequenceSummarySchema = z.object({
  sequence: z.number().int(),
  line: z.number().int(),
  fsp: z.number().int(),
  lsp: z.number().int(),
  ts0: z.string().nullable(),
  name: z.string().nullable(),
});
export type PlannedSequenceSummary = z.infer<typeof plannedSequenceSummarySchema>;

export const lineSummarySchema = z.object({
  line: z.number().int(),
  fsp: z.number().int().nullable(),
  lsp: z.number().int().nullable(),
  ntba: z.boolean(),
  remarks: z.string().nullable(),
});
export type LineSummary = z.infer<typeof lineSummarySchema>;

export const qcResultSchema = z.object({
  test: z.string(),
  eventId: eventId,
  sequence: z.number().int().nullable(),
  point: z.number().int().nullable(),
  tstamp: z.string().nullable(),
  remarks: z.string(),
  accepted: z.boolean(),
});
export type QcResult = z.infer<typeof qcResultSchema>;

/**
 * An undelete's fallback base (`eventLogPut`'s `base`): the server's attributes as the renderer
 * last saw them (ServerEvent.extra: `geometry`, attributes Corelog does not know). Bounded, since
 * it crosses the bridge and goes to Dougal as sent; a row whose attributes exceed it undeletes
 * without (the renderer checks with this same schema).
 */
export const UNDELETE_BASE_MAX_CHARS = 200_000;
export const UNDELETE_BASE_MAX_ATTRIBUTES = 500;
export const undeleteBaseSchema = z
  .record(z.string().max(200), z.unknown())
  .refine((base) => Object.keys(base).length <= UNDELETE_BASE_MAX_ATTRIBUTES, { message: `An undelete carries at most ${UNDELETE_BASE_MAX_ATTRIBUTES} server attributes.` })
  .refine((base) => jsonLength(base) <= UNDELETE_BASE_MAX_CHARS, { message: `An undelete's server attributes are larger than ${UNDELETE_BASE_MAX_CHARS.toLocaleString('en')} characters.` });

/** Characters of `value` as JSON; unserialisable (a cycle, a BigInt) counts as too large. */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

/** A write either happened, or the server had moved on (`theirs`: its current event, null when deleted). */
const writeOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('applied'), event: serverEventSchema.nullable() }),
  z.object({ status: z.literal('conflict'), theirs: serverEventSchema.nullable() }),
]);
export type EventWriteOutcome = z.infer<typeof writeOutcomeSchema>;

/**
 * What the watch or sequence report's Save as PDF asks for: the same file name and paper rules as
 * the hole report's, and which report it is (the save dialog names it).
 */
export const logReportPdfSchema = holeReportPdfSchema.extend({ report: z.enum(['watch', 'sequence']) }).strict();
export type LogReportPdfRequest = z.input<typeof logReportPdfSchema>;

/** One create of `eventLogCreateMany`: what `eventLogCreate` takes, less the project. */
const createItemSchema = z.object({ clientKey: z.string().min(8).max(100), fields: eventFieldsSchema, lookupFirst: z.boolean(), lookupSince: isoTime }).strict();
export const MAX_CREATES_PER_CALL = 100;
const createOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('created'), event: serverEventSchema.nullable(), existed: z.boolean() }),
  z.object({ status: z.literal('failed'), error: bridgeErrorSchema }),
  z.object({ status: z.literal('not-sent') }),
]);
export type EventCreateOutcome = z.infer<typeof createOutcomeSchema>;

export const eventLogMethods = {
  /** Sequences' remarks, the plan and preplot lines (survey-contract.ts). */
  ...surveyMethods,
  eventLogProjects: { input: z.undefined(), output: z.object({ projects: z.array(z.object({ pid: z.string(), name: z.string() })) }) },
  /** Labels, sequences, plan and preplot line summaries: the reference data of the entry line and filters. */
  eventLogReference: {
    input: z.object({ project }).strict(),
    output: z.object({
      labels: z.array(eventLabelSchema),
      sequences: z.array(sequenceSummarySchema),
      plan: z.array(plannedSequenceSummarySchema),
      lines: z.array(lineSummarySchema),
      /**
       * Parts this server could not give (refused, unknown path, unreadable reply): sent empty,
       * so the log still opens; the renderer keeps what it had of them. `notes` says why, in plain words.
       */
      unavailable: z.array(z.enum(['labels', 'sequences', 'plan', 'lines'])),
      notes: z.array(z.string()),
    }),
  },
  /**
   * One page of the current events (the first load pages through them). `received` is how many
   * Dougal sent, counting any left out as unreadable: the next page starts after all of them.
   */
  eventLogPage: {
    input: z
      .object({
        project,
        offset: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(5_000),
        /** Sends neither offset nor limit: the whole list in one reply (for a server found to ignore the offset). */
        whole: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      events: z.array(serverEventSchema),
      received: z.number().int().nonnegative(),
      /**
       * Names the first item Dougal sent (its id, else a digest), null for an empty page: a page
       * that starts like the one before says the server ignored the offset.
       */
      first: z.string().nullable().optional(),
    }),
  },
  /**
   * The newest version of every event changed since `since` (a server time). A server without
   * the changes endpoint is answered from its event list: events new or changed since main last
   * listed them (every current one the first time, with an unknown start of validity), and
   * events gone from the list since then, as their closed version from the history.
   */
  eventLogChanges: { input: z.object({ project, since: isoTime }).strict(), output: z.object({ instances: z.array(eventInstanceSchema) }) },
  /**
   * Logs an event carrying `clientKey` in `meta`. With `lookupFirst` (a retry: an earlier attempt
   * may have reached the server) main first looks for an event with that key and returns it instead.
   */
  eventLogCreate: {
    input: z
      .object({
        project,
        clientKey: z.string().min(8).max(100),
        fields: eventFieldsSchema,
        lookupFirst: z.boolean(),
        lookupSince: isoTime,
        /**
         * A create tried before whose event the user has deleted since: only looked up, never
         * posted. `event: null` then means Dougal never had it (nothing left to delete there).
         */
        lookupOnly: z.boolean().optional(),
      })
      .strict()
      // A new event must say when it happened, as the entry line requires (edits keep what Dougal holds).
      .superRefine(({ fields }, ctx) => {
        const problem = eventTimingProblem(fields);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['fields'] });
      }),
    output: z.object({ event: serverEventSchema.nullable(), existed: z.boolean() }),
  },
  /**
   * Several creates in one call (a push of what was logged offline): main sends each to Dougal
   * exactly as `eventLogCreate` would, a few at a time, and answers each on its own. Once one
   * meets a failure of the path (offline, timeout, signed out), the ones not yet started are not
   * sent at all (`not-sent`: nothing of them reached Dougal). One whose timing is refused fails alone.
   */
  eventLogCreateMany: {
    input: z.object({ project, creates: z.array(createItemSchema).min(1).max(MAX_CREATES_PER_CALL) }).strict(),
    output: z.object({ results: z.array(createOutcomeSchema) }),
  },
  /**
   * PUT of all fields, only if the server's current uid is `expect` (or the event is deleted, for
   * 'deleted'). Main starts the PUT from the server's current version as it sent it (every
   * attribute kept), or for an undelete from the history version `fromUid` (default: the one
   * whose content is `fields`, else the newest), and puts `fields` on top. An undelete may carry
   * `base`, the server's attributes as last seen: the PUT starts from it when the server's
   * history cannot be read, so geometry and unknown attributes are not reset.
   */
  eventLogPut: {
    input: z
      .object({ project, id: eventId, expect: z.union([z.number(), z.literal('deleted')]), fields: eventFieldsSchema, fromUid: z.number().optional(), base: undeleteBaseSchema.optional() })
      .strict(),
    output: writeOutcomeSchema,
  },
  /** DELETE, only if the server's current uid is `expect`; an event already deleted counts as done. */
  eventLogDelete: { input: z.object({ project, id: eventId, expect: z.number() }).strict(), output: writeOutcomeSchema },
  eventLogHistory: { input: z.object({ project, id: eventId }).strict(), output: z.object({ instances: z.array(eventInstanceSchema) }) },
  eventLogQcResults: { input: z.object({ project }).strict(), output: z.object({ results: z.array(qcResultSchema) }) },
  eventLogQcAccept: {
    input: z.object({ project, eventIds: z.array(eventId).min(1).max(10_000), accepted: z.boolean() }).strict(),
    output: z.object({ done: z.literal(true) }),
  },
  /**
   * Prints the page showing the watch or sequence report to PDF and saves it where the user
   * chooses (desktop app; browser mode answers `unavailable`: the page prints itself there).
   */
  saveLogReportPdf: { input: logReportPdfSchema, output: z.object({ path: z.string(), bytes: z.number() }) },
} as const;
