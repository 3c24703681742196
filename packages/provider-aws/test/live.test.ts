/**
 * The conformance suite against real AWS EC2. Runs only with STAGELY_LIVE=1 and AWS credentials in
 * the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; the SDK's default
 * chain): it launches billed instances. Otherwise it is skipped, saying so.
 *
 * Everything it creates carries the tag `stagely-run=<this run's label>`; the sweeper terminates
 * what a run left behind (and leftovers of earlier live runs older than three hours), and deletes
 * the AMIs (with their EBS snapshots) named after the run.
 * Optional: AWS_REGION (default us-east-1), AWS_SSH_KEY (a key pair name in that region).
 */
import { randomBytes } from 'node:crypto';
import { createRegistry, type CloudProvider } from '@stagely/provider-core';
import { describeProviderConformance, RUN_TAG } from '@stagely/provider-core/conformance';
import { afterAll, describe, it } from 'vitest';
import plugin from '../src/index.js';

const env = process.env;
const hasCredentials = (env.AWS_ACCESS_KEY_ID ?? '') !== '' || (env.AWS_PROFILE ?? '') !== '';
const live = env.STAGELY_LIVE === '1' && hasCredentials;
const RUN_PREFIX = 'aws-live-';
const STALE_MS = 3 * 60 * 60_000;

if (!live) {
  describe('live AWS EC2', () => {
    it.skip('live AWS: set STAGELY_LIVE=1 and AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) to run the conformance suite against EC2', () => {});
  });
} else {
  const runLabel = `${RUN_PREFIX}${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const region = env.AWS_REGION ?? 'us-east-1';
  // Credentials come from the SDK's default chain; none are put into the config.
  const config = { region, retry: { maxAttempts: 5 }, readinessPoll: { firstMs: 5000 } };
  const registry = createRegistry({ plugins: [plugin] });
  const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((s): s is string => typeof s === 'string' && s !== '');

  /** Terminates this run's instances and stale ones of earlier live runs; deletes this run's AMIs. */
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
    name: `aws (live, ${region}, run ${runLabel})`,
    createProvider: ({ strict, events } = {}) =>
      createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get('aws', { ...config, strict: strict ?? false }),
    region,
    unknownId: 'i-0123456789abcdef0',
    malformedId: 'not-an-instance-id',
    readyTimeoutMs: 300_000,
    tooShortTimeoutMs: 1000,
    pagedInstanceCount: 3,
    concurrentCreates: 3,
    ...(env.AWS_SSH_KEY ? { sshKeyName: env.AWS_SSH_KEY } : {}),
    runLabel,
    secrets,
    testTimeoutMs: 900_000,
    hooks: { cleanup: sweep },
  });

  afterAll(async () => sweep(await registry.get('aws', config)), 900_000);
}
