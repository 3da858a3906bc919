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

export function createBridgeDispatcher(handlers: BridgeHandlers): BridgeDispatcher {
  return async (method, rawInput) => {
    if (!isBridgeMethodName(method)) {
      return fail({ kind: 'validation', message: `Unknown bridge method "${safeText(method).slice(0, 80)}".`, retryable: false });
    }
    try {
      const schema = bridgeMethods[method].input as z.ZodType;
      const parsed = schema.safeParse(rawInput);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: issue.path.map((p) => safeText(p).slice(0, 100)).join('.') || '(input)', message: issue.message }));
        const more = parsed.error.issues.length - issues.length;
        const summary = issues.map((i) => (i.path === '(input)' ? i.message : `${i.path}: ${i.message}`)).join('; ') + (more > 0 ? `; and ${more} more` : '');
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

/** Text for a message, whatever was passed (a symbol or an object whose toString throws cannot break the answer). */
function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '?';
  }
}
