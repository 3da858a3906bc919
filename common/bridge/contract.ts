/**
 * The bridge contract: every method the renderer may call on the main process, and every event
 * main pushes to the renderer. One definition serves the Electron IPC transport, the browser-mode
 * WebSocket transport, the preload (type-checked against `CorelogBridge`) and main's input
 * validation. Adding a method here is the only way to make it callable from the renderer.
 */
import { z } from 'zod';
import type { BridgeError } from '../errors';
import type { Result } from '../result';
import { connectionEvents, connectionMethods } from './connection-contract';
import { desktopEvents, desktopMethods } from './desktop-contract';
import { eventLogMethods } from './event-log-contract';
import { photoEvents, photoMethods } from './photo-contract';

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
  ...connectionMethods,
  ...desktopMethods,
  ...eventLogMethods,
  ...photoMethods,
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export const bridgeEvents = {
  ...connectionEvents,
  ...desktopEvents,
  ...photoEvents,
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

/** What the renderer sees as `window.corelog` (Electron) or gets from the browser-mode client. */
export type CorelogBridge = { [K in BridgeMethodName]: BridgeMethodCall<K> } & {
  /** Subscribes to an event pushed by main; returns the unsubscribe function. */
  on<E extends BridgeEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Hands files to main without reading them in the renderer: the preload passes their paths
   * (desktop), or the page streams them to the local server (browser mode).
   */
  stageFiles(files: readonly StageableFile[]): Promise<Result<StagedFileRef[]>>;
};

/** The main-process side: one async function per method, given already-validated input. */
export type BridgeHandlers = {
  [K in BridgeMethodName]: (input: z.output<(typeof bridgeMethods)[K]['input']>) => Promise<MethodOutput<K>>;
};

export type { BridgeError };
