/**
 * Shared set-up for the Dougal tests: a seeded emulator on 127.0.0.1 (port 0) per test, a client
 * pointed at it, and small helpers for the admin endpoints.
 */
import { afterEach } from 'vitest';
import { createDougalEmulator, SEED_PID, type DougalEmulator, type DougalEmulatorOptions } from '../../../emulators/dougal/index';
import { DougalClient, type DougalClientOptions } from '../../../electron/services/dougal/dougal-client';

export const PID = SEED_PID;
const running: DougalEmulator[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

export async function startDougal(options: DougalEmulatorOptions = {}): Promise<DougalEmulator> {
  const emulator = await createDougalEmulator(options);
  running.push(emulator);
  await emulator.listen(0);
  return emulator;
}

/** A client with stored credentials (default demo/demo, role user); `login: null` stores none. */
export function clientFor(
  emulator: DougalEmulator,
  options: Partial<DougalClientOptions> & { login?: { user: string; password: string } | null } = {},
): DougalClient {
  const { login = { user: 'demo', password: 'demo' }, ...rest } = options;
  return new DougalClient({ baseUrl: emulator.server.baseUrl, timeoutMs: 5_000, credentials: async () => login, ...rest });
}

export async function admin(emulator: DougalEmulator, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${emulator.server.origin}/__admin${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (response.status >= 400) throw new Error(`admin ${method} ${path} failed: ${response.status} ${await response.text()}`);
  return response;
}

/** Logs in over raw HTTP and returns the token, for tests that talk to the emulator directly. */
export async function rawLogin(emulator: DougalEmulator, user = 'demo', password = 'demo'): Promise<string> {
  const response = await fetch(`${emulator.server.baseUrl}/login`, { method: 'POST', body: JSON.stringify({ user, password }), headers: { 'content-type': 'application/json' } });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('JWT='));
  if (response.status !== 204 || !cookie) throw new Error(`login failed: ${response.status}`);
  return cookie.slice(4, cookie.indexOf(';'));
}

export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

/** Catches the CorelogError a promise rejects with (fails the test if it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<{ kind: string; retryable: boolean; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { kind: string; retryable: boolean; status?: number; message: string };
  }
  throw new Error('expected the call to fail');
}
