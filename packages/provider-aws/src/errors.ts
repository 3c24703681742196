/**
 * Every failure that leaves this provider as the right StagelyError (docs/architecture.md, errors),
 * mapped by EC2's error code: the code says more than the HTTP status (EC2 answers 400 for most
 * client errors, from a bad AMI id to an idempotency mismatch). What is kept: the code, the status,
 * the request id and the operation. What is dropped: the SDK's error object itself (its `$response`
 * and the request behind it carry the signed Authorization header), so nothing is chained as `cause`.
 * The mapping itself is core's (errorFromHttpResponse, networkErrorFrom) with EC2's table.
 */
import {
  abortedError,
  ApiError,
  AuthenticationError,
  errorFromHttpResponse,
  isStagelyError,
  networkErrorFrom,
  RateLimitError,
  StagelyError,
  type HttpErrorClass,
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

/** EC2 error codes by what they mean (EC2 API reference, "Error codes"). */
const CODE_KINDS: Readonly<Record<string, HttpErrorClass>> = {
  AuthFailure: 'AUTHENTICATION',
  InvalidClientTokenId: 'AUTHENTICATION',
  SignatureDoesNotMatch: 'AUTHENTICATION',
  IncompleteSignature: 'AUTHENTICATION',
  MissingAuthenticationToken: 'AUTHENTICATION',
  ExpiredToken: 'AUTHENTICATION',
  RequestExpired: 'AUTHENTICATION',
  UnauthorizedOperation: 'PERMISSION_DENIED',
  OptInRequired: 'PERMISSION_DENIED',
  Blocked: 'PERMISSION_DENIED',
  PendingVerification: 'PERMISSION_DENIED',
  InstanceLimitExceeded: 'QUOTA_EXCEEDED',
  VcpuLimitExceeded: 'QUOTA_EXCEEDED',
  MaxSpotInstanceCountExceeded: 'QUOTA_EXCEEDED',
  ResourceLimitExceeded: 'QUOTA_EXCEEDED',
  SnapshotLimitExceeded: 'QUOTA_EXCEEDED',
  AMIQuotaExceeded: 'QUOTA_EXCEEDED',
  RequestLimitExceeded: 'RATE_LIMITED',
  Throttling: 'RATE_LIMITED',
  ThrottlingException: 'RATE_LIMITED',
  RequestThrottled: 'RATE_LIMITED',
  InsufficientInstanceCapacity: 'CAPACITY',
  InsufficientCapacity: 'CAPACITY',
  InsufficientHostCapacity: 'CAPACITY',
  SpotMaxPriceTooLow: 'CAPACITY',
  Unsupported: 'CAPACITY',
  IdempotentParameterMismatch: 'CONFLICT',
  'InvalidAMIName.Duplicate': 'CONFLICT',
  'InvalidSnapshot.InUse': 'CONFLICT',
  IncorrectInstanceState: 'CONFLICT',
  InternalError: 'TRANSIENT',
  InternalFailure: 'TRANSIENT',
  ServiceUnavailable: 'TRANSIENT',
  Unavailable: 'TRANSIENT',
  RequestTimeout: 'TRANSIENT',
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

/** Error codes of a socket that failed, as the SDK's HTTP handler reports them (it names resets "TimeoutError" too). */
const SOCKET_CODES = /^(E[A-Z]+|UND_ERR_[A-Z_]+|ERR_STREAM_PREMATURE_CLOSE)$/;

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

/** Throttling or a bare code EC2 groups by meaning; `.NotFound` codes and field codes by operation. */
function classOf(code: string, operation: string): HttpErrorClass | undefined {
  if (CODE_FIELDS[code] !== undefined) return code.endsWith('.NotFound') && !USES_NAMED_THINGS.has(operation) ? 'NOT_FOUND' : 'INVALID_INPUT';
  if (CODE_KINDS[code] !== undefined) return CODE_KINDS[code];
  if (PARAMETER_CODES.has(code)) return 'INVALID_INPUT';
  if (code.endsWith('.NotFound')) return 'NOT_FOUND';
  return undefined;
}

const PARAMETER_CODES = new Set(['InvalidParameterValue', 'InvalidParameter', 'InvalidParameterCombination', 'MissingParameter']);

/**
 * An answer from EC2 (or from something in front of it) with a status and, usually, an error code:
 * core's HTTP error mapping with EC2's table, the field named in the contract's words, and the
 * request id kept.
 */
export function fromServiceError(code: string, text: string, status: number, requestId: string | undefined, ctx: ErrorContext): StagelyError {
  const known = code !== '' && code !== 'Unknown' && code !== 'UnknownError' && !/^\d+$/.test(code);
  const kind = known ? classOf(code, ctx.operation) : undefined;
  const field = known ? (CODE_FIELDS[code] ?? (PARAMETER_CODES.has(code) ? (MESSAGE_FIELDS.find(([words]) => words.test(text))?.[1] ?? 'spec') : undefined)) : undefined;
  const error = errorFromHttpResponse(
    { status, data: known ? { Code: code, Message: text } : undefined },
    {
      provider: ctx.provider,
      api: `EC2 ${ctx.operation}`,
      operation: ctx.operation,
      redact: ctx.redact,
      codeKey: 'ec2Code',
      table: kind === undefined ? {} : { [code]: kind },
      readBody: () => (known ? { id: code, message: text, ...(field === undefined ? {} : { fields: [{ name: field, messages: [] }] }) } : undefined),
    },
  );
  error.details.requestId = requestId ?? null;
  // EC2 says nothing about when to try again (no Retry-After): one bucket refill is the wait.
  if (isStagelyError(error, 'RATE_LIMITED') && error.retryAfterMs === undefined) {
    return new RateLimitError(error.message, { provider: ctx.provider, details: error.details, retryAfterMs: THROTTLE_RETRY_AFTER_MS });
  }
  return error;
}

/** No answer: the connection failed, was reset, or the request ran out of time (core's mapping). */
function fromTransportError(name: string, code: string | undefined, text: string, ctx: ErrorContext): StagelyError {
  const network = { provider: ctx.provider, api: 'EC2 API', operation: ctx.operation, timeoutMs: ctx.timeoutMs, redact: ctx.redact, signal: ctx.signal };
  if (code !== undefined && SOCKET_CODES.test(code)) return networkErrorFrom(code, text, network);
  if (name === 'TimeoutError' || name === 'RequestTimeout') return networkErrorFrom('ETIMEDOUT', text, network);
  if (/socket hang up|network/i.test(text)) return networkErrorFrom(undefined, text, network);
  // Not HTTP and not the network: the SDK failing on an answer it could not read, or a bug.
  // Ambiguous for a create, which is why creates carry a ClientToken.
  return new ApiError(`Unexpected failure in the EC2 client during ${ctx.operation}: ${name ? `${name}: ` : ''}${text}`, undefined, {
    provider: ctx.provider,
    details: { operation: ctx.operation, unexpected: true },
  });
}
