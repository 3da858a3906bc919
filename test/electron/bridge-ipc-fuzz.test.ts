/**
 * Fuzzes every registered IPC handler (mocked `electron`, real services on a temp data folder)
 * with random inputs of every type IPC can carry: odd types, huge strings, prototype-pollution
 * keys, deep nesting, huge arrays, mutated valid inputs. Each call must resolve to a typed Result
 * (a value, or `{ ok: false, error }` of a known kind), never reject; a sender that is not the top
 * frame of app://corelog is always refused; nothing leaks onto Object.prototype. Seeded
 * (CORELOG_FUZZ_SEED replays a run).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelForMethod, STAGE_FILES_CHANNEL } from '../../common/bridge/channels';
import { BRIDGE_METHOD_NAMES } from '../../common/bridge/contract';
import { ERROR_KINDS } from '../../common/errors';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { createRng, HOSTILE_KEYS, randomObject, randomString, randomValue, type Rng } from '../node/browser-mode/fuzz-values';
import { createElectronMock, ipcEvent } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const SEED = Number(process.env.CORELOG_FUZZ_SEED ?? 20_260_611);
const CALLS = 4000;
/** Methods whose valid input would reach outside the data folder (watch a folder, write elsewhere): fuzzed with inputs that cannot pass. */
const ONLY_INVALID_INPUT = new Set(['setWatchFolder', 'exportDiagnostics']);
const KINDS = new Set<string>(ERROR_KINDS);

let dir: string;
let services: AppServices;
let files: { good: string; folder: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-ipc-fuzz-'));
  services = createAppServices({ dataDir: join(dir, 'data'), appVersion: '9.9.9', transport: 'electron', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
  files = { good: join(dir, 'tray.jpg'), folder: join(dir, 'folder') };
  await writeFile(files.good, 'not really a photo');
  await mkdir(files.folder);
  const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');
  registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
});
afterAll(async () => {
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Valid inputs to start mutations from (so some calls get past validation into the handlers). */
const EXAMPLES: Record<string, unknown> = {
  ping: { message: 'hello' },
  signIn: { system: 'imago', username: 'demo', password: 'demo', remember: false },
  signOut: { system: 'dougal', forgetPassword: true },
  checkConnection: { system: 'imago' },
  setServerUrl: { system: 'dougal', serverUrl: 'http://127.0.0.1:9/api' },
  eventLogPage: { project: 'p1', offset: 0, limit: 10 },
  eventLogChanges: { project: 'p1', since: '2024-01-01T00:00:00Z' },
  eventLogCreate: { project: 'p1', clientKey: 'client-key-1', fields: { tstamp: null, sequence: null, point: null, remarks: 'r', labels: [], meta: {} }, lookupFirst: false, lookupSince: '2024-01-01T00:00:00Z' },
  eventLogQcAccept: { project: 'p1', eventIds: [1, 2], accepted: true },
  intakePhoto: { ref: 'no-such-ref' },
  discardStagedFiles: { refs: ['a', 'b'] },
  listHoles: { workspaceName: 'w', datasetName: 'd' },
  notifySyncOutcome: { system: 'imago', ok: true, message: 'done' },
  beginBusyWork: { label: 'fuzz' },
  endBusyWork: { token: 'nope' },
  reportPendingWork: { events: 3, photos: 2, otherItems: 1 },
  reportScreenFailure: { screen: 'photos', message: 'fuzz', stack: null, componentStack: null },
  cancelPhotoUpload: { jobId: 'job' },
  previewStoredPhoto: { sha256: 'a'.repeat(64), width: 100 },
  imagoPortalLink: { workspace: 'w', dataset: 'd', collection: 'c', depth: 1 },
  setUpdateSettings: { enabled: false, feedUrl: null },
};

/** Values only IPC's structured clone carries (JSON cannot): they must not trip a handler either. */
function cloneOnlyValue(rng: Rng): unknown {
  return rng.pick([
    () => undefined,
    () => new Date(rng.chance(0.5) ? NaN : rng.int(0, 2 ** 40)),
    () => new Map([[randomString(rng), randomValue(rng)]]),
    () => new Set([randomValue(rng)]),
    () => BigInt(rng.int(-1000, 1000)) * 10n ** 30n,
    () => new Uint8Array(rng.int(0, 64)),
    () => /re(g)ex/gi,
    () => new Error(randomString(rng)),
    () => Object.assign(Object.create(null) as object, { message: 'no prototype' }),
    () => Object.assign(new Array<number>(3), { 0: 1, 2: 3 }), // sparse: index 1 is a hole
    () => -0,
    () => NaN,
  ])();
}

function mutate(rng: Rng, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return randomValue(rng);
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  switch (rng.int(0, 5)) {
    case 0:
      if (keys.length) copy[rng.pick(keys)] = randomValue(rng);
      break;
    case 1:
      if (keys.length) delete copy[rng.pick(keys)];
      break;
    case 2:
      Object.defineProperty(copy, rng.pick(HOSTILE_KEYS), { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      break;
    case 3:
      if (keys.length) copy[rng.pick(keys)] = cloneOnlyValue(rng);
      break;
    case 4:
      if (keys.length) copy[rng.pick(keys)] = 'x'.repeat(rng.int(10_000, 2_000_000));
      break;
    default:
      if (keys.length) copy[rng.pick(keys)] = mutate(rng, copy[rng.pick(keys)]);
  }
  return copy;
}

function deep(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function randomInput(rng: Rng, method: string): unknown {
  if (ONLY_INVALID_INPUT.has(method)) return rng.pick([42, 'x', [], null, true]);
  switch (rng.int(0, 9)) {
    case 0:
      return randomValue(rng);
    case 1:
      return randomObject(rng);
    case 2:
      return cloneOnlyValue(rng);
    case 3:
      return deep(rng.int(100, 5000));
    case 4:
      return Array.from({ length: rng.int(10_000, 200_000) }, (_, i) => i);
    case 5:
      return 'y'.repeat(rng.int(100_000, 5_000_000));
    case 6:
      return EXAMPLES[method];
    default:
      return EXAMPLES[method] === undefined ? randomObject(rng) : mutate(rng, EXAMPLES[method]);
  }
}

function randomStageInput(rng: Rng): unknown {
  if (rng.chance(0.2)) return randomInput(rng, 'stageFiles');
  return Array.from({ length: rng.int(0, 6) }, () =>
    rng.pick([
      () => ({ path: files.good, name: 'tray.jpg' }),
      () => ({ path: files.folder, name: 'folder' }),
      () => ({ path: join(dir, randomString(rng, 20)), name: randomString(rng) }),
      () => ({ path: randomString(rng, 30), name: randomString(rng) }),
      () => ({ path: '', name: 'no path.jpg' }),
      () => ({ path: '/dev/null', name: 'device' }),
      () => ({ path: files.good, name: 'tray.jpg', extra: 1 }),
      () => randomObject(rng),
      () => cloneOnlyValue(rng),
    ])(),
  );
}

/** Events from frames that must be refused. */
function untrustedEvent(rng: Rng): unknown {
  return rng.pick([
    () => ipcEvent('https://evil.example/'),
    () => ipcEvent('file:///etc/passwd'),
    () => ipcEvent('app://corelog/index.html', true),
    () => ipcEvent('app://corelog.evil.example/'),
    () => ipcEvent('app://other/'),
    () => ipcEvent(randomString(rng)),
    () => ({ senderFrame: null }),
    () => ({ senderFrame: undefined }),
    () => ({}),
    () => ({ senderFrame: { url: 42, parent: null } }),
    () => ({ senderFrame: { url: 'app://corelog/', parent: undefined } }),
    () => ({
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    }),
  ])();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms))]);
}

describe('Electron IPC handlers under fuzzing', () => {
  it('answer every random input with a typed Result, refuse foreign senders, and pollute nothing', async () => {
    const rng = createRng(SEED);
    const channels = [...BRIDGE_METHOD_NAMES.map((m) => ({ method: m as string, channel: channelForMethod(m) })), { method: 'stageFiles', channel: STAGE_FILES_CHANNEL }];
    expect(electron.handlers.size).toBe(channels.length);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const internals: string[] = [];
    const stats = { calls: 0, values: 0, refused: 0, byKind: {} as Record<string, number>, trustedPassed: 0 };

    for (let i = 0; i < CALLS; i++) {
      const { method, channel } = rng.pick(channels);
      const trusted = rng.chance(0.8);
      const event = trusted ? ipcEvent(rng.pick(['app://corelog/', 'app://corelog/index.html', 'app://corelog/#/photos'])) : untrustedEvent(rng);
      const input = method === 'stageFiles' ? randomStageInput(rng) : randomInput(rng, method);
      const handler = electron.handlers.get(channel)!;
      let result: unknown;
      try {
        result = await withTimeout(Promise.resolve(handler(event, input)), 15_000, `${channel} (call ${i})`);
      } catch (error) {
        throw new Error(`${channel} threw on call ${i} (seed ${SEED}): ${(error as Error).stack}`, { cause: error });
      }
      stats.calls++;
      expect(result, `${channel} call ${i}`).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
      const settled = result as { ok: boolean; value?: unknown; error?: { kind: string; message: string; retryable: boolean } };
      if (!trusted) {
        expect(settled, `${channel} call ${i} from an untrusted sender`).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
        stats.refused++;
        continue;
      }
      if (settled.ok) {
        stats.values++;
        if (method === 'stageFiles') for (const outcome of settled.value as { ok: boolean; ref?: string }[]) if (outcome.ok) await services.stagedFiles.release(outcome.ref!);
      } else {
        expect(KINDS.has(settled.error!.kind), `${channel} call ${i}: kind ${settled.error!.kind}`).toBe(true);
        expect(typeof settled.error!.message).toBe('string');
        expect(typeof settled.error!.retryable).toBe('boolean');
        // Errors carry no raw input back: a 5 MB string input does not come back as a 5 MB message.
        expect(settled.error!.message.length, `${channel} call ${i}: message length`).toBeLessThan(20_000);
        stats.byKind[settled.error!.kind] = (stats.byKind[settled.error!.kind] ?? 0) + 1;
        if (settled.error!.kind !== 'validation') stats.trustedPassed++;
        if (settled.error!.kind === 'internal') internals.push(`${channel}: ${settled.error!.message.slice(0, 200)}`);
      }
    }

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect((({}) as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    // The services still work normally.
    expect(await electron.handlers.get(channelForMethod('ping'))!(ipcEvent('app://corelog/'), { message: 'after' })).toMatchObject({ ok: true, value: { message: 'after' } });
    expect(await readFile(services.desktop.log.file, 'utf8')).toContain('refused a call on');
    console.log(
      `[ipc fuzz] seed ${SEED}: ${stats.calls} calls to ${channels.length} handlers; ${stats.refused} from foreign senders (all refused), ${stats.values} answered a value, ` +
        `errors by kind ${JSON.stringify(stats.byKind)}; ${stats.trustedPassed} got past validation into a handler and failed there; none threw` +
        (internals.length ? `\n  internal errors (bugs behind the bridge): ${[...new Set(internals)].join('\n  ')}` : ''),
    );
    expect(stats.values).toBeGreaterThan(50);
    expect(stats.trustedPassed).toBeGreaterThan(20);
  }, 240_000);

  it('cyclic inputs (IPC can carry them) are refused or answered, never overflow', async () => {
    const cyclic: Record<string, unknown> = { message: 'loop' };
    cyclic.self = cyclic;
    const list: unknown[] = [];
    list.push(list);
    for (const [channel, input] of [
      [channelForMethod('ping'), cyclic],
      [channelForMethod('eventLogCreate'), { project: 'p', clientKey: 'k'.repeat(10), fields: { tstamp: null, sequence: null, point: null, remarks: '', labels: [], meta: cyclic }, lookupFirst: false, lookupSince: '2024-01-01T00:00:00Z' }],
      [channelForMethod('discardStagedFiles'), { refs: list }],
      [STAGE_FILES_CHANNEL, [cyclic, { path: files.good, name: 'tray.jpg' }]],
    ] as const) {
      const result = await electron.handlers.get(channel)!(ipcEvent('app://corelog/'), input);
      expect(result, channel).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
    }
  });
});
