/**
 * The conformance suite against the real DigitalOcean API. Runs only with STAGELY_LIVE=1 and
 * DIGITALOCEAN_TOKEN set (it creates billed Droplets); otherwise it is skipped, saying so.
 *
 * Everything it creates carries the tag `stagely-run:<this run's label>`; the sweeper terminates
 * what a run left behind (and leftovers of earlier live runs older than three hours), and deletes
 * snapshots named after the run.
 * Optional: DIGITALOCEAN_REGION (default nyc3), DIGITALOCEAN_SSH_KEY (a key name in the account).
 */
import { randomBytes } from 'node:crypto';
import { createRegistry, type CloudProvider } from '@stagely/provider-core';
import { describeProviderConformance, RUN_TAG } from '@stagely/provider-core/conformance';
import { afterAll, describe, it } from 'vitest';
import plugin from '../src/index.js';

const token = process.env.DIGITALOCEAN_TOKEN ?? '';
const live = process.env.STAGELY_LIVE === '1' && token !== '';
const RUN_PREFIX = 'do-live-';
const STALE_MS = 3 * 60 * 60_000;

if (!live) {
  describe('live DigitalOcean', () => {
    it.skip('live DigitalOcean: set STAGELY_LIVE=1 and DIGITALOCEAN_TOKEN to run the conformance suite against the real API', () => {});
  });
} else {
  const runLabel = `${RUN_PREFIX}${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const region = process.env.DIGITALOCEAN_REGION ?? 'nyc3';
  const config = { token, region, retry: { maxAttempts: 5 }, readinessPoll: { firstMs: 5000 } };
  const registry = createRegistry({ plugins: [plugin] });

  /** Terminates this run's Droplets and stale ones of earlier live runs; deletes this run's snapshots. */
  const sweep = async (provider: CloudProvider): Promise<void> => {
    const managed = await provider.listInstances();
    const leftovers = managed.filter((instance) => {
      const run = instance.tags[RUN_TAG];
      if (run === runLabel) return true;
      return run?.startsWith(RUN_PREFIX) === true && Date.now() - instance.createdAt.getTime() > STALE_MS;
    });
    await Promise.allSettled(leftovers.map((instance) => provider.terminateInstance(instance.id)));
    const snapshots = await provider.listSnapshots();
    await Promise.allSettled(snapshots.filter((s) => s.name.startsWith(runLabel)).map((s) => provider.deleteSnapshot(s.id)));
  };

  describeProviderConformance({
    name: `digitalocean (live, ${region}, run ${runLabel})`,
    createProvider: ({ strict, events } = {}) =>
      createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get('digitalocean', { ...config, strict: strict ?? false }),
    region,
    unknownId: '1',
    malformedId: 'not-a-number',
    readyTimeoutMs: 300_000,
    tooShortTimeoutMs: 1000,
    pagedInstanceCount: 3,
    concurrentCreates: 3,
    ...(process.env.DIGITALOCEAN_SSH_KEY ? { sshKeyName: process.env.DIGITALOCEAN_SSH_KEY } : {}),
    runLabel,
    secrets: [token],
    testTimeoutMs: 600_000,
    hooks: { cleanup: sweep },
  });

  afterAll(async () => sweep(await registry.get('digitalocean', config)), 600_000);
}
