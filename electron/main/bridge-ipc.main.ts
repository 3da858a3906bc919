/**
 * The Electron transport of the bridge: one `ipcMain.handle` per contract method, and events
 * forwarded to every window that shows our own `app://` page. Each call's sender is checked before anything runs: only the main
 * frame of a page served by our own `app://` protocol may call, so an iframe or a page that
 * somehow navigated elsewhere cannot reach the services.
 *
 * No handler ever throws back into Electron (which would hand the renderer a bare message and log
 * nothing here): every call answers a `Result`, and anything unexpected is logged.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelForMethod, EVENT_CHANNEL, STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createBridgeDispatcher } from '../../common/bridge/dispatch';
import type { BridgeError } from '../../common/errors';
import { fail, type Result } from '../../common/result';
import { stageHandedOverPaths } from '../services/files/stage-paths-schema';
import type { AppServices } from '../services/app-services';
import { isAppUrl } from './app-protocol.main';

const FORBIDDEN: BridgeError = { kind: 'forbidden', message: 'This page is not allowed to use Corelog’s services.', retryable: false };

/** True for the top frame of a page from our own origin. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  try {
    // senderFrame is null (or its getter throws) once the frame navigated away or was destroyed.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    return typeof frame.url === 'string' && isAppUrl(frame.url);
  } catch {
    return false;
  }
}

export function registerBridgeIpc(ipcMain: IpcMain, services: AppServices, windows: () => WebContents[]): () => void {
  const dispatch = createBridgeDispatcher(services.handlers);
  const log = services.desktop.log;

  /** Runs one call; whatever happens inside, the renderer gets a Result. */
  const guarded = (channel: string, run: (input: unknown) => Promise<Result<unknown>>) => async (event: IpcMainInvokeEvent, input: unknown) => {
    if (!isTrustedSender(event)) {
      log.warn(`bridge: refused a call on ${channel} from a frame that is not Corelog’s own page`);
      return fail(FORBIDDEN);
    }
    try {
      return await run(input);
    } catch (error) {
      log.error(`bridge: ${channel} failed unexpectedly`, error);
      return fail({ kind: 'internal', message: 'Something went wrong inside Corelog; the details are in the log.', retryable: false });
    }
  };

  for (const method of BRIDGE_METHOD_NAMES) {
    const channel = channelForMethod(method);
    ipcMain.handle(channel, guarded(channel, (input) => dispatch(method, input)));
  }
  // File hand-over from the preload: paths of File objects the user picked or dropped, each staged on its own.
  ipcMain.handle(STAGE_FILES_CHANNEL, guarded(STAGE_FILES_CHANNEL, (input) => stageHandedOverPaths(services.stagedFiles, input)));

  const unsubscribe = services.events.subscribe((event, payload) => {
    for (const contents of windows()) {
      try {
        // Only a window showing our own page hears the services: one navigated elsewhere (a link
        // that escaped, a page that failed and shows an error URL) must not receive sync state.
        if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(EVENT_CHANNEL, { event, payload });
      } catch (error) {
        // A window closing between the check and the send must not stop the others getting the event.
        log.warn(`bridge: could not send "${event}" to a window`, error);
      }
    }
  });
  return () => {
    unsubscribe();
    for (const method of BRIDGE_METHOD_NAMES) ipcMain.removeHandler(channelForMethod(method));
    ipcMain.removeHandler(STAGE_FILES_CHANNEL);
  };
}
