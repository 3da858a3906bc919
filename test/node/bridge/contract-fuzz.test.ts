/**
 * Every bridge method, fuzzed with inputs made from its own schema (test/node/bridge/schema-values.ts):
 * valid values that reach the real handlers (real services on a temp data folder, signed in to
 * the emulators), and the same values spoilt in one place. Each call must answer a typed Result in
 * time; a refusal must be a known kind with a plain message (no JavaScript error names, no
 * `internal`); input the schema refuses must come back as the dispatcher's validation error; no
 * promise may be left to reject unhandled; nothing may leak onto Object.prototype. Seeded
 * (CORELOG_FUZZ_SEED replays a run).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { BRIDGE_METHOD_NAMES, bridgeMethods } from '../../../common/bridge/contract';
import { createBridgeDispatcher, MAX_INPUT_DEPTH, type BridgeDispatcher } from '../../../common/bridge/dispatch';
import { ERROR_KINDS } from '../../../common/errors';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../support/emulators';
import { createRng } from '../browser-mode/fuzz-values';
import { mutateValue, validValue, type ValuePools } from './schema-values';

const SEED = Number(process.env.CORELOG_FUZZ_SEED ?? 20_261_127);
const VALID_PER_METHOD = 3;
const SPOILT_PER_METHOD = 12;
/** Methods whose accepted input would move the session off the emulators: they only get input the schema refuses. */
const KEEP_SESSION = new Set(['setServerUrl', 'signIn', 'signInImplicitly', 'signOut', 'setApiSettings', 'resetApiSettings', 'chooseProfile']);
/** Symptoms of a bug behind the bridge showing through to the user. */
const JS_ERROR = /\b(TypeError|RangeError|ReferenceError|SyntaxError|EvalError)\b|Maximum call stack|is not a function|Cannot read propert|undefined is not|\[object Object\]/;
const KINDS = new Set<string>(ERROR_KINDS);

let dir: string;
let emulators: RunningEmulators;
let services: AppServices;
let dispatch: BridgeDispatcher;
let pools: ValuePools;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-contract-fuzz-'));
  const inside = join(dir, 'outside-data');
  await mkdir(join(inside, 'archive'), { recursive: true });
  await writeFile(join(inside, 'archive', 'H1_0_1_Dry.jpg'), 'not a photo');
  await writeFile(join(inside, 'manifest.csv'), 'file,hole,from,to,imageType\nH1_0_1_Dry.jpg,H1,0,1,Dry\n');
  pools = { paths: [join(inside, 'archive'), join(inside, 'manifest.csv'), join(inside, 'report.csv'), join(inside, 'missing'), join(inside, 'missing', 'report.csv')] };
  emulators = await startEmulators();
  services = createAppServices({ dataDir: join(dir, 'data'), appVersion: '0.0.0-fuzz', transport: 'browser', env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl } });
  dispatch = createBridgeDispatcher(services.handlers);
  for (const system of ['imago', 'dougal'] as const) {
    expect(await dispatch('signIn', { system, username: 'demo', password: 'demo', remember: false }), system).toMatchObject({ ok: true });
  }
  process.on('unhandledRejection', onUnhandled);
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await services?.dispose();
  await emulators?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Whether the contract refuses `input` as it travels: as JSON (an `undefined` property is left out
 * on the way, in both transports), within the dispatcher's depth. Too deep for JSON.stringify here
 * is too deep for the dispatcher too.
 */
function refusedOnTheWay(schema: z.ZodType, input: unknown): boolean {
  if (depthOf(input) > MAX_INPUT_DEPTH) return true;
  return !schema.safeParse(input === undefined ? undefined : JSON.parse(JSON.stringify(input))).success;
}

function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_INPUT_DEPTH) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function shortJson(value: unknown): string {
  if (depthOf(value) > MAX_INPUT_DEPTH) return '(nested too deep to show)';
  return String(JSON.stringify(value)).slice(0, 160);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

describe('every bridge method, fuzzed from its own schema', () => {
  it('answers typed results with plain messages, refuses what its schema refuses, and leaves nothing unhandled', async () => {
    const rng = createRng(SEED);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const noValidInput: string[] = [];
    const problems: string[] = [];
    const stats = { calls: 0, values: 0, refusedBySchema: 0, byKind: {} as Record<string, number> };

    for (const method of BRIDGE_METHOD_NAMES) {
      const schema = bridgeMethods[method].input as z.ZodType;
      const examples: unknown[] = [];
      for (let i = 0; i < VALID_PER_METHOD * 2 && examples.length < VALID_PER_METHOD; i++) {
        const value = validValue(schema, rng, pools);
        if (value !== undefined || schema.safeParse(undefined).success) examples.push(value);
      }
      if (examples.length === 0) noValidInput.push(method);
      const inputs: { input: unknown; spoilt: boolean }[] = [
        ...(KEEP_SESSION.has(method) ? [] : examples.map((input) => ({ input, spoilt: false }))),
        ...Array.from({ length: SPOILT_PER_METHOD }, () => ({ input: mutateValue(examples.length ? rng.pick(examples) : {}, rng, pools), spoilt: true })),
      ];
      for (const { input, spoilt } of inputs) {
        const schemaRefuses = refusedOnTheWay(schema, input);
        if (spoilt && !schemaRefuses && KEEP_SESSION.has(method)) continue;
        const label = `${method} (${spoilt ? 'spoilt' : 'valid'}: ${shortJson(input)})`;
        const result = await withTimeout(dispatch(method, input), 30_000, label);
        stats.calls++;
        expect(result, label).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
        if (result.ok) {
          stats.values++;
          if (schemaRefuses) problems.push(`${label}: answered a value for input its schema refuses`);
          continue;
        }
        const { kind, message, retryable } = result.error;
        stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
        if (!KINDS.has(kind) || typeof retryable !== 'boolean') problems.push(`${label}: not a typed error ${JSON.stringify(result.error)}`);
        if (typeof message !== 'string' || message.trim() === '' || message.length > 20_000) problems.push(`${label}: message missing or huge (${String(message).length})`);
        else if (JS_ERROR.test(message)) problems.push(`${label}: a JavaScript error shows through: ${message.slice(0, 300)}`);
        if (kind === 'internal') problems.push(`${label}: internal error: ${message.slice(0, 300)}`);
        if (schemaRefuses) {
          stats.refusedBySchema++;
          if (kind !== 'validation' || !message.startsWith(`Invalid input for ${method}: `)) problems.push(`${label}: input the schema refuses answered ${kind}: ${message.slice(0, 200)}`);
        }
      }
    }

    // Unhandled rejections surface on a later tick.
    await new Promise((resolve) => setTimeout(resolve, 200));
    console.log(`[contract fuzz] seed ${SEED}: ${stats.calls} calls to ${BRIDGE_METHOD_NAMES.length} methods; ${stats.values} answered a value, ${stats.refusedBySchema} refused by the schema; errors by kind ${JSON.stringify(stats.byKind)}`);
    expect(noValidInput, 'methods the generator could not make a valid input for').toEqual([]);
    expect(problems).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await dispatch('ping', { message: 'after' })).toMatchObject({ ok: true, value: { message: 'after' } });
    expect(stats.values).toBeGreaterThan(BRIDGE_METHOD_NAMES.length);
  }, 600_000);
});
