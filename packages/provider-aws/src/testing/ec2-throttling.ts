/**
 * EC2's published throttling applied by the fake when `throttling` is set, so that a fleet meets the
 * limits a real account has. The table itself (EC2_THROTTLING) is the package's own, shared with the
 * provider's client-side limiters.
 */
import type { Clock } from '@stagely/provider-core/testing';
import { ec2ActionCategory, type Ec2Bucket, type Ec2Throttling } from '../throttling.js';
import { TokenBucket } from './token-bucket.js';

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

  #bucket(buckets: Map<string, TokenBucket>, action: string, options: Ec2Bucket): TokenBucket {
    let bucket = buckets.get(action);
    if (!bucket) buckets.set(action, (bucket = new TokenBucket(options, this.#clock)));
    return bucket;
  }
}
