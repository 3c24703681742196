/**
 * EC2's published throttling (the EC2 developer guide, "Request throttling for the Amazon EC2 API"):
 * every API action has its own request token bucket, sized by the action's category, and a few
 * actions also spend from a resource bucket, one token per instance they launch or end. The fake
 * applies it when `throttling` is set, so that a fleet meets the limits a real account has.
 */
import type { Clock } from '@stagely/provider-core/testing';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.js';

export type Ec2ActionCategory = 'nonMutating' | 'mutating' | 'resourceIntensive';

export interface Ec2Throttling {
  /** Request bucket of each action, by its category. */
  request: Record<Ec2ActionCategory, TokenBucketOptions>;
  /** Resource buckets (tokens are instances), by action. */
  resource: Record<string, TokenBucketOptions>;
}

/** The default request and resource bucket sizes and refill rates EC2 publishes. */
export const EC2_THROTTLING: Readonly<Ec2Throttling> = Object.freeze({
  request: {
    nonMutating: { limit: 100, refillPerSecond: 20 },
    mutating: { limit: 200, refillPerSecond: 5 },
    resourceIntensive: { limit: 50, refillPerSecond: 5 },
  },
  resource: {
    RunInstances: { limit: 1000, refillPerSecond: 2 },
    StartInstances: { limit: 1000, refillPerSecond: 2 },
    TerminateInstances: { limit: 1000, refillPerSecond: 20 },
    StopInstances: { limit: 1000, refillPerSecond: 20 },
  },
});

/** The actions EC2 files as resource-intensive (those the fake serves, and their peers). */
const RESOURCE_INTENSIVE = new Set([
  'AcceptVpcPeeringConnection',
  'AuthorizeSecurityGroupIngress',
  'CancelSpotInstanceRequests',
  'CreateKeyPair',
  'CreateVpcPeeringConnection',
  'DeleteVpcPeeringConnection',
  'RejectVpcPeeringConnection',
  'RevokeSecurityGroupIngress',
  'RunInstances',
  'StartInstances',
  'StopInstances',
  'TerminateInstances',
]);

export function ec2ActionCategory(action: string): Ec2ActionCategory {
  if (RESOURCE_INTENSIVE.has(action)) return 'resourceIntensive';
  return /^(Describe|List|Search|Get)/.test(action) ? 'nonMutating' : 'mutating';
}

/** Instances a call launches or ends: its MaxCount, or its `InstanceId.N` fields. */
function instancesOf(action: string, form: Record<string, string>): number {
  if (action === 'RunInstances' || action === 'StartInstances') return Math.max(1, Number(form.MaxCount ?? 1) || 1);
  return Object.keys(form).filter((key) => /^InstanceId\.\d+$/.test(key)).length;
}

export class Ec2ActionThrottle {
  readonly #throttling: Ec2Throttling;
  readonly #clock: Clock;
  readonly #requestBuckets = new Map<string, TokenBucket>();
  readonly #resourceBuckets = new Map<string, TokenBucket>();

  constructor(throttling: Ec2Throttling, clock: Clock) {
    this.#throttling = throttling;
    this.#clock = clock;
  }

  /** Spends the call's tokens; false when EC2 would answer RequestLimitExceeded (nothing is spent then). */
  take(action: string, form: Record<string, string>): boolean {
    const request = this.#bucket(this.#requestBuckets, action, this.#throttling.request[ec2ActionCategory(action)]);
    const resourceOptions = this.#throttling.resource[action];
    const instances = resourceOptions ? instancesOf(action, form) : 0;
    const resource = resourceOptions ? this.#bucket(this.#resourceBuckets, action, resourceOptions) : undefined;
    if (resource && !resource.canTake(instances)) return false;
    if (!request.take()) return false;
    resource?.take(instances);
    return true;
  }

  #bucket(buckets: Map<string, TokenBucket>, action: string, options: TokenBucketOptions): TokenBucket {
    let bucket = buckets.get(action);
    if (!bucket) buckets.set(action, (bucket = new TokenBucket(options, this.#clock)));
    return bucket;
  }
}
