/**
 * Checks an InstanceSpec's shape before any provider call, so that every provider refuses bad
 * input the same way: an InvalidInputError whose `field` names the offending path.
 * Provider-specific rules (catalogue, label syntax) come after this, in the provider.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ARCHITECTURES, DEFAULT_IMAGE, SIZES, type Architecture, type ImageSpec, type InstanceSpec } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const imageSchema = z.union([
  z.strictObject({ ubuntu: nonEmpty }),
  z.strictObject({ debian: nonEmpty }),
  z.strictObject({ id: nonEmpty }),
  z.strictObject({ snapshot: nonEmpty }),
], { error: 'must be one of { ubuntu }, { debian }, { id } or { snapshot }' });

export const instanceSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen')
    .optional(),
  size: z.union([z.enum(SIZES as [string, ...string[]]), z.strictObject({ type: nonEmpty })], {
    error: `must be one of ${SIZES.join(', ')} or { type: '<provider type>' }`,
  }),
  architecture: z.enum(ARCHITECTURES as [string, ...string[]], { error: `must be one of ${ARCHITECTURES.join(', ')}` }).optional(),
  region: nonEmpty.optional(),
  image: imageSchema.optional(),
  userData: z.string().optional(),
  tags: z.record(z.string(), z.string({ error: 'must be a string' })).optional(),
  spot: z.boolean().optional(),
  sshKeys: z.array(nonEmpty).optional(),
});

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

/** Turns a zod issue path into `tags.env` / `sshKeys[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/**
 * The field a zod issue is about, as `fieldPath` writes it. An unknown key is reported on its parent
 * object; this names the key itself.
 */
export function issueField(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
  return fieldPath(path);
}

/**
 * Validates `spec` and fills in defaults. Throws InvalidInputError naming the first bad field.
 */
export function resolveInstanceSpec(
  spec: InstanceSpec,
  defaults: { region: string; provider: string },
): ResolvedInstanceSpec {
  const parsed = instanceSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issueField(issue) || 'spec';
    throw new InvalidInputError(field, `Invalid instance spec: ${field} ${issue.message}`, { provider: defaults.provider });
  }
  // The parsed value, not `spec`: names, regions, types and image versions come back trimmed.
  const valid = parsed.data as InstanceSpec;
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
