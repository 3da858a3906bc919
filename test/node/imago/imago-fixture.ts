/**
 * Shared set-up for the Imago tests: a real emulator on 127.0.0.1 (port 0), a client pointed at
 * it with the demo service account, and the admin calls tests use to bend the emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createImagoEmulator, DEMO_PASSWORD, DEMO_USERNAME, type ImagoEmulator, type ImagoEmulatorOptions } from '../../../emulators/imago/index';
import { ImagoClient, type ImagoClientOptions, type ImagoSessionInfo } from '../../../electron/services/imago/imago-client';
import type { RequestOutcome } from '../../../electron/services/http/system-client-options';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

export const DEMO = { username: DEMO_USERNAME, password: DEMO_PASSWORD };
export const LIVE_WORKSPACE = 'Firefly Resource Development';
export const ARCHIVE_WORKSPACE = 'Firefly Legacy Archive';

export async function startImago(options: ImagoEmulatorOptions = {}): Promise<ImagoEmulator> {
  const emulator = await createImagoEmulator(options);
  await emulator.server.listen(0);
  return emulator;
}

export interface ClientProbe {
  client: ImagoClient;
  outcomes: RequestOutcome[];
  sessions: ImagoSessionInfo[];
}

export function clientFor(emulator: ImagoEmulator | { server: { baseUrl: string } }, overrides: Partial<ImagoClientOptions> = {}): ClientProbe {
  const outcomes: RequestOutcome[] = [];
  const sessions: ImagoSessionInfo[] = [];
  const client = new ImagoClient({
    baseUrl: emulator.server.baseUrl,
    timeoutMs: 5_000,
    credentials: async () => DEMO,
    onOutcome: (o) => outcomes.push(o),
    onSessionChange: (s) => sessions.push(s),
    ...overrides,
  });
  return { client, outcomes, sessions };
}

export async function admin(emulator: ImagoEmulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.server.origin}/__admin${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path} → ${response.status}: ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** Signs in over raw HTTP and returns a fetch that sends the token, for emulator-level tests. */
export async function rawSession(emulator: ImagoEmulator): Promise<{ token: string; get: (pathAndQuery: string, init?: RequestInit) => Promise<Response> }> {
  const reply = await fetch(`${emulator.server.baseUrl}/session`, { method: 'POST', body: JSON.stringify(DEMO), headers: { 'content-type': 'application/json' } });
  const { apiToken } = (await reply.json()) as { apiToken: string };
  return {
    token: apiToken,
    get: (pathAndQuery, init = {}) => fetch(`${emulator.server.baseUrl}${pathAndQuery}`, { ...init, headers: { authorization: `Bearer ${apiToken}`, ...(init.headers as Record<string, string> | undefined) } }),
  };
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The FF-DD-0012 102.0–106.8 m interval, Wet photo: seeded in the writable workspace. */
export const SEEDED_TARGET = {
  workspaceName: LIVE_WORKSPACE,
  datasetName: 'Diamond Drilling',
  collectionName: 'FF-DD-0012',
  imageryTypeName: 'Core Trays',
  imageTypeName: 'Wet',
  startDepth: 102,
  endDepth: 106.8,
};

export interface ImagoSuite {
  readonly emulator: ImagoEmulator;
  readonly temp: string;
}

/**
 * One emulator (and temp folder) per test file: started before the tests, optionally reset to
 * the seed after each (state, options, faults and request log), closed and removed at the end.
 */
export function useImagoSuite(options: { resetAfterEach?: boolean; emulator?: ImagoEmulatorOptions } = {}): ImagoSuite {
  let emulator: ImagoEmulator | null = null;
  const folder = tempDir('imago-test-');
  beforeAll(async () => {
    emulator = await startImago(options.emulator);
  });
  if (options.resetAfterEach) {
    afterEach(async () => {
      await admin(emulator!, 'POST', '/reset');
    });
  }
  afterAll(async () => {
    await emulator?.close();
    folder.remove();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the Imago emulator is not started yet');
      return emulator;
    },
    temp: folder.path,
  };
}

/**
 * Corelog's services (main's real handlers) on a fresh data folder, signed in to this file's
 * emulator, Dougal unreachable: started before the file's tests, disposed after them.
 */
export function useServicesOnImago(suite: ImagoSuite): { readonly services: AppServices } {
  let services: AppServices | null = null;
  const folder = tempDir('corelog-services-');
  beforeAll(async () => {
    services = createAppServices({ dataDir: folder.path, appVersion: 't', transport: 'browser', env: { CORELOG_IMAGO_URL: suite.emulator.server.baseUrl, CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
    await services.handlers.signIn({ system: 'imago', username: 'demo', password: 'demo', remember: false });
  });
  afterAll(async () => {
    await services?.dispose();
    folder.remove();
  });
  return {
    get services() {
      if (!services) throw new Error('the services are not started yet');
      return services;
    },
  };
}
