/**
 * The fake's catalogue: locations, server types (with architecture and per-location deprecation)
 * and system images, shaped as the Hetzner Cloud API returns them. Modelled on the real catalogue
 * as of 2026, small enough to read: the DESIGN size table's types exist in the EU locations only,
 * cx22 is deprecated everywhere it was offered and cx32 in fsn1 only, arm64 (cax) is EU-only, and
 * the cpx types are offered everywhere.
 */

export interface FakeLocation {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export interface FakeDeprecation {
  announced: string;
  unavailable_after: string;
}

export interface FakeServerType {
  id: number;
  name: string;
  description: string;
  category: string;
  cores: number;
  memory: number;
  disk: number;
  cpu_type: 'shared' | 'dedicated';
  storage_type: 'local' | 'network';
  architecture: 'x86' | 'arm';
  deprecated: boolean;
  deprecation: FakeDeprecation | null;
  /** Where it is offered, and whether it is deprecated there. */
  locations: Array<{ id: number; name: string; deprecation: FakeDeprecation | null }>;
  prices: Array<{
    location: string;
    price_hourly: { net: string; gross: string };
    price_monthly: { net: string; gross: string };
    included_traffic: number;
    price_per_tb_traffic: { net: string; gross: string };
  }>;
}

export interface FakeSystemImage {
  id: number;
  name: string;
  description: string;
  os_flavor: string;
  os_version: string;
  architecture: 'x86' | 'arm';
  deprecated: string | null;
}

export const FAKE_LOCATIONS: FakeLocation[] = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
  { id: 5, name: 'hil', description: 'Hillsboro, OR', country: 'US', city: 'Hillsboro, OR', latitude: 45.54222, longitude: -122.951924, network_zone: 'us-west' },
  { id: 6, name: 'sin', description: 'Singapore', country: 'SG', city: 'Singapore', latitude: 1.283333, longitude: 103.833333, network_zone: 'ap-southeast' },
];

const EU = ['fsn1', 'nbg1', 'hel1'];
const EVERYWHERE = FAKE_LOCATIONS.map((l) => l.name);
const RETIRED: FakeDeprecation = { announced: '2025-10-01T00:00:00Z', unavailable_after: '2026-01-01T00:00:00Z' };

interface TypeSeed {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  architecture: 'x86' | 'arm';
  cpu: 'shared' | 'dedicated';
  euro: number;
  where: string[];
  deprecatedIn?: string[];
}

const TYPE_SEEDS: TypeSeed[] = [
  { id: 22, name: 'cx22', cores: 2, memory: 4, disk: 40, architecture: 'x86', cpu: 'shared', euro: 3.79, where: EU, deprecatedIn: EU },
  { id: 23, name: 'cx32', cores: 4, memory: 8, disk: 80, architecture: 'x86', cpu: 'shared', euro: 6.8, where: EU, deprecatedIn: ['fsn1'] },
  { id: 101, name: 'cx23', cores: 2, memory: 4, disk: 40, architecture: 'x86', cpu: 'shared', euro: 3.49, where: EU },
  { id: 102, name: 'cx33', cores: 4, memory: 8, disk: 80, architecture: 'x86', cpu: 'shared', euro: 5.49, where: EU },
  { id: 103, name: 'cx43', cores: 8, memory: 16, disk: 160, architecture: 'x86', cpu: 'shared', euro: 9.49, where: EU },
  { id: 104, name: 'cx53', cores: 16, memory: 32, disk: 320, architecture: 'x86', cpu: 'shared', euro: 17.49, where: EU },
  { id: 45, name: 'cax11', cores: 2, memory: 4, disk: 40, architecture: 'arm', cpu: 'shared', euro: 3.79, where: EU },
  { id: 93, name: 'cax21', cores: 4, memory: 8, disk: 80, architecture: 'arm', cpu: 'shared', euro: 6.49, where: EU },
  { id: 94, name: 'cax31', cores: 8, memory: 16, disk: 160, architecture: 'arm', cpu: 'shared', euro: 12.49, where: EU },
  { id: 95, name: 'cax41', cores: 16, memory: 32, disk: 320, architecture: 'arm', cpu: 'shared', euro: 24.49, where: EU },
  { id: 111, name: 'cpx12', cores: 1, memory: 2, disk: 40, architecture: 'x86', cpu: 'shared', euro: 4.99, where: EVERYWHERE },
  { id: 112, name: 'cpx22', cores: 2, memory: 4, disk: 80, architecture: 'x86', cpu: 'shared', euro: 7.99, where: EVERYWHERE },
  { id: 113, name: 'cpx32', cores: 4, memory: 8, disk: 160, architecture: 'x86', cpu: 'shared', euro: 13.99, where: EVERYWHERE },
  { id: 96, name: 'ccx13', cores: 2, memory: 8, disk: 80, architecture: 'x86', cpu: 'dedicated', euro: 12.49, where: EVERYWHERE },
];

function money(euro: number): { net: string; gross: string } {
  return { net: euro.toFixed(4), gross: (euro * 1.19).toFixed(4) };
}

export const FAKE_SERVER_TYPES: FakeServerType[] = TYPE_SEEDS.map((seed) => {
  const deprecatedEverywhere = seed.deprecatedIn !== undefined && seed.where.every((l) => seed.deprecatedIn!.includes(l));
  return {
    id: seed.id,
    name: seed.name,
    description: seed.name.toUpperCase(),
    category: seed.cpu === 'dedicated' ? 'Dedicated vCPU' : 'Shared vCPU',
    cores: seed.cores,
    memory: seed.memory,
    disk: seed.disk,
    cpu_type: seed.cpu,
    storage_type: 'local',
    architecture: seed.architecture,
    deprecated: deprecatedEverywhere,
    deprecation: deprecatedEverywhere ? RETIRED : null,
    locations: seed.where.map((name) => ({
      id: FAKE_LOCATIONS.find((l) => l.name === name)!.id,
      name,
      deprecation: seed.deprecatedIn?.includes(name) ? RETIRED : null,
    })),
    prices: seed.where.map((location) => ({
      location,
      price_hourly: money(seed.euro / 730),
      price_monthly: money(seed.euro),
      included_traffic: 21_990_232_555_520,
      price_per_tb_traffic: money(1),
    })),
  };
});

const OS: Array<[flavor: string, version: string, deprecated: string | null]> = [
  ['ubuntu', '20.04', '2025-06-01T00:00:00Z'],
  ['ubuntu', '22.04', null],
  ['ubuntu', '24.04', null],
  ['debian', '12', null],
  ['debian', '13', null],
];

export const FAKE_SYSTEM_IMAGES: FakeSystemImage[] = (['x86', 'arm'] as const).flatMap((architecture, a) =>
  OS.map(([flavor, version, deprecated], i) => ({
    id: 67_794_000 + a * 100 + i,
    name: `${flavor}-${version}`,
    description: `${flavor === 'ubuntu' ? 'Ubuntu' : 'Debian'} ${version}`,
    os_flavor: flavor,
    os_version: version,
    architecture,
    deprecated,
  })),
);
