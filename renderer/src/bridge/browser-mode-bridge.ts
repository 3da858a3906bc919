/**
 * The bridge over browser mode's WebSocket. It implements the same `CorelogBridge` type as the
 * Electron preload, so the rest of the renderer cannot tell which transport it runs on.
 *
 * Every call resolves to a `Result`, never a rejected promise: a call too large for the socket is
 * refused here with a plain message (the server would close the whole connection), calls in
 * flight when the socket closes fail as `unavailable`, and a message from the server that cannot
 * be read is logged to the console and ignored.
 */
import {
  BRIDGE_METHOD_NAMES,
  MAX_BRIDGE_MESSAGE_BYTES,
  MAX_STAGED_FILE_BYTES,
  type BridgeEventName,
  type CorelogBridge,
  type StageableFile,
  type StagedFileOutcome,
  type StagedFileRef,
} from '../../../common/bridge/contract';
import type { BridgeError } from '../../../common/errors';
import type { Result } from '../../../common/result';

type Pending = { resolve: (result: Result<unknown>) => void };
type EventListener = (payload: unknown) => void;
export type BridgeLinkState = 'connecting' | 'open' | 'closed' | 'token-rejected';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];
const STALE_KEY: BridgeError = { kind: 'unavailable', message: 'This page’s key is no longer valid. Open the address printed by `npm run web`.', retryable: false };

export function readTokenFromLocation(location: Location): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return params.get('token');
}

/** UTF-8 size of a message, counted only when it might be near the limit (most calls are tiny). */
export function messageBytes(text: string): number {
  if (text.length * 3 < MAX_BRIDGE_MESSAGE_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function createBrowserModeBridge(options: {
  location: Location;
  onLinkState?: (state: BridgeLinkState) => void;
  /** For tests; the page's own fetch otherwise. */
  fetch?: typeof fetch;
}): CorelogBridge {
  const { location } = options;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
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
    // A call answered "unavailable" must never go out later: its caller may already have retried
    // it (a create retried with a look-up), and two copies racing to main logged events twice.
    outbox.length = 0;
    for (const [id, call] of pending) {
      call.resolve({ ok: false, error: { kind: 'unavailable', message, retryable: true } });
      pending.delete(id);
    }
  };

  const deliver = (raw: unknown) => {
    if (raw === null || typeof raw !== 'object') throw new Error('not an object');
    const data = raw as { type?: unknown; id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (data.type === 'result' && typeof data.id === 'number') {
      const call = pending.get(data.id);
      if (!call) return;
      pending.delete(data.id);
      const result = data.result as Result<unknown> | null | undefined;
      call.resolve(
        result && typeof result === 'object' && typeof result.ok === 'boolean'
          ? result
          : { ok: false, error: { kind: 'internal', message: 'Corelog’s background service answered something this page cannot read.', retryable: false } },
      );
    } else if (data.type === 'event' && typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) {
        try {
          listener(data.payload);
        } catch (error) {
          // One failing listener must not keep the event from the others, nor break the socket's handler.
          console.error(`Corelog bridge: a listener of "${data.event}" failed`, error);
        }
      }
    } else {
      throw new Error('unknown message type');
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
      try {
        deliver(JSON.parse(String(message.data)));
      } catch (error) {
        console.warn('Corelog bridge: ignored a message from the background service that could not be read', error);
      }
    };
    ws.onclose = async () => {
      socket = null;
      failPending('Lost the connection to Corelog’s background service; retrying.');
      // A refused upgrade looks like any other close; ask the server whether our key is stale.
      const check = await doFetch('/bridge/check', { headers: { 'x-corelog-token': token } }).catch(() => null);
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
        resolve({ ok: false, error: STALE_KEY });
        return;
      }
      const id = nextId++;
      let text: string;
      try {
        text = JSON.stringify({ type: 'call', id, method, input });
      } catch {
        resolve({ ok: false, error: { kind: 'validation', message: 'This request holds something that cannot be sent to Corelog’s background service (only plain data can).', retryable: false } });
        return;
      }
      // The server closes a socket that sends more than the limit, failing every call on it; refuse just this one instead.
      const bytes = messageBytes(text);
      if (bytes > MAX_BRIDGE_MESSAGE_BYTES) {
        resolve({
          ok: false,
          error: {
            kind: 'validation',
            message: `This request is too large to hand to Corelog’s background service (${megabytes(bytes)}; at most ${megabytes(MAX_BRIDGE_MESSAGE_BYTES)}).`,
            retryable: false,
          },
        });
        return;
      }
      pending.set(id, { resolve });
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else outbox.push(text);
    });

  /** Streams one file to the server; the browser reads it from disk as the request body, never into JS memory. */
  const stageOne = async (file: StageableFile): Promise<StagedFileOutcome | 'stale-key'> => {
    const name = String(file.name);
    const failed = (error: BridgeError): StagedFileOutcome => ({ ok: false, name, error });
    if (file.size > MAX_STAGED_FILE_BYTES) return failed({ kind: 'rejected', message: `“${name}” is larger than Corelog accepts (4 GB).`, retryable: false });
    const response = await doFetch('/files', {
      method: 'POST',
      headers: { 'x-corelog-token': token, 'x-file-name': encodeURIComponent(name), 'content-type': 'application/octet-stream' },
      body: file as unknown as Blob,
    }).catch(() => null);
    if (!response) {
      // Either the browser could not read the file (a folder, moved or deleted since it was chosen,
      // no permission) or the service is gone; asking the service tells the two apart.
      const check = await doFetch('/bridge/check', { headers: { 'x-corelog-token': token } }).catch(() => null);
      if (check?.status === 401) return 'stale-key';
      return check
        ? failed({ kind: 'validation', message: `“${name}” could not be read: it may be a folder, or it was moved or deleted after it was chosen.`, retryable: false })
        : failed({ kind: 'unavailable', message: `Could not hand “${name}” to Corelog’s background service; it is not reachable.`, retryable: true });
    }
    if (response.status === 401) return 'stale-key';
    const result = (await response.json().catch(() => null)) as Result<StagedFileRef> | null;
    if (!response.ok || !result || typeof result.ok !== 'boolean') {
      return failed({ kind: 'internal', message: `Corelog’s background service could not take “${name}” (HTTP ${response.status}).`, retryable: false });
    }
    if (!result.ok) return failed(result.error);
    return { ok: true, ref: result.value.ref, name: result.value.name, bytes: result.value.bytes };
  };

  const bridge: Record<string, unknown> = {
    on(event: BridgeEventName, listener: EventListener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const method of BRIDGE_METHOD_NAMES) bridge[method] = (input?: unknown) => call(method, input);
  // One request per file, each on its own: a file that fails does not stop the ones after it.
  bridge.stageFiles = async (files: readonly StageableFile[]): Promise<Result<StagedFileOutcome[]>> => {
    if (state === 'token-rejected') return { ok: false, error: STALE_KEY };
    const outcomes: StagedFileOutcome[] = [];
    for (const file of files) {
      const outcome = await stageOne(file).catch(
        (error: unknown): StagedFileOutcome => ({ ok: false, name: String(file.name), error: { kind: 'internal', message: `“${String(file.name)}” could not be handed over: ${String(error)}`, retryable: false } }),
      );
      if (outcome === 'stale-key') {
        // Nothing more can be handed over with this key (the service restarted): release what already arrived and say why.
        const refs = outcomes.flatMap((o) => (o.ok ? [o.ref] : []));
        if (refs.length) void call('discardStagedFiles', { refs });
        return { ok: false, error: STALE_KEY };
      }
      outcomes.push(outcome);
    }
    return { ok: true, value: outcomes };
  };
  return bridge as CorelogBridge;
}
