/**
 * The parts of DigitalOcean's responses this provider reads, checked with zod (the API reference's
 * droplet, image, size, region, action, ssh key and pagination schemas). dots-wrapper types its
 * answers but does not check them; a body that does not fit is an ApiError here, not a TypeError
 * deep inside the provider.
 */
import { z } from 'zod';

const networkV4 = z.object({ ip_address: z.string(), type: z.enum(['public', 'private']) });

export const regionSchema = z.object({
  slug: z.string(),
  name: z.string(),
  available: z.boolean(),
  sizes: z.array(z.string()),
  features: z.array(z.string()),
});

export const sizeSchema = z.object({
  slug: z.string(),
  memory: z.number(),
  vcpus: z.number(),
  disk: z.number(),
  available: z.boolean(),
  regions: z.array(z.string()),
  description: z.string(),
});

export const imageSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(['base', 'snapshot', 'backup', 'custom', 'admin']),
  distribution: z.string().optional(),
  slug: z.string().nullable().optional(),
  public: z.boolean().optional(),
  regions: z.array(z.string()).optional(),
  created_at: z.string().optional(),
  size_gigabytes: z.number().nullable().optional(),
  status: z.enum(['NEW', 'available', 'pending', 'deleted', 'retired']).optional(),
});

export const dropletSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(['new', 'active', 'off', 'archive']),
  created_at: z.string(),
  size_slug: z.string(),
  region: z.object({ slug: z.string() }),
  networks: z.object({ v4: z.array(networkV4).optional() }),
  tags: z.array(z.string()),
});

export const actionSchema = z.object({
  id: z.number().int(),
  status: z.enum(['in-progress', 'completed', 'errored']),
  type: z.string(),
  started_at: z.string(),
  resource_id: z.number().int().nullable().optional(),
});

export const sshKeySchema = z.object({ id: z.number().int(), name: z.string(), fingerprint: z.string() });

/** A droplet's snapshot (`/v2/droplets/{id}/snapshots`). */
export const dropletSnapshotSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  created_at: z.string(),
  regions: z.array(z.string()).optional(),
  size_gigabytes: z.number().nullable().optional(),
});

/** `links.pages.next` present on all pages but the last (the reference's page_links). */
const pagination = { links: z.object({ pages: z.object({ next: z.string().optional() }).partial().optional() }).optional() };

export const dropletListResponse = z.object({ droplets: z.array(dropletSchema), ...pagination });
export const dropletResponse = z.object({ droplet: dropletSchema });
/** A create's 202: the Droplet and `links.actions`, its create action among them (the reference's action_link). */
export const dropletCreateResponse = dropletResponse.extend({
  links: z.object({ actions: z.array(z.object({ id: z.number().int(), rel: z.string() })).optional() }).optional(),
});
export const imageListResponse = z.object({ images: z.array(imageSchema), ...pagination });
export const imageResponse = z.object({ image: imageSchema });
export const sizeListResponse = z.object({ sizes: z.array(sizeSchema), ...pagination });
export const regionListResponse = z.object({ regions: z.array(regionSchema), ...pagination });
export const sshKeyListResponse = z.object({ ssh_keys: z.array(sshKeySchema), ...pagination });
export const actionResponse = z.object({ action: actionSchema });
export const actionListResponse = z.object({ actions: z.array(actionSchema), ...pagination });
export const dropletSnapshotListResponse = z.object({ snapshots: z.array(dropletSnapshotSchema), ...pagination });
export const accountResponse = z.object({ account: z.object({ droplet_limit: z.number(), status: z.string() }) });

export type DropletData = z.output<typeof dropletSchema>;
export type ImageData = z.output<typeof imageSchema>;
export type SizeData = z.output<typeof sizeSchema>;
export type RegionData = z.output<typeof regionSchema>;
export type ActionData = z.output<typeof actionSchema>;
export type SshKeyData = z.output<typeof sshKeySchema>;
export type DropletSnapshotData = z.output<typeof dropletSnapshotSchema>;
