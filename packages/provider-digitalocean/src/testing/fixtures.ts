/**
 * The catalogue the fake DigitalOcean API serves: a few regions (one not available for new
 * Droplets), sizes (the size table's, one retired, one offered in some regions only) and
 * distribution images, shaped as the API reference's `region`, `size` and `image` schemas.
 */

export interface FakeRegion {
  slug: string;
  name: string;
  available: boolean;
  features: string[];
}

export interface FakeSize {
  slug: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  price_monthly: number;
  price_hourly: number;
  description: string;
  available: boolean;
  /** Regions that offer it. */
  regions: string[];
}

export interface FakeDistributionImage {
  id: number;
  name: string;
  distribution: 'Ubuntu' | 'Debian';
  slug: string;
  min_disk_size: number;
  size_gigabytes: number;
}

const FEATURES = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'];

export const FAKE_REGIONS: readonly FakeRegion[] = [
  { slug: 'nyc1', name: 'New York 1', available: true, features: FEATURES },
  { slug: 'nyc2', name: 'New York 2', available: false, features: FEATURES },
  { slug: 'nyc3', name: 'New York 3', available: true, features: FEATURES },
  { slug: 'ams3', name: 'Amsterdam 3', available: true, features: FEATURES },
  { slug: 'fra1', name: 'Frankfurt 1', available: true, features: FEATURES },
  { slug: 'sgp1', name: 'Singapore 1', available: true, features: FEATURES },
];

const EVERYWHERE = ['nyc1', 'nyc3', 'ams3', 'fra1', 'sgp1'];

export const FAKE_SIZES: readonly FakeSize[] = [
  size('s-1vcpu-1gb', 1, 1024, 25, 1, 6, 'Basic'),
  size('s-1vcpu-2gb', 1, 2048, 50, 2, 12, 'Basic'),
  size('s-2vcpu-4gb', 2, 4096, 80, 4, 24, 'Basic'),
  size('s-4vcpu-8gb', 4, 8192, 160, 5, 48, 'Basic'),
  size('c-4', 4, 8192, 50, 5, 84, 'CPU-Optimized'),
  size('c-8', 8, 16384, 100, 6, 168, 'CPU-Optimized'),
  // Offered in two regions only, so "not offered in this region" can be asked for.
  size('m-2vcpu-16gb', 2, 16384, 50, 4, 84, 'Memory-Optimized', ['nyc3', 'fra1']),
  // Retired: listed, but no longer orderable anywhere.
  { ...size('s-1vcpu-512mb', 1, 512, 10, 0.5, 4, 'Basic', []), available: false },
];

export const FAKE_DISTRIBUTION_IMAGES: readonly FakeDistributionImage[] = [
  { id: 170_000_001, name: '24.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-24-04-x64', min_disk_size: 7, size_gigabytes: 2.5 },
  { id: 170_000_002, name: '22.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-22-04-x64', min_disk_size: 7, size_gigabytes: 2.3 },
  { id: 170_000_003, name: '12 x64', distribution: 'Debian', slug: 'debian-12-x64', min_disk_size: 10, size_gigabytes: 1.4 },
  { id: 170_000_004, name: '11 x64', distribution: 'Debian', slug: 'debian-11-x64', min_disk_size: 10, size_gigabytes: 1.3 },
];

function size(slug: string, vcpus: number, memory: number, disk: number, transfer: number, priceMonthly: number, description: string, regions = EVERYWHERE): FakeSize {
  return {
    slug,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: priceMonthly,
    price_hourly: Math.round((priceMonthly / 672) * 1e5) / 1e5,
    description,
    available: true,
    regions: [...regions],
  };
}
