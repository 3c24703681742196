/**
 * EC2's published throttling (the EC2 developer guide, "Request throttling for the Amazon EC2 API"):
 * each API action is evaluated on its own request token bucket, sized by the action's category, and
 * a few actions also spend from a resource bucket, one token per instance they launch or end. One
 * table for both sides: the provider's client-side limiters (action-limiters.ts) and the fake that
 * enforces it in tests (testing/ec2-throttling.ts).
 */

export type Ec2ActionCategory = 'nonMutating' | 'mutating' | 'resourceIntensive';

/** A token bucket: a burst of `limit`, refilled at `refillPerSecond`. */
export interface Ec2Bucket {
  limit: number;
  refillPerSecond: number;
}

export interface Ec2Throttling {
  /** Request bucket of each action, by its category. */
  request: Record<Ec2ActionCategory, Ec2Bucket>;
  /** Resource buckets (tokens are instances), by action. */
  resource: Record<string, Ec2Bucket>;
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

/** The actions EC2 files as resource-intensive (those this package sends, and their peers). */
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
