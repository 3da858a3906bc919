/**
 * What the forms refuse at the field, main refuses at the bridge: the real services behind the
 * real contract and dispatcher, signed in to the emulators. A valid call of each kind reaches the
 * server (so the path works); the same call with a shot point of 12.7, a day that does not exist,
 * a depth that is not one, or From ≥ To is answered with a validation error in the field's own
 * words and nothing reaches Dougal or Imago.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeDispatcher, type BridgeDispatcher } from '../../../common/bridge/dispatch';
import type { EventFields } from '../../../common/bridge/event-log-contract';
import { readEventTime } from '../../../common/forms/date-fields';
import { fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import { fieldProblem } from '../../../common/forms/form-field';
import { sequenceField, shotPointField } from '../../../common/forms/number-fields';
import { filenamePatternProblem, holeNameProblem } from '../../../common/forms/text-fields';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';

const PID = 'eq24301';
const LIVE = { workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling' };
const target = (from: unknown, to: unknown) => ({ ...LIVE, collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', from, to });
const fields = (change: Partial<Record<keyof EventFields, unknown>>) => ({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 6, point: 1200, remarks: 'Gun 3 autofire', labels: [], meta: {}, ...change });
const since = '2024-01-01T00:00:00.000Z';

let dir: string;
let emulators: RunningEmulators;
let services: AppServices;
let dispatch: BridgeDispatcher;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-bridge-fields-'));
  emulators = await startEmulators();
  services = createAppServices({
    dataDir: dir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
  });
  dispatch = createBridgeDispatcher(services.handlers);
  for (const system of ['imago', 'dougal'] as const) {
    expect(await dispatch('signIn', { system, username: 'demo', password: 'demo', remember: false })).toMatchObject({ ok: true });
  }
});

afterAll(async () => {
  await services?.dispose();
  await emulators?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Requests other than reads and sign-ins that reached the emulators. */
function writes(): string[] {
  return [...emulators.dougal.server.log.list(), ...emulators.imago.server.log.list()]
    .filter((r) => r.method !== 'GET' && !['/login', '/session'].some((p) => r.path.endsWith(p)))
    .map((r) => `${r.method} ${r.path}`);
}

/** Dispatches, expects a validation error naming `path` with `message`, and that nothing was written. */
async function refused(method: string, input: unknown, path: string, message: string | null) {
  const before = writes().length;
  const result = await dispatch(method, input);
  expect(result, `${method} ${path}`).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false } });
  const issues = result.ok ? [] : (result.error.issues ?? []);
  expect(issues.map((i) => i.path)).toContain(path);
  if (message !== null) expect(issues.find((i) => i.path === path)?.message).toBe(message);
  expect(writes().slice(before)).toEqual([]);
}

describe('the bridge refuses what the fields refuse', () => {
  it('logs a valid event on Dougal (the path works)', async () => {
    const result = await dispatch('eventLogCreate', { project: PID, clientKey: 'key-valid-0001', fields: fields({}), lookupFirst: false, lookupSince: since });
    expect(result).toMatchObject({ ok: true, value: { existed: false, event: { sequence: 6, point: 1200 } } });
    expect(writes()).toContain(`POST /project/${PID}/event`);
  });

  it('refuses a shot point of 12.7 or "abc", a negative sequence, a day that does not exist and a shot point without its sequence', async () => {
    const create = (change: Parameters<typeof fields>[0], key: string) => ({ project: PID, clientKey: key, fields: fields(change), lookupFirst: false, lookupSince: since });
    await refused('eventLogCreate', create({ point: 12.7 }, 'key-bad-00001'), 'fields.point', fieldProblem(shotPointField, '12.7'));
    await refused('eventLogCreate', create({ point: 'abc' }, 'key-bad-00002'), 'fields.point', null);
    await refused('eventLogCreate', create({ sequence: -6 }, 'key-bad-00003'), 'fields.sequence', fieldProblem(sequenceField, '-6'));
    const feb30 = readEventTime('2024-02-30 10:00:00', 'utc');
    await refused('eventLogCreate', create({ tstamp: '2024-02-30T10:00:00.000Z' }, 'key-bad-00004'), 'fields.tstamp', feb30.ok ? 'the field accepted it' : feb30.problem);
    await refused('eventLogCreate', create({ sequence: null }, 'key-bad-00005'), 'fields', 'A shot point needs its sequence.');
    await refused('eventLogPut', { project: PID, id: 1, expect: 1, fields: fields({ point: 99.5 }) }, 'fields.point', fieldProblem(shotPointField, '99.5'));
    await refused('eventLogChanges', { project: PID, since: '2024-02-30T00:00:00Z' }, 'since', 'Time: 2024-02-30 is not a date (February 2024 has 29 days).');
  });

  it('writes a valid interval to Imago (the path works)', async () => {
    const result = await dispatch('saveInterval', { target: target(125, 127.5), attributes: {} });
    expect(result).toMatchObject({ ok: true });
    expect(writes().some((w) => w.startsWith('POST') && w.endsWith('/imagery'))).toBe(true);
  });

  it('refuses negative depths, From ≥ To, a depth sent as "5,5", a slash in a new hole and an unusable file-name pattern', async () => {
    await refused('saveInterval', { target: target(-1, 2), attributes: {} }, 'target.from', fieldProblem(fromDepthField, '-1'));
    await refused('saveInterval', { target: target(5, 5), attributes: {} }, 'target.to', 'From must be less than To.');
    await refused('saveInterval', { target: target(6, 5), attributes: {} }, 'target.to', 'From must be less than To.');
    await refused('saveInterval', { target: target('5,5', 6), attributes: {} }, 'target.from', null);
    await refused('saveInterval', { target: target(1, 100_001), attributes: {} }, 'target.to', fieldProblem(toDepthField, '100001'));
    const upload = { jobId: 'job-1', sha256: 'a'.repeat(64), target: target(8, 4), imageTypeName: 'Wet', attributes: {}, resend: false };
    await refused('uploadPhoto', upload, 'target.to', 'From must be less than To.');
    await refused('createHole', { ...LIVE, collectionName: 'FF/DD-0200' }, 'collectionName', holeNameProblem('FF/DD-0200'));
    await refused('imagoPortalLink', { workspace: LIVE.workspaceName, dataset: LIVE.datasetName, collection: 'FF-DD-0012', depth: -3 }, 'depth', 'Depth cannot be negative.');
    await refused('setWatchFolder', { folder: null, pattern: '{hole}_{depth}' }, 'pattern', filenamePatternProblem('{hole}_{depth}'));
  });
});
