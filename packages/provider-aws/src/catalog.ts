/**
 * Sizes, regions, instance types and images, checked against EC2's live catalogue before any
 * create (docs/architecture.md, the contract): a region EC2 does not list, an instance type not
 * offered in the region (DescribeInstanceTypeOfferings) or not built for the architecture
 * (DescribeInstanceTypes) is an InvalidInputError naming the alternatives. Images are resolved per
 * region and architecture: Ubuntu from Canonical's and Debian from Debian's own account
 * (DescribeImages, the newest available), an `{ id }` checked for its architecture, a `{ snapshot }`
 * checked to be an AMI of this account. Every read is cached per provider, shared by concurrent
 * callers and forgotten when it fails, and validateSpec and createInstance both come here.
 */
import {
  applySizeOverrides,
  cachedOnce,
  cachedOnceByKey,
  InvalidInputError,
  isStagelyError,
  type CachedOnce,
  type CachedOnceByKey,
  type Architecture,
  type ImageSpec,
  type Size,
  type SizeOverrides,
  type SizeTable,
} from '@stagely/provider-core/provider';
import type { Ec2Filter, Ec2Image } from './sdk/ec2-api.js';

/** The AWS column of the size table. */
export const DEFAULT_SIZES: SizeTable = {
  small: { amd64: 't3.small', arm64: 't4g.small' },
  medium: { amd64: 'c5.xlarge', arm64: 'c6g.xlarge' },
  large: { amd64: 'c5.2xlarge', arm64: 'c6g.2xlarge' },
};

/** The AWS accounts that publish the official images. */
export const CANONICAL_ACCOUNT = '099720109477';
export const DEBIAN_ACCOUNT = '136693071363';

export type Ec2Architecture = 'x86_64' | 'arm64';
const TO_EC2: Record<Architecture, Ec2Architecture> = { amd64: 'x86_64', arm64: 'arm64' };

export function toEc2Architecture(architecture: Architecture): Ec2Architecture {
  return TO_EC2[architecture];
}

/** EC2's architecture word in the contract's; anything else (i386, x86_64_mac) is not one of ours. */
export function fromEc2Architecture(architecture: string | undefined): Architecture | undefined {
  if (architecture === 'x86_64') return 'amd64';
  if (architecture === 'arm64') return 'arm64';
  return undefined;
}

/** How the catalogue is read; the provider supplies these with paging and retries. */
export interface CatalogSources {
  regions(): Promise<string[]>;
  offerings(region: string): Promise<string[]>;
  /** The architectures of `type`, or null when EC2 has no such type. */
  typeArchitectures(region: string, type: string): Promise<Ec2Architecture[] | null>;
  /** Every image `query` matches in `region`. */
  images(region: string, query: { owners?: string[]; imageIds?: string[]; filters?: Ec2Filter[] }, signal?: AbortSignal): Promise<Ec2Image[]>;
}

/** An image resolved for a create. */
export interface ResolvedImage {
  /** What RunInstances gets as ImageId. */
  imageId: string;
  /** The AMI's name, when it was looked up. */
  name: string | undefined;
}

const MAX_NAMED = 8;

export class Ec2Catalog {
  readonly #sources: CatalogSources;
  readonly #sizes: SizeTable;
  readonly #provider: string;
  // Shared by concurrent callers, kept once read, forgotten when a read fails (core's cachedOnce).
  readonly #regions: CachedOnce<string[]>;
  readonly #offerings: CachedOnceByKey<string, string[]>;
  /** By `region/type`. */
  readonly #types: CachedOnceByKey<string, Ec2Architecture[] | null>;
  /** By `region owner pattern architecture`. */
  readonly #osImages: CachedOnceByKey<string, Ec2Image[]>;

  constructor(sources: CatalogSources, options: { provider: string; sizes?: SizeOverrides | undefined }) {
    this.#sources = sources;
    this.#provider = options.provider;
    this.#sizes = applySizeOverrides(DEFAULT_SIZES, options.sizes);
    this.#regions = cachedOnce(() => sources.regions());
    this.#offerings = cachedOnceByKey((region: string) => sources.offerings(region));
    this.#types = cachedOnceByKey((key: string) => {
      const [region = '', type = ''] = key.split('/');
      return sources.typeArchitectures(region, type);
    });
    this.#osImages = cachedOnceByKey((key: string) => {
      const [region = '', owner = '', pattern = '', architecture = ''] = key.split(' ');
      return sources.images(region, {
        owners: [owner],
        filters: [
          { Name: 'name', Values: [pattern] },
          { Name: 'architecture', Values: [architecture] },
          { Name: 'state', Values: ['available'] },
        ],
      });
    });
  }

  /** The instance type for an abstract size (per the table) or a native `{ type }`. */
  typeFor(size: Size | { type: string }, architecture: Architecture): { name: string; fromSizeTable: boolean } {
    if (typeof size === 'object') return { name: size.type, fromSizeTable: false };
    return { name: this.#sizes[size][architecture], fromSizeTable: true };
  }

  /** Throws InvalidInputError (field `region`) naming the regions EC2 lists. */
  async checkRegion(region: string, signal?: AbortSignal): Promise<void> {
    const regions = await this.#regions.get(signal, this.#provider);
    if (regions.includes(region)) return;
    throw new InvalidInputError('region', `Unknown or disabled AWS region "${region}". Enabled regions: ${listNames([...regions].sort(), Infinity)}`, {
      provider: this.#provider,
      details: { region, alternatives: [...regions].sort() },
    });
  }

  /**
   * Checks that `type` is offered in `region` and is built for `architecture`. Throws
   * InvalidInputError (field `size`) naming alternatives: the table's type for the architecture,
   * and types of the same family offered in the region.
   */
  async checkInstanceType(type: { name: string; fromSizeTable: boolean }, architecture: Architecture, region: string, signal?: AbortSignal): Promise<void> {
    const offered = await this.#offerings.get(region, signal, this.#provider);
    const hint = type.fromSizeTable ? ' (from the size table; override it with the provider config\'s sizes)' : '';
    const alternatives = () => {
      const family = type.name.split('.')[0];
      const fromTable = Object.values(this.#sizes).map((row) => row[architecture]);
      const sameFamily = offered.filter((t) => t.split('.')[0] === family && t !== type.name).sort();
      return [...new Set([...fromTable.filter((t) => offered.includes(t)), ...sameFamily])];
    };
    const fail = (why: string) => {
      const names = alternatives();
      return new InvalidInputError('size', `EC2 instance type "${type.name}"${hint} ${why}. Try: ${listNames(names)}`, {
        provider: this.#provider,
        details: { instanceType: type.name, region, architecture, alternatives: names },
      });
    };
    if (!offered.includes(type.name)) {
      const exists = await this.#types.get(`${region}/${type.name}`, signal, this.#provider);
      throw fail(exists === null ? 'does not exist' : `is not offered in ${region}`);
    }
    const architectures = await this.#types.get(`${region}/${type.name}`, signal, this.#provider);
    const wanted = toEc2Architecture(architecture);
    if (architectures === null) throw fail('does not exist');
    if (!architectures.includes(wanted)) throw fail(`is built for ${architectures.join(', ')}, not ${wanted} (${architecture})`);
  }

  /** What to pass as ImageId for `image` in `region` on `architecture`. */
  async resolveImage(image: ImageSpec, architecture: Architecture, region: string, signal?: AbortSignal): Promise<ResolvedImage> {
    if ('id' in image) return this.#checkImageId(image.id, 'image.id', architecture, region, signal, false);
    if ('snapshot' in image) return this.#checkImageId(image.snapshot, 'image.snapshot', architecture, region, signal, true);
    const arch = architecture === 'amd64' ? 'amd64' : 'arm64';
    const [label, owner, pattern] =
      'ubuntu' in image
        ? ['Ubuntu', CANONICAL_ACCOUNT, `ubuntu/images/*/ubuntu-*-${image.ubuntu}-${arch}-server-*`]
        : ['Debian', DEBIAN_ACCOUNT, `debian-${image.debian}-${arch}-*`];
    const version = 'ubuntu' in image ? image.ubuntu : image.debian;
    if (!/^[0-9][0-9.]*$/.test(version)) {
      throw new InvalidInputError('image', `${label} versions are numbers such as ${label === 'Ubuntu' ? '24.04' : '12'}, got "${version}"`, { provider: this.#provider });
    }
    const found = await this.#osImages.get(`${region} ${owner} ${pattern} ${toEc2Architecture(architecture)}`, signal, this.#provider);
    const newest = [...found].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
    if (!newest?.ImageId) {
      throw new InvalidInputError('image', `No ${label} ${version} image for ${architecture} in ${region} (looked for "${pattern}" owned by ${owner})`, {
        provider: this.#provider,
        details: { image: `${label.toLowerCase()} ${version}`, architecture, region },
      });
    }
    return { imageId: newest.ImageId, name: newest.Name };
  }

  /** An AMI id (or, for `{ id }`, an SSM parameter EC2 resolves at launch) checked for the architecture. */
  async #checkImageId(id: string, field: string, architecture: Architecture, region: string, signal: AbortSignal | undefined, ownOnly: boolean): Promise<ResolvedImage> {
    // EC2 resolves the parameter at launch; its architecture is checked by RunInstances itself.
    if (!ownOnly && id.startsWith('resolve:ssm:')) return { imageId: id, name: undefined };
    if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) {
      throw new InvalidInputError(field, `AMI ids look like ami-0123456789abcdef0${ownOnly ? '' : ' (or resolve:ssm:<parameter>)'}, got "${id}"`, { provider: this.#provider });
    }
    let images: Ec2Image[];
    try {
      images = await this.#sources.images(region, ownOnly ? { imageIds: [id], owners: ['self'] } : { imageIds: [id] }, signal);
    } catch (error) {
      if (isStagelyError(error, 'NOT_FOUND') || isStagelyError(error, 'INVALID_INPUT')) images = [];
      else throw error;
    }
    const found = images.find((i) => i.ImageId === id);
    const what = ownOnly ? 'snapshot (AMI of this account)' : 'AMI';
    if (!found) throw new InvalidInputError(field, `No ${what} ${id} in ${region}`, { provider: this.#provider, details: { imageId: id, region } });
    if (found.State !== 'available') {
      throw new InvalidInputError(field, `${ownOnly ? 'Snapshot' : 'AMI'} ${id} is ${found.State ?? 'not available'}, not available`, { provider: this.#provider, details: { imageId: id, state: found.State } });
    }
    if (found.Architecture !== toEc2Architecture(architecture)) {
      throw new InvalidInputError(field, `${ownOnly ? 'Snapshot' : 'AMI'} ${id} is ${found.Architecture ?? 'of an unknown architecture'}, but the instance is ${architecture}`, {
        provider: this.#provider,
        details: { imageId: id, imageArchitecture: found.Architecture, architecture },
      });
    }
    return { imageId: id, name: found.Name };
  }

}

function listNames(names: readonly string[], max = MAX_NAMED): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
