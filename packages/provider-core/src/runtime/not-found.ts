/**
 * "Not found" as an answer rather than a failure (docs/architecture.md, "The contract"): getInstance of
 * an unknown id is `null`, a delete of something already gone succeeds.
 */
import { isStagelyError } from '../contract/errors.js';

/** The value, or null when the call failed with NOT_FOUND. */
export async function nullWhenNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isStagelyError(error, 'NOT_FOUND')) return null;
    throw error;
  }
}

/** True when the call succeeded, false when it failed with NOT_FOUND (the thing was already gone). */
export async function falseWhenNotFound(promise: Promise<unknown>): Promise<boolean> {
  return (await nullWhenNotFound(promise.then(() => true))) ?? false;
}
