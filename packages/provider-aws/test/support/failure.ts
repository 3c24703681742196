import { isStagelyError, type StagelyError } from '@stagely/provider-core';

/** The StagelyError `promise` rejects with; anything else (or no rejection) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<StagelyError> {
  try {
    await promise;
  } catch (error) {
    if (isStagelyError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
