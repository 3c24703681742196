/** Shared test helpers: a fast config and assertions on StagelyErrors. */
import { isStagelyError, type ErrorCode, type StagelyEvent, type StagelyError } from '@stagely/provider-core';
import { expect } from 'vitest';
import { createMockProvider, type MockConfig } from '../src/index.js';

/** Fast boots and retries: tests wait tens of milliseconds, not seconds. */
export const FAST: MockConfig = {
  bootDelayMs: 20,
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
  // Looks at most 10 ms apart, learned plans included: tests never wait long for a 20 ms boot.
  readinessPoll: { firstMs: 10, intervalMs: 10, maxIntervalMs: 10 },
};

export function fastProvider(config: MockConfig = {}) {
  const events: StagelyEvent[] = [];
  const provider = createMockProvider({ ...FAST, ...config }, { events: (event) => events.push(event) });
  return { provider, events };
}

/** Awaits `promise`, expects it to reject with a StagelyError of `code` (and `field`), returns it. */
export async function rejection(promise: Promise<unknown>, code: ErrorCode, field?: string): Promise<StagelyError> {
  try {
    await promise;
  } catch (error) {
    return expectStagelyError(error, code, field);
  }
  return expectStagelyError(undefined, code, field);
}

/** Runs `fn`, expects it to throw a StagelyError of `code` (and `field`), returns it. */
export function thrownBy(fn: () => unknown, code: ErrorCode, field?: string): StagelyError {
  try {
    fn();
  } catch (error) {
    return expectStagelyError(error, code, field);
  }
  return expectStagelyError(undefined, code, field);
}

function expectStagelyError(caught: unknown, code: ErrorCode, field: string | undefined): StagelyError {
  expect(isStagelyError(caught), `expected a StagelyError ${code}, got ${String(caught)}`).toBe(true);
  const error = caught as StagelyError;
  expect(error.code).toBe(code);
  if (field !== undefined) expect(error.details.field).toBe(field);
  return error;
}
