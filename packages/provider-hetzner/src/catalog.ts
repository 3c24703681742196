/**
 * Sizes, architectures, locations and images, checked against Hetzner's live catalogue before any
 * create (docs/architecture.md, "The contract"): a server type that does not exist, does not fit the architecture, is not
 * offered in the location or is deprecated there is an InvalidInputError that names the
 * alternatives, as is an unknown location or image. The catalogue is read once per provider
 * (a failed read is not cached) and shared by concurrent callers.
 */
import {
  applySizeOverrides,
  cachedOnce,
  cachedOnceByKey,
  InvalidInputError,
  type Architecture,
  type ImageSpec,
  type Size,
  type SizeOverrides,
  type SizeTable,
} from '@stagely/provider-core/provider';
import type { HetznerArchitecture, ImageData, LocationData, ServerTypeData } from './sdk/schemas.js';

/** DESIGN's Hetzner column. */
export const DEFAULT_SIZES: SizeTable = {
  small: { amd64: 'cx23', arm64: 'cax11' },
  medium: { amd64: 'cx33', arm64: 'cax21' },
  large: { amd64: 'cx43', arm64: 'cax31' },
};

const TO_HETZNER: Record<Architecture, HetznerArchitecture> = { amd64: 'x86', arm64: 'arm' };
const FROM_HETZNER: Record<HetznerArchitecture, Architecture> = { x86: 'amd64', arm: 'arm64' };

export function toHetznerArchitecture(architecture: Architecture): HetznerArchitecture {
  return TO_HETZNER[architecture];
}

export function fromHetznerArchitecture(architecture: HetznerArchitecture): Architecture {
  return FROM_HETZNER[architecture];
}

/** How the catalogue is read; the provider supplies these with paging and retries. */
export interface CatalogSources {
  serverTypes(): Promise<ServerTypeData[]>;
  locations(): Promise<LocationData[]>;
  systemImages(architecture: HetznerArchitecture): Promise<ImageData[]>;
  image(id: number, signal?: AbortSignal): Promise<ImageData | null>;
}

/** A server type resolved for a create. */
export interface ResolvedType {
  name: string;
  architecture: Architecture;
  /** True when it came from the size table (so the config's `sizes` can change it). */
  fromSizeTable: boolean;
}

const MAX_NAMED = 8;

export class HetznerCatalog {
  readonly #sources: CatalogSources;
  readonly #sizes: SizeTable;
  readonly #provider: string;
  // Read once per provider, shared by concurrent callers, forgotten when a read fails.
  readonly #serverTypes;
  readonly #locations;
  readonly #images;

  constructor(sources: CatalogSources, options: { provider: string; sizes?: SizeOverrides | undefined }) {
    this.#sources = sources;
    this.#provider = options.provider;
    this.#sizes = applySizeOverrides(DEFAULT_SIZES, options.sizes);
    this.#serverTypes = cachedOnce(() => sources.serverTypes());
    this.#locations = cachedOnce(() => sources.locations());
    this.#images = cachedOnceByKey((architecture: HetznerArchitecture) => sources.systemImages(architecture));
  }

  /** The Hetzner server type for an abstract size (per the table) or a native `{ type }`. */
  typeFor(size: Size | { type: string }, architecture: Architecture): { name: string; fromSizeTable: boolean } {
    if (typeof size === 'object') return { name: size.type, fromSizeTable: false };
    return { name: this.#sizes[size][architecture], fromSizeTable: true };
  }

  /**
   * Checks that `location` exists and that `type` exists, is built for `architecture`, is offered
   * in `location` and is not deprecated there. Throws InvalidInputError naming the alternatives.
   */
  async checkServerType(type: { name: string; fromSizeTable: boolean }, architecture: Architecture, location: string, signal?: AbortSignal): Promise<ResolvedType> {
    await this.checkLocation(location, signal);
    const types = await this.#serverTypes.get(signal, this.#provider);
    const wanted = toHetznerArchitecture(architecture);
    const alternatives = () => listNames(usableTypes(types, wanted, location).map((t) => t.name));
    const hint = type.fromSizeTable ? ` (from the size table; override it with the provider config's sizes)` : '';
    const found = types.find((t) => t.name === type.name);
    const fail = (why: string) =>
      new InvalidInputError('size', `Hetzner server type "${type.name}"${hint} ${why}. Usable ${architecture} types in ${location}: ${alternatives()}`, {
        provider: this.#provider,
        details: { serverType: type.name, location, architecture, alternatives: usableTypes(types, wanted, location).map((t) => t.name) },
      });
    if (!found) throw fail('does not exist');
    if (found.architecture !== wanted) throw fail(`is built for ${fromHetznerArchitecture(found.architecture)}, not ${architecture}`);
    if (found.deprecated === true) throw fail('is deprecated');
    const offered = found.locations.find((l) => l.name === location);
    if (!offered) throw fail(`is not offered in ${location} (it is offered in ${listNames(found.locations.map((l) => l.name))})`);
    if (offered.deprecation) {
      throw fail(`is deprecated in ${location} (unavailable after ${offered.deprecation.unavailable_after})`);
    }
    if (offered.available === false) {
      const elsewhere = found.locations.filter((l) => l.available !== false && !l.deprecation).map((l) => l.name);
      throw fail(`is sold out in ${location} for now (it is offered in ${listNames(elsewhere)})`);
    }
    return { name: found.name, architecture, fromSizeTable: type.fromSizeTable };
  }

  /** Throws InvalidInputError (field `region`) naming the known locations. */
  async checkLocation(location: string, signal?: AbortSignal): Promise<void> {
    const locations = await this.#locations.get(signal, this.#provider);
    if (locations.some((l) => l.name === location)) return;
    throw new InvalidInputError(
      'region',
      `Unknown Hetzner location "${location}". Known locations: ${listNames(locations.map((l) => `${l.name} (${l.description})`), Infinity)}`,
      { provider: this.#provider, details: { location, alternatives: locations.map((l) => l.name) } },
    );
  }

  /**
   * What to pass as `image` on create: an OS image name checked against the catalogue for the
   * architecture, a snapshot id checked to be a snapshot of that architecture, or a native id or
   * name passed through.
   */
  async resolveImage(image: ImageSpec, architecture: Architecture, signal?: AbortSignal): Promise<string | number> {
    if ('id' in image) return /^\d+$/.test(image.id) ? Number(image.id) : image.id;
    if ('snapshot' in image) return this.#checkSnapshot(image.snapshot, architecture, signal);
    const [flavor, version] = 'ubuntu' in image ? ['ubuntu', image.ubuntu] : ['debian', image.debian];
    const name = `${flavor}-${version}`;
    const images = await this.#images.get(toHetznerArchitecture(architecture), signal, this.#provider);
    const found = images.find((i) => i.name === name);
    if (found && !found.deprecated) return name;
    const offered = images.filter((i) => i.os_flavor === flavor && !i.deprecated && i.name !== null).map((i) => i.name!);
    throw new InvalidInputError(
      'image',
      `Hetzner image "${name}" ${found ? 'is deprecated' : 'does not exist'} for ${architecture}. Available ${flavor} images: ${listNames(offered.sort())}`,
      { provider: this.#provider, details: { image: name, architecture, alternatives: offered } },
    );
  }

  async #checkSnapshot(id: string, architecture: Architecture, signal?: AbortSignal): Promise<number> {
    const field = 'image.snapshot';
    if (!/^[1-9]\d{0,15}$/.test(id)) {
      throw new InvalidInputError(field, `Hetzner snapshot ids are numbers, got "${id}"`, { provider: this.#provider });
    }
    const found = await this.#sources.image(Number(id), signal);
    if (!found || found.type !== 'snapshot') {
      throw new InvalidInputError(field, `No Hetzner snapshot with id ${id}`, { provider: this.#provider });
    }
    // An image whose architecture the answer does not say is left for Hetzner to judge.
    if (found.architecture !== null && found.architecture !== toHetznerArchitecture(architecture)) {
      throw new InvalidInputError(
        field,
        `Snapshot ${id} is ${fromHetznerArchitecture(found.architecture)}, but the instance is ${architecture}`,
        { provider: this.#provider },
      );
    }
    return found.id;
  }
}

/** Types of `architecture` orderable in `location`, smallest first. */
function usableTypes(types: readonly ServerTypeData[], architecture: HetznerArchitecture, location: string): ServerTypeData[] {
  return types
    .filter((t) => t.architecture === architecture && t.deprecated !== true)
    .filter((t) => t.locations.some((l) => l.name === location && !l.deprecation && l.available !== false))
    .sort((a, b) => a.cores - b.cores || a.memory - b.memory || a.name.localeCompare(b.name));
}

function listNames(names: readonly string[], max = MAX_NAMED): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
