/**
 * Every failure that leaves this provider as the right StagelyError (docs/architecture.md, errors),
 * mapped by EC2's error code: the code says more than the HTTP status (EC2 answers 400 for most
 * client errors, from a bad AMI id to an idempotency mismatch). What is kept: the code, the status,
 * the request id and the operation. What is dropped: the SDK's error object itself (its `$response`
 * and the request behind it carry the signed Authorization header), so nothing is chained as `cause`.
 */
import {
  abortedError,
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
  type Redactor,
} from '@stagely/provider-core/provider';

export interface ErrorContext {
  provider: string;
  redact: Redactor;
  /** The EC2 action, e.g. `RunInstances`; recorded in `details`. */
  operation: string;
  signal?: AbortSignal | undefined;
  /** The request timeout, for the TimeoutError of a request that ran out of time. */
  timeoutMs?: number | undefined;
}

type Kind = 'auth' | 'permission' | 'quota' | 'rate' | 'capacity' | 'conflict' | 'transient';

/** EC2 error codes by what they mean (EC2 API reference, "Error codes"). */
const CODE_KINDS: Readonly<Record<string, Kind>> = {
  AuthFailure: 'auth',
  InvalidClientTokenId: 'auth',
  SignatureDoesNotMatch: 'auth',
  IncompleteSignature: 'auth',
  MissingAuthenticationToken: 'auth',
  ExpiredToken: 'auth',
  RequestExpired: 'auth',
  UnauthorizedOperation: 'permission',
  OptInRequired: 'permission',
  Blocked: 'permission',
  PendingVerification: 'permission',
  InstanceLimitExceeded: 'quota',
  VcpuLimitExceeded: 'quota',
  MaxSpotInstanceCountExceeded: 'quota',
  ResourceLimitExceeded: 'quota',
  SnapshotLimitExceeded: 'quota',
  AMIQuotaExceeded: 'quota',
  RequestLimitExceeded: 'rate',
  Throttling: 'rate',
  ThrottlingException: 'rate',
  RequestThrottled: 'rate',
  InsufficientInstanceCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  SpotMaxPriceTooLow: 'capacity',
  Unsupported: 'capacity',
  IdempotentParameterMismatch: 'conflict',
  'InvalidAMIName.Duplicate': 'conflict',
  'InvalidSnapshot.InUse': 'conflict',
  IncorrectInstanceState: 'conflict',
  InternalError: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
  Unavailable: 'transient',
  RequestTimeout: 'transient',
};

/**
 * Codes about one field of the request, named in the contract's words (InvalidInputError.field).
 * A `.NotFound` among them is bad input when the request names the thing to use (RunInstances,
 * CreateImage); on the operations that look a thing up or remove it, it is NOT_FOUND.
 */
const CODE_FIELDS: Readonly<Record<string, string>> = {
  'InvalidInstanceID.Malformed': 'id',
  'InvalidInstanceID.NotFound': 'id',
  'InvalidAMIID.Malformed': 'image',
  'InvalidAMIID.NotFound': 'image',
  'InvalidAMIID.Unavailable': 'image',
  'InvalidSnapshotID.Malformed': 'id',
  'InvalidSnapshot.NotFound': 'id',
  'InvalidKeyPair.NotFound': 'sshKeys',
  'InvalidKeyPair.Format': 'sshKeys',
  'InvalidSubnetID.NotFound': 'subnetId',
  'InvalidSubnetID.Malformed': 'subnetId',
  'InvalidGroup.NotFound': 'securityGroupIds',
  'InvalidGroupId.Malformed': 'securityGroupIds',
  'InvalidAMIName.Malformed': 'name',
  InvalidInstanceType: 'size',
  TagLimitExceeded: 'tags',
  InvalidUserData: 'userData',
  'InvalidUserData.Malformed': 'userData',
};

/** Operations where a named thing that does not exist is the caller's bad input. */
const USES_NAMED_THINGS = new Set(['RunInstances', 'CreateImage']);

/** Words in an InvalidParameterValue message, and the field they point at. */
const MESSAGE_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/instance ?type|architecture/i, 'size'],
  [/image ?id|\bami\b|ssm parameter/i, 'image'],
  [/user ?data/i, 'userData'],
  [/\btag/i, 'tags'],
  [/key ?name|key pair/i, 'sshKeys'],
  [/subnet/i, 'subnetId'],
  [/security group/i, 'securityGroupIds'],
  [/client ?token/i, 'clientToken'],
  [/maxResults|nextToken/i, 'page'],
];

/**
 * EC2 says nothing about when to try again after throttling (no Retry-After): its token buckets
 * refill a few tokens a second (RunInstances about 2/s), so one refill is the wait.
 */
export const THROTTLE_RETRY_AFTER_MS = 500;

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** The parts of an SDK (smithy) error this module reads; everything else is left behind. */
interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown; extendedRequestId?: unknown };
}

/** Anything the SDK or this package throws, as a StagelyError without secrets. */
export function toStagelyError(error: unknown, ctx: ErrorContext): StagelyError {
  if (StagelyError.isInstance(error)) return error;
  if (ctx.signal?.aborted) return abortedError(ctx.signal, ctx.provider);
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const text = ctx.redact(typeof e.message === 'string' ? e.message : String(error));
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
  if (name === 'AbortError') return abortedError(ctx.signal, ctx.provider);
  if (name === 'CredentialsProviderError') {
    return new AuthenticationError(
      'No AWS credentials: give accessKeyId and secretAccessKey in the provider config, or set up the default chain (AWS_ACCESS_KEY_ID / AWS_PROFILE / an instance role)',
      { provider: ctx.provider, details: { operation: ctx.operation } },
    );
  }
  if (status !== undefined) return fromServiceError(name, text, status, requestId, ctx);
  return fromTransportError(name, typeof e.code === 'string' ? e.code : undefined, text, ctx);
}

/** An answer from EC2 (or from something in front of it) with a status and, usually, an error code. */
export function fromServiceError(code: string, text: string, status: number, requestId: string | undefined, ctx: ErrorContext): StagelyError {
  const known = code !== '' && code !== 'Unknown' && code !== 'UnknownError' && !/^\d+$/.test(code);
  const message = known ? `EC2 ${ctx.operation}: ${text} (${code}, HTTP ${status})` : `EC2 ${ctx.operation}: HTTP ${status} without an EC2 error (${text})`;
  const details: Record<string, unknown> = { status, ec2Code: known ? code : null, requestId: requestId ?? null, operation: ctx.operation };
  const o = { provider: ctx.provider, details };

  const field = CODE_FIELDS[code];
  if (field !== undefined) {
    const notFound = code.endsWith('.NotFound') && !USES_NAMED_THINGS.has(ctx.operation);
    return notFound ? new NotFoundError(message, o) : new InvalidInputError(field, message, o);
  }
  switch (CODE_KINDS[code]) {
    case 'auth':
      return new AuthenticationError(message, o);
    case 'permission':
      return new PermissionDeniedError(message, o);
    case 'quota':
      return new QuotaExceededError(message, o);
    case 'rate':
      return new RateLimitError(message, { ...o, retryAfterMs: THROTTLE_RETRY_AFTER_MS });
    case 'capacity':
      return new CapacityError(message, o);
    case 'conflict':
      return new ConflictError(message, o);
    case 'transient':
      // Busy rather than broken, whatever the status: worth another try.
      return status >= 500 ? new ApiError(message, status, o) : new StagelyError('API', message, { ...o, retryable: true });
    default:
      break;
  }
  if (code === 'InvalidParameterValue' || code === 'InvalidParameter' || code === 'InvalidParameterCombination' || code === 'MissingParameter') {
    const guessed = MESSAGE_FIELDS.find(([words]) => words.test(text))?.[1] ?? 'spec';
    return new InvalidInputError(guessed, message, o);
  }
  if (code.endsWith('.NotFound')) return new NotFoundError(message, o);
  if (status === 401) return new AuthenticationError(message, o);
  if (status === 403) return new PermissionDeniedError(message, o);
  if (status === 429) return new RateLimitError(message, { ...o, retryAfterMs: THROTTLE_RETRY_AFTER_MS });
  return new ApiError(message, status, o);
}

/** No answer: the connection failed, was reset, or the request ran out of time. */
function fromTransportError(name: string, code: string | undefined, text: string, ctx: ErrorContext): StagelyError {
  const base = { provider: ctx.provider, details: { operation: ctx.operation, networkCode: code ?? null } };
  // The SDK's HTTP handler names resets "TimeoutError" too; the socket's code says what happened.
  if (code !== undefined && NETWORK_CODES.has(code)) return new NetworkError(`Could not reach EC2 for ${ctx.operation}: ${text}`, base);
  if (TIMEOUT_NAMES.has(name) || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new TimeoutError(ctx.operation, ctx.timeoutMs ?? 0, `EC2 ${ctx.operation} timed out (${text})`, base);
  }
  if (/socket hang up|network|ECONN|EPIPE/i.test(text)) {
    return new NetworkError(`Could not reach EC2 for ${ctx.operation}: ${text}`, base);
  }
  // Not HTTP and not the network: the SDK failing on an answer it could not read, or a bug.
  // Ambiguous for a create, which is why creates carry a ClientToken.
  return new ApiError(`Unexpected failure in the EC2 client during ${ctx.operation}: ${name ? `${name}: ` : ''}${text}`, undefined, {
    provider: ctx.provider,
    details: { operation: ctx.operation, unexpected: true },
  });
}
