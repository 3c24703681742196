import { describe, expect, it } from 'vitest';
import { EC2_THROTTLING, Ec2ActionThrottle, ec2ActionCategory } from '../src/testing/index.js';

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

/** How many calls of `action` pass in a row before the first refusal. */
function burst(throttle: Ec2ActionThrottle, action: string, form: Record<string, string> = {}): number {
  let n = 0;
  while (throttle.take(action, form)) n++;
  return n;
}

describe("EC2's throttling in the fake", () => {
  it('files actions by category as EC2 publishes them', () => {
    expect(ec2ActionCategory('DescribeInstances')).toBe('nonMutating');
    expect(ec2ActionCategory('RunInstances')).toBe('resourceIntensive');
    expect(ec2ActionCategory('TerminateInstances')).toBe('resourceIntensive');
    expect(ec2ActionCategory('CreateImage')).toBe('mutating');
  });

  it('gives every action its own request bucket, sized and refilled by its category', () => {
    const c = clock();
    const throttle = new Ec2ActionThrottle(EC2_THROTTLING, c);
    expect(burst(throttle, 'RunInstances', { MaxCount: '1' })).toBe(50);
    // Another action's bucket is untouched by RunInstances' being empty.
    expect(burst(throttle, 'DescribeInstances')).toBe(100);
    expect(burst(throttle, 'CreateImage')).toBe(200);
    c.t += 1000;
    expect(burst(throttle, 'RunInstances', { MaxCount: '1' })).toBe(5);
    expect(burst(throttle, 'DescribeInstances')).toBe(20);
  });

  it('spends resource tokens per instance: a launch larger than what is left is refused whole', () => {
    const c = clock();
    const throttle = new Ec2ActionThrottle(EC2_THROTTLING, c);
    expect(throttle.take('RunInstances', { MaxCount: '999' })).toBe(true);
    expect(throttle.take('RunInstances', { MaxCount: '2' })).toBe(false);
    expect(throttle.take('RunInstances', { MaxCount: '1' })).toBe(true);
    c.t += 1000; // two instances regained
    expect(throttle.take('RunInstances', { MaxCount: '2' })).toBe(true);
    expect(throttle.take('TerminateInstances', { 'InstanceId.1': 'i-1', 'InstanceId.2': 'i-2' })).toBe(true);
  });
});
