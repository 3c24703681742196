/** The limiters' budgets: EC2's table per action, the config's ceiling, and the resource buckets. */
import { manualScheduler } from '@stagely/provider-core/testing';
import { describe, expect, it } from 'vitest';
import { createEc2Limiters } from '../src/action-limiters.js';

describe('createEc2Limiters', () => {
  it("gives each action its category's bucket, and RunInstances and TerminateInstances their instance buckets", () => {
    const limiters = createEc2Limiters({ provider: 'aws' });
    // EC2's sizes and refill rates, each burst less what EC2 refills in half a second.
    expect(limiters.budgets('DescribeInstances')).toEqual([{ requests: 90, windowMs: 4500 }]);
    expect(limiters.budgets('CreateImage')).toEqual([{ requests: 197, windowMs: 39_400 }]);
    expect(limiters.budgets('RunInstances')).toEqual([
      { requests: 47, windowMs: 9400 },
      { requests: 999, windowMs: 499_500 },
    ]);
    expect(limiters.budgets('TerminateInstances')).toEqual([
      { requests: 47, windowMs: 9400 },
      { requests: 990, windowMs: 49_500 },
    ]);
  });

  it('a ceiling lowers the burst and the refill of every request bucket, never raises them', () => {
    const limiters = createEc2Limiters({ provider: 'aws', ceiling: { requests: 60, windowMs: 6000 } });
    // 60 at 10/s: below Describe*'s 100 at 20/s on both counts.
    expect(limiters.budgets('DescribeInstances')).toEqual([{ requests: 60, windowMs: 6000 }]);
    // RunInstances keeps its 47 at 5/s; its instance bucket counts instances, not requests.
    expect(limiters.budgets('RunInstances')).toEqual([
      { requests: 47, windowMs: 9400 },
      { requests: 999, windowMs: 499_500 },
    ]);
    // CreateImage: the ceiling's 60, at its own 5/s.
    expect(limiters.budgets('CreateImage')).toEqual([{ requests: 60, windowMs: 12_000 }]);
  });

  it('a launch waits for its instance bucket as well as its request bucket', async () => {
    const clock = manualScheduler();
    const limiters = createEc2Limiters({
      provider: 'aws',
      scheduler: clock,
      throttling: {
        request: { nonMutating: { limit: 100, refillPerSecond: 20 }, mutating: { limit: 100, refillPerSecond: 20 }, resourceIntensive: { limit: 100, refillPerSecond: 20 } },
        // A burst of 2 after the half second's headroom.
        resource: { RunInstances: { limit: 3, refillPerSecond: 1 } },
      },
    });
    const start = clock.now();
    const sentAt: number[] = [];
    for (let i = 0; i < 4; i++) await clock.drive(limiters.acquire('RunInstances').then(() => sentAt.push(clock.now() - start)));
    expect(sentAt).toEqual([0, 0, 1000, 2000]);
    // Another action is not paced by RunInstances' instances.
    await limiters.acquire('TerminateInstances');
  });
});
