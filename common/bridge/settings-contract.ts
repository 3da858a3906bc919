/**
 * Bridge methods and events of the Settings screen's main-side part: the app settings file
 * (theme, time zone, depth precision, how long originals are kept after upload), how much space
 * the data folder uses, and the sweep of photo originals Imago has confirmed. Update settings and
 * the watch folder keep their own methods (desktop and photo contracts); the screen shows them too.
 */
import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark', 'night'] as const;
export type Theme = (typeof THEMES)[number];

export const TIME_ZONES = ['utc', 'local'] as const;
export type TimeZoneSetting = (typeof TIME_ZONES)[number];

/** Decimals shown for depths: 0 (whole metres/feet) to 4 (a tenth of a millimetre is already noise). */
export const MAX_DEPTH_DECIMALS = 4;
/** Longest watch the event log's watch report can default to, in hours (a whole day). */
export const MAX_WATCH_HOURS = 24;

/** Longest time originals can be kept before the sweep (ten years; "keep" is `null`). */
export const MAX_KEEP_ORIGINALS_DAYS = 3650;

/**
 * Every app setting. Strict: a key Corelog does not know is refused (a typo in a hand-edited
 * file or a call from a newer window never lands silently).
 */
export const appSettingsSchema = z
  .object({
    theme: z.enum(THEMES),
    timeZone: z.enum(TIME_ZONES),
    depthDecimals: z.number().int().min(0).max(MAX_DEPTH_DECIMALS),
    /** Days a confirmed upload's original stays in the photo store; null keeps it for good. */
    keepOriginalsDays: z.number().int().min(1).max(MAX_KEEP_ORIGINALS_DAYS).nullable(),
    /** Length of a watch on the vessel, in hours: the watch report covers the last one by default. */
    watchHours: z.number().int().min(1).max(MAX_WATCH_HOURS),
  })
  .strict();
export type AppSettings = z.infer<typeof appSettingsSchema>;

/**
 * Defaults. A watch is four hours, the traditional bridge watch. Originals are kept 30 days after Imago confirmed them: long enough to notice a photo
 * on the wrong interval and send it again from here, short enough that a season of tray photos
 * (~1 GB a day on a busy rig) does not fill a field laptop. Only confirmed uploads are ever swept.
 */
export const DEFAULT_APP_SETTINGS: AppSettings = { theme: 'system', timeZone: 'utc', depthDecimals: 2, keepOriginalsDays: 30, watchHours: 4 };

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256');
/** Most originals one sweep looks at; a bigger backlog is worked off by the next runs. */
export const MAX_SWEEP_BATCH = 5000;

export const dataUsagePartSchema = z.object({
  id: z.enum(['photos', 'image-cache', 'logs', 'staging', 'sample-systems', 'other']),
  label: z.string(),
  path: z.string(),
  bytes: z.number(),
  files: z.number(),
});
export type DataUsagePart = z.infer<typeof dataUsagePartSchema>;

export const sweepReportSchema = z.object({
  at: z.string(),
  /** Originals deleted. */
  removed: z.number(),
  freedBytes: z.number(),
  /** Confirmed long enough ago but kept: the renderer still needs them, or they were taken in again. */
  kept: z.number(),
});
export type SweepReport = z.infer<typeof sweepReportSchema>;

export const dataUsageSchema = z.object({
  dataDir: z.string(),
  parts: z.array(dataUsagePartSchema),
  totalBytes: z.number(),
  /** Free space on the disk holding the data folder, when the system says. */
  freeBytes: z.number().nullable(),
  originals: z.object({
    keepDays: z.number().nullable(),
    /** Originals in the store that Imago has confirmed. */
    confirmed: z.number(),
    lastSweep: sweepReportSchema.nullable(),
  }),
});
export type DataUsage = z.infer<typeof dataUsageSchema>;

export const settingsMethods = {
  getAppSettings: { input: z.undefined(), output: appSettingsSchema },
  /** Changes some settings (the others stay); answers all of them. */
  setAppSettings: { input: appSettingsSchema.partial().strict(), output: appSettingsSchema },
  /** The data folder and how much each part of it uses. */
  getDataUsage: { input: z.undefined(), output: dataUsageSchema },
  /**
   * Originals the sweep may delete by main's record: confirmed by Imago more than the kept days
   * ago and not taken in again since. The renderer answers which of them it no longer needs.
   */
  originalsToSweep: { input: z.undefined(), output: z.object({ keepDays: z.number().nullable(), candidates: z.array(z.string()) }) },
  /** Deletes those of `release` that main's record still allows (checked again, one by one). */
  sweepOriginals: { input: z.object({ release: z.array(sha256).max(MAX_SWEEP_BATCH) }).strict(), output: sweepReportSchema },
} as const;

export const settingsEvents = {
  /** The settings changed (in this window or another): every window follows. */
  appSettingsChanged: appSettingsSchema,
} as const;
