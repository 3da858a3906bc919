/**
 * The sandboxed preload (bundled to dist/electron/preload.cjs). It exposes exactly the contract's
 * named methods as `window.corelog`, each bound to its own IPC channel; the page never gets
 * `ipcRenderer` itself, so it cannot send on any other channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelForMethod, EVENT_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_EVENT_NAMES, BRIDGE_METHOD_NAMES, type BridgeEventName, type CorelogBridge } from '../../common/bridge/contract';

type EventEnvelope = { event: BridgeEventName; payload: unknown };

export function buildPreloadBridge(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): CorelogBridge {
  const methods = Object.fromEntries(BRIDGE_METHOD_NAMES.map((method) => [method, (input?: unknown) => ipc.invoke(channelForMethod(method), input)]));
  const on = (event: BridgeEventName, listener: (payload: unknown) => void) => {
    if (!BRIDGE_EVENT_NAMES.includes(event)) throw new Error(`unknown bridge event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, envelope: EventEnvelope) => {
      if (envelope?.event === event) listener(envelope.payload);
    };
    ipc.on(EVENT_CHANNEL, handler);
    return () => void ipc.removeListener(EVENT_CHANNEL, handler);
  };
  return { ...methods, on } as CorelogBridge;
}

contextBridge.exposeInMainWorld('corelog', buildPreloadBridge(ipcRenderer) satisfies CorelogBridge);
