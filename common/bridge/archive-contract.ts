/**
 * Archive import (issue 14): years of legacy tray photos on a shared drive, read by filename
 * patterns or a CSV manifest, checked in a dry run, then uploaded to Imago by a job that lives in
 * the service process (its journal is in the data folder, so it survives a closed window and is
 * the same job the `corelog import` command runs). The renderer only describes the job, starts,
 * pauses and resumes it, and reads its progress and its rows page by page (the review table is
 * virtualized: an archive can hold 100,000 files, never sent over the bridge at once).
 */
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
const path = z.string().trim().min(1).max(4096);
/**
 * A folder or file the service reads: a full path. A relative one would be taken from wherever
 * the service process happens to run (the repository, `/`), never the folder the user meant.
 */
const fullPath = path.refine(
  (value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || /^[\\/]{2}[^\\/]/.test(value),
  'Give the full path (starting with / or with a drive letter such as C:\\).',
);

/** Where the photos go: one imagery type of one dataset (names, as everywhere on the bridge). */
export const archiveTargetSchema = z.object({ workspaceName: name, datasetName: name, imageryTypeName: name }).strict();
export type ArchiveTarget = z.infer<typeof archiveTargetSchema>;

/**
 * How to read the archive. Patterns are tried in order on each file's path relative to `folder`
 * (`/` as separator, extension optional): `{hole}/{from}-{to}_{imageType}`,
 * `{hole}_{from}_{to}_{imageType}`… Fields: {hole} {from} {to} {imageType} {any}. A manifest
 * (CSV: file, hole, from, to, imageType, then one column per attribute) wins over the patterns
 * for the files it names.
 */
export const archiveSourceSchema = z
  .object({
    folder: fullPath,
    patterns: z.array(z.string().trim().min(1).max(300)).max(20),
    manifest: fullPath.nullable(),
    target: archiveTargetSchema,
  })
  .strict()
  .refine((s) => s.patterns.length > 0 || s.manifest !== null, 'Give at least one filename pattern or a manifest.');
export type ArchiveSource = z.infer<typeof archiveSourceSchema>;

/**
 * What the dry run (and then the run) decided for one file.
 * - `ready`: matched, checked, not on Imago yet: the run uploads it;
 * - `unmatched`: no pattern and no manifest line fits (reason says which part failed);
 * - `refused`: the pipeline would refuse the file (not an image, damaged, too large…);
 * - `on-imago`: Imago already holds a photo with the same SHA-256;
 * - `duplicate`: the same bytes as an earlier file of the archive (`duplicateOf`);
 * - `overlap`: its interval overlaps an existing interval of the hole that is not the same interval;
 * - after the run: `uploaded` or `failed` (reason), `skipped` when the user excluded it.
 */
export const archiveOutcomeSchema = z.enum(['ready', 'unmatched', 'refused', 'on-imago', 'duplicate', 'overlap', 'uploaded', 'failed', 'skipped']);
export type ArchiveOutcome = z.infer<typeof archiveOutcomeSchema>;

export const archiveRowSchema = z.object({
  /** Position in the job (stable: the scan order), for paging. */
  index: z.number().int().nonnegative(),
  /** Path relative to the archive folder, `/`-separated. */
  file: z.string(),
  bytes: z.number().nonnegative(),
  outcome: archiveOutcomeSchema,
  reason: z.string().nullable(),
  hole: z.string().nullable(),
  from: z.number().nullable(),
  to: z.number().nullable(),
  imageType: z.string().nullable(),
  sha256: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  /**
   * Interval attributes from the manifest's extra columns (definition → attribute → value, as
   * `AttributeValues` in photo-contract), written on the interval by the run. Absent: none.
   */
  attributes: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).optional(),
  /** After upload: Imago's ids. */
  imageId: z.string().nullable(),
  imageryId: z.string().nullable(),
});
export type ArchiveRow = z.infer<typeof archiveRowSchema>;

export const archiveCountsSchema = z.record(archiveOutcomeSchema, z.number().int().nonnegative());
export type ArchiveCounts = z.infer<typeof archiveCountsSchema>;

export const archiveJobPhaseSchema = z.enum(['scanning', 'planned', 'running', 'paused', 'waiting-for-imago', 'done', 'failed', 'cancelled']);
export type ArchiveJobPhase = z.infer<typeof archiveJobPhaseSchema>;

export const archiveJobStatusSchema = z.object({
  jobId: z.string(),
  source: archiveSourceSchema,
  phase: archiveJobPhaseSchema,
  /** Files found so far / in all (the scan streams; total is null until it ends). */
  filesSeen: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative().nullable(),
  counts: archiveCountsSchema,
  /** The run: bytes of `ready` files sent / to send, the current rate and the estimate. */
  bytesSent: z.number().nonnegative(),
  bytesToSend: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().nonnegative().nullable(),
  /** Bandwidth cap in bytes per second (null: none). */
  maxBytesPerSecond: z.number().positive().nullable(),
  /** Why the job stopped or waits, in plain words (null when all is well). */
  message: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ArchiveJobStatus = z.infer<typeof archiveJobStatusSchema>;

const jobRef = z.object({ jobId: z.string().min(1).max(100) }).strict();

export const archiveMethods = {
  /** Starts a dry run (scan + checks, nothing uploaded); the job's status then arrives as `archiveJobChanged`. */
  archiveDryRun: { input: archiveSourceSchema, output: archiveJobStatusSchema },
  /** Every job this computer knows (newest first): a job survives restarts until it is removed. */
  archiveJobs: { input: z.undefined(), output: z.array(archiveJobStatusSchema) },
  archiveJob: { input: jobRef, output: archiveJobStatusSchema },
  /** One page of a job's rows, optionally only some outcomes (the virtualized table asks as it scrolls). */
  archiveRows: {
    input: jobRef
      .extend({ offset: z.number().int().nonnegative(), limit: z.number().int().min(1).max(500), outcomes: z.array(archiveOutcomeSchema).max(9).optional() })
      .strict(),
    output: z.object({ total: z.number().int().nonnegative(), rows: z.array(archiveRowSchema) }),
  },
  /** Uploads the job's `ready` files (a planned job, or one paused/stopped earlier: resumes where it stopped). */
  archiveRun: { input: jobRef.extend({ maxBytesPerSecond: z.number().positive().nullable().optional() }).strict(), output: archiveJobStatusSchema },
  archivePause: { input: jobRef, output: archiveJobStatusSchema },
  archiveSetRate: { input: jobRef.extend({ maxBytesPerSecond: z.number().positive().nullable() }).strict(), output: archiveJobStatusSchema },
  /** Writes the job's report CSV (dry-run or final: file, outcome, reason, Imago ids) to `path`. */
  archiveSaveReport: { input: jobRef.extend({ path }).strict(), output: z.object({ path: z.string(), rows: z.number().int() }) },
  archiveRemoveJob: { input: jobRef, output: z.object({ removed: z.boolean() }) },
} as const;

export const archiveEvents = {
  /** A job's status changed (throttled by main to a few per second while it runs). */
  archiveJobChanged: archiveJobStatusSchema,
} as const;
