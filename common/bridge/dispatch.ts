/**
 * Main-side entry for every bridge call, whatever the transport: finds the method, validates the
 * input against the contract, runs the handler, and always answers with a `Result` — errors
 * become typed `BridgeError`s instead of thrown strings, because Electron's IPC would keep only
 * their message.
 */
import type { z } from 'zod';
import { toBridgeError } from '../errors';
import { fail, ok, type Result } from '../result';
import { bridgeMethods, type BridgeHandlers, type BridgeMethodName } from './contract';

export function isBridgeMethodName(name: unknown): name is BridgeMethodName {
  return typeof name === 'string' && Object.hasOwn(bridgeMethods, name);
}

export type BridgeDispatcher = (method: string, rawInput: unknown) => Promise<Result<unknown>>;

/** At most this many field problems are reported, so hostile input cannot make a huge answer. */
const MAX_ISSUES = 20;

/**
 * Deepest nesting an input may have. Real inputs stay under a dozen levels; a 4 MB message can
 * nest a million deep, which JSON.parse and a `z.unknown()` field (an event's `meta`) let through
 * and which then overflows the stack of whatever walks it next — JSON.stringify on the way to
 * Dougal, reported as "Dougal cannot be reached" and retried for ever.
 */
export const MAX_INPUT_DEPTH = 100;
/**
 * Most values one input may hold, a value shared by reference counted each time it is reached:
 * IPC's structured clone can carry shared references, and a few hundred of them can stand for
 * more JSON than any memory holds.
 */
export const MAX_INPUT_VALUES = 1_000_000;

export function createBridgeDispatcher(handlers: BridgeHandlers): BridgeDispatcher {
  return async (method, rawInput) => {
    if (!isBridgeMethodName(method)) {
      return fail({ kind: 'validation', message: `Unknown bridge method "${safeText(method).slice(0, 80)}".`, retryable: false });
    }
    try {
      const plain = asPlainData(rawInput);
      if (!plain.ok) {
        return fail({ kind: 'validation', message: `Invalid input for ${method}: ${plain.problem.message}.`, retryable: false, issues: [plain.problem] });
      }
      const schema = bridgeMethods[method].input as z.ZodType;
      const parsed = schema.safeParse(plain.value);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: issue.path.map((p) => safeText(p).slice(0, 100)).join('.') || '(input)', message: issue.message }));
        const more = parsed.error.issues.length - issues.length;
        // Messages that end in a full stop lose it here, so the summary does not end in "..".
        const summary = issues.map((i) => withoutFullStop(i.path === '(input)' ? i.message : `${i.path}: ${i.message}`)).join('; ') + (more > 0 ? `; and ${more} more` : '');
        return fail({ kind: 'validation', message: `Invalid input for ${method}: ${summary}.`, retryable: false, issues });
      }
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return ok(await handler(parsed.data));
    } catch (error) {
      // A handler that throws (or, in theory, a schema that does) answers this call with an error; it never escapes the transport.
      return fail(toBridgeError(error));
    }
  };
}

type PlainData = { ok: true; value: unknown } | { ok: false; problem: { path: string; message: string } };
type Visit = { value: unknown; depth: number; key: string; parent: Visit | null };

/**
 * The input as the JSON it must be. Browser mode's input is parsed JSON already; Electron's IPC
 * also carries Maps, Dates, BigInts, typed arrays and cycles, which JSON.stringify on the way to
 * a server would drop, turn into something else, or throw on (a throw reported as the server
 * being unreachable). So both transports give the handlers the same thing: what is not plain data
 * is refused with where it is, and the rest goes through a JSON round trip, as it would in
 * browser mode (a Date becomes its ISO text, an `undefined` property is left out).
 */
function asPlainData(input: unknown): PlainData {
  const refuse = (at: Visit | null, message: string): PlainData => ({ ok: false, problem: { path: pathOf(at), message } });
  const stack: Visit[] = [{ value: input, depth: 0, key: '', parent: null }];
  let values = 1;
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') {
      return refuse(visit, `${describe(visit)} is a ${typeof value}; only plain data (text, numbers, true/false, lists and objects) can be sent`);
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) continue;
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
      return refuse(visit, `${describe(visit)} is a ${constructorName(value)}; only plain data (text, numbers, true/false, lists and objects) can be sent`);
    }
    if (visit.depth >= MAX_INPUT_DEPTH) return refuse(null, `it is nested deeper than ${MAX_INPUT_DEPTH} levels`);
    const keys = Object.keys(value);
    values += keys.length;
    if (values > MAX_INPUT_VALUES) return refuse(null, `it holds more than ${MAX_INPUT_VALUES.toLocaleString('en')} values`);
    for (const key of keys) stack.push({ value: (value as Record<string, unknown>)[key], depth: visit.depth + 1, key, parent: visit });
  }
  if (input === null || typeof input !== 'object') return { ok: true, value: input };
  return { ok: true, value: JSON.parse(JSON.stringify(input)) as unknown };
}

function pathOf(visit: Visit | null): string {
  const keys: string[] = [];
  for (let at = visit; at?.parent; at = at.parent) keys.unshift(at.key);
  const path = keys.join('.');
  return path === '' ? '(input)' : path.length > 200 ? `…${path.slice(-200)}` : path;
}

function describe(visit: Visit): string {
  return visit.parent ? pathOf(visit) : 'the input';
}

function constructorName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name ? name.slice(0, 40) : 'object of a special kind';
  } catch {
    return 'object of a special kind';
  }
}

function withoutFullStop(text: string): string {
  return text.replace(/\.+\s*$/, '');
}

/** Text for a message, whatever was passed (a symbol or an object whose toString throws cannot break the answer). */
function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '?';
  }
}
