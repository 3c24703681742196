/**
 * The mock cloud's catalogue: regions, machine types per architecture and images. Like a real
 * provider's catalogue it maps abstract sizes to native types (overridable by `config.sizes`) and
 * refuses anything it does not know with an InvalidInputError naming the alternatives.
 */
import {
  applySizeOverrides,
  InvalidInputError,
  SIZES,
  type Architecture,
  type ImageSpec,
  type Size,
  type SizeOverrides,
  type SizeTable,
} from '@stagely/provider-core/provider';

export const KNOWN_REGIONS = ['mock-1', 'mock-2'] as const;
export type MockRegion = (typeof KNOWN_REGIONS)[number];

/** Default size mapping: `m1.*` are amd64 types, `a1.*` arm64 ones. */
export const DEFAULT_SIZE_TABLE: SizeTable = {
  small: { amd64: 'm1.small', arm64: 'a1.small' },
  medium: { amd64: 'm1.medium', arm64: 'a1.medium' },
  large: { amd64: 'm1.large', arm64: 'a1.large' },
};

/** Image versions the mock cloud has, per distribution. */
export const KNOWN_IMAGES = {
  ubuntu: ['22.04', '24.04'],
  debian: ['12', '13'],
} as const;

export interface CatalogOptions {
  sizes?: SizeOverrides | undefined;
  /** Architectures the simulated cloud offers; types of other architectures do not exist. */
  architectures: readonly Architecture[];
}

export interface ResolvedType {
  type: string;
  /** The architecture the type runs: a native type decides it. */
  architecture: Architecture;
}

export class Catalog {
  readonly table: SizeTable;
  readonly architectures: readonly Architecture[];
  /** Every native type the account can launch, with its architecture. */
  readonly types: ReadonlyMap<string, Architecture>;

  constructor(options: CatalogOptions) {
    this.architectures = options.architectures;
    const table = applySizeOverrides(DEFAULT_SIZE_TABLE, options.sizes);
    this.table = table;
    const types = new Map<string, Architecture>();
    for (const size of SIZES) {
      for (const arch of this.architectures) types.set(table[size][arch], arch);
    }
    this.types = types;
  }

  checkRegion(region: string): asserts region is MockRegion {
    if (!(KNOWN_REGIONS as readonly string[]).includes(region)) {
      throw new InvalidInputError('region', `Unknown region "${region}"; known regions: ${KNOWN_REGIONS.join(', ')}`, {
        provider: 'mock',
      });
    }
  }

  /**
   * The native type for `size` on `architecture`. For a native `{ type }` the type decides the
   * architecture; `requestedArchitecture` (what the spec said, if anything) must then agree.
   */
  resolveType(size: Size | { type: string }, architecture: Architecture, requestedArchitecture?: Architecture): ResolvedType {
    if (typeof size === 'string') return { type: this.table[size][architecture], architecture };
    const typeArch = this.types.get(size.type);
    if (typeArch === undefined) {
      throw new InvalidInputError('size', `Unknown machine type "${size.type}"; available types: ${[...this.types.keys()].join(', ')}`, {
        provider: 'mock',
      });
    }
    if (requestedArchitecture !== undefined && requestedArchitecture !== typeArch) {
      throw new InvalidInputError(
        'architecture',
        `Machine type "${size.type}" is ${typeArch}, but architecture ${requestedArchitecture} was asked for`,
        { provider: 'mock' },
      );
    }
    return { type: size.type, architecture: typeArch };
  }

  /** The image name for a distribution image or a native id (snapshots are resolved by the provider). */
  resolveImage(image: Exclude<ImageSpec, { snapshot: string }>, architecture: Architecture): string {
    if ('id' in image) return image.id;
    const [distro, version] = 'ubuntu' in image ? (['ubuntu', image.ubuntu] as const) : (['debian', image.debian] as const);
    const known: readonly string[] = KNOWN_IMAGES[distro];
    if (!known.includes(version)) {
      throw new InvalidInputError('image', `Unknown ${distro} version "${version}"; available: ${known.join(', ')}`, {
        provider: 'mock',
      });
    }
    return `${distro}-${version}-${architecture}`;
  }
}
