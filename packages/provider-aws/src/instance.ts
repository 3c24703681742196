/**
 * EC2 instances and AMIs in the contract's words. `shutting-down` is on its way out and no longer
 * runs: the contract's `terminating`; EC2 keeps terminated instances visible for about an hour.
 */
import type { Instance, InstanceState, Snapshot } from '@stagely/provider-core/provider';
import { fromEc2Architecture } from './catalog.js';
import type { Ec2Image, Ec2Instance } from './sdk/ec2-api.js';
import { NAME_TAG, tagRecord } from './tags.js';

/** EC2's instance state names (InstanceStateName in the SDK's model) -> normalized state. */
const STATES: Readonly<Record<string, InstanceState>> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

export function toInstanceState(name: string | undefined): InstanceState {
  return (name !== undefined ? STATES[name] : undefined) ?? 'unknown';
}

export function toInstance(instance: Ec2Instance, provider: string, region: string, warnings: readonly string[] = []): Instance {
  const all = tagRecord(instance.Tags);
  const { [NAME_TAG]: name, ...tags } = all;
  const providerState = instance.State?.Name ?? 'unknown';
  return {
    id: instance.InstanceId ?? '',
    provider,
    name: name ?? instance.InstanceId ?? '',
    state: toInstanceState(providerState),
    providerState,
    publicIp: instance.PublicIpAddress || null,
    privateIp: instance.PrivateIpAddress || null,
    region,
    type: instance.InstanceType ?? 'unknown',
    architecture: fromEc2Architecture(instance.Architecture) ?? 'amd64',
    // What EC2 actually provisioned: a spot instance says so in InstanceLifecycle.
    spot: instance.InstanceLifecycle === 'spot',
    tags,
    createdAt: instance.LaunchTime instanceof Date ? instance.LaunchTime : new Date(instance.LaunchTime ?? 0),
    warnings: [...warnings],
  };
}

/** The EBS snapshots behind an AMI (what must go too when the AMI goes). */
export function snapshotIdsOf(image: Ec2Image): string[] {
  return (image.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : []));
}

export function toSnapshot(image: Ec2Image, provider: string, region: string): Snapshot {
  const sizeGb = (image.BlockDeviceMappings ?? []).reduce((sum, m) => sum + (m.Ebs?.VolumeSize ?? 0), 0);
  return {
    id: image.ImageId ?? '',
    provider,
    name: image.Name ?? '',
    instanceId: image.SourceInstanceId ?? tagRecord(image.Tags)['stagely-instance'] ?? null,
    region,
    sizeGb: sizeGb > 0 ? sizeGb : null,
    createdAt: new Date(image.CreationDate ?? 0),
  };
}
