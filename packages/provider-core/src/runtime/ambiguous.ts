/**
 * Whether a failed request may have been carried out anyway (docs/architecture.md, "Provider
 * mechanics"). A create that fails this way must not simply be sent again: createOnce looks for what
 * it may have made first.
 */
import { isStagelyError } from '../contract/errors.js';

/**
 * True for a failure after which the request may or may not have acted: NETWORK and TIMEOUT (the
 * answer never came), API errors with a 5xx or no status (a proxy page, an answer the SDK could not
 * read), and every other retryable failure (a busy 4xx such as a 423 or a retryable 422), because only
 * the API can guarantee that nothing was made. A rate limit is the exception: a 429 is refused before
 * anything is done.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (!isStagelyError(error)) return false;
  switch (error.code) {
    case 'NETWORK':
    case 'TIMEOUT':
      return true;
    case 'RATE_LIMITED':
      return false;
    case 'API': {
      const status = error.details.status;
      return error.retryable || status === undefined || status === null || (typeof status === 'number' && status >= 500);
    }
    default:
      return error.retryable;
  }
}
