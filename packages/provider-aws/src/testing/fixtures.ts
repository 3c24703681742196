/**
 * What the fake EC2 offers: regions with their zones, instance types (architecture, vCPUs,
 * memory) and where they are offered, and the public OS images that the provider looks up
 * (Canonical's Ubuntu and Debian's own, under their real owner ids and naming schemes). Image ids
 * differ per region, as they do in EC2, so a hard-coded AMI id would fail elsewhere.
 */
import { createHash } from 'node:crypto';

export const FAKE_ACCOUNT_ID = '123456789012';
/** Canonical's and Debian's AWS account ids, which own their official images. */
export const CANONICAL_OWNER_ID = '099720109477';
export const DEBIAN_OWNER_ID = '136693071363';

export type Ec2Architecture = 'x86_64' | 'arm64';

export interface FakeRegion {
  name: string;
  zones: string[];
}

export const FAKE_REGIONS: readonly FakeRegion[] = [
  { name: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
  { name: 'us-west-2', zones: ['us-west-2a', 'us-west-2b'] },
  { name: 'eu-west-1', zones: ['eu-west-1a', 'eu-west-1b'] },
  { name: 'eu-central-1', zones: ['eu-central-1a', 'eu-central-1b'] },
  // A small region where Graviton types are not offered.
  { name: 'ap-south-2', zones: ['ap-south-2a'] },
];

export interface FakeInstanceType {
  name: string;
  architecture: Ec2Architecture;
  vcpus: number;
  memoryMiB: number;
  currentGeneration: boolean;
  /** Regions where it is not offered (all others offer it). */
  notIn?: readonly string[];
  /** On-demand price in USD per hour; a spot MaxPrice below a third of it is too low. */
  price: number;
}

const GRAVITON_ABSENT = ['ap-south-2'];

export const FAKE_INSTANCE_TYPES: readonly FakeInstanceType[] = [
  { name: 't3.micro', architecture: 'x86_64', vcpus: 2, memoryMiB: 1024, currentGeneration: true, price: 0.0104 },
  { name: 't3.small', architecture: 'x86_64', vcpus: 2, memoryMiB: 2048, currentGeneration: true, price: 0.0208 },
  { name: 't3.medium', architecture: 'x86_64', vcpus: 2, memoryMiB: 4096, currentGeneration: true, price: 0.0416 },
  { name: 'c5.large', architecture: 'x86_64', vcpus: 2, memoryMiB: 4096, currentGeneration: true, price: 0.085 },
  { name: 'c5.xlarge', architecture: 'x86_64', vcpus: 4, memoryMiB: 8192, currentGeneration: true, price: 0.17 },
  { name: 'c5.2xlarge', architecture: 'x86_64', vcpus: 8, memoryMiB: 16384, currentGeneration: true, price: 0.34 },
  { name: 'm5.large', architecture: 'x86_64', vcpus: 2, memoryMiB: 8192, currentGeneration: true, price: 0.096 },
  { name: 'm1.small', architecture: 'x86_64', vcpus: 1, memoryMiB: 1740, currentGeneration: false, price: 0.044, notIn: ['ap-south-2', 'eu-central-1'] },
  { name: 't4g.micro', architecture: 'arm64', vcpus: 2, memoryMiB: 1024, currentGeneration: true, price: 0.0084, notIn: GRAVITON_ABSENT },
  { name: 't4g.small', architecture: 'arm64', vcpus: 2, memoryMiB: 2048, currentGeneration: true, price: 0.0168, notIn: GRAVITON_ABSENT },
  { name: 't4g.medium', architecture: 'arm64', vcpus: 2, memoryMiB: 4096, currentGeneration: true, price: 0.0336, notIn: GRAVITON_ABSENT },
  { name: 'c6g.large', architecture: 'arm64', vcpus: 2, memoryMiB: 4096, currentGeneration: true, price: 0.068, notIn: GRAVITON_ABSENT },
  { name: 'c6g.xlarge', architecture: 'arm64', vcpus: 4, memoryMiB: 8192, currentGeneration: true, price: 0.136, notIn: GRAVITON_ABSENT },
  { name: 'c6g.2xlarge', architecture: 'arm64', vcpus: 8, memoryMiB: 16384, currentGeneration: true, price: 0.272, notIn: GRAVITON_ABSENT },
];

export function offeredIn(type: FakeInstanceType, region: string): boolean {
  return !(type.notIn ?? []).includes(region);
}

export interface FakePublicImage {
  name: string;
  ownerId: string;
  architecture: Ec2Architecture;
  creationDate: string;
  description: string;
  /** The public SSM parameter that points at it, when it is the newest of its line. */
  ssmParameter?: string;
}

const ubuntu = (codename: string, version: string, volume: string, arch: 'amd64' | 'arm64', date: string, latest: boolean): FakePublicImage => ({
  name: `ubuntu/images/${volume}/ubuntu-${codename}-${version}-${arch}-server-${date}`,
  ownerId: CANONICAL_OWNER_ID,
  architecture: arch === 'amd64' ? 'x86_64' : 'arm64',
  creationDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T08:00:00.000Z`,
  description: `Canonical, Ubuntu, ${version} LTS, ${arch} ${codename} image`,
  ...(latest ? { ssmParameter: `/aws/service/canonical/ubuntu/server/${version}/stable/current/${arch}/hvm/${volume === 'hvm-ssd-gp3' ? 'ebs-gp3' : 'ebs-gp2'}/ami-id` } : {}),
});

const debian = (version: string, arch: 'amd64' | 'arm64', stamp: string): FakePublicImage => ({
  name: `debian-${version}-${arch}-${stamp}`,
  ownerId: DEBIAN_OWNER_ID,
  architecture: arch === 'amd64' ? 'x86_64' : 'arm64',
  creationDate: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T20:19:00.000Z`,
  description: `Debian ${version} (${stamp})`,
  ssmParameter: `/aws/service/debian/release/${version}/latest/${arch}`,
});

export const FAKE_PUBLIC_IMAGES: readonly FakePublicImage[] = [
  ubuntu('noble', '24.04', 'hvm-ssd-gp3', 'amd64', '20250115', false),
  ubuntu('noble', '24.04', 'hvm-ssd-gp3', 'amd64', '20250305', true),
  ubuntu('noble', '24.04', 'hvm-ssd-gp3', 'arm64', '20250305', true),
  ubuntu('jammy', '22.04', 'hvm-ssd', 'amd64', '20250228', true),
  ubuntu('jammy', '22.04', 'hvm-ssd', 'arm64', '20250228', true),
  debian('12', 'amd64', '20250210-2019'),
  debian('12', 'arm64', '20250210-2019'),
];

/** An id of `prefix-` and 17 hex digits, stable for `seed` (image ids per region). */
export function stableId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

export function publicImageId(image: FakePublicImage, region: string): string {
  return stableId('ami', `${region}/${image.name}`);
}
