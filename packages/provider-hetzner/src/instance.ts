/**
 * Hetzner servers and images in the contract's words (docs/architecture.md, "The contract").
 */
import { type Architecture, type Instance, type InstanceState, type Snapshot } from '@stagely/provider-core/provider';
import { fromHetznerArchitecture } from './catalog.js';
import type { ImageData, ServerData } from './sdk/schemas.js';

/**
 * Hetzner server status -> normalized state. A deleting server no longer runs but is not gone yet:
 * terminating (listing keeps it, plan treats it as absent); Hetzner keeps no terminated servers.
 */
const STATES: Record<string, InstanceState> = {
  initializing: 'pending',
  starting: 'pending',
  rebuilding: 'pending',
  migrating: 'pending',
  running: 'running',
  stopping: 'stopping',
  off: 'stopped',
  deleting: 'terminating',
  unknown: 'unknown',
};

export function toInstanceState(status: string): InstanceState {
  return STATES[status] ?? 'unknown';
}

export function toInstance(server: ServerData, provider: string, warnings: string[] = []): Instance {
  return {
    id: String(server.id),
    provider,
    name: server.name,
    state: toInstanceState(server.status),
    providerState: server.status,
    publicIp: server.public_net.ipv4?.ip ?? null,
    privateIp: server.private_net?.find((net) => net.ip)?.ip ?? null,
    region: server.location?.name ?? server.datacenter?.location.name ?? 'unknown',
    type: server.server_type.name,
    architecture: serverArchitecture(server),
    spot: false,
    tags: { ...server.labels },
    createdAt: new Date(server.created ?? 0),
    warnings: [...warnings],
  };
}

/** An answer that does not say the architecture: Hetzner's Arm types are the CAX line. */
function serverArchitecture(server: ServerData): Architecture {
  const { architecture, name } = server.server_type;
  if (architecture !== null) return fromHetznerArchitecture(architecture);
  return /^cax/i.test(name) ? 'arm64' : 'amd64';
}

/** A snapshot's name is its description (Hetzner gives snapshots no name of their own). */
export function toSnapshot(image: ImageData, provider: string): Snapshot {
  return {
    id: String(image.id),
    provider,
    name: image.description,
    instanceId: image.created_from ? String(image.created_from.id) : null,
    // Hetzner snapshots are not bound to a location.
    region: null,
    sizeGb: image.image_size ?? null,
    createdAt: new Date(image.created ?? 0),
  };
}
