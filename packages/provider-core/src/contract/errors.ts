/**
 * The error model (docs/architecture.md, "Errors"). Every failure that leaves a provider is a StagelyError with a stable
 * `code`. Recognise errors with `StagelyError.isInstance(e)` / `isStagelyError(e, code)`, which work
 * across two installed copies of core (a `Symbol.for` marker), never with `instanceof` alone.
 *
 * Messages and `details` must never hold a credential: providers map SDK errors and drop the raw
 * request (which carries the Authorization header) before anything is thrown.
 */

export type ErrorCode =
  | 'AUTHENTICATION'
  | 'PERMISSION_DENIED'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'CAPACITY'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'NOT_SUPPORTED'
  | 'CONFLICT'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'API'
  | 'ABORTED'
  | 'CREDENTIALS'
  | 'UNKNOWN_PROVIDER'
  | 'PROVIDER_NOT_INSTALLED'
  | 'INCOMPATIBLE_PLUGIN'
  | 'APPLY_FAILED';

const MARKER = Symbol.for('@stagely/provider-core/StagelyError');

export interface StagelyErrorOptions {
  provider?: string | undefined;
  retryable?: boolean;
  retryAfterMs?: number | undefined;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export interface StagelyErrorJSON {
  name: string;
  code: ErrorCode;
  message: string;
  provider?: string;
  retryable: boolean;
  retryAfterMs?: number;
  details: Record<string, unknown>;
}

export class StagelyError extends Error {
  /** The code instances of this class carry; `undefined` on the base class. */
  static readonly code: ErrorCode | undefined = undefined;

  readonly code: ErrorCode;
  readonly provider: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: StagelyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details ?? {};
    Object.defineProperty(this, MARKER, { value: true, enumerable: false });
  }

  /**
   * True for a StagelyError from any copy of core. On a subclass, also checks the code:
   * `RateLimitError.isInstance(e)`.
   */
  // `this` is typed structurally: subclasses have other constructor signatures, so `typeof
  // StagelyError` would refuse `RateLimitError.isInstance(e)`.
  static isInstance<T extends StagelyError>(
    this: { readonly code: ErrorCode | undefined; readonly prototype: T },
    value: unknown,
  ): value is T {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[MARKER] !== true) {
      return false;
    }
    return this.code === undefined || (value as StagelyError).code === this.code;
  }

  /** Safe to log or send: no cause (it may be a raw SDK error), only the mapped fields. */
  toJSON(): StagelyErrorJSON {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.provider === undefined ? {} : { provider: this.provider }),
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      details: this.details,
    };
  }
}

/** True when `value` is a StagelyError (from any copy of core), optionally with this `code`. */
export function isStagelyError(value: unknown, code?: ErrorCode): value is StagelyError {
  return StagelyError.isInstance(value) && (code === undefined || value.code === code);
}

// Subclasses copy their typed fields into `details` last, so that a caller's `details` cannot
// make the two disagree.
type Opts = Omit<StagelyErrorOptions, 'retryable'>;

export class AuthenticationError extends StagelyError {
  static override readonly code = 'AUTHENTICATION' as const;
  constructor(message: string, options: Opts = {}) {
    super('AUTHENTICATION', message, { ...options, retryable: false });
  }
}

export class PermissionDeniedError extends StagelyError {
  static override readonly code = 'PERMISSION_DENIED' as const;
  constructor(message: string, options: Opts = {}) {
    super('PERMISSION_DENIED', message, { ...options, retryable: false });
  }
}

export class QuotaExceededError extends StagelyError {
  static override readonly code = 'QUOTA_EXCEEDED' as const;
  constructor(message: string, options: Opts = {}) {
    super('QUOTA_EXCEEDED', message, { ...options, retryable: false });
  }
}

export class RateLimitError extends StagelyError {
  static override readonly code = 'RATE_LIMITED' as const;
  constructor(message: string, options: Opts = {}) {
    super('RATE_LIMITED', message, { ...options, retryable: true });
  }
}

/** No capacity for this type / spot in this region: retrying elsewhere may work, here it will not. */
export class CapacityError extends StagelyError {
  static override readonly code = 'CAPACITY' as const;
  constructor(message: string, options: Opts = {}) {
    super('CAPACITY', message, { ...options, retryable: false, details: { retryElsewhere: true, ...options.details } });
  }
}

export class NotFoundError extends StagelyError {
  static override readonly code = 'NOT_FOUND' as const;
  constructor(message: string, options: Opts = {}) {
    super('NOT_FOUND', message, { ...options, retryable: false });
  }
}

/** A bad spec or config. `field` is the path of the offending field, e.g. `tags.env` or `size`. */
export class InvalidInputError extends StagelyError {
  static override readonly code = 'INVALID_INPUT' as const;
  readonly field: string;
  constructor(field: string, message: string, options: Opts = {}) {
    super('INVALID_INPUT', message, { ...options, retryable: false, details: { ...options.details, field } });
    this.field = field;
  }
}

export class NotSupportedError extends StagelyError {
  static override readonly code = 'NOT_SUPPORTED' as const;
  readonly feature: string;
  constructor(feature: string, message: string, options: Opts = {}) {
    super('NOT_SUPPORTED', message, { ...options, retryable: false, details: { ...options.details, feature } });
    this.feature = feature;
  }
}

export class ConflictError extends StagelyError {
  static override readonly code = 'CONFLICT' as const;
  constructor(message: string, options: Opts = {}) {
    super('CONFLICT', message, { ...options, retryable: false });
  }
}

export class TimeoutError extends StagelyError {
  static override readonly code = 'TIMEOUT' as const;
  readonly operation: string;
  readonly elapsedMs: number;
  constructor(operation: string, elapsedMs: number, message?: string, options: Opts = {}) {
    super('TIMEOUT', message ?? `${operation} timed out after ${elapsedMs} ms`, {
      ...options,
      retryable: true,
      details: { ...options.details, operation, elapsedMs },
    });
    this.operation = operation;
    this.elapsedMs = elapsedMs;
  }
}

export class NetworkError extends StagelyError {
  static override readonly code = 'NETWORK' as const;
  constructor(message: string, options: Opts = {}) {
    super('NETWORK', message, { ...options, retryable: true });
  }
}

/** Any other API failure; retryable only for 5xx. */
export class ApiError extends StagelyError {
  static override readonly code = 'API' as const;
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options: Opts = {}) {
    super('API', message, {
      ...options,
      retryable: status !== undefined && status >= 500,
      details: { ...options.details, status },
    });
    this.status = status;
  }
}

export class AbortedError extends StagelyError {
  static override readonly code = 'ABORTED' as const;
  constructor(message = 'The operation was aborted', options: Opts = {}) {
    super('ABORTED', message, { ...options, retryable: false });
  }
}

/** Sealed credentials cannot be opened: wrong key, another provider's, or tampered with. */
export class CredentialsError extends StagelyError {
  static override readonly code = 'CREDENTIALS' as const;
  constructor(message: string, options: Opts = {}) {
    super('CREDENTIALS', message, { ...options, retryable: false });
  }
}

export class UnknownProviderError extends StagelyError {
  static override readonly code = 'UNKNOWN_PROVIDER' as const;
  constructor(message: string, options: Opts = {}) {
    super('UNKNOWN_PROVIDER', message, { ...options, retryable: false });
  }
}

export class ProviderNotInstalledError extends StagelyError {
  static override readonly code = 'PROVIDER_NOT_INSTALLED' as const;
  /** The package specifiers that were tried, in order. */
  readonly tried: string[];
  /** E.g. `npm install @stagely/provider-hetzner`. */
  readonly installCommand: string;
  constructor(provider: string, tried: string[], installCommand: string, options: Opts = {}) {
    super(
      'PROVIDER_NOT_INSTALLED',
      `Provider "${provider}" is not installed (tried ${tried.join(', ')}). Install it with: ${installCommand}`,
      { ...options, retryable: false, details: { ...options.details, tried, installCommand } },
    );
    this.tried = tried;
    this.installCommand = installCommand;
  }
}

export class IncompatiblePluginError extends StagelyError {
  static override readonly code = 'INCOMPATIBLE_PLUGIN' as const;
  constructor(message: string, options: Opts = {}) {
    super('INCOMPATIBLE_PLUGIN', message, { ...options, retryable: false });
  }
}
