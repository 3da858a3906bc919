/**
 * The bridge contract: every method the renderer may call on the main process, and every event
 * main pushes to the renderer. One definition serves the Electron IPC transport, the browser-mode
 * WebSocket transport, the preload (type-checked against `CorelogBridge`) and main's input
 * validation. Adding a method here is the only way to make it callable from the renderer.
 */
import { z } from 'zod';
import type { BridgeError } from '../errors';
import type { Result } from '../result';
import { archiveEvents, archiveMethods } from './archive-contract';
import { connectionEvents, connectionMethods } from './connection-contract';
import { desktopEvents, desktopMethods } from './desktop-contract';
import { eventLogMethods } from './event-log-contract';
import { photoEvents, photoMethods } from './photo-contract';
import { settingsEvents, settingsMethods } from './settings-contract';

const noInput = z.undefined();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Which transport carries the bridge: the desktop app, or browser mode. */
  transport: z.enum(['electron', 'browser']),
  platform: z.string(),
  /** Versions of the runtime pieces, for "About" and diagnostics. */
  versions: z.record(z.string(), z.string()),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const appMethods = {
  getAppInfo: { input: noInput, output: appInfoSchema },
  /** Round-trips a short message through main: proves the bridge and its validation work end to end. */
  ping: {
    input: z.object({ message: z.string().min(1, 'say something').max(200, 'at most 200 characters') }).strict(),
    output: z.object({ message: z.string(), receivedAt: z.string() }),
  },
} as const;

export const bridgeMethods = {
  ...appMethods,
  ...archiveMethods,
  ...connectionMethods,
  ...desktopMethods,
  ...eventLogMethods,
  ...photoMethods,
  ...settingsMethods,
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export const bridgeEvents = {
  ...archiveEvents,
  ...connectionEvents,
  ...desktopEvents,
  ...photoEvents,
  ...settingsEvents,
} as const satisfies Record<string, z.ZodType>;

export type BridgeMethodName = keyof typeof bridgeMethods;
export type BridgeEventName = keyof typeof bridgeEvents;
export type MethodInput<K extends BridgeMethodName> = z.input<(typeof bridgeMethods)[K]['input']>;
export type MethodOutput<K extends BridgeMethodName> = z.output<(typeof bridgeMethods)[K]['output']>;
export type EventPayload<E extends BridgeEventName> = z.output<(typeof bridgeEvents)[E]>;

export const BRIDGE_METHOD_NAMES = Object.keys(bridgeMethods) as BridgeMethodName[];
export const BRIDGE_EVENT_NAMES = Object.keys(bridgeEvents) as BridgeEventName[];

/** A method takes no argument when its input schema is `undefined`. */
type BridgeMethodCall<K extends BridgeMethodName> = undefined extends MethodInput<K>
  ? (input?: MethodInput<K>) => Promise<Result<MethodOutput<K>>>
  : (input: MethodInput<K>) => Promise<Result<MethodOutput<K>>>;

/** A file the user picked or dropped (a DOM `File`; described structurally because common/ has no DOM types). */
export interface StageableFile {
  readonly name: string;
  readonly size: number;
}

/** Main's reference to a handed-over file; the renderer never sees its path or bytes. */
export interface StagedFileRef {
  ref: string;
  name: string;
  bytes: number;
}

/**
 * What became of one file of a pick or drop. Each file is handed over on its own: one that
 * vanished, cannot be read, is a folder or is too large fails with its own reason, and the others
 * still arrive. A failed hand-over leaves nothing staged behind.
 */
export type StagedFileOutcome = ({ ok: true } & StagedFileRef) | { ok: false; name: string; error: BridgeError };

/** Largest single file accepted (a 65,500 px square 16-bit TIFF is ~25 GB; real tray photos are < 200 MB). */
export const MAX_STAGED_FILE_BYTES = 4 * 1024 ** 3;

/**
 * Largest bridge message (browser mode's WebSocket frame limit). The renderer refuses to send a
 * bigger call and the server closes a socket that sends one, so no single message can make the
 * service buffer more than this.
 */
export const MAX_BRIDGE_MESSAGE_BYTES = 4 * 1024 * 1024;

/** What the renderer sees as `window.corelog` (Electron) or gets from the browser-mode client. */
export type CorelogBridge = { [K in BridgeMethodName]: BridgeMethodCall<K> } & {
  /** Subscribes to an event pushed by main; returns the unsubscribe function. */
  on<E extends BridgeEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Hands files to main without reading them in the renderer: the preload passes their paths
   * (desktop), or the page streams them to the local server (browser mode). Answers one outcome
   * per file, in the order given; the call itself fails only when none could be tried (a page
   * that may not use the services, a stale browser-mode key).
   */
  stageFiles(files: readonly StageableFile[]): Promise<Result<StagedFileOutcome[]>>;
};

/** The main-process side: one async function per method, given already-validated input. */
export type BridgeHandlers = {
  [K in BridgeMethodName]: (input: z.output<(typeof bridgeMethods)[K]['input']>) => Promise<MethodOutput<K>>;
};

export type { BridgeError };
