/**
 * Up-front validation of a desired environment (before `plan` reads anything) and of a plan handed
 * to `apply` (it may come back from a saved JSON file). Bad input is an InvalidInputError whose
 * `field` names the path, e.g. `hosts[3].name`.
 */
import { z } from 'zod';
import { InvalidInputError } from '../contract/errors.js';
import { instanceSpecSchema, issueField } from '../authoring/instance-spec.js';
import { ENV_TAG, HOST_TAG, RESERVED_TAGS } from './tags.js';
import type { DesiredEnvironment, Plan } from './types.js';

/** Instance names are `<environment>-<host>`, and must stay valid names (63 characters at most). */
export const MAX_INSTANCE_NAME = 63;

const lowerName = (what: string) =>
  z
    .string({ error: 'must be a string' })
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, `${what} must be lowercase letters, digits or hyphens, not starting or ending with a hyphen`);

export const environmentNameSchema = lowerName('an environment name').max(MAX_INSTANCE_NAME - 2, 'is too long');
export const hostNameSchema = lowerName('a host name');
/** Also a tag value on every cloud: no dots (DigitalOcean), no colons (Hetzner). */
export const roleSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/, 'must be 1-63 letters, digits, hyphens or underscores, starting and ending with a letter or digit');

export const hostSpecSchema = instanceSpecSchema.extend({ name: hostNameSchema, role: roleSchema.optional() });

export const desiredEnvironmentSchema = z
  .strictObject({
    environment: environmentNameSchema,
    hosts: z.array(hostSpecSchema, { error: 'must be a list of hosts' }),
  })
  .superRefine((desired, ctx) => {
    const seen = new Map<string, number>();
    desired.hosts.forEach((host, i) => {
      const first = seen.get(host.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['hosts', i, 'name'], message: `"${host.name}" is also hosts[${first}].name` });
      }
      seen.set(host.name, first ?? i);
      const instanceName = `${desired.environment}-${host.name}`;
      if (instanceName.length > MAX_INSTANCE_NAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'name'],
          message: `makes the instance name "${instanceName}" longer than ${MAX_INSTANCE_NAME} characters`,
        });
      }
      for (const key of Object.keys(host.tags ?? {})) {
        if (RESERVED_TAGS.includes(key)) {
          ctx.addIssue({ code: 'custom', path: ['hosts', i, 'tags', key], message: 'is set by plan/apply and may not be given' });
        }
      }
    });
  });

const differenceSchema = z.object({
  field: z.enum(['size', 'architecture', 'region', 'image', 'role']),
  desired: z.string().nullable(),
  actual: z.string().nullable(),
});
const createSpecSchema = instanceSpecSchema.extend({ name: z.string(), tags: z.record(z.string(), z.string()) });
const instanceId = z.string().min(1, 'must not be empty');
const resolvedSchema = z.object({
  type: z.string(),
  region: z.string(),
  architecture: z.enum(['amd64', 'arm64']),
  image: z.string(),
  spot: z.boolean(),
  warnings: z.array(z.string()),
});
const problemSchema = z.object({ host: z.string(), name: z.string(), field: z.string(), code: z.string(), message: z.string() });
const conflictShape = { name: z.string(), host: hostNameSchema, instanceId, differences: z.array(differenceSchema) };

export const planSchema = z
  .object({
    version: z.literal(1, { error: 'must be 1 (a plan made by this version of core)' }),
    provider: z.string(),
    environment: environmentNameSchema,
    policy: z.enum(['report', 'replace']),
    // `resolved` and `problems` came later in version 1: a plan saved without them still reads.
    create: z.array(z.object({ name: z.string(), host: hostNameSchema, spec: createSpecSchema, resolved: resolvedSchema.optional() })),
    delete: z.array(
      z.object({ name: z.string(), host: z.string().nullable(), instanceId, reason: z.enum(['not-in-file', 'duplicate']) }),
    ),
    keep: z.array(z.object({ name: z.string(), host: hostNameSchema, instanceId })),
    conflicts: z.array(z.object(conflictShape)),
    replace: z.array(z.object({ ...conflictShape, spec: createSpecSchema, resolved: resolvedSchema.optional() })),
    problems: z.array(problemSchema).default([]),
  })
  .superRefine((plan, ctx) => {
    // Whatever apply creates must carry the environment's tags, or no later plan would see it.
    for (const list of ['create', 'replace'] as const) {
      plan[list].forEach((entry, i) => {
        const expected = `${plan.environment}-${entry.host}`;
        if (entry.name !== expected || entry.spec.name !== expected) {
          ctx.addIssue({ code: 'custom', path: [list, i, 'spec', 'name'], message: `must be "${expected}"` });
        }
        if (entry.spec.tags[ENV_TAG] !== plan.environment || entry.spec.tags[HOST_TAG] !== entry.host) {
          ctx.addIssue({ code: 'custom', path: [list, i, 'spec', 'tags'], message: `must carry ${ENV_TAG} and ${HOST_TAG} of the entry` });
        }
      });
    }
  });

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, issueField(issue)].filter(Boolean).join('.') || what;
  throw new InvalidInputError(field, `Invalid ${what}: ${field} ${issue.message}`);
}

/** Checks a desired environment; throws InvalidInputError naming the first bad field (`hosts[3].name`). */
export function validateDesiredEnvironment(desired: DesiredEnvironment): DesiredEnvironment {
  return parseOrThrow(desiredEnvironmentSchema, desired, 'environment', '') as DesiredEnvironment;
}

/** Checks a plan before applying it; fields are named from the plan (`plan.create[0].spec.size`). */
export function validatePlan(plan: Plan): Plan {
  return parseOrThrow(planSchema, plan, 'plan', 'plan') as Plan;
}
