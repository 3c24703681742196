/** Direct EC2 calls against moto for test set-up (key pairs, an unmanaged instance), outside the provider. */
import { CreateKeyPairCommand, DescribeInstanceAttributeCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { toInstanceState } from '../../src/instance.js';
import type { BackendInstanceView } from '../../src/testing/index.js';
import { FAKE_PUBLIC_IMAGES, publicImageId } from '../../src/testing/fixtures.js';

export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOCONFORMANCE1', secretAccessKey: 'moto-conformance-secret-5b2e' };

export function motoClient(endpoint: string, region = 'us-east-1'): EC2Client {
  return new EC2Client({ region, endpoint, credentials: { ...MOTO_CREDENTIALS }, maxAttempts: 1 });
}

export async function createKeyPair(endpoint: string, name: string): Promise<void> {
  const ec2 = motoClient(endpoint);
  try {
    await ec2.send(new CreateKeyPairCommand({ KeyName: name }));
  } finally {
    ec2.destroy();
  }
}

/** An instance without the managed-by tag. */
export async function seedUnmanaged(endpoint: string): Promise<{ id: string; name: string }> {
  const image = FAKE_PUBLIC_IMAGES.find((i) => i.architecture === 'x86_64')!;
  const name = `unmanaged-${Math.random().toString(16).slice(2, 8)}`;
  const ec2 = motoClient(endpoint);
  try {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: publicImageId(image, 'us-east-1'),
        InstanceType: 't3.small',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }, { Key: 'owner', Value: 'someone-else' }] }],
      }),
    );
    return { id: out.Instances![0]!.InstanceId!, name };
  } finally {
    ec2.destroy();
  }
}


/** What moto holds for an instance, in the contract's words (the suite's `inspect`), read past the provider. */
export async function inspectMoto(endpoint: string, id: string): Promise<BackendInstanceView | null> {
  const ec2 = motoClient(endpoint);
  try {
    let found;
    try {
      found = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    } catch (error) {
      if ((error as Error).name === 'InvalidInstanceID.NotFound') return null;
      throw error;
    }
    if (!found) return null;
    const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    const encoded = attribute.UserData?.Value;
    const tags = Object.fromEntries((found.Tags ?? []).filter((t) => t.Key !== 'Name').map((t) => [t.Key ?? '', t.Value ?? '']));
    return {
      id,
      state: toInstanceState(found.State?.Name),
      tags,
      sshKeys: found.KeyName ? [found.KeyName] : [],
      userData: encoded ? Buffer.from(encoded, 'base64').toString('utf8') : null,
      type: found.InstanceType ?? '',
      region: 'us-east-1',
      image: found.ImageId ?? '',
      architecture: found.Architecture === 'arm64' ? 'arm64' : 'amd64',
      spot: found.InstanceLifecycle === 'spot',
    };
  } finally {
    ec2.destroy();
  }
}
