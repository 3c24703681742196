/**
 * Sizes, regions and images, checked against DigitalOcean's live catalogue before any create: a
 * size that does not exist, is retired or is not offered in the region, a region that is unknown
 * or closed to new Droplets, an image slug DigitalOcean does not have, a snapshot that is not one
 * or is not in the region: each an InvalidInputError that names the alternatives. The catalogue
 * is read once per provider (a failed read is not kept) and shared by concurrent callers.
 * DigitalOcean offers amd64 only: the size table has the same types in both columns.
 */
import {
  applySizeOverrides,
  cachedOnce,
  InvalidInputError,
  type CachedOnce,
  type ImageSpec,
  type Size,
  type SizeOverrides,
  type SizeTable,
} from '@stagely/provider-core/provider';
import type { ImageData, RegionData, SizeData } from './sdk/schemas.js';

/** DESIGN's DigitalOcean column (amd64 only; an arm64 ask runs on these with a warning). */
export const DEFAULT_SIZES: SizeTable = {
  small: { amd64: 's-2vcpu-4gb', arm64: 's-2vcpu-4gb' },
  medium: { amd64: 'c-4', arm64: 'c-4' },
  large: { amd64: 'c-8', arm64: 'c-8' },
};

/** How the catalogue is read; the provider supplies these with paging and retries. */
export interface CatalogSources {
  sizes(): Promise<SizeData[]>;
  regions(): Promise<RegionData[]>;
  distributionImages(): Promise<ImageData[]>;
  image(id: number, signal?: AbortSignal): Promise<ImageData | null>;
}

const MAX_NAMED = 8;
const SNAPSHOT_ID = /^[1-9]\d{0,15}$/;

export class DigitalOceanCatalog {
  readonly #sources: CatalogSources;
  readonly #sizes: SizeTable;
  readonly #provider: string;
  readonly #sizeList: CachedOnce<SizeData[]>;
  readonly #regions: CachedOnce<RegionData[]>;
  readonly #images: CachedOnce<ImageData[]>;

  constructor(sources: CatalogSources, options: { provider: string; sizes?: SizeOverrides | undefined }) {
    this.#sources = sources;
    this.#provider = options.provider;
    this.#sizes = applySizeOverrides(DEFAULT_SIZES, options.sizes);
    this.#sizeList = cachedOnce(() => sources.sizes());
    this.#regions = cachedOnce(() => sources.regions());
    this.#images = cachedOnce(() => sources.distributionImages());
  }

  /** The size slug for an abstract size (per the table, amd64 column) or a native `{ type }`. */
  typeFor(size: Size | { type: string }): { slug: string; fromSizeTable: boolean } {
    if (typeof size === 'object') return { slug: size.type, fromSizeTable: false };
    return { slug: this.#sizes[size].amd64, fromSizeTable: true };
  }

  /** Throws InvalidInputError (field `region`) naming the regions open to new Droplets. */
  async checkRegion(region: string, signal?: AbortSignal): Promise<RegionData> {
    const regions = await this.#regions.get(signal, this.#provider);
    const found = regions.find((r) => r.slug === region);
    if (found?.available) return found;
    const open = regions.filter((r) => r.available).map((r) => r.slug);
    throw new InvalidInputError(
      'region',
      `DigitalOcean region "${region}" ${found ? 'does not take new Droplets' : 'does not exist'}. Available regions: ${listNames(open, Infinity)}`,
      { provider: this.#provider, details: { region, alternatives: open } },
    );
  }

  /**
   * Checks that `type` exists, can be ordered, and is offered in `region` (a checked region).
   * Throws InvalidInputError (field `size`) naming the sizes that can be had there.
   */
  async checkSize(type: { slug: string; fromSizeTable: boolean }, region: RegionData, signal?: AbortSignal): Promise<SizeData> {
    const sizes = await this.#sizeList.get(signal, this.#provider);
    const usable = usableSizes(sizes, region);
    const hint = type.fromSizeTable ? ' (from the size table; override it with the provider config\'s sizes)' : '';
    const fail = (why: string) =>
      new InvalidInputError('size', `DigitalOcean size "${type.slug}"${hint} ${why}. Sizes available in ${region.slug}: ${listNames(usable.map((s) => s.slug))}`, {
        provider: this.#provider,
        details: { size: type.slug, region: region.slug, alternatives: usable.map((s) => s.slug) },
      });
    const found = sizes.find((s) => s.slug === type.slug);
    if (!found) throw fail('does not exist');
    if (!found.available) throw fail('can no longer be ordered');
    if (!found.regions.includes(region.slug) || !region.sizes.includes(found.slug)) {
      throw fail(`is not offered in ${region.slug} (it is offered in ${listNames(found.regions)})`);
    }
    return found;
  }

  /**
   * What to pass as `image` on create: a distribution slug checked against the catalogue
   * (`{ ubuntu: '24.04' }` -> `ubuntu-24-04-x64`), a snapshot id checked to be a snapshot in the
   * region, or a native id or slug passed through.
   */
  async resolveImage(image: ImageSpec, region: string, signal?: AbortSignal): Promise<string | number> {
    if ('id' in image) return /^\d+$/.test(image.id) ? Number(image.id) : image.id;
    if ('snapshot' in image) return this.#checkSnapshot(image.snapshot, region, signal);
    const [distribution, version] = 'ubuntu' in image ? ['ubuntu', image.ubuntu] : ['debian', image.debian];
    const slug = `${distribution}-${version.replaceAll('.', '-')}-x64`;
    const images = await this.#images.get(signal, this.#provider);
    const found = images.find((i) => i.slug === slug);
    if (found && (found.regions === undefined || found.regions.includes(region))) return slug;
    const offered = images
      .filter((i) => i.slug && i.slug.startsWith(`${distribution}-`) && (i.regions === undefined || i.regions.includes(region)))
      .map((i) => i.slug!)
      .sort();
    throw new InvalidInputError(
      'image',
      `DigitalOcean image "${slug}" ${found ? `is not available in ${region}` : 'does not exist'}. Available ${distribution} images: ${listNames(offered)}`,
      { provider: this.#provider, details: { image: slug, alternatives: offered } },
    );
  }

  async #checkSnapshot(id: string, region: string, signal?: AbortSignal): Promise<number> {
    const field = 'image.snapshot';
    if (!SNAPSHOT_ID.test(id)) throw new InvalidInputError(field, `DigitalOcean snapshot ids are numbers, got "${id}"`, { provider: this.#provider });
    const found = await this.#sources.image(Number(id), signal);
    if (!found || found.type !== 'snapshot' || found.public === true) {
      throw new InvalidInputError(field, `No DigitalOcean snapshot with id ${id} in this account`, { provider: this.#provider });
    }
    if (found.regions !== undefined && !found.regions.includes(region)) {
      throw new InvalidInputError(field, `Snapshot ${id} is in ${listNames(found.regions)}, not in ${region}: transfer it there first`, {
        provider: this.#provider,
        details: { alternatives: found.regions },
      });
    }
    return found.id;
  }
}

/** Sizes that can be ordered in `region`, smallest first. */
function usableSizes(sizes: readonly SizeData[], region: RegionData): SizeData[] {
  return sizes
    .filter((s) => s.available && s.regions.includes(region.slug) && region.sizes.includes(s.slug))
    .sort((a, b) => a.vcpus - b.vcpus || a.memory - b.memory || a.slug.localeCompare(b.slug));
}

function listNames(names: readonly string[], max = MAX_NAMED): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
