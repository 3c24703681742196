/**
 * Batched readiness against moto, a second EC2 implementation: many waits share instance-id-filtered
 * DescribeInstances calls, paged with MaxResults / NextToken, and an id EC2 does not know is left out
 * of the answer instead of failing it. Skipped, saying why, where `python3 -m moto` is absent.
 */
import { DEFAULT_POLL_SCHEDULE_OPTIONS, memoryBootHistory } from '@stagely/provider-core/provider';
import { describe, expect, it } from 'vitest';
import { createAwsProvider } from '../src/index.js';
import { MOTO_CREDENTIALS } from './support/moto-ec2.js';
import { motoForThisFile } from './support/moto-file.js';
import { motoUnavailable } from './support/moto-server.js';
import { SMALL } from './support/readiness-harness.js';
import { virtualTime } from './support/virtual-time.js';

const unavailable = motoUnavailable();
const PAGE_SIZE = 5;

if (unavailable) {
  describe('aws readiness (moto)', () => {
    it.skip(`moto: ${unavailable}; install it with \`pip install "moto[server]"\` to run the batched waits on moto`, () => {});
  });
} else {
  const { proxy: proxyOf } = motoForThisFile();

  describe('aws readiness (moto)', () => {
    it('12 waits and one unknown id: one filtered, paged DescribeInstances round finds the 12', { timeout: 60_000 }, async () => {
      const proxy = proxyOf();
      const time = virtualTime();
      const polls: Array<{ ids: number; batched: boolean }> = [];
      const provider = createAwsProvider(
        { ...MOTO_CREDENTIALS, endpoint: proxy.url, region: 'us-east-1', pageSize: PAGE_SIZE, rateLimit: false, requestTimeoutMs: 10_000 },
        { bootHistory: memoryBootHistory() },
        { readiness: { scheduler: time.scheduler, onPoll: (ids, batched) => polls.push({ ids: ids.length, batched }) } },
      );
      const created = await Promise.all(Array.from({ length: 12 }, () => provider.createInstance(SMALL)));
      try {
        const unknown = 'i-0123456789abcdef0';
        const logged = proxy.log.length;
        const start = time.now();
        const results = await time.run([...created.map((instance) => provider.waitUntilReady(instance.id)), provider.waitUntilReady(unknown)]);
        const ready = results.slice(0, 12);
        for (const [i, result] of ready.entries()) {
          expect(result.status).toBe('fulfilled');
          const instance = (result as PromiseFulfilledResult<{ id: string; state: string; publicIp: string | null }>).value;
          expect(instance).toMatchObject({ id: created[i]!.id, state: 'running' });
          expect(instance.publicIp).not.toBeNull();
        }
        // All 12 were found by the first round, which asked for the unknown id too.
        expect(polls[0]).toEqual({ ids: 13, batched: true });
        expect(ready.map((result) => result.at - start)).toEqual(ready.map(() => DEFAULT_POLL_SCHEDULE_OPTIONS.firstMs));
        expect(results[12]).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
        const describes = proxy.log.slice(logged).filter((entry) => entry.operation === 'DescribeInstances');
        const batched = polls.filter((poll) => poll.batched).length;
        expect(batched).toBe(1);
        // The batch: ceil(13 / 5) pages at most; then one call a look for the unknown id alone.
        expect(describes.length).toBeLessThanOrEqual(Math.ceil(13 / PAGE_SIZE) + (polls.length - batched));
        // Moto pages the 12 reservations it found by MaxResults: 5, 5, 2, read through NextToken.
        expect(describes.slice(0, 3).map((entry) => entry.status)).toEqual([200, 200, 200]);
      } finally {
        await Promise.all(created.map((instance) => provider.terminateInstance(instance.id)));
      }
    });
  });
}
