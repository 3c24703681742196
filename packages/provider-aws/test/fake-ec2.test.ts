/**
 * The fake EC2 through the real EC2Client (SigV4 over loopback): what the SDK's serializers send
 * is what the fake reads, and what the fake answers the SDK's deserializers parse.
 */
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeAccountAttributesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { manualClock } from '@stagely/provider-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_OWNER_ID, FAKE_EC2_CREDENTIALS, startFakeEc2, type FakeEc2 } from '../src/testing/index.js';

let fake: FakeEc2;
let ec2: EC2Client;
const clock = manualClock(Date.now());

function client(region = 'us-east-1', credentials = FAKE_EC2_CREDENTIALS): EC2Client {
  return new EC2Client({ region, endpoint: fake.endpoint, credentials: { ...credentials }, maxAttempts: 1 });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EC2ServiceException) return error.name;
    throw error;
  }
  return 'no error';
}

async function ubuntuImage(region = 'us-east-1', arch = 'x86_64'): Promise<string> {
  const { Images = [] } = await client(region).send(
    new DescribeImagesCommand({
      Owners: [CANONICAL_OWNER_ID],
      Filters: [
        { Name: 'name', Values: ['ubuntu/images/*/ubuntu-*-24.04-*-server-*'] },
        { Name: 'architecture', Values: [arch] },
      ],
    }),
  );
  return Images.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0]!.ImageId!;
}

const run = (extra: Partial<RunInstancesCommandInput> = {}): RunInstancesCommandInput => ({
  ImageId: 'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
  InstanceType: 't3.small',
  MinCount: 1,
  MaxCount: 1,
  ...extra,
});

beforeAll(async () => {
  fake = await startFakeEc2({ clock, bootDelayMs: 1000, terminateDelayMs: 500, imageDelayMs: 500, maxPageSize: 5 });
  ec2 = client();
});
afterAll(async () => {
  ec2?.destroy();
  await fake?.close();
});

describe('fake EC2 through the real EC2Client', () => {
  it('checks SigV4: another secret is AuthFailure; the SDK does not retry (attempt=1; max=1)', async () => {
    expect((await ec2.send(new DescribeAccountAttributesCommand({}))).AccountAttributes?.length).toBeGreaterThan(0);
    const wrong = client('us-east-1', { ...FAKE_EC2_CREDENTIALS, secretAccessKey: 'not-the-secret' });
    expect(await codeOf(wrong.send(new DescribeRegionsCommand({})))).toBe('AuthFailure');
    expect(await codeOf(client('nowhere-9').send(new DescribeRegionsCommand({})))).toBe('AuthFailure');
    expect(new Set(fake.sdkAttempts)).toEqual(new Set(['attempt=1; max=1']));
  });

  it('runs an instance: pending, then running with a public IP; tags on instance and volume; user data decoded', async () => {
    const { Instances = [] } = await ec2.send(
      new RunInstancesCommand(
        run({
          KeyName: 'stagely-test',
          UserData: Buffer.from('#cloud-config\n').toString('base64'),
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'managed-by', Value: 'stagely' }, { Key: 'Name', Value: 'web-1' }] },
            { ResourceType: 'volume', Tags: [{ Key: 'managed-by', Value: 'stagely' }] },
          ],
        }),
      ),
    );
    const made = Instances[0]!;
    expect(made.State?.Name).toBe('pending');
    expect(made.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(made.Architecture).toBe('x86_64');
    expect(made.Tags).toContainEqual({ Key: 'Name', Value: 'web-1' });
    expect(made.LaunchTime).toBeInstanceOf(Date);
    const held = fake.record(made.InstanceId!)!;
    expect(held).toMatchObject({ keyName: 'stagely-test', userData: '#cloud-config\n', volumeTags: { 'managed-by': 'stagely' }, imageId: await ubuntuImage() });
    expect(fake.inspect(made.InstanceId!)).toMatchObject({
      state: 'pending',
      tags: { 'managed-by': 'stagely' },
      sshKeys: ['stagely-test'],
      userData: '#cloud-config\n',
      type: 't3.small',
      region: 'us-east-1',
      architecture: 'amd64',
      spot: false,
    });
    expect(fake.inspect('i-0123456789abcdef0')).toBeNull();
    clock.advance(1000);
    const { Reservations = [] } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [made.InstanceId!] }));
    const now = Reservations[0]!.Instances![0]!;
    expect(now.State).toEqual({ Code: 16, Name: 'running' });
    expect(now.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(now.BlockDeviceMappings?.[0]?.Ebs?.VolumeId).toBe(held.volumeId);
  });

  it('keeps ClientToken promises: same token and request = same instance; other request = IdempotentParameterMismatch', async () => {
    const first = await ec2.send(new RunInstancesCommand(run({ ClientToken: 'token-1' })));
    const again = await ec2.send(new RunInstancesCommand(run({ ClientToken: 'token-1' })));
    expect(again.Instances![0]!.InstanceId).toBe(first.Instances![0]!.InstanceId);
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ ClientToken: 'token-1', InstanceType: 't3.medium' }))))).toBe('IdempotentParameterMismatch');
  });

  it('refuses what EC2 refuses', async () => {
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ InstanceType: 't4g.small' }))))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ InstanceType: "x9.huge" as RunInstancesCommandInput["InstanceType"] }))))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ ImageId: 'ami-0000000000000000f' }))))).toBe('InvalidAMIID.NotFound');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ ImageId: 'nope' }))))).toBe('InvalidAMIID.Malformed');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ KeyName: 'missing' }))))).toBe('InvalidKeyPair.NotFound');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: '1' }] }] }))))).toBe('InvalidParameterValue');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await codeOf(ec2.send(new RunInstancesCommand(run({ TagSpecifications: [{ ResourceType: 'instance', Tags: many }] }))))).toBe('TagLimitExceeded');
    const arm = 'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id';
    expect(await codeOf(client('ap-south-2').send(new RunInstancesCommand(run({ ImageId: arm, InstanceType: 't4g.small' }))))).toBe('Unsupported');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-nothex'] })))).toBe('InvalidInstanceID.Malformed');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })))).toBe('InvalidInstanceID.NotFound');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: ['i-0123456789abcdef0'] })))).toBe('InvalidParameterCombination');
  });

  it('runs spot when there is capacity, and says InsufficientInstanceCapacity when there is none', async () => {
    const spot = { InstanceMarketOptions: { MarketType: 'spot' as const, SpotOptions: { SpotInstanceType: 'one-time' as const, InstanceInterruptionBehavior: 'terminate' as const } } };
    const { Instances = [] } = await ec2.send(new RunInstancesCommand(run(spot)));
    expect(Instances[0]!.InstanceLifecycle).toBe('spot');
    fake.setSpotCapacity(false);
    expect(await codeOf(ec2.send(new RunInstancesCommand(run(spot))))).toBe('InsufficientInstanceCapacity');
    fake.setSpotCapacity(true);
  });

  it('pages with MaxResults and NextToken, filters on tags and state, and terminates through shutting-down', async () => {
    const tag = { ResourceType: 'instance' as const, Tags: [{ Key: 'batch', Value: 'paging' }] };
    await Promise.all(Array.from({ length: 7 }, () => ec2.send(new RunInstancesCommand(run({ TagSpecifications: [tag] })))));
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:batch', Values: ['paging'] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }], MaxResults: 5, NextToken: token }));
      pages += 1;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
      token = page.NextToken;
    } while (token);
    expect(ids).toHaveLength(7);
    expect(pages).toBe(2);
    const { TerminatingInstances = [] } = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids[0]!] }));
    expect(TerminatingInstances[0]).toMatchObject({ CurrentState: { Name: 'shutting-down' }, PreviousState: { Name: 'pending' } });
    clock.advance(500);
    expect(fake.record(ids[0]!)?.state).toBe('terminated');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ NextToken: 'garbage' })))).toBe('InvalidParameterValue');
  });

  it('answers NotFound for a while after a create when told to', async () => {
    fake.notFoundFor(300);
    const { Instances = [] } = await ec2.send(new RunInstancesCommand(run()));
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: [Instances[0]!.InstanceId!] })))).toBe('InvalidInstanceID.NotFound');
    clock.advance(300);
    fake.notFoundFor(0);
    expect((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [Instances[0]!.InstanceId!] }))).Reservations).toHaveLength(1);
  });

  it('makes AMIs with EBS snapshots behind them; a snapshot in use cannot go; deregistering leaves it', async () => {
    const { Instances = [] } = await ec2.send(new RunInstancesCommand(run()));
    const instanceId = Instances[0]!.InstanceId!;
    clock.advance(1000);
    const { ImageId } = await ec2.send(
      new CreateImageCommand({ InstanceId: instanceId, Name: 'snap-test-1', NoReboot: true, TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'managed-by', Value: 'stagely' }] }, { ResourceType: 'snapshot', Tags: [{ Key: 'managed-by', Value: 'stagely' }] }] }),
    );
    expect(ImageId).toMatch(/^ami-/);
    const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:managed-by', Values: ['stagely'] }] }));
    expect(Images).toHaveLength(1);
    expect(Images[0]).toMatchObject({ State: 'pending', Name: 'snap-test-1', Architecture: 'x86_64' });
    const snapshotId = Images[0]!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    const { Snapshots = [] } = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    expect(Snapshots[0]).toMatchObject({ SnapshotId: snapshotId, Tags: [{ Key: 'managed-by', Value: 'stagely' }] });
    expect(await codeOf(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })))).toBe('InvalidSnapshot.InUse');
    expect(await codeOf(ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'snap-test-1' })))).toBe('InvalidAMIName.Duplicate');
    expect((await ec2.send(new DeregisterImageCommand({ ImageId }))).Return).toBe(true);
    expect(fake.snapshots().map((s) => s.snapshotId)).toContain(snapshotId);
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    expect(fake.snapshots().map((s) => s.snapshotId)).not.toContain(snapshotId);
    expect(await codeOf(ec2.send(new DeregisterImageCommand({ ImageId })))).toBe('InvalidAMIID.NotFound');
  });

  it('serves the catalogue, key pairs and regions', async () => {
    const { InstanceTypes = [] } = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t4g.small', 'c5.xlarge'] }));
    expect(InstanceTypes.map((t) => [t.InstanceType, t.ProcessorInfo?.SupportedArchitectures, t.VCpuInfo?.DefaultVCpus, t.MemoryInfo?.SizeInMiB])).toEqual([
      ['c5.xlarge', ['x86_64'], 4, 8192],
      ['t4g.small', ['arm64'], 2, 2048],
    ]);
    const offerings = await client('ap-south-2').send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'region', MaxResults: 5 }));
    expect(offerings.InstanceTypeOfferings).toHaveLength(5);
    expect(offerings.NextToken).toBeDefined();
    expect(offerings.InstanceTypeOfferings![0]).toMatchObject({ LocationType: 'region', Location: 'ap-south-2' });
    const keys = await ec2.send(new DescribeKeyPairsCommand({}));
    expect(keys.KeyPairs?.map((k) => k.KeyName)).toEqual(['stagely-test']);
    expect(await codeOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['nope'] })))).toBe('InvalidKeyPair.NotFound');
    const regions = await ec2.send(new DescribeRegionsCommand({}));
    expect(regions.Regions?.map((r) => r.RegionName)).toContain('eu-central-1');
  });

  it('throttles past its budget with RequestLimitExceeded, and injects faults before and after the handler', async () => {
    fake.rateLimit({ requests: 2, windowMs: 3_600_000 });
    await ec2.send(new DescribeRegionsCommand({}));
    await ec2.send(new DescribeRegionsCommand({}));
    expect(await codeOf(ec2.send(new DescribeRegionsCommand({})))).toBe('RequestLimitExceeded');
    fake.rateLimit(false);
    fake.injectFault('server-error');
    expect(await codeOf(ec2.send(new DescribeRegionsCommand({})))).toBe('InternalError');
    const before = fake.instances().length;
    fake.loseResponse('RunInstances');
    expect(await codeOf(ec2.send(new RunInstancesCommand(run())))).toBe('InternalError');
    expect(fake.instances().length).toBe(before + 1);
  });

  it('filters on instance-id with MaxResults / NextToken, leaving out ids it does not show; refuses more than 200 filter values', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => ec2.send(new RunInstancesCommand(run()))));
    const ids = made.map((out) => out.Instances![0]!.InstanceId!);
    fake.notFoundFor(1000);
    const hidden = (await ec2.send(new RunInstancesCommand(run()))).Instances![0]!.InstanceId!;
    fake.notFoundFor(0);
    const asked = [...ids, hidden, 'i-0123456789abcdef0'];
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: asked }], MaxResults: 5, NextToken: token }));
      pages += 1;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId!);
      token = page.NextToken;
    } while (token);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(pages).toBe(2);
    // InstanceIds instead fails the whole call for the one id not shown yet.
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: [...ids, hidden] })))).toBe('InvalidInstanceID.NotFound');
    const many = Array.from({ length: 201 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: many }] })))).toBe('FilterLimitExceeded');
    expect(await codeOf(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: many.slice(0, 150) }, { Name: 'tag:a', Values: many.slice(0, 51) }] })))).toBe('FilterLimitExceeded');
    expect((await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: many.slice(0, 200) }] }))).Reservations).toEqual([]);
    clock.advance(1000);
  });

  it('ends a failed launch as EC2 does: pending with StateReason pending, then shutting-down and terminated with the reason', async () => {
    fake.failLaunches({ code: 'Server.InsufficientInstanceCapacity', afterMs: 200 });
    const first = (await ec2.send(new RunInstancesCommand(run()))).Instances![0]!;
    const other = (await ec2.send(new RunInstancesCommand(run()))).Instances![0]!;
    expect(first.State?.Name).toBe('pending');
    expect(first.StateReason).toEqual({ Code: 'pending', Message: 'pending' });
    clock.advance(200);
    const describe = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
    const failing = await describe(first.InstanceId!);
    expect(failing.State?.Name).toBe('shutting-down');
    expect(failing.StateReason).toEqual({ Code: 'Server.InsufficientInstanceCapacity', Message: 'Server.InsufficientInstanceCapacity: Insufficient capacity to satisfy launch request' });
    clock.advance(500);
    expect((await describe(first.InstanceId!)).State?.Name).toBe('terminated');
    expect((await describe(first.InstanceId!)).StateReason?.Code).toBe('Server.InsufficientInstanceCapacity');
    clock.advance(800);
    expect(await describe(other.InstanceId!)).toMatchObject({ State: { Name: 'running' } });
    expect((await describe(other.InstanceId!)).StateReason).toBeUndefined();
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [other.InstanceId!] }));
    expect((await describe(other.InstanceId!)).StateReason?.Code).toBe('Client.UserInitiatedShutdown');
    expect(fake.calls('RunInstances').length).toBeGreaterThanOrEqual(2);
    expect(fake.calls('RunInstances').at(-1)!.at).toBe(clock.now() - 1500);
  });
});
