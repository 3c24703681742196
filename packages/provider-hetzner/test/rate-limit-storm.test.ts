/**
 * A 429 storm on the fake Hetzner API: many concurrent callers on one provider. The fake enforces the
 * budget exactly (a token bucket, as Hetzner does) and answers 429 beyond it, so its request log
 * measures what was sent beyond the budget: every refusal there is a request the budget did not allow.
 */
import { isStagelyError } from '@stagely/provider-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHetznerProvider } from '../src/index.js';
import { startFakeHetzner, type FakeHetzner } from '../src/testing/index.js';
import { TOKEN } from './setup.js';

const CALLERS = 20;
/** 5 requests, regained at 10 a second. */
const BUDGET = { limit: 5, refillPerSecond: 10 };

let fake: FakeHetzner;
afterEach(() => fake.close());

async function storm(config: Parameters<typeof createHetznerProvider>[0]) {
  const provider = createHetznerProvider(config);
  const results = await Promise.allSettled(Array.from({ length: CALLERS }, () => provider.listInstances()));
  const refused = fake.http.log.filter((e) => e.status === 429).length;
  return { results, refused, sent: fake.http.log.length };
}

describe('a 429 storm on one provider', () => {
  it('with a budget configured, N callers keep within it: the fake refuses none, and all succeed', async () => {
    // The fake allows twice the configured budget: headroom for loopback delivery on a busy machine,
    // where requests sent a budget's spacing apart may arrive closer together.
    fake = await startFakeHetzner({ token: TOKEN, rateLimit: { limit: 2 * BUDGET.limit, refillPerSecond: 2 * BUDGET.refillPerSecond } });
    const { results, refused, sent } = await storm({ token: TOKEN, endpoint: fake.endpoint, rateLimit: { requests: BUDGET.limit, windowMs: (BUDGET.limit / BUDGET.refillPerSecond) * 1000 } });
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(refused).toBe(0);
    expect(sent).toBe(CALLERS);
  });

  it('with the budget unknown, the first burst is refused, then every caller is held until the reset and all succeed without another refusal', async () => {
    fake = await startFakeHetzner({ token: TOKEN, rateLimit: BUDGET });
    // Hetzner's default budget (3600 an hour): the limiter learns the real one from the answers.
    const { results, refused, sent } = await storm({ token: TOKEN, endpoint: fake.endpoint });
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([]);
    // Only requests of the first burst (sent before any answer came) may have been refused...
    expect(refused).toBeLessThanOrEqual(CALLERS - BUDGET.limit);
    const afterBurst = fake.http.log.slice(CALLERS);
    expect(afterBurst.filter((e) => e.status === 429)).toEqual([]);
    // ...and each refused caller sent its request once more, no more.
    expect(sent).toBe(CALLERS + refused);
  });

  it('a caller that gives up while the limiter holds it is an AbortedError and sends nothing', async () => {
    fake = await startFakeHetzner({ token: TOKEN, rateLimit: BUDGET });
    const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint, rateLimit: { requests: 1, windowMs: 60_000 } });
    await provider.listInstances();
    const impatient = new AbortController();
    const held = provider.listInstances({}, { signal: impatient.signal });
    impatient.abort();
    const error = await held.catch((e: unknown) => e);
    expect(isStagelyError(error, 'ABORTED')).toBe(true);
    expect(fake.http.log).toHaveLength(1);
  });
});
