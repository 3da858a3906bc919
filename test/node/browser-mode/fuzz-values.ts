/**
 * Deterministic random inputs for the bridge fuzz tests: a seeded PRNG (mulberry32, so a failing
 * run can be replayed from its seed) and generators of hostile JSON-able values — odd types, huge
 * and control-laden strings, lone surrogates, prototype-pollution keys, deep nesting.
 */
import { seededRandom } from '../../soak/seeded-random';

export interface Rng {
  /** [0, 1) */
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(length: number): Buffer;
}

/** The soak's seeded PRNG (mulberry32), with the few extra draws the fuzzers need. */
export function createRng(seed: number): Rng {
  const random = seededRandom(seed);
  return {
    next: random.next,
    int: random.int,
    pick: (items) => random.pick(items),
    chance: (p) => random.next() < p,
    bytes: (length) => {
      const buffer = Buffer.alloc(length);
      for (let i = 0; i < length; i++) buffer[i] = random.int(0, 255);
      return buffer;
    },
  };
}

/** Keys a hostile caller would try: prototype pollution, and names real inputs use (so some values get past the outer shape). */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then', 'toJSON'] as const;
const REAL_KEYS = [
  'message', 'system', 'username', 'password', 'remember', 'serverUrl', 'forgetPassword', 'ref', 'refs', 'project', 'offset', 'limit', 'since', 'id', 'expect',
  'fields', 'remarks', 'labels', 'meta', 'tstamp', 'sequence', 'point', 'clientKey', 'lookupFirst', 'lookupSince', 'eventIds', 'accepted', 'workspaceName',
  'datasetName', 'collectionName', 'imageryTypeName', 'target', 'attributes', 'from', 'to', 'jobId', 'sha256', 'width', 'token', 'label', 'outbox', 'askWhere',
  'enabled', 'feedUrl', 'ok', 'pattern', 'folder',
] as const;

const CHAR_POOLS = [
  'abcdefghijklmnopqrstuvwxyz0123456789 -_.',
  '\u0000\u0001\u0007\u0008\u000b\u000c\u001b\u007f\r\n\t',
  'ÄÖÜßéñ€£¥漢字カタカナ',
  '\ud83d\ude00\ud83e\udea8', // emoji (surrogate pairs)
  '\ud800\udbff\udc00\udfff', // lone surrogates when picked one by one
  '"\\/{}[]:,<>&\'`$%',
];

export function randomString(rng: Rng, maxLength = 40): string {
  const length = rng.chance(0.05) ? 0 : rng.int(1, maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    const pool = rng.pick(CHAR_POOLS);
    text += pool[rng.int(0, pool.length - 1)];
  }
  return text;
}

/** A random JSON-able value (numbers include NaN and ±Infinity, which JSON turns into null). */
export function randomValue(rng: Rng, depth = 0): unknown {
  const leaf = depth >= 5 || rng.chance(0.45);
  if (leaf) {
    switch (rng.int(0, 9)) {
      case 0:
        return null;
      case 1:
        return rng.chance(0.5);
      case 2:
        return rng.int(-5, 5);
      case 3:
        return rng.pick([0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 53), 0.1, NaN, Infinity, -Infinity]);
      case 4:
        return rng.next() * 1e6 - 5e5;
      case 5:
        return rng.pick(['imago', 'dougal', 'demo', '', ' ', 'x'.repeat(201), '2024-01-01T00:00:00Z', 'not-a-date', '../../etc/passwd', 'a'.repeat(64)]);
      default:
        return randomString(rng);
    }
  }
  if (rng.chance(0.4)) return Array.from({ length: rng.int(0, 6) }, () => randomValue(rng, depth + 1));
  return randomObject(rng, depth + 1);
}

export function randomObject(rng: Rng, depth = 0): Record<string, unknown> {
  // Built with defineProperty-free JSON so `__proto__` stays an own key, as JSON.parse and IPC deliver it.
  const entries: [string, unknown][] = [];
  for (let i = rng.int(0, 6); i > 0; i--) {
    const key = rng.chance(0.2) ? rng.pick(HOSTILE_KEYS) : rng.chance(0.6) ? rng.pick(REAL_KEYS) : randomString(rng, 12);
    entries.push([key, randomValue(rng, depth + 1)]);
  }
  return JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`) as Record<string, unknown>;
}

/** `[[[…]]]` nested `depth` deep, as JSON text. */
export const deepArrayJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** `{"a":{"a":…}}` nested `depth` deep, as JSON text. */
export const deepObjectJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
