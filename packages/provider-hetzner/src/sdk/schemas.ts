/**
 * Shapes of the API objects this package reads itself (through hcloud-js' axios instance) because
 * hcloud-js' models drop what is needed: server types lose `architecture`, `deprecated` and
 * `locations[].deprecation`; images lose `labels` and `architecture`; servers lose
 * `server_type.architecture`, and its Server model throws on a server without IPv4. Only the fields
 * used are declared; the rest of each object passes through untouched.
 */
import { z } from 'zod';

export const hetznerArchitecture = z.enum(['x86', 'arm']);
export type HetznerArchitecture = z.infer<typeof hetznerArchitecture>;

const labels = z.record(z.string(), z.string());

const deprecation = z.looseObject({ announced: z.string(), unavailable_after: z.string() }).nullable();

export const paginationSchema = z.looseObject({
  page: z.number(),
  per_page: z.number(),
  next_page: z.number().nullable(),
  last_page: z.number().nullable().optional(),
  total_entries: z.number().nullable().optional(),
});
export const metaSchema = z.looseObject({ pagination: paginationSchema });

export const serverTypeSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  cores: z.number(),
  memory: z.number(),
  disk: z.number(),
  architecture: hetznerArchitecture,
  deprecated: z.boolean().nullable().optional(),
  locations: z.array(z.looseObject({ id: z.number(), name: z.string(), deprecation: deprecation.optional() })),
});
export type ServerTypeData = z.infer<typeof serverTypeSchema>;

const locationRef = z.looseObject({ name: z.string() });

export const serverSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  created: z.string(),
  labels: labels,
  public_net: z.looseObject({
    ipv4: z.looseObject({ ip: z.string() }).nullable().optional(),
    ipv6: z.looseObject({ ip: z.string() }).nullable().optional(),
  }),
  private_net: z.array(z.looseObject({ ip: z.string().optional() })).optional(),
  server_type: z.looseObject({ name: z.string(), architecture: hetznerArchitecture }),
  /** Replaces `datacenter.location` (deprecated, to be removed after 1 July 2026). */
  location: locationRef.optional(),
  datacenter: z.looseObject({ location: locationRef }).nullable().optional(),
});
export type ServerData = z.infer<typeof serverSchema>;

export const imageSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  status: z.string(),
  name: z.string().nullable(),
  description: z.string(),
  architecture: hetznerArchitecture,
  labels: labels,
  created: z.string(),
  created_from: z.looseObject({ id: z.number(), name: z.string() }).nullable().optional(),
  image_size: z.number().nullable().optional(),
  disk_size: z.number().nullable().optional(),
  deprecated: z.string().nullable().optional(),
});
export type ImageData = z.infer<typeof imageSchema>;

export const actionSchema = z.looseObject({
  id: z.number(),
  command: z.string(),
  status: z.enum(['running', 'success', 'error']),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable().optional(),
});
export type ActionData = z.infer<typeof actionSchema>;

export const serverResponse = z.looseObject({ server: serverSchema });
export const serverListResponse = z.looseObject({ servers: z.array(serverSchema), meta: metaSchema });
export const serverTypeListResponse = z.looseObject({ server_types: z.array(serverTypeSchema), meta: metaSchema });
export const imageResponse = z.looseObject({ image: imageSchema });
export const imageListResponse = z.looseObject({ images: z.array(imageSchema), meta: metaSchema });
export const createImageResponse = z.looseObject({ image: imageSchema, action: actionSchema });
