/**
 * The sandboxed preload (bundled to dist/electron/preload.cjs). It exposes exactly the contract's
 * named methods as `window.corelog`, each bound to its own IPC channel; the page never gets
 * `ipcRenderer` itself, so it cannot send on any other channel.
 *
 * Every call resolves to a `Result`, never a rejected promise: input Electron cannot send (a
 * function, a DOM node) or a main process that did not answer becomes a typed error.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { channelForMethod, EVENT_CHANNEL, STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_EVENT_NAMES, BRIDGE_METHOD_NAMES, type BridgeEventName, type CorelogBridge, type StageableFile } from '../../common/bridge/contract';
import type { Result } from '../../common/result';

type EventEnvelope = { event: BridgeEventName; payload: unknown };

/** A failed `invoke`, as the Result every bridge call promises. */
function invokeFailed(error: unknown): Result<never> {
  const message = error instanceof Error ? error.message : String(error);
  if (/could not be cloned|clone/i.test(message)) {
    return { ok: false, error: { kind: 'validation', message: 'This request holds something that cannot be sent to Corelog’s services (only plain data can).', retryable: false } };
  }
  return { ok: false, error: { kind: 'unavailable', message: 'Corelog’s background process did not answer this request.', retryable: true } };
}

export function buildPreloadBridge(
  ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
  pathForFile: (file: StageableFile) => string,
): CorelogBridge {
  const invoke = (channel: string, input: unknown): Promise<Result<unknown>> => {
    try {
      return (ipc.invoke(channel, input) as Promise<Result<unknown>>).catch(invokeFailed);
    } catch (error) {
      return Promise.resolve(invokeFailed(error));
    }
  };
  const methods = Object.fromEntries(BRIDGE_METHOD_NAMES.map((method) => [method, (input?: unknown) => invoke(channelForMethod(method), input)]));
  const on = (event: BridgeEventName, listener: (payload: unknown) => void) => {
    if (!BRIDGE_EVENT_NAMES.includes(event)) throw new Error(`unknown bridge event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, envelope: EventEnvelope) => {
      if (envelope?.event !== event) return;
      try {
        listener(envelope.payload);
      } catch (error) {
        // Every subscription is its own listener on one emitter, which stops at the first that
        // throws: without this, one failing screen would keep the event from every later one
        // (browser mode's bridge already isolates them the same way).
        console.error(`Corelog bridge: a listener of "${event}" failed`, error);
      }
    };
    ipc.on(EVENT_CHANNEL, handler);
    return () => void ipc.removeListener(EVENT_CHANNEL, handler);
  };
  // Only real File objects from a picker or a drop have a path; page script cannot invent one. A
  // File without one (made in script, dragged from a web page) goes with an empty path and is
  // refused on its own by main, next to the others.
  const pathOf = (file: StageableFile): string => {
    try {
      return pathForFile(file);
    } catch {
      return '';
    }
  };
  const stageFiles = (files: readonly StageableFile[]) =>
    invoke(
      STAGE_FILES_CHANNEL,
      Array.from(files, (file) => ({ path: pathOf(file), name: String(file.name) })),
    );
  return { ...methods, on, stageFiles } as CorelogBridge;
}

contextBridge.exposeInMainWorld('corelog', buildPreloadBridge(ipcRenderer, (file) => webUtils.getPathForFile(file as never)) satisfies CorelogBridge);
