import type { BridgeError } from '../../../common/errors';
import type { Result } from '../../../common/result';

/** A bridge failure, thrown inside the sync engine so one catch handles every step. */
export class BridgeFailure extends Error {
  constructor(readonly error: BridgeError) {
    super(error.message);
    this.name = 'BridgeFailure';
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new BridgeFailure(result.error);
  return result.value;
}

export function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeFailure) return error.error;
  return { kind: 'internal', message: `The event log hit a problem on this computer: ${error instanceof Error ? error.message : String(error)}`, retryable: false };
}
