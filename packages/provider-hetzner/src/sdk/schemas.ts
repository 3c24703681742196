/**
 * Shapes of the Hetzner API answers this package reads (through hcloud-js' axios instance, since
 * hcloud-js' models drop what is needed and break on a server without IPv4).
 *
 * Only the fields read are declared, and leniently: an item that is odd in a field this package does
 * not need, or unreadable in one it can do without, still counts (a server that cannot be parsed whole
 * must still be found by a look-up after an ambiguous create, listed and cleaned up). An item without
 * an id or name is skipped rather than failing the whole list (lists are parsed item by item).
 */
import { z } from 'zod';

export const hetznerArchitecture = z.enum(['x86', 'arm']);
export type HetznerArchitecture = z.infer<typeof hetznerArchitecture>;

/** Labels with string values; any other value is dropped rather than failing the item. */
const labels = z
  .record(z.string(), z.unknown())
  .transform((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string')))
  .catch({});

const deprecation = z.looseObject({ announced: z.string().optional(), unavailable_after: z.string() }).nullable();

export const paginationSchema = z.looseObject({ next_page: z.number().nullable() });
export const metaSchema = z.looseObject({ pagination: paginationSchema });

export const serverTypeSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  description: z.string().catch(''),
  cores: z.number().catch(0),
  memory: z.number().catch(0),
  disk: z.number().catch(0),
  architecture: hetznerArchitecture,
  deprecated: z.boolean().nullable().optional().catch(null),
  locations: z
    .array(
      z.looseObject({
        name: z.string(),
        deprecation: deprecation.optional().catch(undefined),
        /** False when the type is sold out in this location for now. */
        available: z.boolean().optional().catch(undefined),
      }),
    )
    .catch([]),
});
export type ServerTypeData = z.infer<typeof serverTypeSchema>;

const locationRef = z.looseObject({ name: z.string() });
const ip = z.looseObject({ ip: z.string() }).nullable().optional().catch(null);

export const serverSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  status: z.string().catch('unknown'),
  /** null when unreadable: a look-up then does not hold the creation time against it. */
  created: z.string().nullable().catch(null),
  labels,
  public_net: z.looseObject({ ipv4: ip, ipv6: ip }).catch({ ipv4: null, ipv6: null }),
  private_net: z.array(z.looseObject({ ip: z.string().optional().catch(undefined) })).optional().catch(undefined),
  server_type: z
    .looseObject({ name: z.string().catch('unknown'), architecture: hetznerArchitecture.nullable().catch(null) })
    .catch({ name: 'unknown', architecture: null }),
  /** Replaces `datacenter.location` (deprecated, to be removed after 1 July 2026). */
  location: locationRef.optional().catch(undefined),
  datacenter: z.looseObject({ location: locationRef }).nullable().optional().catch(null),
});
export type ServerData = z.infer<typeof serverSchema>;

export const imageSchema = z.looseObject({
  id: z.number(),
  type: z.string().catch('unknown'),
  status: z.string().catch('unknown'),
  name: z.string().nullable().catch(null),
  description: z.string().catch(''),
  architecture: hetznerArchitecture.nullable().catch(null),
  labels,
  created: z.string().nullable().catch(null),
  created_from: z.looseObject({ id: z.number() }).nullable().optional().catch(null),
  image_size: z.number().nullable().optional().catch(null),
  os_flavor: z.string().catch('unknown'),
  os_version: z.string().nullable().catch(null),
  deprecated: z.string().nullable().optional().catch(null),
});
export type ImageData = z.infer<typeof imageSchema>;

export const actionSchema = z.looseObject({
  id: z.number(),
  command: z.string().catch('unknown'),
  status: z.enum(['running', 'success', 'error']),
  /** Percent done, 0-100: the create action's is the boot's progress. */
  progress: z.number().catch(0),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable().optional().catch(null),
});
export type ActionData = z.infer<typeof actionSchema>;

export const locationSchema = z.looseObject({ name: z.string(), description: z.string().catch('') });
export type LocationData = z.infer<typeof locationSchema>;

export const sshKeySchema = z.looseObject({ id: z.number(), name: z.string(), fingerprint: z.string().catch('') });
export type SshKeyData = z.infer<typeof sshKeySchema>;

export const serverResponse = z.looseObject({ server: serverSchema });
export const imageResponse = z.looseObject({ image: imageSchema });
export const actionResponse = z.looseObject({ action: actionSchema });
export const actionsResponse = z.looseObject({ actions: z.array(z.unknown()) });
/** The create's action is read leniently: the server was made whatever the action looks like. */
export const createServerResponse = z.looseObject({ server: serverSchema, action: actionSchema.nullable().optional().catch(null) });
/** Of a snapshot's answer only the ids are read: an odd field elsewhere must not fail a snapshot that was made. */
export const createImageResponse = z.looseObject({ image: z.looseObject({ id: z.number() }), action: z.looseObject({ id: z.number() }) });
