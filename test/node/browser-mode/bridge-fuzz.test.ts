/**
 * Fuzzes the real browser-mode service over raw TCP: thousands of random and malformed WebSocket
 * frames and bridge messages, malformed HTTP upgrade requests and file hand-overs, from a seeded
 * PRNG (set CORELOG_FUZZ_SEED to replay a run). The service runs in its own process, so a crash is
 * an exit this test sees; afterwards it must still answer `ping`, on a window that stayed open
 * throughout and on a new one, and its log must hold the transport errors without the key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_METHOD_NAMES, MAX_BRIDGE_MESSAGE_BYTES } from '../../../common/bridge/contract';
import { createRng, deepArrayJson, deepObjectJson, randomObject, randomString, randomValue, type Rng } from './fuzz-values';
import { frame, openRaw, serverFrames, textFrame, upgradeRequest, type RawConnection, type RawTarget } from './raw-websocket';

const SEED = Number(process.env.CORELOG_FUZZ_SEED ?? 20_260_610);
const SESSIONS = 1200;
const HTTP_REQUESTS = 400;
const FILE_REQUESTS = 150;
const PARALLEL = 6;
/** Methods whose valid input would touch this machine beyond the data folder (watching a folder, writing elsewhere): they only get inputs that cannot pass. */
const ONLY_INVALID_INPUT = new Set(['setWatchFolder', 'exportDiagnostics']);
const PROBE_ID = 999_999_999;

interface Service extends RawTarget {
  child: ChildProcess;
  logFile: string;
  exits: { code: number | null; signal: string | null }[];
  stderr: string[];
}

const counts = { quiet: 0, callSessions: 0, sessions: 0, frames: 0, messages: 0, oversized: 0, truncated: 0, closedByServer: 0, probesAnswered: 0, httpRequests: 0, fileRequests: 0 };
let dir: string;
let bundleDir: string;
let service: Service;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-fuzz-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Corelog</title>');
  // Inside the repository, so the bundle finds sharp (kept external, as in the real web.mjs) in node_modules.
  // A clean clone has no node_modules/.cache yet (CI failed on exactly that), so make it first.
  await mkdir(resolve('node_modules/.cache'), { recursive: true });
  bundleDir = await mkdtemp(resolve('node_modules/.cache/corelog-bridge-fuzz-'));
  const outfile = join(bundleDir, 'fuzz-server.mjs');
  await build({
    entryPoints: [resolve('test/node/browser-mode/fuzz-server-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['sharp'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __corelogRequire } from 'node:module'; const require = __corelogRequire(import.meta.url);" },
  });
  const child = spawn(process.execPath, [outfile, join(dir, 'data'), join(dir, 'renderer')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exits: Service['exits'] = [];
  const stderr: string[] = [];
  child.on('exit', (code, signal) => exits.push({ code, signal }));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const first = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', done);
    child.once('exit', (code) => fail(new Error(`fuzz server exited at start (${code}): ${stderr.join('')}`)));
  });
  const ready = JSON.parse(first) as { port: number; token: string; origin: string; logFile: string };
  service = { ...ready, child, exits, stderr };
}, 60_000);

afterAll(async () => {
  if (service?.child.exitCode === null) {
    service.child.kill('SIGTERM');
    await new Promise((done) => service.child.once('exit', done));
  }
  await rm(dir, { recursive: true, force: true });
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

/** A normal client, as the page would be: a `ws` socket with our Origin. */
function openWindow(): Promise<WebSocket> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(`ws://127.0.0.1:${service.port}/bridge?token=${service.token}`, { origin: service.origin });
    ws.once('open', () => done(ws));
    ws.once('error', fail);
  });
}

function ping(ws: WebSocket, message: string): Promise<unknown> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('ping not answered within 10 s')), 10_000);
    ws.on('message', function onMessage(data) {
      const answer = JSON.parse(String(data)) as { type: string; id: number; result: unknown };
      if (answer.type === 'result' && answer.id === id) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        done(answer.result);
      }
    });
    ws.send(JSON.stringify({ type: 'call', id, method: 'ping', input: { message } }));
  });
}

// ---- what the fuzzer sends ---------------------------------------------------------------

type Send = { bytes: Buffer; frames: number; messages: number; breaksFraming?: boolean };

const call = (rng: Rng, method: string, input: unknown) => JSON.stringify({ type: 'call', id: rng.int(0, 2 ** 31), method, input });

/** One random text payload: JSON or not, a call or not, valid or not. */
function randomMessage(rng: Rng): string {
  switch (rng.int(0, 11)) {
    case 0:
      return randomString(rng, 200);
    case 1:
      return JSON.stringify(randomValue(rng));
    case 2:
      return JSON.stringify({ type: 'call', ...randomObject(rng) });
    case 3:
      return JSON.stringify({ type: rng.pick(['call', 'result', 'event', '', null]), id: randomValue(rng), method: randomValue(rng), input: randomValue(rng) });
    case 4:
      return call(rng, randomString(rng, 120), randomValue(rng));
    case 5:
      return call(rng, rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'stageFiles', 'on', 'then']), randomValue(rng));
    case 6:
    case 7:
    case 8: {
      const method = rng.pick(BRIDGE_METHOD_NAMES);
      const input = ONLY_INVALID_INPUT.has(method) ? rng.int(0, 9) : rng.chance(0.7) ? randomObject(rng) : randomValue(rng);
      return call(rng, method, input);
    }
    case 9:
      return `{"type":"call","id":${rng.int(0, 1000)},"method":"ping","input":${rng.chance(0.5) ? deepArrayJson(rng.int(1000, 20_000)) : deepObjectJson(rng.int(1000, 20_000))}}`;
    case 10:
      return call(rng, 'ping', { message: 'x'.repeat(rng.int(201, 300_000)) });
    default:
      return `{"type":"call","id":1,"method":"ping","input":${randomString(rng, 30)}`; // cut-off JSON
  }
}

/** One random frame (or a short run of frames) on the wire. */
function randomSend(rng: Rng): Send {
  switch (rng.int(0, 15)) {
    case 0:
      return { bytes: rng.bytes(rng.int(1, 64)), frames: 1, messages: 0, breaksFraming: true };
    case 1:
      return { bytes: frame({ opcode: rng.int(0, 15), rsv: rng.int(0, 7), fin: rng.chance(0.5), mask: rng.chance(0.7), payload: rng.bytes(rng.int(0, 300)) }), frames: 1, messages: 0 };
    case 2:
      return { bytes: textFrame(randomMessage(rng), { rsv: rng.int(1, 7) }), frames: 1, messages: 1 };
    case 3:
      return { bytes: textFrame(randomMessage(rng), { mask: false }), frames: 1, messages: 1 };
    case 4: {
      // Invalid UTF-8 somewhere in an otherwise JSON-looking text.
      const text = Buffer.from(randomMessage(rng));
      const bad = rng.pick([[0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0x28], [0xed, 0xa0, 0x80], [0xff], [0xc0, 0xaf]]);
      const at = rng.int(0, text.length);
      return { bytes: textFrame(Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)])), frames: 1, messages: 1 };
    }
    case 5:
      return { bytes: frame({ opcode: rng.pick([8, 9, 10]), fin: false, payload: rng.bytes(rng.int(0, 20)) }), frames: 1, messages: 0 };
    case 6:
      return { bytes: frame({ opcode: rng.pick([8, 9, 10]), payload: rng.bytes(rng.int(126, 400)) }), frames: 1, messages: 0 };
    case 7: {
      // A length that lies: over maxPayload, beyond 2^53, or longer than what follows.
      const claimed = rng.pick([MAX_BRIDGE_MESSAGE_BYTES + 1, 2 ** 40, 2n ** 63n, 2n ** 64n - 1n, rng.int(2, 5000)]);
      return { bytes: frame({ opcode: rng.pick([1, 2, 0]), claimedLength: claimed, payload: rng.bytes(rng.int(0, 40)) }), frames: 1, messages: 0, breaksFraming: true };
    }
    case 8: {
      // Truncated: a header or a frame cut short (the socket is ended after it).
      const whole = textFrame(randomMessage(rng));
      return { bytes: whole.subarray(0, rng.int(1, Math.max(1, whole.length - 1))), frames: 1, messages: 0, breaksFraming: true };
    }
    case 9: {
      // A fragmented message, possibly with a control frame in between, possibly never finished.
      const text = Buffer.from(randomMessage(rng));
      const parts = rng.int(2, 6);
      const size = Math.ceil(text.length / parts) || 1;
      const frames: Buffer[] = [];
      for (let i = 0; i < parts; i++) {
        frames.push(frame({ opcode: i === 0 ? rng.pick([1, 1, 2]) : 0, fin: i === parts - 1 && rng.chance(0.8), payload: text.subarray(i * size, (i + 1) * size) }));
        if (rng.chance(0.2)) frames.push(frame({ opcode: 9, payload: rng.bytes(rng.int(0, 10)) }));
      }
      return { bytes: Buffer.concat(frames), frames: frames.length, messages: 1 };
    }
    case 10:
      return { bytes: frame({ opcode: 8, payload: Buffer.concat([Buffer.from([rng.int(0, 255), rng.int(0, 255)]), rng.bytes(rng.int(0, 10))]) }), frames: 1, messages: 0 };
    case 11:
      return { bytes: frame({ opcode: 2, payload: Buffer.from(randomMessage(rng)) }), frames: 1, messages: 1 };
    case 12:
      return { bytes: frame({ opcode: rng.pick([9, 10]), payload: rng.bytes(rng.int(0, 125)) }), frames: 1, messages: 0 };
    default:
      return { bytes: textFrame(randomMessage(rng)), frames: 1, messages: 1 };
  }
}

/** Waits until the server closed the connection or answered the probe call; false when neither came. */
function settled(raw: RawConnection, timeoutMs: number): Promise<'closed' | 'answered' | 'quiet'> {
  return new Promise((done) => {
    const check = () => {
      const probe = serverFrames(raw.received()).some((f) => f.opcode === 1 && f.payload.includes(`"id":${PROBE_ID}`));
      if (probe) finish('answered');
    };
    const timer = setTimeout(() => finish('quiet'), timeoutMs);
    const onData = () => check();
    const finish = (how: 'closed' | 'answered' | 'quiet') => {
      clearTimeout(timer);
      raw.socket.off('data', onData);
      done(how);
    };
    raw.socket.on('data', onData);
    void raw.closed(timeoutMs + 1000).then(({ timedOut }) => !timedOut && finish('closed'));
    check();
  });
}

/** A bridge call that is well-formed JSON with an id, so it is answered (validation error or a value), never closed on. */
function randomCall(rng: Rng): string {
  for (;;) {
    const text = randomMessage(rng);
    try {
      const parsed = JSON.parse(text) as { type?: unknown; id?: unknown };
      if (parsed?.type === 'call' && typeof parsed.id === 'number' && Number.isSafeInteger(parsed.id) && parsed.id >= 0) return text;
    } catch {
      // not JSON: draw again
    }
  }
}

/** Fails with the service's own last words when it has died. */
function assertAlive(): void {
  if (service.exits.length || service.child.exitCode !== null) {
    throw new Error(`the service process exited (${JSON.stringify(service.exits)}): ${service.stderr.join('').slice(-2000)}`);
  }
}

async function fuzzSession(rng: Rng): Promise<void> {
  const raw = await openRaw(service).catch(async (error: unknown) => {
    await new Promise((done) => setTimeout(done, 200));
    assertAlive();
    throw error;
  });
  counts.sessions++;
  // A third of the sessions speak the protocol correctly and fuzz only the calls, so the handlers behind it are reached.
  const callsOnly = rng.chance(0.33);
  if (callsOnly) counts.callSessions++;
  let framingBroken = false;
  for (let n = rng.int(1, 8); n > 0 && !framingBroken; n--) {
    const send: Send = callsOnly ? { bytes: textFrame(randomCall(rng)), frames: 1, messages: 1 } : randomSend(rng);
    framingBroken = Boolean(send.breaksFraming);
    if (send.breaksFraming && send.bytes.length < 64) counts.truncated++;
    counts.frames += send.frames;
    counts.messages += send.messages;
    if (!raw.socket.writable) break;
    raw.socket.write(send.bytes);
  }
  if (!framingBroken && raw.socket.writable) {
    raw.socket.write(textFrame(JSON.stringify({ type: 'call', id: PROBE_ID, method: 'ping', input: { message: 'probe' } })));
    counts.frames++;
    counts.messages++;
  } else raw.socket.end();
  const how = await settled(raw, framingBroken ? 3000 : 1500);
  if (how === 'answered') counts.probesAnswered++;
  if (how === 'closed') counts.closedByServer++;
  if (how === 'quiet') counts.quiet++;
  raw.socket.end();
  await raw.closed(5000);
  raw.socket.destroy();
}

/** A malformed (or occasionally valid) HTTP request on a fresh socket; waits for the server to answer or close. */
function randomHttp(rng: Rng): Promise<void> {
  const target = service;
  let bytes: Buffer;
  switch (rng.int(0, 9)) {
    case 0:
      bytes = rng.bytes(rng.int(1, 2000));
      break;
    case 1:
      bytes = Buffer.from(upgradeRequest(target, { headers: { 'Sec-WebSocket-Key': rng.pick([null, '', 'short', randomString(rng, 40)]) } }));
      break;
    case 2:
      bytes = Buffer.from(upgradeRequest(target, { headers: { 'Sec-WebSocket-Version': rng.pick([null, '', '0', '8', '14', randomString(rng, 5)]), Upgrade: rng.pick(['websocket', 'WebSocket', 'h2c', '']) } }));
      break;
    case 3:
      bytes = Buffer.from(upgradeRequest(target, { path: rng.pick(['/bridge', `/bridge?token=${randomString(rng, 40)}`, `http://[::1/bridge`, `//${randomString(rng, 20)}`, '*', `/bridge?token=${target.token}&token=x`, `/${'a'.repeat(rng.int(1, 20_000))}`]) }));
      break;
    case 4:
      bytes = Buffer.from(upgradeRequest(target, { headers: { Host: rng.pick([null, '', 'evil.example', `127.0.0.1:${target.port}\u0000`, randomString(rng, 30)]), Origin: rng.pick([null, 'null', 'http://evil.example', target.origin]) } }));
      break;
    case 5:
      bytes = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n${Array.from({ length: rng.int(1, 200) }, () => `${randomString(rng, 30)}: ${randomString(rng, 200)}`).join('\r\n')}\r\n\r\n`, 'latin1');
      break;
    case 6:
      bytes = Buffer.from(`${rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'BREW', ''])} ${rng.pick(['/', '/files', '/bridge', '/bridge/check', '/%00', '/..%2f..%2fetc/passwd', '/%', `/${randomString(rng, 50)}`])} ${rng.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/9.9', ''])}\r\nHost: 127.0.0.1:${target.port}\r\nContent-Length: ${rng.pick(['0', '5', '-1', 'abc', '99999999999999999999', '1, 2'])}\r\n\r\nhello`, 'latin1');
      break;
    case 7:
      bytes = Buffer.from(upgradeRequest(target)).subarray(0, rng.int(1, 120));
      break;
    case 8:
      bytes = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n`);
      break;
    default:
      bytes = Buffer.concat([Buffer.from(upgradeRequest(target)), textFrame(randomMessage(rng)), rng.bytes(rng.int(0, 100))]);
  }
  counts.httpRequests++;
  return new Promise((done) => {
    const socket = tcpConnect(target.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => done());
    socket.on('data', () => undefined);
    const cut = rng.chance(0.2);
    socket.write(bytes, () => {
      if (cut) socket.resetAndDestroy();
      else socket.end();
    });
    setTimeout(() => socket.destroy(), 3000);
  });
}

/** A file hand-over with random headers, a body that may be cut off, or a lying length. */
function randomFilePost(rng: Rng): Promise<void> {
  const target = service;
  const body = rng.bytes(rng.int(0, 20_000));
  const declared = rng.pick([String(body.length), String(body.length + rng.int(1, 100_000)), '5000000000', 'x', '']);
  const headers = [
    `Host: 127.0.0.1:${target.port}`,
    rng.chance(0.9) ? `Origin: ${target.origin}` : 'Origin: http://evil.example',
    rng.chance(0.9) ? `X-Corelog-Token: ${target.token}` : `X-Corelog-Token: ${randomString(rng, 32)}`,
    `X-File-Name: ${rng.pick([percentEncoded(randomString(rng, 60)), percentEncoded(rng.bytes(rng.int(1, 40))), '%E0%A4%A', '%00%2F..%2F', 'a'.repeat(5000)])}`,
    ...(declared === '' ? ['Transfer-Encoding: chunked'] : [`Content-Length: ${declared}`]),
  ];
  const request = Buffer.concat([Buffer.from(`POST /files HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'), declared === '' ? Buffer.from(`${body.length.toString(16)}\r\n`) : Buffer.alloc(0), body]);
  counts.fileRequests++;
  return new Promise((done) => {
    const socket = tcpConnect(target.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => done());
    socket.on('data', () => socket.end());
    const cutAt = rng.chance(0.4) ? rng.int(1, request.length) : request.length;
    socket.write(request.subarray(0, cutAt), () => {
      // Either a reset mid-body, or the client simply stops sending (a body shorter than declared ends there).
      if (cutAt < request.length) socket.resetAndDestroy();
      else socket.end();
    });
    setTimeout(() => socket.destroy(), 3000);
  });
}

/** Percent-encoding of any bytes (encodeURIComponent refuses lone surrogates, which are exactly what we want to send). */
function percentEncoded(value: string | Buffer): string {
  return [...(Buffer.isBuffer(value) ? value : Buffer.from(value))].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

async function inParallel(total: number, run: (rng: Rng) => Promise<void>, seed: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async (_, lane) => {
      const rng = createRng(seed + lane * 7919);
      while (next < total) {
        next++;
        await run(rng);
      }
    }),
  );
}

describe('browser-mode bridge under fuzzing', () => {
  it('survives thousands of malformed frames, messages and requests, and still answers ping', async () => {
    const window = await openWindow();
    const windowClosed: number[] = [];
    window.on('close', (code) => windowClosed.push(code));
    const started = Date.now();

    await inParallel(SESSIONS / 2, fuzzSession, SEED);
    expect(await ping(window, 'halfway')).toMatchObject({ ok: true, value: { message: 'halfway' } });
    await inParallel(HTTP_REQUESTS, randomHttp, SEED + 1);
    await inParallel(FILE_REQUESTS, randomFilePost, SEED + 2);
    await inParallel(SESSIONS / 2, fuzzSession, SEED + 3);
    // A few messages really over the limit (4 MB + 1 of payload sent): each closes only its own socket with 1009.
    for (let i = 0; i < 4; i++) {
      const raw = await openRaw(service);
      raw.socket.write(textFrame(Buffer.alloc(MAX_BRIDGE_MESSAGE_BYTES + 1, 0x61)));
      counts.frames++;
      counts.messages++;
      counts.oversized++;
      await raw.closed(10_000);
      const close = serverFrames(raw.received()).find((f) => f.opcode === 8);
      expect(close?.payload.readUInt16BE(0)).toBe(1009);
      raw.socket.destroy();
    }

    // The service is alive, the window that stayed open still works, and a new one can connect.
    expect(service.exits, service.stderr.join('')).toEqual([]);
    expect(service.child.exitCode).toBeNull();
    expect(await ping(window, 'after the storm')).toMatchObject({ ok: true, value: { message: 'after the storm' } });
    expect(windowClosed).toEqual([]);
    const fresh = await openWindow();
    expect(await ping(fresh, 'new window')).toMatchObject({ ok: true, value: { message: 'new window' } });
    fresh.close();
    window.close();

    const log = await readFile(service.logFile, 'utf8');
    expect(log).toMatch(/closed by a transport error: .*; close code 1002/);
    expect(log).toMatch(/closed by a transport error: .*; close code 1007/);
    expect(log).toMatch(/closed by a transport error: .*; close code 1009/);
    expect(log).toMatch(/port \d+/);
    expect(log).not.toContain(service.token);
    const rss = await readFile(`/proc/${service.child.pid}/status`, 'utf8').then((s) => /VmHWM:\s+(\d+) kB/.exec(s)?.[1]).catch(() => undefined);

    console.log(
      `[bridge fuzz] seed ${SEED}: ${counts.sessions} WebSocket sessions, ${counts.frames} frames (${counts.messages} messages, ${counts.oversized} over 4 MB, ${counts.truncated} truncated or garbage), ` +
        `${counts.httpRequests} malformed HTTP/upgrade requests, ${counts.fileRequests} file hand-overs; server closed ${counts.closedByServer} sessions, answered the probe on ${counts.probesAnswered} (${counts.callSessions} sessions sent only calls), ${counts.quiet} went quiet; ` +
        `service alive, ping answered; peak RSS ${rss ? `${Math.round(Number(rss) / 1024)} MB` : 'n/a'}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(counts.frames).toBeGreaterThan(3000);
    expect(counts.closedByServer).toBeGreaterThan(100);
    expect(counts.probesAnswered).toBeGreaterThan(100);
  }, 240_000);
});
