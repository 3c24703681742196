/**
 * The provider's client-side rate limiting, on core's limiter: EC2 evaluates each API action on its
 * own bucket (throttling.ts), so each action gets its own core limiter, sized like EC2's bucket for
 * it. A RequestLimitExceeded then holds only the callers of the action that got it: a throttled
 * RunInstances no longer stops the DescribeInstances of every wait in flight.
 *
 * Resource buckets (instances launched or ended) are limiters of their own, spent once per call:
 * this provider's RunInstances asks for one instance (MaxCount 1) and its TerminateInstances names
 * one, so a call is one instance (core's limiter spends one token an acquire).
 */
import {
  createRateLimiter,
  memoryRateLimiterStore,
  type RateLimitBudget,
  type RateLimiter,
  type RateLimiterOptions,
} from '@stagely/provider-core/provider';
import { EC2_THROTTLING, ec2ActionCategory, type Ec2Bucket, type Ec2Throttling } from './throttling.js';

/** The longest trip of a burst's first request the budgets allow for (see budgetOf). */
const HEADROOM_MS = 500;

export interface Ec2Limiters {
  /** Resolves when a request of `action` may be sent, spending from that action's buckets. */
  acquire(action: string, signal?: AbortSignal): Promise<void>;
  /** EC2 answered a request of `action` RequestLimitExceeded: holds that action's callers only. */
  onRateLimited(action: string, retryAfterMs?: number): void;
  /** The budget each of `action`'s limiters was given (request bucket first), for tests and diagnostics. */
  budgets(action: string): RateLimitBudget[];
}

export interface Ec2LimitersOptions extends Pick<RateLimiterOptions, 'scheduler' | 'random'> {
  provider: string;
  /** The config's `rateLimit`: no action's request bucket is larger, or refills faster, than this. */
  ceiling?: RateLimitBudget | undefined;
  /** Default EC2's published one. */
  throttling?: Ec2Throttling | undefined;
}

interface ActionLimiters {
  request: RateLimiter;
  resource: RateLimiter | undefined;
  budgets: RateLimitBudget[];
}

export function createEc2Limiters(options: Ec2LimitersOptions): Ec2Limiters {
  const { provider, ceiling, scheduler, random } = options;
  const throttling = options.throttling ?? EC2_THROTTLING;
  // One store, a key per bucket: a shared store (several processes on one account) can back it later.
  const store = memoryRateLimiterStore();
  const byAction = new Map<string, ActionLimiters>();
  const limiter = (key: string, budget: RateLimitBudget) => createRateLimiter({ provider, budget, store, key: `${provider}:${key}`, scheduler, random });

  const limitersOf = (action: string): ActionLimiters => {
    let found = byAction.get(action);
    if (!found) {
      const requestBudget = capped(budgetOf(throttling.request[ec2ActionCategory(action)]), ceiling);
      const resource = throttling.resource[action];
      const resourceBudget = resource && budgetOf(resource);
      found = {
        request: limiter(action, requestBudget),
        resource: resourceBudget && limiter(`${action}:instances`, resourceBudget),
        budgets: resourceBudget ? [requestBudget, resourceBudget] : [requestBudget],
      };
      byAction.set(action, found);
    }
    return found;
  };

  return {
    async acquire(action, signal) {
      const { request, resource } = limitersOf(action);
      await resource?.acquire(signal);
      await request.acquire(signal);
    },
    // EC2's answer does not say which bucket was empty. Only the request bucket is held: holding the
    // resource one as well would leave it one token refilling at 2 a second.
    onRateLimited: (action, retryAfterMs) => limitersOf(action).request.onRateLimited(retryAfterMs),
    budgets: (action) => limitersOf(action).budgets.map((budget) => ({ ...budget })),
  };
}

/**
 * EC2's bucket, less what it refills in HEADROOM_MS. EC2's bucket is full until the first of a burst
 * reaches it, and a full bucket refills nothing; ours refills from the moment it lets that request go.
 * What EC2 refills while the burst's first requests are on their way (signed, queued for a socket,
 * sent) is therefore ours alone: kept back, it keeps a burst of up to HEADROOM_MS of travel from
 * ending in a RequestLimitExceeded.
 */
function budgetOf({ limit, refillPerSecond }: Ec2Bucket): RateLimitBudget {
  const requests = Math.max(1, limit - Math.ceil((refillPerSecond * HEADROOM_MS) / 1000));
  return { requests, windowMs: (requests / refillPerSecond) * 1000 };
}

/** `budget` no larger and no faster than `ceiling`. */
function capped(budget: RateLimitBudget, ceiling: RateLimitBudget | undefined): RateLimitBudget {
  if (!ceiling) return budget;
  const requests = Math.min(budget.requests, ceiling.requests);
  const perMs = Math.min(budget.requests / budget.windowMs, ceiling.requests / ceiling.windowMs);
  return { requests, windowMs: requests / perMs };
}
