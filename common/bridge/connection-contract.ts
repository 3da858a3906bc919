/**
 * Bridge methods and events for the Connections screen: server URLs, sign-in and sign-out,
 * reachability. Passwords go in; nothing secret ever comes back out.
 */
import { z } from 'zod';
import { ERROR_KINDS } from '../errors';

export const systemIdSchema = z.enum(['imago', 'dougal']);

export const bridgeErrorSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  retryable: z.boolean(),
  status: z.number().optional(),
  system: systemIdSchema.optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  retryAfterMs: z.number().nonnegative().optional(),
});

export const connectionStatusSchema = z.object({
  system: systemIdSchema,
  serverUrl: z.string(),
  session: z.enum(['signed-out', 'signed-in', 'implicit']),
  user: z.string().nullable(),
  /** Dougal role (guest, user, master); null for Imago. */
  role: z.string().nullable(),
  expiresAt: z.string().nullable(),
  reachability: z.enum(['unknown', 'reachable', 'unreachable']),
  lastCheckedAt: z.string().nullable(),
  lastReachableAt: z.string().nullable(),
  /** The most recent failure, in plain words; cleared by the next success. */
  lastError: bridgeErrorSchema.nullable(),
  /** A password is stored (encrypted) and used to sign in again when the session ends. */
  passwordStored: z.boolean(),
  /**
   * Main can sign in again by itself: it holds a password (stored, or in memory for this run) or
   * uses Dougal's network login, the user has not signed out, and the server has not refused it.
   * While true, "signed out" is a passing state that main repairs; while false, the user must sign in.
   */
  credentialAvailable: z.boolean(),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const credentialStorageSchema = z.object({
  /** False when the OS gives no real keyring (Electron's `basic_text` backend, or browser mode). */
  secure: z.boolean(),
  backend: z.string(),
  explanation: z.string(),
});
export type CredentialStorageInfo = z.infer<typeof credentialStorageSchema>;

const serverUrlSchema = z
  .string()
  .trim()
  .url('enter a full address such as https://imago.example.com/integrate/2')
  .refine((value) => /^https?:\/\//i.test(value), 'the address must start with http:// or https://');

const systemInput = z.object({ system: systemIdSchema }).strict();

// ---- per-connection API settings and "Check server" ------------------------------------------

/** One API setting's value: a name or path, a switch, or null ("do not send"). */
export const apiSettingValueSchema = z.union([z.string().max(300), z.boolean(), z.null()]);
export type ApiSettingValue = z.infer<typeof apiSettingValueSchema>;

/** One setting as the Connections screen shows it; main describes them, so the screen stays generic. */
export const apiSettingFieldSchema = z.object({
  /** Flat key, e.g. `mimeTypeParam` or `paths.eventChanges`. */
  key: z.string(),
  label: z.string(),
  help: z.string(),
  /** `name`/`path`: text; `optional-name`: text or null (not sent); `choice`: one of `choices`; `flag`: on/off. */
  kind: z.enum(['name', 'path', 'optional-name', 'choice', 'flag']),
  choices: z.array(z.string()).optional(),
  value: apiSettingValueSchema,
  defaultValue: apiSettingValueSchema,
});
export type ApiSettingField = z.infer<typeof apiSettingFieldSchema>;

export const apiSettingsSchema = z.object({
  system: systemIdSchema,
  fields: z.array(apiSettingFieldSchema),
  /** Set when the saved settings could not be read and the defaults are in use instead. */
  notice: z.string().nullable(),
});
export type ApiSettings = z.infer<typeof apiSettingsSchema>;

const settingProposalSchema = z.object({ key: z.string(), label: z.string(), value: apiSettingValueSchema });

export const serverCheckStepSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** `noted`: answered, with something worth knowing; `skipped`: not tried (the summary says why). */
  state: z.enum(['waiting', 'running', 'passed', 'noted', 'failed', 'skipped']),
  summary: z.string(),
  details: z.array(z.string()),
  /** The requests this step sent: method, path, status (null: no answer), time, reply shape. */
  calls: z.array(z.object({ method: z.string(), path: z.string(), status: z.number().nullable(), ms: z.number(), shape: z.string() })),
  ms: z.number().nullable(),
});
export type ServerCheckStep = z.infer<typeof serverCheckStepSchema>;

export const serverCheckReportSchema = z.object({
  system: systemIdSchema,
  serverUrl: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  steps: z.array(serverCheckStepSchema),
  /** What the check found, each with the setting that would fit this server, when one would. */
  detected: z.array(z.object({ text: z.string(), proposal: settingProposalSchema.nullable() })),
  /** What only a write would show, and what Corelog does about it. */
  notChecked: z.array(z.string()),
  /** Every request that was not a read (only the sign-in). */
  nonReads: z.array(z.string()),
  /** The whole report as plain text (what "Copy" copies and "Save" writes). */
  text: z.string(),
});
export type ServerCheckReport = z.infer<typeof serverCheckReportSchema>;

// ---- sample systems and the two profiles (electron/services/sample-systems) --------------------

/** `real`: the user's own Imago and Dougal; `sample`: the bundled emulators, run by Corelog. Their local data never mixes. */
export const profileNameSchema = z.enum(['real', 'sample']);
export type ProfileName = z.infer<typeof profileNameSchema>;

export const profileInfoSchema = z.object({
  active: profileNameSchema,
  /** False on a first run (an empty data folder): the first screen asks which way in. */
  chosen: z.boolean(),
  /** Whether this app can switch profiles (a bare service set in some tests cannot). */
  canSwitch: z.boolean(),
  /** Why the chosen profile is not in use, in plain words (the sample systems could not start). */
  notice: z.string().nullable(),
  /** While the sample systems are in use: their local addresses and where a newcomer starts. */
  sample: z
    .object({
      imagoUrl: z.string(),
      dougalUrl: z.string(),
      start: z.object({
        workspaceName: z.string(),
        datasetName: z.string(),
        holeName: z.string(),
        imageryTypeName: z.string(),
        imageTypeName: z.string(),
        project: z.string().nullable(),
      }),
    })
    .nullable(),
});
export type ProfileInfo = z.infer<typeof profileInfoSchema>;

const profileMethods = {
  getProfile: { input: z.undefined(), output: profileInfoSchema },
  /** Uses the sample systems or the real ones from now on (one action; the page reloads after). */
  chooseProfile: { input: z.object({ profile: profileNameSchema }).strict(), output: profileInfoSchema },
  /** Sample systems only: a generated tray photo of the next free interval, handed over like a picked file. */
  stageSampleTrayPhoto: { input: z.undefined(), output: z.object({ ref: z.string(), name: z.string(), bytes: z.number() }) },
} as const;

export const connectionMethods = {
  ...profileMethods,
  getConnections: {
    input: z.undefined(),
    output: z.object({ connections: z.array(connectionStatusSchema), credentialStorage: credentialStorageSchema }),
  },
  setServerUrl: {
    input: z.object({ system: systemIdSchema, serverUrl: serverUrlSchema }).strict(),
    output: connectionStatusSchema,
  },
  signIn: {
    input: z
      .object({
        system: systemIdSchema,
        username: z.string().trim().min(1, 'enter a user name').max(200),
        password: z.string().min(1, 'enter the password').max(1000),
        /** Keep the password (encrypted) so the app can sign in again by itself. */
        remember: z.boolean(),
      })
      .strict(),
    output: connectionStatusSchema,
  },
  /** Dougal only: rely on the vessel network's implicit (address-based) login. */
  signInImplicitly: { input: z.object({ system: z.literal('dougal') }).strict(), output: connectionStatusSchema },
  signOut: {
    input: z.object({ system: systemIdSchema, forgetPassword: z.boolean().default(true) }).strict(),
    output: connectionStatusSchema,
  },
  /** Probes the server now instead of waiting for the next scheduled probe. */
  checkConnection: { input: systemInput, output: connectionStatusSchema },
  /** The system's per-connection API settings (parameter names, paths, upload encoding…). */
  getApiSettings: { input: systemInput, output: apiSettingsSchema },
  /** Replaces the settings that differ from the defaults (unknown keys refused) and rebuilds the client. */
  setApiSettings: {
    input: z.object({ system: systemIdSchema, values: z.record(z.string().max(80), apiSettingValueSchema) }).strict(),
    output: apiSettingsSchema,
  },
  resetApiSettings: { input: systemInput, output: apiSettingsSchema },
  /** Runs the read-only server check (progress arrives as `serverCheckProgress`). */
  checkServer: { input: systemInput, output: serverCheckReportSchema },
  /** The last check's report of this run, if any. */
  getServerCheck: { input: systemInput, output: serverCheckReportSchema.nullable() },
  /** Writes the last report to the data folder for support (never passwords or tokens). */
  saveServerCheck: { input: systemInput, output: z.object({ files: z.array(z.string()) }) },
} as const;

export const connectionEvents = {
  connectionChanged: connectionStatusSchema,
  /** The profile in use changed (another window switched): pages of the other profile reload. */
  profileChanged: profileInfoSchema,
  /** Every step of a running server check, sent again whenever one starts or ends. */
  serverCheckProgress: z.object({ system: systemIdSchema, steps: z.array(serverCheckStepSchema) }),
} as const;
