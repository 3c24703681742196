/**
 * The parts of DigitalOcean's responses this provider reads, checked with valibot (the API reference's
 * droplet, image, size, region, action, ssh key and pagination schemas). dots-wrapper types its
 * answers but does not check them; a body that does not fit is an ApiError here, not a TypeError
 * deep inside the provider.
 */
import * as v from 'valibot';

const int = v.pipe(v.number(), v.integer());
const strings = v.array(v.string());
const networkV4 = v.object({ ip_address: v.string(), type: v.picklist(['public', 'private']) });

export const regionSchema = v.object({
  slug: v.string(),
  name: v.string(),
  available: v.boolean(),
  sizes: strings,
  features: strings,
});

export const sizeSchema = v.object({
  slug: v.string(),
  memory: v.number(),
  vcpus: v.number(),
  disk: v.number(),
  available: v.boolean(),
  regions: strings,
  description: v.string(),
});

export const imageSchema = v.object({
  id: int,
  name: v.string(),
  type: v.picklist(['base', 'snapshot', 'backup', 'custom', 'admin']),
  distribution: v.optional(v.string()),
  slug: v.nullish(v.string()),
  public: v.optional(v.boolean()),
  regions: v.optional(strings),
  created_at: v.optional(v.string()),
  size_gigabytes: v.nullish(v.number()),
  status: v.optional(v.picklist(['NEW', 'available', 'pending', 'deleted', 'retired'])),
});

export const dropletSchema = v.object({
  id: int,
  name: v.string(),
  status: v.picklist(['new', 'active', 'off', 'archive']),
  created_at: v.string(),
  size_slug: v.string(),
  region: v.object({ slug: v.string() }),
  networks: v.object({ v4: v.optional(v.array(networkV4)) }),
  tags: strings,
});

export const actionSchema = v.object({
  id: int,
  status: v.picklist(['in-progress', 'completed', 'errored']),
  type: v.string(),
  started_at: v.string(),
  resource_id: v.nullish(int),
});

export const sshKeySchema = v.object({ id: int, name: v.string(), fingerprint: v.string() });

/** A droplet's snapshot (`/v2/droplets/{id}/snapshots`). */
export const dropletSnapshotSchema = v.object({
  id: int,
  name: v.string(),
  created_at: v.string(),
  regions: v.optional(strings),
  size_gigabytes: v.nullish(v.number()),
});

/** `links.pages.next` present on all pages but the last (the reference's page_links). */
const pagination = { links: v.optional(v.object({ pages: v.optional(v.object({ next: v.optional(v.string()) })) })) };

export const dropletListResponse = v.object({ droplets: v.array(dropletSchema), ...pagination });
export const dropletResponse = v.object({ droplet: dropletSchema });
/** A create's 202: the Droplet and `links.actions`, its create action among them (the reference's action_link). */
export const dropletCreateResponse = v.object({
  droplet: dropletSchema,
  links: v.optional(v.object({ actions: v.optional(v.array(v.object({ id: int, rel: v.string() }))) })),
});
export const imageListResponse = v.object({ images: v.array(imageSchema), ...pagination });
export const imageResponse = v.object({ image: imageSchema });
export const sizeListResponse = v.object({ sizes: v.array(sizeSchema), ...pagination });
export const regionListResponse = v.object({ regions: v.array(regionSchema), ...pagination });
export const sshKeyListResponse = v.object({ ssh_keys: v.array(sshKeySchema), ...pagination });
export const actionResponse = v.object({ action: actionSchema });
export const actionListResponse = v.object({ actions: v.array(actionSchema), ...pagination });
export const dropletSnapshotListResponse = v.object({ snapshots: v.array(dropletSnapshotSchema), ...pagination });
export const accountResponse = v.object({ account: v.object({ droplet_limit: v.number(), status: v.string() }) });

export type DropletData = v.InferOutput<typeof dropletSchema>;
export type ImageData = v.InferOutput<typeof imageSchema>;
export type SizeData = v.InferOutput<typeof sizeSchema>;
export type RegionData = v.InferOutput<typeof regionSchema>;
export type ActionData = v.InferOutput<typeof actionSchema>;
export type SshKeyData = v.InferOutput<typeof sshKeySchema>;
export type DropletSnapshotData = v.InferOutput<typeof dropletSnapshotSchema>;
