/**
 * The sandboxed preload (bundled to dist/electron/preload.cjs). It exposes exactly the contract's
 * named methods as `window.corelog`, each bound to its own IPC channel; the page never gets
 * `ipcRenderer` itself, so it cannot send on any other channel.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { channelForMethod, EVENT_CHANNEL, STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_EVENT_NAMES, BRIDGE_METHOD_NAMES, type BridgeEventName, type CorelogBridge, type StageableFile } from '../../common/bridge/contract';

type EventEnvelope = { event: BridgeEventName; payload: unknown };

export function buildPreloadBridge(
  ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
  pathForFile: (file: StageableFile) => string,
): CorelogBridge {
  const methods = Object.fromEntries(BRIDGE_METHOD_NAMES.map((method) => [method, (input?: unknown) => ipc.invoke(channelForMethod(method), input)]));
  const on = (event: BridgeEventName, listener: (payload: unknown) => void) => {
    if (!BRIDGE_EVENT_NAMES.includes(event)) throw new Error(`unknown bridge event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, envelope: EventEnvelope) => {
      if (envelope?.event === event) listener(envelope.payload);
    };
    ipc.on(EVENT_CHANNEL, handler);
    return () => void ipc.removeListener(EVENT_CHANNEL, handler);
  };
  // Only real File objects from a picker or a drop have a path; page script cannot invent one.
  const stageFiles = (files: readonly StageableFile[]) =>
    ipc.invoke(
      STAGE_FILES_CHANNEL,
      files.map((file) => ({ path: pathForFile(file), name: file.name })),
    );
  return { ...methods, on, stageFiles } as CorelogBridge;
}

contextBridge.exposeInMainWorld('corelog', buildPreloadBridge(ipcRenderer, (file) => webUtils.getPathForFile(file as never)) satisfies CorelogBridge);
