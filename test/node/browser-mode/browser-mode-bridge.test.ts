/**
 * The renderer's browser-mode bridge, run in Node against the real server: `ws` stands in for the
 * browser's WebSocket and `fs.openAsBlob` for a picked File (a Blob read from disk only when sent,
 * which fails like the browser's when the file vanished in between).
 */
import { openAsBlob } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { MAX_BRIDGE_MESSAGE_BYTES, type CorelogBridge, type StageableFile } from '../../../common/bridge/contract';
import type { BrowserModeServer } from '../../../electron/browser-mode/browser-mode-server';
import type { AppServices } from '../../../electron/services/app-services';
import { createBrowserModeBridge } from '../../../renderer/src/bridge/browser-mode-bridge';
import { startOfflineBrowserMode, type OfflineBrowserMode } from './offline-browser-mode';

let dir: string;
let services: AppServices;
let server: BrowserModeServer;
const restore: (() => void)[] = [];

/** The page's globals: a WebSocket that sends our Origin (as a browser on our page would). */
function installBrowserGlobals(origin: string) {
  class PageWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
      // A browser's WebSocket reports a failed connection through onclose only; it never throws.
      this.on('error', () => undefined);
    }
  }
  const previous = (globalThis as { WebSocket?: unknown }).WebSocket;
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  restore.push(() => ((globalThis as { WebSocket?: unknown }).WebSocket = previous));
}

function pageBridge(target: { port: number; origin: string; token: string }, onLinkState?: (state: string) => void): CorelogBridge {
  installBrowserGlobals(target.origin);
  const location = { hash: `#token=${target.token}`, host: `127.0.0.1:${target.port}`, protocol: 'http:' } as Location;
  // The page's fetch is same-origin: relative URLs, and the browser adds Origin to a POST.
  const pageFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    fetch(new URL(String(input), target.origin), { ...init, headers: { ...(init?.headers as Record<string, string>), origin: target.origin }, ...(init?.body ? { duplex: 'half' } : {}) } as RequestInit);
  return createBrowserModeBridge({ location, fetch: pageFetch as typeof fetch, ...(onLinkState ? { onLinkState } : {}) });
}

let mode: OfflineBrowserMode;
beforeEach(async () => {
  mode = await startOfflineBrowserMode('corelog-bmb-');
  ({ dir, services, server } = mode);
});
afterEach(() => mode.close());

// The bridges keep trying to reconnect (as a page does) until the worker ends, so the globals stay until then.
afterAll(() => {
  while (restore.length) restore.pop()!();
});

const stagingFiles = () => readdir(join(dir, 'data', 'staging')).catch(() => [] as string[]);

describe('browser-mode bridge (renderer side)', () => {
  it('hands 5 files over one by one: #2 vanished after the pick, the other 4 arrive, #2 fails with its reason, nothing is left behind', async () => {
    const bridge = pageBridge(server);
    const files: StageableFile[] = [];
    for (let n = 1; n <= 5; n++) {
      const path = join(dir, `FF-DD-0100_${n}.0_${n + 1}.0_Wet.jpg`);
      await writeFile(path, Buffer.alloc(50_000 + n, n));
      const blob = await openAsBlob(path);
      files.push(Object.assign(blob, { name: `FF-DD-0100_${n}.0_${n + 1}.0_Wet.jpg` }));
    }
    await rm(join(dir, 'FF-DD-0100_2.0_3.0_Wet.jpg'));

    const result = await bridge.stageFiles(files);
    expect(result.ok).toBe(true);
    const outcomes = result.ok ? result.value : [];
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, name: 'FF-DD-0100_2.0_3.0_Wet.jpg', error: { kind: 'validation', message: expect.stringMatching(/could not be read.*moved or deleted/) } });
    expect(outcomes.filter((o) => o.ok).map((o) => o.ok && o.bytes)).toEqual([50_001, 50_003, 50_004, 50_005]);
    expect(await stagingFiles()).toHaveLength(4);

    const refs = outcomes.flatMap((o) => (o.ok ? [o.ref] : []));
    expect(await bridge.discardStagedFiles({ refs })).toEqual({ ok: true, value: { released: 4 } });
    expect(await stagingFiles()).toEqual([]);
  });

  it('refuses a call over the size limit itself, with a plain message, and the connection stays up', async () => {
    const bridge = pageBridge(server);
    expect(await bridge.ping({ message: 'before' })).toMatchObject({ ok: true, value: { message: 'before' } });
    const huge = await bridge.ping({ message: 'x'.repeat(MAX_BRIDGE_MESSAGE_BYTES + 10) });
    expect(huge).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, message: expect.stringMatching(/too large.*at most 4\.0 MB/) } });
    // Multi-byte characters count by their UTF-8 size, not their JS length.
    const wide = await bridge.ping({ message: '€'.repeat(Math.ceil(MAX_BRIDGE_MESSAGE_BYTES / 3) + 10) });
    expect(wide).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(await bridge.ping({ message: 'after' })).toMatchObject({ ok: true, value: { message: 'after' } });
    expect(await readFile(services.desktop.log.file, 'utf8').catch(() => '')).not.toMatch(/1009/);
  });

  it('never sends a call later that it already answered "unavailable" (its caller may have retried it meanwhile)', async () => {
    const listen = async (port = 0) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port });
      await new Promise((resolve) => wss.once('listening', resolve));
      const received: string[] = [];
      wss.on('connection', (ws) => {
        ws.on('message', (data) => {
          const call = JSON.parse(String(data)) as { id: number; input: { message: string } };
          received.push(call.input.message);
          ws.send(JSON.stringify({ type: 'result', id: call.id, result: { ok: true, value: { message: call.input.message, receivedAt: 'now' } } }));
        });
      });
      return { wss, received, port: (wss.address() as AddressInfo).port };
    };
    const stop = async (wss: WebSocketServer) => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    };
    const first = await listen();
    let link = 'connecting';
    const bridge = pageBridge({ port: first.port, origin: `http://127.0.0.1:${first.port}`, token: 'fake-token' }, (state) => (link = state));
    expect(await bridge.ping({ message: 'before' })).toMatchObject({ ok: true });
    // The service goes away: a call made now waits in the page, then fails when reconnecting fails.
    await stop(first.wss);
    await vi.waitFor(() => expect(link).toBe('closed'), { timeout: 5_000, interval: 10 });
    const stranded = await bridge.ping({ message: 'stranded' });
    expect(stranded).toMatchObject({ ok: false, error: { kind: 'unavailable', retryable: true } });
    // The service is back on the same address: the page reconnects and a new call goes through,
    // but the stranded one is never delivered.
    const second = await listen(first.port);
    try {
      await vi.waitFor(async () => expect(await bridge.ping({ message: 'after' })).toMatchObject({ ok: true }), { timeout: 10_000, interval: 200 });
      expect(second.received.filter((m) => m === 'stranded')).toEqual([]);
      expect(second.received).toContain('after');
    } finally {
      await stop(second.wss);
    }
  });

  it('ignores a message from the server it cannot read, keeps listeners apart, and fails calls left open by a close', async () => {
    const fake = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => fake.once('listening', resolve));
    const port = (fake.address() as AddressInfo).port;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    let calls = 0;
    fake.on('connection', (ws) => {
      ws.on('message', (data) => {
        const call = JSON.parse(String(data)) as { id: number };
        calls++;
        if (calls === 1) {
          for (const junk of ['{not json', 'null', '42', '{"type":"mystery"}', '{"type":"result","id":"x"}', '{"type":"event","event":"connectionChanged","payload":1}']) ws.send(junk);
          ws.send(JSON.stringify({ type: 'result', id: call.id, result: { ok: true, value: { message: 'still here', receivedAt: 'now' } } }));
        } else if (calls === 2) {
          ws.send(JSON.stringify({ type: 'result', id: call.id, result: 'not a result' }));
        } else {
          ws.close(1011, 'going away');
        }
      });
    });
    try {
      const bridge = pageBridge({ port, origin: `http://127.0.0.1:${port}`, token: 'fake-token' });
      const seen: unknown[] = [];
      bridge.on('connectionChanged', () => {
        throw new Error('listener bug');
      });
      bridge.on('connectionChanged', (payload) => seen.push(payload));
      expect(await bridge.ping({ message: 'one' })).toMatchObject({ ok: true, value: { message: 'still here' } });
      expect(seen).toEqual([1]);
      expect(warn.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('a listener of "connectionChanged" failed'), expect.any(Error));
      expect(await bridge.ping({ message: 'two' })).toMatchObject({ ok: false, error: { kind: 'internal' } });
      expect(await bridge.ping({ message: 'three' })).toMatchObject({ ok: false, error: { kind: 'unavailable', retryable: true } });
    } finally {
      warn.mockRestore();
      error.mockRestore();
      for (const client of fake.clients) client.terminate();
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});
