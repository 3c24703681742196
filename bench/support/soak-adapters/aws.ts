/** The soak on the fake EC2 Query API, through @aws-sdk/client-ec2 (SigV4 checked by the fake). */
import plugin from '@stagely/provider-aws';
import { LOST_OPERATIONS, startFakeEc2, type FakeEc2 } from '@stagely/provider-aws/testing';
import { kitTarget } from '../kit-target.js';
import type { SoakAdapter, StoreRecord } from '../soak-target.js';
import { SOAK_BUDGET, soakProvider } from './provider-config.js';

const CREDENTIALS = { accessKeyId: 'AKIASOAKBENCH0000001', secretAccessKey: 'soak-aws-secret-3e7d9b1f5a2c4e6d8f0a' };

export const awsSoak: SoakAdapter = {
  name: 'aws',
  async start(options) {
    const fake = await startFakeEc2({
      credentials: [CREDENTIALS],
      seed: options.seed,
      bootDelayMs: 40,
      terminateDelayMs: 20,
      imageDelayMs: 10,
      maxPageSize: 5,
      vcpuLimit: 100_000,
      rateLimit: SOAK_BUDGET,
    });
    const provider = await soakProvider(plugin, { ...CREDENTIALS, endpoint: fake.endpoint, region: 'us-east-1' }, options);
    // EC2 refuses a spent budget with 503 RequestLimitExceeded: it has no 429 and no reset headers.
    return kitTarget({ fake, operations: LOST_OPERATIONS, provider, secrets: [CREDENTIALS.secretAccessKey], refusedStatus: 503, store: () => store(fake) });
  },
};

function store(fake: FakeEc2): StoreRecord[] {
  const images = fake.images();
  /** An AMI's EBS snapshots go with it; one whose AMI is gone is an image of its own. */
  const backing = new Set(images.flatMap((i) => i.snapshotIds));
  return [
    ...fake.instances().map((i) => ({
      kind: 'instance' as const,
      id: i.instanceId,
      name: i.tags.Name ?? '',
      alive: !['shutting-down', 'terminated'].includes(i.state),
      keys: [i.tags.Name ?? '', i.clientToken ?? ''].filter(Boolean),
    })),
    ...images.map((i) => ({ kind: 'image' as const, id: i.imageId, name: i.name, alive: true, keys: [i.name, i.tags['stagely-request'] ?? ''].filter(Boolean) })),
    ...fake
      .snapshots()
      .filter((s) => !backing.has(s.snapshotId))
      .map((s) => ({ kind: 'image' as const, id: s.snapshotId, name: s.description, alive: true, keys: [...(s.description.match(/ami-[0-9a-f]+/g) ?? []), ...Object.values(s.tags)] })),
  ];
}
