/**
 * DigitalOcean Droplets and snapshots in the contract's words.
 */
import type { Instance, InstanceState, Snapshot } from '@stagely/provider-core/provider';
import type { DropletData, DropletSnapshotData, ImageData } from './sdk/schemas.js';
import { decodeTags } from './tags.js';

/**
 * Droplet status -> normalized state. `archive` is a Droplet DigitalOcean keeps on record but that
 * cannot run: for the contract it is gone.
 */
const STATES: Record<DropletData['status'], InstanceState> = {
  new: 'pending',
  active: 'running',
  off: 'stopped',
  archive: 'terminated',
};

export function toInstanceState(status: DropletData['status']): InstanceState {
  return STATES[status] ?? 'unknown';
}

export function toInstance(droplet: DropletData, provider: string, warnings: string[] = []): Instance {
  const v4 = droplet.networks.v4 ?? [];
  return {
    id: String(droplet.id),
    provider,
    name: droplet.name,
    state: toInstanceState(droplet.status),
    providerState: droplet.status,
    publicIp: v4.find((net) => net.type === 'public')?.ip_address ?? null,
    privateIp: v4.find((net) => net.type === 'private')?.ip_address ?? null,
    region: droplet.region.slug,
    type: droplet.size_slug,
    // DigitalOcean runs amd64 only.
    architecture: 'amd64',
    spot: false,
    tags: decodeTags(droplet.tags),
    createdAt: new Date(droplet.created_at),
    warnings: [...warnings],
  };
}

/** A snapshot image; DigitalOcean does not say which Droplet an image came from, `instanceId` is what the caller knows. */
export function toSnapshot(image: ImageData | DropletSnapshotData, provider: string, instanceId: string | null = null): Snapshot {
  return {
    id: String(image.id),
    provider,
    name: image.name,
    instanceId,
    region: image.regions?.[0] ?? null,
    sizeGb: image.size_gigabytes ?? null,
    createdAt: new Date(image.created_at ?? 0),
  };
}
