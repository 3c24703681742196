/**
 * Waits through core's readiness waiter: overlapping waits share one listing (one state read) a
 * round, the test controls still apply to it, and boots are learned into the context's bootHistory.
 */
import { bootKey, memoryBootHistory } from '@stagely/provider-core/provider';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../src/index.js';
import { FAST, fastProvider } from './helpers.js';

const spec = (name: string) => ({ name, size: 'small' as const });

/** Batched rounds are a second apart: a few of them, on a machine under load. */
const TEST_TIMEOUT_MS = 30_000;

describe('waits through the readiness waiter', { timeout: TEST_TIMEOUT_MS }, () => {
  it('30 overlapping waits are served by listings, not by 30 times the gets of one wait', async () => {
    const { provider } = fastProvider({ bootDelayMs: 200 });
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => provider.createInstance(spec(`many-${i}`))));
    const ready = await Promise.all(created.map((instance) => provider.waitUntilReady(instance.id, { timeoutMs: 30_000 })));
    expect(ready.map((instance) => instance.id)).toEqual(created.map((instance) => instance.id));
    expect(ready.every((instance) => instance.state === 'running' && instance.publicIp !== null)).toBe(true);
    // One request a round for all of them (rounds at least a second apart); no single gets.
    expect(provider.callCounts.getInstance ?? 0).toBe(0);
    expect(provider.callCounts.waitUntilReady).toBeGreaterThanOrEqual(1);
    expect(provider.callCounts.waitUntilReady).toBeLessThan(30);
  });

  it('a batched wait rides out a transient fault and the not-found window of new instances', async () => {
    const { provider } = fastProvider({ bootDelayMs: 50 });
    provider.notFoundFor(300);
    const created = await Promise.all([provider.createInstance(spec('window-1')), provider.createInstance(spec('window-2'))]);
    provider.failNext('server-error', 1);
    const ready = await Promise.all(created.map((instance) => provider.waitUntilReady(instance.id, { timeoutMs: 30_000 })));
    expect(ready.map((instance) => instance.state)).toEqual(['running', 'running']);
  });

  it('a batched wait for an instance that is gone fails with NOT_FOUND; the other one gets ready', async () => {
    const { provider } = fastProvider({ bootDelayMs: 50 });
    const [kept, doomed] = await Promise.all([provider.createInstance(spec('kept')), provider.createInstance(spec('doomed'))]);
    const waits = [provider.waitUntilReady(kept!.id, { timeoutMs: 30_000 }), provider.waitUntilReady(doomed!.id, { timeoutMs: 30_000 })];
    await provider.terminateInstance(doomed!.id);
    const [ready, gone] = await Promise.allSettled(waits);
    expect(ready).toMatchObject({ status: 'fulfilled', value: { id: kept!.id, state: 'running' } });
    expect(gone).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
  });

  it("records boot times in the context's bootHistory, keyed by provider, type and region", async () => {
    const history = memoryBootHistory();
    const provider = createMockProvider({ ...FAST, bootDelayMs: 30 }, { bootHistory: history });
    for (let i = 0; i < 3; i++) {
      const instance = await provider.createInstance(spec(`timed-${i}`));
      await provider.waitUntilReady(instance.id, { timeoutMs: 30_000 });
    }
    const [instance] = await provider.listInstances();
    const samples = history.samples(bootKey('mock', instance!.type, instance!.region));
    expect(samples).toHaveLength(3);
    expect(samples.every((ms) => ms > 0)).toBe(true);
  });
});
