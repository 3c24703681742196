/**
 * What one DescribeInstances answer tells core's readiness waiter about an instance: its state
 * (pending -> running) and public IP, `nearlyReady` once it runs without the address yet, and, for
 * a launch EC2 ended itself (its StateReason: no capacity, a volume limit, an internal error), a
 * typed failure that ends the wait at once instead of at the timeout.
 */
import {
  ApiError,
  CapacityError,
  QuotaExceededError,
  type ProbeAnswer,
  type Redactor,
  type StagelyError,
} from '@stagely/provider-core/provider';
import { toInstance } from './instance.js';
import type { Ec2Instance } from './sdk/ec2-api.js';

/**
 * The most filter values EC2 takes in one call, over all its filters; past it the call fails with
 * FilterLimitExceeded ("The maximum number of filter values specified on a single call is 200").
 */
export const FILTER_VALUES_PER_CALL = 200;

/** StateReason codes of an instance someone shut down: not a failed launch (the wait says it was terminated). */
const SHUT_DOWN_BY_SOMEONE = new Set(['Client.UserInitiatedShutdown']);

/** StateReason codes by what they mean (the SDK's model, StateReason.Message); the rest are API errors. */
const REASON_ERRORS: Readonly<Record<string, 'capacity' | 'quota'>> = {
  'Server.InsufficientInstanceCapacity': 'capacity',
  'Server.SpotInstanceTermination': 'capacity',
  'Server.SpotInstanceShutdown': 'capacity',
  'Client.VolumeLimitExceeded': 'quota',
};

export function readinessOf(item: Ec2Instance, provider: string, region: string, redact: Redactor): ProbeAnswer {
  const instance = toInstance(item, provider, region);
  if (instance.state === 'terminating' || instance.state === 'terminated') {
    const failure = launchFailure(item, provider, redact);
    return failure ? { instance, failure } : instance;
  }
  if (instance.state === 'running' && instance.publicIp === null) return { instance, hint: { nearlyReady: true } };
  return instance;
}

/** The error naming why EC2 ended this instance, or undefined when someone shut it down (or EC2 says nothing). */
export function launchFailure(item: Ec2Instance, provider: string, redact: Redactor): StagelyError | undefined {
  const code = item.StateReason?.Code;
  if (!code || SHUT_DOWN_BY_SOMEONE.has(code)) return undefined;
  const id = item.InstanceId ?? '';
  const said = redact(item.StateReason?.Message ?? code);
  const message = `EC2 ended instance ${id} before it was ready (${code}): ${said}`;
  const options = { provider, details: { instanceId: id, stateReason: code, operation: 'RunInstances' } };
  switch (REASON_ERRORS[code]) {
    case 'capacity':
      return new CapacityError(message, options);
    case 'quota':
      return new QuotaExceededError(message, options);
    default:
      return new ApiError(message, undefined, options);
  }
}
