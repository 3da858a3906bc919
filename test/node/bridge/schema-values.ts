/**
 * Inputs made from the bridge contract's own zod schemas, so every method is fuzzed, not a
 * hand-picked list: `validValue` walks a schema and builds a value it should accept (each leaf
 * chosen from a pool of plausible candidates, kept only when that leaf's schema takes it), and
 * `mutateValue` spoils one place of such a value with something hostile. Reads zod 4's schema
 * definitions (`_zod.def`).
 */
import type { z } from 'zod';
import type { Rng } from '../browser-mode/fuzz-values';
import { HOSTILE_KEYS, randomString, randomValue } from '../browser-mode/fuzz-values';

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export interface ValuePools {
  /** Strings for fields whose name says they hold a file or folder (kept inside the test's own folder). */
  paths: readonly string[];
}

const TEXT = [
  'imago', 'dougal', 'p1', 'w', 'Hole A-1', 'client-key-0001', 'Core tray 3', 'demo', 'a', 'x'.repeat(8),
  '2024-01-01T00:00:00Z', '2024-02-29T23:59:59.000Z', 'http://127.0.0.1:9/api', 'https://127.0.0.1:9/updates/',
  '0'.repeat(64), 'ab'.repeat(32), '{hole}_{from}_{to}_{imageType}', '{hole}/{from}-{to}_{imageType}', 'report', 'photos', 'The remarks.', '12.5',
];
const NUMBERS = [0, 1, 2, 3, 5, 10, 16, 64, 100, 500, 1000, 2048, 1.5, 12.25, 0.1, 2_000_000];
const PATH_KEYS = /^(folder|path|manifest|file|dir)$/i;

/** A value `schema` should accept, or `undefined` when none of the attempts fitted. */
export function validValue(schema: z.ZodType, rng: Rng, pools: ValuePools, key = ''): unknown {
  for (let attempt = 0; attempt < 12; attempt++) {
    const value = build(schema, rng, pools, key, 0);
    if (schema.safeParse(value).success) return value;
  }
  return undefined;
}

function build(schema: z.ZodType, rng: Rng, pools: ValuePools, key: string, depth: number): unknown {
  const def = defOf(schema);
  const inner = (name: string) => def[name] as z.ZodType;
  const fits = (candidates: readonly unknown[]) => {
    const accepted = candidates.filter((candidate) => schema.safeParse(candidate).success);
    return accepted.length ? rng.pick(accepted) : rng.pick(candidates);
  };
  switch (def.type) {
    case 'string':
      return fits(PATH_KEYS.test(key) ? pools.paths : [...TEXT, randomString(rng, 12).replace(/[^\w -]/g, 'x') || 'y']);
    case 'number':
      return fits([...NUMBERS, rng.int(0, 10_000), ...boundsOf(def)]);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'undefined':
    case 'void':
      return undefined;
    case 'unknown':
    case 'any':
      return rng.pick([{}, { note: 'kept' }, 'text', 1, null, [1, 'two']]);
    case 'literal':
      return rng.pick(def.values as unknown[]);
    case 'enum':
      return rng.pick(Object.values(def.entries as Record<string, unknown>));
    case 'optional':
      return rng.chance(0.3) ? undefined : build(inner('innerType'), rng, pools, key, depth);
    case 'nullable':
      return rng.chance(0.2) ? null : build(inner('innerType'), rng, pools, key, depth);
    case 'default':
    case 'prefault':
      return rng.chance(0.3) ? undefined : build(inner('innerType'), rng, pools, key, depth);
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return build(inner('innerType'), rng, pools, key, depth);
    case 'pipe':
      return build(inner('in'), rng, pools, key, depth);
    case 'lazy':
      return build((def.getter as () => z.ZodType)(), rng, pools, key, depth + 1);
    case 'union':
      return build(rng.pick(def.options as z.ZodType[]), rng, pools, key, depth);
    case 'intersection':
      return { ...(build(inner('left'), rng, pools, key, depth) as object), ...(build(inner('right'), rng, pools, key, depth) as object) };
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        const built = build(field, rng, pools, name, depth + 1);
        if (built !== undefined) value[name] = built;
      }
      return value;
    }
    case 'array': {
      const [min, max] = lengthsOf(def);
      const length = depth > 4 ? min : rng.int(min, Math.min(max, min + 3));
      return Array.from({ length }, () => build(inner('element'), rng, pools, key, depth + 1));
    }
    case 'tuple':
      return (def.items as z.ZodType[]).map((item) => build(item, rng, pools, key, depth + 1));
    case 'record': {
      const value: Record<string, unknown> = {};
      for (let i = depth > 4 ? 0 : rng.int(0, 2); i > 0; i--) value[String(build(inner('keyType'), rng, pools, '', depth + 1))] = build(inner('valueType'), rng, pools, '', depth + 1);
      return value;
    }
    default:
      return undefined;
  }
}

function boundsOf(def: Def): number[] {
  const bounds: number[] = [];
  for (const check of (def.checks as { _zod: { def: { check: string; value?: unknown } } }[] | undefined) ?? []) {
    const value = check._zod.def.value;
    if (typeof value === 'number') bounds.push(value, value + 1, value - 1);
  }
  return bounds;
}

function lengthsOf(def: Def): [number, number] {
  let min = 0;
  let max = 5;
  for (const check of (def.checks as { _zod: { def: { check: string; minimum?: number; maximum?: number; length?: number } } }[] | undefined) ?? []) {
    const c = check._zod.def;
    if (c.check === 'min_length' && c.minimum !== undefined) min = c.minimum;
    if (c.check === 'max_length' && c.maximum !== undefined) max = c.maximum;
    if (c.check === 'length_equals' && c.length !== undefined) min = max = c.length;
  }
  return [min, Math.max(min, max)];
}

/** What a hostile or broken caller puts in one place of a valid input (JSON-able: what browser mode can receive). */
function hostileValue(rng: Rng, pools: ValuePools): unknown {
  return rng.pick<() => unknown>([
    () => '',
    () => ' ',
    () => 'x'.repeat(rng.int(10_000, 1_000_000)),
    () => '\u0000',
    () => 'a\ud800b',
    () => '\u202e\u200b',
    () => '../../../../etc/passwd',
    () => '/etc/passwd',
    () => rng.pick(pools.paths),
    () => 'C:\\Windows\\System32',
    () => '%2e%2e%2f',
    () => -1,
    () => -0,
    () => 1e308,
    () => -1e308,
    () => 2 ** 53 + 2,
    () => 0.5,
    () => true,
    () => null,
    () => [],
    () => ({}),
    () => Array.from({ length: rng.int(1000, 50_000) }, (_, i) => i),
    () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => randomValue(rng),
    () => nested(rng.int(150, 200_000)),
  ])();
}

/** Objects and lists inside each other `depth` deep (a 4 MB message can hold a million levels). */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A copy of `value` with one place (or one extra key) spoilt. */
export function mutateValue(value: unknown, rng: Rng, pools: ValuePools): unknown {
  if (value === null || typeof value !== 'object' || rng.chance(0.1)) return hostileValue(rng, pools);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const choice = rng.int(0, 9);
  if (choice === 0 || keys.length === 0) {
    Object.defineProperty(copy, rng.pick([...HOSTILE_KEYS, 'extra', 'Message']), { value: hostileValue(rng, pools), enumerable: true, configurable: true, writable: true });
  } else if (choice === 1) {
    delete (copy as Record<string, unknown>)[rng.pick(keys)];
  } else {
    const key = rng.pick(keys);
    (copy as Record<string, unknown>)[key] = mutateValue((copy as Record<string, unknown>)[key], rng, pools);
  }
  return copy;
}
