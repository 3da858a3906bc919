/**
 * The Electron transport of the bridge: one `ipcMain.handle` per contract method, and events
 * forwarded to every window. Each call's sender is checked before anything runs: only the main
 * frame of a page served by our own `app://` protocol may call, so an iframe or a page that
 * somehow navigated elsewhere cannot reach the services.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelForMethod, EVENT_CHANNEL, STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { createBridgeDispatcher } from '../../common/bridge/dispatch';
import { toBridgeError } from '../../common/errors';
import { fail, ok } from '../../common/result';
import { stagePathsSchema } from '../services/files/stage-paths-schema';
import type { AppServices } from '../services/app-services';
import { isAppUrl } from './app-protocol.main';

/** True for the top frame of a page from our own origin. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

export function registerBridgeIpc(ipcMain: IpcMain, services: AppServices, windows: () => WebContents[]): () => void {
  const dispatch = createBridgeDispatcher(services.handlers);
  for (const method of BRIDGE_METHOD_NAMES) {
    ipcMain.handle(channelForMethod(method), async (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        return fail({ kind: 'forbidden', message: 'This page is not allowed to use Corelog’s services.', retryable: false });
      }
      return dispatch(method, input);
    });
  }
  // File hand-over from the preload: paths of File objects the user picked or dropped.
  ipcMain.handle(STAGE_FILES_CHANNEL, async (event, input: unknown) => {
    if (!isTrustedSender(event)) return fail({ kind: 'forbidden', message: 'This page is not allowed to use Corelog’s services.', retryable: false });
    const parsed = stagePathsSchema.safeParse(input);
    if (!parsed.success) return fail({ kind: 'validation', message: 'Some of those items are not files on this computer.', retryable: false });
    try {
      const staged = await services.stagedFiles.registerPaths(parsed.data);
      return ok(staged.map(({ ref, name, bytes }) => ({ ref, name, bytes })));
    } catch (error) {
      return fail(toBridgeError(error));
    }
  });
  const unsubscribe = services.events.subscribe((event, payload) => {
    for (const contents of windows()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, { event, payload });
    }
  });
  return () => {
    unsubscribe();
    for (const method of BRIDGE_METHOD_NAMES) ipcMain.removeHandler(channelForMethod(method));
    ipcMain.removeHandler(STAGE_FILES_CHANNEL);
  };
}
