/** The CorelogError a call fails with; the test fails if it succeeds or throws anything else. */
import { expect } from 'vitest';
import { CorelogError } from '../../common/errors';

export async function corelogFailure(promise: Promise<unknown>): Promise<CorelogError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CorelogError);
  return error as CorelogError;
}
