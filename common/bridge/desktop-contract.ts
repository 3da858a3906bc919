/**
 * Bridge methods and events of the desktop shell: diagnostics export, auto-update settings, sync
 * notifications, work that must finish before quitting, and commands from the application menu.
 * Everything works in browser mode too (there, notifications and the quit guard do nothing).
 */
import { z } from 'zod';
import { systemIdSchema } from './connection-contract';

/** What the renderer knows about its outbox; main cannot read IndexedDB, so it is passed in. */
export const outboxSummarySchema = z
  .object({
    pending: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    oldestPendingAt: z.string().max(40).nullable(),
    groups: z
      .array(
        z
          .object({ system: systemIdSchema, kind: z.string().max(60), state: z.string().max(40), count: z.number().int().nonnegative() })
          .strict(),
      )
      .max(500),
    recentErrors: z.array(z.object({ system: systemIdSchema, at: z.string().max(40), message: z.string().max(1000) }).strict()).max(100),
  })
  .strict();
export type OutboxSummary = z.infer<typeof outboxSummarySchema>;

export const updateSettingsSchema = z.object({
  /** Off by default: field machines update when IT says so. */
  enabled: z.boolean(),
  /** A generic electron-updater feed (the folder holding latest.yml and the installers). */
  feedUrl: z.string().nullable(),
});
export type UpdateSettings = z.infer<typeof updateSettingsSchema>;

const feedUrlInput = z
  .string()
  .trim()
  .url('enter the full address of the update folder')
  .refine((value) => /^https:\/\//i.test(value) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//i.test(value), 'updates must come over https://');

export const syncOutcomeSchema = z
  .object({
    system: systemIdSchema,
    ok: z.boolean(),
    /** One sentence for the notification, e.g. "26 photos uploaded" or "Imago refused 2 photos". */
    message: z.string().trim().min(1).max(300),
  })
  .strict();
export type SyncOutcome = z.infer<typeof syncOutcomeSchema>;

/**
 * What the renderer's outboxes hold that has not reached a server yet, pushed to main whenever it
 * changes: main needs it at once when the window is closed (to say what is waiting) and for the
 * background icon's count, and it cannot read IndexedDB itself.
 */
const itemCount = z.number().int().nonnegative().max(100_000_000);
export const pendingWorkSchema = z
  .object({
    /** Event-log changes that will go to Dougal by themselves (not failed or conflicting ones: those wait for the user). */
    events: itemCount,
    /** Photos waiting for Imago or being sent (not failed ones). */
    photos: itemCount,
    /** Other Imago changes waiting: new holes and interval writes. */
    otherItems: itemCount,
  })
  .strict();
export type PendingWorkCounts = z.infer<typeof pendingWorkSchema>;

/** A screen that failed and was replaced by its error notice: written to main's log and to diagnostics. */
export const screenFailureSchema = z
  .object({
    /** Which part of the window failed: a screen id ("photos") or "sync-strip". */
    screen: z.string().trim().min(1).max(60),
    message: z.string().max(2000),
    stack: z.string().max(20_000).nullable(),
    componentStack: z.string().max(20_000).nullable(),
  })
  .strict();
export type ScreenFailure = z.infer<typeof screenFailureSchema>;

export const MENU_COMMANDS = ['export-diagnostics', 'sync-now', 'open-connections', 'new-event', 'show-about', 'open-settings'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const desktopMethods = {
  /** Writes a diagnostics folder (logs, versions, settings and the outbox summary; never secrets). */
  exportDiagnostics: {
    input: z.object({ outbox: outboxSummarySchema, askWhere: z.boolean().default(true) }).strict(),
    output: z.object({ folder: z.string(), files: z.array(z.string()) }),
  },
  getUpdateSettings: { input: z.undefined(), output: updateSettingsSchema },
  setUpdateSettings: {
    input: z.object({ enabled: z.boolean(), feedUrl: feedUrlInput.nullable() }).strict(),
    output: updateSettingsSchema,
  },
  /** For syncs driven by the renderer; main-side syncs call the same notifier directly. */
  notifySyncOutcome: { input: syncOutcomeSchema, output: z.object({ shown: z.boolean() }) },
  /** Marks work that quitting must wait for (an upload); returns the token to end it with. */
  beginBusyWork: { input: z.object({ label: z.string().trim().min(1).max(200) }).strict(), output: z.object({ token: z.string() }) },
  endBusyWork: { input: z.object({ token: z.string().max(100) }).strict(), output: z.object({ remaining: z.number() }) },
  /** The outbox counts changed (see `pendingWorkSchema`). */
  reportPendingWork: { input: pendingWorkSchema, output: z.object({ total: z.number() }) },
  /** A screen failed and shows its error notice instead; main logs it for support. */
  reportScreenFailure: { input: screenFailureSchema, output: z.object({ logged: z.boolean() }) },
} as const;

export const desktopEvents = {
  /** A menu item or its keyboard shortcut was used; the renderer performs the command. */
  menuCommand: z.object({ command: z.enum(MENU_COMMANDS) }),
} as const;
