/**
 * The bridge over browser mode's WebSocket. It implements the same `CorelogBridge` type as the
 * Electron preload, so the rest of the renderer cannot tell which transport it runs on.
 */
import { BRIDGE_METHOD_NAMES, type BridgeEventName, type CorelogBridge, type StageableFile, type StagedFileRef } from '../../../common/bridge/contract';
import type { Result } from '../../../common/result';

type Pending = { resolve: (result: Result<unknown>) => void };
type EventListener = (payload: unknown) => void;
export type BridgeLinkState = 'connecting' | 'open' | 'closed' | 'token-rejected';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

export function readTokenFromLocation(location: Location): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return params.get('token');
}

export function createBrowserModeBridge(options: {
  location: Location;
  onLinkState?: (state: BridgeLinkState) => void;
}): CorelogBridge {
  const { location } = options;
  const token = readTokenFromLocation(location) ?? '';
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<EventListener>>();
  const outbox: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let attempts = 0;
  let state: BridgeLinkState = 'connecting';

  const setState = (next: BridgeLinkState) => {
    if (state === next) return;
    state = next;
    options.onLinkState?.(next);
  };

  const failPending = (message: string) => {
    for (const [id, call] of pending) {
      call.resolve({ ok: false, error: { kind: 'unavailable', message, retryable: true } });
      pending.delete(id);
    }
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      setState('open');
      while (outbox.length) ws.send(outbox.shift()!);
    };
    ws.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as
        | { type: 'result'; id: number; result: Result<unknown> }
        | { type: 'event'; event: string; payload: unknown };
      if (data.type === 'result') {
        pending.get(data.id)?.resolve(data.result);
        pending.delete(data.id);
      } else {
        for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
      }
    };
    ws.onclose = async () => {
      socket = null;
      failPending('Lost the connection to Corelog’s background service; retrying.');
      // A refused upgrade looks like any other close; ask the server whether our key is stale.
      const check = await fetch('/bridge/check', { headers: { 'x-corelog-token': token } }).catch(() => null);
      if (check?.status === 401) {
        setState('token-rejected');
        return;
      }
      setState('closed');
      const delay = RECONNECT_DELAYS_MS[Math.min(attempts++, RECONNECT_DELAYS_MS.length - 1)];
      setTimeout(connect, delay);
    };
  };
  connect();

  const call = (method: string, input: unknown): Promise<Result<unknown>> =>
    new Promise((resolve) => {
      if (state === 'token-rejected') {
        resolve({ ok: false, error: { kind: 'unavailable', message: 'This page’s key is no longer valid. Open the address printed by `npm run web`.', retryable: false } });
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve });
      const text = JSON.stringify({ type: 'call', id, method, input });
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else outbox.push(text);
    });

  const bridge: Record<string, unknown> = {
    on(event: BridgeEventName, listener: EventListener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const method of BRIDGE_METHOD_NAMES) bridge[method] = (input?: unknown) => call(method, input);
  // The browser streams each File from disk as the request body; it is never read into JS memory.
  bridge.stageFiles = async (files: readonly StageableFile[]): Promise<Result<StagedFileRef[]>> => {
    const staged: StagedFileRef[] = [];
    for (const file of files) {
      const response = await fetch('/files', {
        method: 'POST',
        headers: { 'x-corelog-token': token, 'x-file-name': encodeURIComponent(file.name), 'content-type': 'application/octet-stream' },
        body: file as unknown as Blob,
      }).catch(() => null);
      if (!response) return { ok: false, error: { kind: 'unavailable', message: `Could not hand “${file.name}” to Corelog’s background service.`, retryable: true } };
      if (response.status === 401) return { ok: false, error: { kind: 'unavailable', message: 'This page’s key is no longer valid. Open the address printed by `npm run web`.', retryable: false } };
      const result = (await response.json()) as Result<StagedFileRef>;
      if (!result.ok) return result;
      staged.push(result.value);
    }
    return { ok: true, value: staged };
  };
  return bridge as CorelogBridge;
}
