/** Direct EC2 calls against moto for test set-up (key pairs, an unmanaged instance), outside the provider. */
import { CreateKeyPairCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
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
