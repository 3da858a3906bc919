/**
 * Runs one ImagoClient upload in its own Node process so the test can measure this process's
 * peak memory alone (VmHWM), without the emulator or vitest in the same heap.
 * Input via env: IMAGO_BASE_URL, UPLOAD_FILE, UPLOAD_TARGET (JSON), IMAGO_API (JSON, optional). Output: one JSON line.
 */
import { readFileSync } from 'node:fs';
import { ImagoClient } from '../../../electron/services/imago/imago-client';

const peakRssBytes = () => Number(/VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;

const client = new ImagoClient({
  baseUrl: process.env.IMAGO_BASE_URL!,
  credentials: async () => ({ username: 'demo', password: 'demo' }),
  timeoutMs: 30_000,
  // Optional client settings (e.g. `{"uploadEncoding":"raw"}`) to measure another upload mode.
  ...(process.env.IMAGO_API ? { api: JSON.parse(process.env.IMAGO_API) } : {}),
});
await client.signIn('demo', 'demo');
const peakBeforeUpload = peakRssBytes();
let progressCalls = 0;
let sent = 0;
const reply = await client.uploadImage(JSON.parse(process.env.UPLOAD_TARGET!), process.env.UPLOAD_FILE!, {
  onProgress: (bytes) => {
    progressCalls++;
    sent = bytes;
  },
});
process.stdout.write(`${JSON.stringify({ reply, peakBeforeUpload, peakRssBytes: peakRssBytes(), sent, progressCalls })}\n`);
