/**
 * The renderer's only way to reach the main process. In the desktop app the preload has put the
 * bridge on `window.corelog`; in browser mode we open the WebSocket ourselves.
 */
import type { CorelogBridge } from '../../../common/bridge/contract';
import { createBrowserModeBridge, type BridgeLinkState } from './browser-mode-bridge';

declare global {
  interface Window {
    corelog?: CorelogBridge;
  }
}

const linkListeners = new Set<(state: BridgeLinkState) => void>();
let linkState: BridgeLinkState = window.corelog ? 'open' : 'connecting';

export const bridge: CorelogBridge =
  window.corelog ??
  createBrowserModeBridge({
    location: window.location,
    onLinkState: (state) => {
      linkState = state;
      for (const listener of linkListeners) listener(state);
    },
  });

export function getBridgeLinkState(): BridgeLinkState {
  return linkState;
}

export function onBridgeLinkState(listener: (state: BridgeLinkState) => void): () => void {
  linkListeners.add(listener);
  return () => linkListeners.delete(listener);
}

export type { BridgeLinkState };
