/**
 * Checks an InstanceSpec's shape before any provider call, so that every provider refuses bad
 * input the same way: an InvalidInputError whose `field` names the offending path.
 * Provider-specific rules (catalogue, label syntax) come after this, in the provider.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { ARCHITECTURES, DEFAULT_IMAGE, SIZES, type Architecture, type ImageSpec, type InstanceSpec } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';
import { parseFirst } from './schema-issues.js';

const nonEmpty = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'));

const imageSchema = v.union(
  [
    v.strictObject({ ubuntu: nonEmpty }),
    v.strictObject({ debian: nonEmpty }),
    v.strictObject({ id: nonEmpty }),
    v.strictObject({ snapshot: nonEmpty }),
  ],
  'must be one of { ubuntu }, { debian }, { id } or { snapshot }',
);

/** The fields of an InstanceSpec (plan's host and create specs extend them). */
export const instanceSpecEntries = {
  name: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen'),
    ),
  ),
  size: v.union([v.picklist(SIZES), v.strictObject({ type: nonEmpty })], `must be one of ${SIZES.join(', ')} or { type: '<provider type>' }`),
  architecture: v.optional(v.picklist(ARCHITECTURES, `must be one of ${ARCHITECTURES.join(', ')}`)),
  region: v.optional(nonEmpty),
  image: v.optional(imageSchema),
  userData: v.optional(v.string('must be a string')),
  tags: v.optional(v.record(v.string(), v.string('must be a string'), 'must be an object of strings')),
  spot: v.optional(v.boolean('must be true or false')),
  sshKeys: v.optional(v.array(nonEmpty, 'must be a list of key names')),
};

export const instanceSpecSchema = v.strictObject(instanceSpecEntries, 'must be an object');

/** A spec with its defaults filled in. */
export interface ResolvedInstanceSpec extends InstanceSpec {
  name: string;
  architecture: Architecture;
  region: string;
  image: ImageSpec;
  tags: Record<string, string>;
  spot: boolean;
  sshKeys: string[];
}

/**
 * Validates `spec` and fills in defaults. Throws InvalidInputError naming the first bad field.
 */
export function resolveInstanceSpec(
  spec: InstanceSpec,
  defaults: { region: string; provider: string },
): ResolvedInstanceSpec {
  const parsed = parseFirst(instanceSpecSchema, spec);
  if (!parsed.success) {
    const field = parsed.field || 'spec';
    throw new InvalidInputError(field, `Invalid instance spec: ${field} ${parsed.message}`, { provider: defaults.provider });
  }
  // The parsed value, not `spec`: names, regions, types and image versions come back trimmed.
  const valid = parsed.output as InstanceSpec;
  return {
    ...valid,
    name: valid.name ?? defaultInstanceName(),
    architecture: valid.architecture ?? 'amd64',
    region: valid.region ?? defaults.region,
    image: valid.image ?? DEFAULT_IMAGE,
    tags: { ...valid.tags },
    spot: valid.spot ?? false,
    sshKeys: valid.sshKeys ?? [],
  };
}

export function defaultInstanceName(): string {
  return `stagely-${randomBytes(4).toString('hex')}`;
}
