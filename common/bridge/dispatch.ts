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

export function createBridgeDispatcher(handlers: BridgeHandlers): BridgeDispatcher {
  return async (method, rawInput) => {
    if (!isBridgeMethodName(method)) {
      return fail({ kind: 'validation', message: `Unknown bridge method "${String(method).slice(0, 80)}".`, retryable: false });
    }
    const schema = bridgeMethods[method].input as z.ZodType;
    const parsed = schema.safeParse(rawInput);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
      const summary = issues.map((i) => (i.path === '(input)' ? i.message : `${i.path}: ${i.message}`)).join('; ');
      return fail({ kind: 'validation', message: `Invalid input for ${method}: ${summary}.`, retryable: false, issues });
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return ok(await handler(parsed.data));
    } catch (error) {
      return fail(toBridgeError(error));
    }
  };
}
