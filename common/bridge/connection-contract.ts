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

export const connectionMethods = {
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
} as const;

export const connectionEvents = {
  connectionChanged: connectionStatusSchema,
} as const;
