/**
 * The faults the conformance suite asks a provider's test double to inject, and the error code each
 * must surface as. Here, not in ./conformance, so that fakes and the mock need no vitest.
 */
import type { ErrorCode } from '../contract/errors.js';

export type FaultKind =
  | 'unauthorized' // 401: AUTHENTICATION
  | 'forbidden' // 403: PERMISSION_DENIED
  | 'rate-limited' // 429 with a retry-after: retried, then RATE_LIMITED if it persists
  | 'quota' // account limit on create: QUOTA_EXCEEDED
  | 'server-error' // 5xx: retried, then API (retryable)
  | 'connection-reset'; // socket reset: retried, then NETWORK

/** The code the suite expects once a fault of each kind persists past the provider's retries. */
export const FAULT_KIND_CODES: Readonly<Record<FaultKind, ErrorCode>> = Object.freeze({
  unauthorized: 'AUTHENTICATION',
  forbidden: 'PERMISSION_DENIED',
  'rate-limited': 'RATE_LIMITED',
  quota: 'QUOTA_EXCEEDED',
  'server-error': 'API',
  'connection-reset': 'NETWORK',
});
