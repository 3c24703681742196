/**
 * Builds the exact create spec for a host, and compares an existing instance with it. Both plan and
 * apply use these, so "matches" means the same thing when planning and when re-checking before a create.
 */
import { DEFAULT_IMAGE, type Instance } from '../contract/contract.js';
import {
  ARCH_TAG,
  ENV_TAG,
  HOST_TAG,
  IMAGE_TAG,
  ROLE_TAG,
  SIZE_TAG,
  describeImage,
  describeRecordedImage,
  describeSize,
  encodeImage,
} from './tags.js';
import type { FieldDifference, HostSpec, PlanCreate } from './types.js';

export type CreateSpec = PlanCreate['spec'];

export function instanceName(environment: string, host: string): string {
  return `${environment}-${host}`;
}

const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * What `createInstance` receives for `host`: defaults that the comparison depends on are filled in
 * (architecture, image and, when known, region), keys come in a fixed order, and the tags (sorted by
 * key) carry the environment, host, role and the record of the requested size, architecture and image.
 * Built field by field rather than with spreads: plan makes one per host (see bench/plan.bench.ts).
 */
export function createSpecFor(environment: string, host: HostSpec, defaultRegion?: string): CreateSpec {
  const architecture = host.architecture ?? 'amd64';
  const image = host.image ?? DEFAULT_IMAGE;
  const region = host.region ?? defaultRegion;
  const entries: [string, string][] = host.tags ? Object.entries(host.tags) : [];
  entries.push([ENV_TAG, environment], [HOST_TAG, host.name], [ARCH_TAG, architecture], [IMAGE_TAG, encodeImage(image)]);
  if (host.role !== undefined) entries.push([ROLE_TAG, host.role]);
  if (typeof host.size === 'string') entries.push([SIZE_TAG, host.size]);
  entries.sort(byKey);
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) tags[key] = value;

  const spec = {
    name: instanceName(environment, host.name),
    size: typeof host.size === 'string' ? host.size : { type: host.size.type },
    architecture,
  } as CreateSpec;
  if (region !== undefined) spec.region = region;
  spec.image = { ...image };
  if (host.userData !== undefined) spec.userData = host.userData;
  if (host.spot !== undefined) spec.spot = host.spot;
  if (host.sshKeys !== undefined) spec.sshKeys = [...host.sshKeys];
  spec.tags = tags;
  return spec;
}

/**
 * The fields in which `instance` differs from `spec`, in a fixed order. Abstract sizes, the architecture
 * and the image are compared with what was recorded at creation (a provider may map or substitute them);
 * a `{ type }` size and the region with what the instance shows. Nothing recorded is a difference
 * (`actual: null`): the plan cannot prove the instance matches, and never assumes it does.
 */
export function differences(spec: CreateSpec, instance: Instance): FieldDifference[] {
  const out: FieldDifference[] = [];
  const tags = instance.tags;

  const desiredSize = describeSize(spec.size);
  if (typeof spec.size === 'string') {
    const recorded = tags[SIZE_TAG];
    if (recorded !== spec.size) out.push({ field: 'size', desired: desiredSize, actual: recorded ?? `type:${instance.type}` });
  } else if (instance.type !== spec.size.type) {
    out.push({ field: 'size', desired: desiredSize, actual: `type:${instance.type}` });
  }

  const architecture = tags[ARCH_TAG] ?? instance.architecture;
  if (architecture !== spec.architecture) {
    out.push({ field: 'architecture', desired: spec.architecture ?? null, actual: architecture });
  }

  if (spec.region !== undefined && instance.region !== spec.region) {
    out.push({ field: 'region', desired: spec.region, actual: instance.region });
  }

  const image = tags[IMAGE_TAG];
  if (image !== spec.tags[IMAGE_TAG]) {
    out.push({ field: 'image', desired: describeImage(spec.image ?? DEFAULT_IMAGE), actual: image === undefined ? null : describeRecordedImage(image) });
  }

  const role = tags[ROLE_TAG] ?? null;
  const desiredRole = spec.tags[ROLE_TAG] ?? null;
  if (role !== desiredRole) out.push({ field: 'role', desired: desiredRole, actual: role });

  return out;
}
