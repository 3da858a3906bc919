/**
 * Hand-built WebSocket traffic for the transport tests: a raw TCP socket that does the upgrade
 * itself and can then send any frame at all (bad masks, reserved bits, lying lengths), and a
 * reader for what the server sends back (its close code above all).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawTarget {
  port: number;
  token: string;
  origin: string;
}

export interface FrameSpec {
  fin?: boolean;
  /** Reserved bits as a 3-bit number (RSV1 = 4, RSV2 = 2, RSV3 = 1). */
  rsv?: number;
  opcode: number;
  payload?: Buffer;
  /** true: a random mask (what a client must send); false: unmasked; a Buffer: that mask. */
  mask?: boolean | Buffer;
  /** Claim this payload length instead of the real one (the payload sent stays as given). */
  claimedLength?: number | bigint;
}

/** One frame's bytes. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const masked = spec.mask !== false;
  const mask = Buffer.isBuffer(spec.mask) ? spec.mask : masked ? randomBytes(4) : null;
  const length = BigInt(spec.claimedLength ?? payload.length);
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0x0f)];
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push((masked ? 0x80 : 0) | Number(length));
  else if (length < 65536n) {
    head.push((masked ? 0x80 : 0) | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push((masked ? 0x80 : 0) | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length & 0xffffffffffffffffn);
  }
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), extended, mask ?? Buffer.alloc(0), body]);
}

export const textFrame = (text: string | Buffer, extra: Partial<FrameSpec> = {}) => frame({ opcode: 1, payload: Buffer.isBuffer(text) ? text : Buffer.from(text), ...extra });

/** The raw bytes of an upgrade request; every part can be replaced to make a bad one. */
export function upgradeRequest(target: RawTarget, overrides: { path?: string; headers?: Record<string, string | null> } = {}): string {
  const headers: Record<string, string | null> = {
    Host: `127.0.0.1:${target.port}`,
    Origin: target.origin,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...overrides.headers,
  };
  const lines = Object.entries(headers).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return `GET ${overrides.path ?? `/bridge?token=${target.token}`} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export interface RawConnection {
  socket: Socket;
  /** Everything received after the upgrade response. */
  received(): Buffer;
  /** Resolves when the server has closed the connection (or after `timeoutMs`, with `timedOut`). */
  closed(timeoutMs?: number): Promise<{ timedOut: boolean }>;
}

/** Opens a TCP connection and completes the upgrade; rejects with the status line when it is refused. */
export function openRaw(target: RawTarget, timeoutMs = 5000): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let ended = false;
    const endWaiters: (() => void)[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('upgrade timed out'));
    }, timeoutMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      ended = true;
      clearTimeout(timer);
      if (!upgraded) reject(new Error(`closed before the upgrade: ${buffer.toString('latin1').split('\r\n')[0]}`));
      for (const waiter of endWaiters.splice(0)) waiter();
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (upgraded) return;
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = buffer.subarray(0, buffer.indexOf('\r\n')).toString('latin1');
      if (!status.includes(' 101 ')) {
        clearTimeout(timer);
        socket.destroy();
        return reject(new Error(status));
      }
      upgraded = true;
      clearTimeout(timer);
      buffer = buffer.subarray(end + 4);
      resolve({
        socket,
        received: () => buffer,
        closed: (wait = 5000) =>
          new Promise((done) => {
            if (ended) return done({ timedOut: false });
            const t = setTimeout(() => done({ timedOut: true }), wait);
            endWaiters.push(() => {
              clearTimeout(t);
              done({ timedOut: false });
            });
          }),
      });
    });
    socket.write(upgradeRequest(target));
  });
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** Splits what the server sent into frames (server frames are never masked). */
export function serverFrames(data: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0x0f;
    let length = data[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > data.length) break;
      length = data.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > data.length) break;
      length = Number(data.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > data.length) break;
    frames.push({ opcode, payload: data.subarray(offset, offset + length) });
    at = offset + length;
  }
  return frames;
}

/** The code of the server's close frame, or null when it sent none. */
export function closeCodeOf(data: Buffer): number | null {
  const close = serverFrames(data).find((f) => f.opcode === 8);
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null;
}

/** The JSON text messages the server sent. */
export function textMessagesOf(data: Buffer): unknown[] {
  return serverFrames(data)
    .filter((f) => f.opcode === 1)
    .map((f) => JSON.parse(f.payload.toString('utf8')));
}
