/** AwsProvider against the fake EC2: what the conformance suite does not reach. */
import { provisionInstance } from '@stagely/provider-core';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, CREDENTIALS, type Harness } from './support/harness.js';
import { failure } from './support/failure.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());


const small = (extra: Record<string, unknown> = {}) => ({ size: 'small' as const, tags: { suite: 'provider' }, ...extra });

describe('createInstance', () => {
  it('sends one ClientToken per call, reused by its retries: a lost RunInstances answer makes one instance', async () => {
    const before = h.fake.instances().length;
    h.fake.loseResponse('RunInstances');
    h.fake.loseResponse('RunInstances', { respond: 'reset' });
    const runs = h.calls('RunInstances');
    const instance = await h.provider.createInstance(small());
    expect(h.calls('RunInstances') - runs).toBe(3);
    expect(h.fake.instances().length - before).toBe(1);
    expect(h.fake.record(instance.id)?.clientToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a last ambiguous failure removes what the token made', async () => {
    const provider = h.make({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    h.fake.loseResponse('RunInstances', { times: 2 });
    const error = await failure(provider.createInstance(small({ name: 'lost-twice' })));
    expect(error.code).toBe('API');
    const made = h.fake.instances().filter((i) => i.tags.Name === 'lost-twice');
    expect(made).toHaveLength(1);
    expect(['shutting-down', 'terminated']).toContain(made[0]!.state);
  });

  it('tags the instance and its volume, encodes user data, sets one key pair, never lets the SDK retry', async () => {
    const instance = await h.provider.createInstance(small({ name: 'web-1', userData: '#cloud-config\npackages: [nginx]\n', sshKeys: ['stagely-test'], tags: { app: 'shop' } }));
    const held = h.fake.record(instance.id)!;
    expect(held.tags).toEqual({ app: 'shop', 'managed-by': 'stagely', Name: 'web-1' });
    expect(held.volumeTags).toEqual(held.tags);
    expect(held.userData).toBe('#cloud-config\npackages: [nginx]\n');
    expect(held.keyName).toBe('stagely-test');
    expect(instance).toMatchObject({ name: 'web-1', type: 't3.small', architecture: 'amd64', spot: false, region: 'us-east-1', tags: { app: 'shop', 'managed-by': 'stagely' } });
    expect(new Set(h.fake.sdkAttempts)).toEqual(new Set(['attempt=1; max=1']));
  });

  it('spot without capacity falls back to on-demand, with a warning and an event', async () => {
    h.fake.setSpotCapacity(false);
    try {
      const eventsBefore = h.events.length;
      const instance = await h.provider.createInstance(small({ spot: true }));
      expect(instance.spot).toBe(false);
      expect(h.fake.record(instance.id)?.spot).toBe(false);
      expect(instance.warnings.join(' ')).toMatch(/no spot capacity.*on-demand/);
      expect(h.events.slice(eventsBefore).some((e) => e.type === 'warning' && /on-demand/.test(e.message))).toBe(true);
      // strict changes nothing here: spot is supported, the fallback is about capacity.
      expect((await h.make({ strict: true }).createInstance(small({ spot: true }))).spot).toBe(false);
      const refused = await failure(h.make({ spotFallback: false }).createInstance(small({ spot: true, name: 'spot-only' })));
      expect(refused.code).toBe('CAPACITY');
      expect(h.fake.instances().filter((i) => i.tags.Name === 'spot-only')).toEqual([]);
    } finally {
      h.fake.setSpotCapacity(true);
    }
    const spot = await h.provider.createInstance(small({ spot: true }));
    expect(spot.spot).toBe(true);
    expect(h.fake.record(spot.id)?.spot).toBe(true);
  });

  it('creates in another region than the provider\'s, and finds, lists and terminates it there', async () => {
    const instance = await h.provider.createInstance(small({ region: 'eu-west-1', architecture: 'arm64' }));
    expect(instance).toMatchObject({ region: 'eu-west-1', architecture: 'arm64', type: 't4g.small' });
    expect(h.fake.record(instance.id)?.region).toBe('eu-west-1');
    expect((await h.provider.getInstance(instance.id))?.region).toBe('eu-west-1');
    expect((await h.provider.listInstances({ tags: { suite: 'provider' } })).map((i) => i.id)).toContain(instance.id);
    await h.provider.terminateInstance(instance.id);
    expect(['shutting-down', 'terminated']).toContain(h.fake.record(instance.id)?.state);
  });

  it('terminate resolves at shutting-down (terminating); listing shows terminating, never terminated', async () => {
    const fake = await startHarness({ terminateDelayMs: 60_000 });
    try {
      const instance = await fake.provider.createInstance(small());
      await fake.provider.terminateInstance(instance.id);
      const got = await fake.provider.getInstance(instance.id);
      expect(got).toMatchObject({ state: 'terminating', providerState: 'shutting-down' });
      expect((await fake.provider.listInstances()).map((i) => [i.id, i.state])).toEqual([[instance.id, 'terminating']]);
      await fake.provider.terminateInstance(instance.id);
    } finally {
      await fake.close();
    }
  });

  it('rides out DescribeInstances answering NotFound right after RunInstances', async () => {
    h.fake.notFoundFor(150);
    try {
      const instance = await provisionInstance(h.provider, small(), { timeoutMs: 5000 });
      expect(instance.state).toBe('running');
      expect(instance.publicIp).toMatch(/\d+\.\d+\.\d+\.\d+/);
    } finally {
      h.fake.notFoundFor(0);
    }
  });
});

describe('validateSpec: what createInstance would do, with reads only', () => {
  it('resolves type, region, architecture and a per-region image', async () => {
    const runs = h.calls('RunInstances');
    const east = await h.provider.validateSpec({ size: 'medium', architecture: 'arm64' });
    const west = await h.provider.validateSpec({ size: 'medium', architecture: 'arm64', region: 'us-west-2' });
    expect(east).toMatchObject({ type: 'c6g.xlarge', region: 'us-east-1', architecture: 'arm64', spot: false, warnings: [] });
    expect(east.image).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(west.image).toMatch(/^ami-/);
    expect(west.image).not.toBe(east.image);
    expect((await h.provider.validateSpec({ size: 'small', image: { debian: '12' } })).image).toMatch(/^ami-/);
    expect(h.calls('RunInstances')).toBe(runs);
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown native type', { size: { type: 'x9.huge' } }, 'size'],
    ['a type of the other architecture', { size: { type: 't4g.small' } }, 'size'],
    ['a type not offered in the region', { size: 'small', architecture: 'arm64', region: 'ap-south-2' }, 'size'],
    ['an unknown region', { size: 'small', region: 'mars-north-1' }, 'region'],
    ['two key pairs', { size: 'small', sshKeys: ['stagely-test', 'other'] }, 'sshKeys'],
    ['an unknown key pair', { size: 'small', sshKeys: ['nope'] }, 'sshKeys'],
    ['an aws: tag', { size: 'small', tags: { 'aws:cloudformation:stack': 'x' } }, 'tags'],
    ['a 129-character tag key', { size: 'small', tags: { ['k'.repeat(129)]: 'v' } }, 'tags'],
    ['a 257-character tag value', { size: 'small', tags: { k: 'v'.repeat(257) } }, 'tags'],
    ['49 tags (50 with managed-by, 51 with Name)', { size: 'small', tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v'])) }, 'tags'],
    ['a Name tag', { size: 'small', tags: { Name: 'x' } }, 'tags'],
    ['user data over 16 KiB', { size: 'small', userData: 'x'.repeat(16 * 1024 + 1) }, 'userData'],
    ['an unknown Ubuntu version', { size: 'small', image: { ubuntu: '99.04' } }, 'image'],
    ['a malformed AMI id', { size: 'small', image: { id: 'ubuntu' } }, 'image'],
    ['an AMI of the other architecture', { size: 'small', architecture: 'arm64', image: { id: 'AMD64_UBUNTU' } }, 'image'],
    ['a snapshot that does not exist', { size: 'small', image: { snapshot: 'ami-0123456789abcdef0' } }, 'image'],
  ];
  for (const [what, spec, field] of refused) {
    it(`refuses ${what} with the same InvalidInputError (${field}) as createInstance, before RunInstances`, async () => {
      const resolved = { ...spec };
      if ((spec.image as { id?: string } | undefined)?.id === 'AMD64_UBUNTU') resolved.image = { id: (await h.provider.validateSpec({ size: 'small' })).image };
      const runs = h.calls('RunInstances');
      const viaValidate = await failure(h.provider.validateSpec(resolved as never));
      const viaCreate = await failure(h.provider.createInstance(resolved as never));
      expect(viaValidate.code).toBe('INVALID_INPUT');
      expect(String(viaValidate.details.field)).toMatch(new RegExp(`^${field}`));
      expect({ code: viaCreate.code, field: viaCreate.details.field, message: viaCreate.message }).toEqual({ code: viaValidate.code, field: viaValidate.details.field, message: viaValidate.message });
      expect(h.calls('RunInstances')).toBe(runs);
    });
  }

  it('names alternatives when a type is refused', async () => {
    const error = await failure(h.provider.validateSpec({ size: 'small', architecture: 'arm64', region: 'ap-south-2' }));
    expect(error.message).toMatch(/t4g\.small.*not offered in ap-south-2/);
    const other = await failure(h.provider.validateSpec({ size: { type: 't4g.small' } }));
    expect(other.details.alternatives).toContain('t3.small');
  });
});

describe('snapshots are AMIs', () => {
  it('createSnapshot makes a tagged AMI without reboot; deleteSnapshot removes the AMI and its EBS snapshots, twice', async () => {
    const instance = await provisionInstance(h.provider, small(), { timeoutMs: 5000 });
    const snapshot = await h.provider.createSnapshot(instance.id, 'provider-test-snap');
    const image = h.fake.images().find((i) => i.imageId === snapshot.id)!;
    expect(image).toMatchObject({ name: 'provider-test-snap', state: 'available', noReboot: true, tags: { 'managed-by': 'stagely', 'stagely-instance': instance.id } });
    expect(snapshot).toMatchObject({ name: 'provider-test-snap', instanceId: instance.id, region: 'us-east-1' });
    const ebs = image.snapshotIds;
    expect(ebs).toHaveLength(1);
    // A new instance from the snapshot.
    const restored = await h.provider.createInstance(small({ image: { snapshot: snapshot.id } }));
    expect(h.fake.record(restored.id)?.imageId).toBe(snapshot.id);
    await h.provider.deleteSnapshot(snapshot.id);
    expect(h.fake.images().map((i) => i.imageId)).not.toContain(snapshot.id);
    expect(h.fake.snapshots().map((s) => s.snapshotId)).not.toContain(ebs[0]);
    await h.provider.deleteSnapshot(snapshot.id);
  });

  it('a delete that stopped after DeregisterImage is finished by the next one (no EBS snapshot left billing)', async () => {
    const instance = await provisionInstance(h.provider, small(), { timeoutMs: 5000 });
    const snapshot = await h.provider.createSnapshot(instance.id, 'half-deleted');
    const ebs = h.fake.images().find((i) => i.imageId === snapshot.id)!.snapshotIds[0]!;
    h.fake.injectFault('forbidden', 1, { operation: 'DeleteSnapshot' });
    expect((await failure(h.provider.deleteSnapshot(snapshot.id))).code).toBe('PERMISSION_DENIED');
    expect(h.fake.snapshots().map((s) => s.snapshotId)).toContain(ebs);
    await h.provider.deleteSnapshot(snapshot.id);
    expect(h.fake.snapshots().map((s) => s.snapshotId)).not.toContain(ebs);
  });

  it('a lost CreateImage answer makes one AMI', async () => {
    const instance = await provisionInstance(h.provider, small(), { timeoutMs: 5000 });
    h.fake.loseResponse('CreateImage');
    const snapshot = await h.provider.createSnapshot(instance.id, 'lost-answer-snap');
    expect(h.fake.images().filter((i) => i.name === 'lost-answer-snap').map((i) => i.imageId)).toEqual([snapshot.id]);
    await h.provider.deleteSnapshot(snapshot.id);
  });

  it('an aborted createSnapshot leaves no AMI behind', async () => {
    const fake = await startHarness({ imageDelayMs: 60_000 });
    try {
      const instance = await provisionInstance(fake.provider, small(), { timeoutMs: 5000 });
      const controller = new AbortController();
      const creating = fake.provider.createSnapshot(instance.id, 'aborted-snap', { signal: controller.signal });
      while (fake.calls('CreateImage') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      expect((await failure(creating)).code).toBe('ABORTED');
      expect(fake.fake.images()).toEqual([]);
      expect(fake.fake.snapshots()).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('credentials and throttling', () => {
  it('a wrong secret is AUTHENTICATION; no credential in the error or any event', async () => {
    const secret = 'a-wrong-secret-that-must-not-leak-9f8e';
    const wrong = h.make({ secretAccessKey: secret });
    const error = await failure(wrong.validateCredentials());
    expect(error.code).toBe('AUTHENTICATION');
    expect(error.details).toMatchObject({ ec2Code: 'AuthFailure', status: 401, operation: 'DescribeAccountAttributes' });
    expect(typeof error.details.requestId).toBe('string');
    for (const text of [inspect(error, { depth: 10 }), JSON.stringify(error.toJSON()), error.stack ?? '', inspect(h.events, { depth: 10 })]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(CREDENTIALS.secretAccessKey);
      expect(text).not.toMatch(/Signature=|AWS4-HMAC-SHA256/);
    }
  });

  it('RequestLimitExceeded is retried, then RATE_LIMITED with a wait', async () => {
    h.fake.rateLimit({ requests: 1, windowMs: 3_600_000 });
    try {
      const error = await failure(h.make({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 5000 } }).listSshKeys().then(() => h.provider.listSshKeys()));
      expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
      expect(error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      h.fake.rateLimit(false);
    }
  });
});
