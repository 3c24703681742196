/**
 * Shapes of the Hetzner API answers this package reads (through hcloud-js' axios instance, since
 * hcloud-js' models drop what is needed and break on a server without IPv4).
 *
 * Only the fields read are declared, and leniently: an item that is odd in a field this package does
 * not need, or unreadable in one it can do without, still counts (a server that cannot be parsed whole
 * must still be found by a look-up after an ambiguous create, listed and cleaned up). An item without
 * an id or name is skipped rather than failing the whole list (lists are parsed item by item).
 */
import * as v from 'valibot';

export const hetznerArchitecture = v.picklist(['x86', 'arm']);
export type HetznerArchitecture = v.InferOutput<typeof hetznerArchitecture>;

/** Labels with string values; any other value is dropped rather than failing the item. */
const labels = v.fallback(
  v.pipe(
    v.record(v.string(), v.unknown()),
    v.transform((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))),
  ),
  () => ({}),
);

const deprecation = v.nullable(v.looseObject({ announced: v.optional(v.string()), unavailable_after: v.string() }));

export const paginationSchema = v.looseObject({ next_page: v.nullable(v.number()) });
export const metaSchema = v.looseObject({ pagination: paginationSchema });

export const serverTypeSchema = v.looseObject({
  id: v.number(),
  name: v.string(),
  description: v.fallback(v.string(), ''),
  cores: v.fallback(v.number(), 0),
  memory: v.fallback(v.number(), 0),
  disk: v.fallback(v.number(), 0),
  architecture: hetznerArchitecture,
  deprecated: v.fallback(v.nullish(v.boolean()), null),
  locations: v.fallback(
    v.array(
      v.looseObject({
        name: v.string(),
        deprecation: v.fallback(v.optional(deprecation), undefined),
        /** False when the type is sold out in this location for now. */
        available: v.fallback(v.optional(v.boolean()), undefined),
      }),
    ),
    () => [],
  ),
});
export type ServerTypeData = v.InferOutput<typeof serverTypeSchema>;

const locationRef = v.looseObject({ name: v.string() });
const ip = v.fallback(v.nullish(v.looseObject({ ip: v.string() })), null);

export const serverSchema = v.looseObject({
  id: v.number(),
  name: v.string(),
  status: v.fallback(v.string(), 'unknown'),
  /** null when unreadable: a look-up then does not hold the creation time against it. */
  created: v.fallback(v.nullable(v.string()), null),
  labels,
  public_net: v.fallback(v.looseObject({ ipv4: ip, ipv6: ip }), () => ({ ipv4: null, ipv6: null })),
  private_net: v.fallback(v.optional(v.array(v.looseObject({ ip: v.fallback(v.optional(v.string()), undefined) }))), undefined),
  server_type: v.fallback(
    v.looseObject({ name: v.fallback(v.string(), 'unknown'), architecture: v.fallback(v.nullable(hetznerArchitecture), null) }),
    () => ({ name: 'unknown', architecture: null }),
  ),
  /** Replaces `datacenter.location` (deprecated, to be removed after 1 July 2026). */
  location: v.fallback(v.optional(locationRef), undefined),
  datacenter: v.fallback(v.nullish(v.looseObject({ location: locationRef })), null),
});
export type ServerData = v.InferOutput<typeof serverSchema>;

export const imageSchema = v.looseObject({
  id: v.number(),
  type: v.fallback(v.string(), 'unknown'),
  status: v.fallback(v.string(), 'unknown'),
  name: v.fallback(v.nullable(v.string()), null),
  description: v.fallback(v.string(), ''),
  architecture: v.fallback(v.nullable(hetznerArchitecture), null),
  labels,
  created: v.fallback(v.nullable(v.string()), null),
  created_from: v.fallback(v.nullish(v.looseObject({ id: v.number() })), null),
  image_size: v.fallback(v.nullish(v.number()), null),
  os_flavor: v.fallback(v.string(), 'unknown'),
  os_version: v.fallback(v.nullable(v.string()), null),
  deprecated: v.fallback(v.nullish(v.string()), null),
});
export type ImageData = v.InferOutput<typeof imageSchema>;

export const actionSchema = v.looseObject({
  id: v.number(),
  command: v.fallback(v.string(), 'unknown'),
  status: v.picklist(['running', 'success', 'error']),
  /** Percent done, 0-100: the create action's is the boot's progress. */
  progress: v.fallback(v.number(), 0),
  error: v.fallback(v.nullish(v.looseObject({ code: v.string(), message: v.string() })), null),
});
export type ActionData = v.InferOutput<typeof actionSchema>;

export const locationSchema = v.looseObject({ name: v.string(), description: v.fallback(v.string(), '') });
export type LocationData = v.InferOutput<typeof locationSchema>;

export const sshKeySchema = v.looseObject({ id: v.number(), name: v.string(), fingerprint: v.fallback(v.string(), '') });
export type SshKeyData = v.InferOutput<typeof sshKeySchema>;

export const serverResponse = v.looseObject({ server: serverSchema });
export const imageResponse = v.looseObject({ image: imageSchema });
export const actionResponse = v.looseObject({ action: actionSchema });
export const actionsResponse = v.looseObject({ actions: v.array(v.unknown()) });
/** The create's action is read leniently: the server was made whatever the action looks like. */
export const createServerResponse = v.looseObject({ server: serverSchema, action: v.fallback(v.nullish(actionSchema), null) });
/** Of a snapshot's answer only the ids are read: an odd field elsewhere must not fail a snapshot that was made. */
export const createImageResponse = v.looseObject({ image: v.looseObject({ id: v.number() }), action: v.looseObject({ id: v.number() }) });
