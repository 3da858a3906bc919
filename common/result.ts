import type { BridgeError } from './errors';

/** What every bridge call resolves to: a value, or a typed error. Never a rejected promise. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: BridgeError): Result<T> => ({ ok: false, error });
