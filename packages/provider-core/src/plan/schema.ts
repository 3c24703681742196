/**
 * Up-front validation of a desired environment (before `plan` reads anything) and of a plan handed
 * to `apply` (it may come back from a saved JSON file). Bad input is an InvalidInputError whose
 * `field` names the path, e.g. `hosts[3].name`. valibot, as everywhere in core (docs/architecture.md,
 * "Cold start").
 */
import * as v from 'valibot';
import { InvalidInputError } from '../contract/errors.js';
import { instanceSpecEntries } from '../authoring/instance-spec.js';
import { parseFirst } from '../authoring/schema-issues.js';
import { ENV_TAG, HOST_TAG, RESERVED_TAGS } from './tags.js';
import type { DesiredEnvironment, Plan } from './types.js';

/** Instance names are `<environment>-<host>`, and must stay valid names (63 characters at most). */
export const MAX_INSTANCE_NAME = 63;

const lowerName = (what: string) =>
  v.pipe(
    v.string('must be a string'),
    v.regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, `${what} must be lowercase letters, digits or hyphens, not starting or ending with a hyphen`),
  );

export const environmentNameSchema = v.pipe(lowerName('an environment name'), v.maxLength(MAX_INSTANCE_NAME - 2, 'is too long'));
export const hostNameSchema = lowerName('a host name');

/** A host's role. Also a tag value on every cloud: no dots (DigitalOcean), no colons (Hetzner). */
export const ROLE_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
/** What a role that does not match ROLE_PATTERN is told. */
export const ROLE_MESSAGE = 'must be 1-63 letters, digits, hyphens or underscores, starting and ending with a letter or digit';
export const roleSchema = v.pipe(v.string('must be a string'), v.regex(ROLE_PATTERN, ROLE_MESSAGE));

export const hostSpecSchema = v.strictObject({ ...instanceSpecEntries, name: hostNameSchema, role: v.optional(roleSchema) }, 'must be an object');

/** An issue path from `root` down through `keys`, as valibot's own issues carry it. */
function pathTo(root: unknown, keys: ReadonlyArray<string | number>): [v.IssuePathItem, ...v.IssuePathItem[]] {
  let input = root as Record<string | number, unknown>;
  const items = keys.map((key): v.IssuePathItem => {
    const value = input[key];
    const item = (Array.isArray(input)
      ? { type: 'array', origin: 'value', input, key, value }
      : { type: 'object', origin: 'value', input, key, value }) as v.IssuePathItem;
    input = value as Record<string | number, unknown>;
    return item;
  });
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}

export const desiredEnvironmentSchema = v.pipe(
  v.strictObject(
    {
      environment: environmentNameSchema,
      hosts: v.array(hostSpecSchema, 'must be a list of hosts'),
    },
    'must be an object',
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const desired = dataset.value;
    const seen = new Map<string, number>();
    desired.hosts.forEach((host, i) => {
      const first = seen.get(host.name);
      if (first !== undefined) {
        addIssue({ path: pathTo(desired, ['hosts', i, 'name']), message: `"${host.name}" is also hosts[${first}].name` });
      }
      seen.set(host.name, first ?? i);
      const instanceName = `${desired.environment}-${host.name}`;
      if (instanceName.length > MAX_INSTANCE_NAME) {
        addIssue({
          path: pathTo(desired, ['hosts', i, 'name']),
          message: `makes the instance name "${instanceName}" longer than ${MAX_INSTANCE_NAME} characters`,
        });
      }
      for (const key of Object.keys(host.tags ?? {})) {
        if (RESERVED_TAGS.includes(key)) {
          addIssue({ path: pathTo(desired, ['hosts', i, 'tags', key]), message: 'is set by plan/apply and may not be given' });
        }
      }
    });
  }),
);

const nullableString = v.nullable(v.string());
const differenceSchema = v.object({
  field: v.picklist(['size', 'architecture', 'region', 'image', 'role']),
  desired: nullableString,
  actual: nullableString,
});
const createSpecSchema = v.strictObject({ ...instanceSpecEntries, name: v.string(), tags: v.record(v.string(), v.string()) });
const instanceId = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));
const resolvedSchema = v.object({
  type: v.string(),
  region: v.string(),
  architecture: v.picklist(['amd64', 'arm64']),
  image: v.string(),
  spot: v.boolean(),
  warnings: v.array(v.string()),
});
const problemSchema = v.object({ host: v.string(), name: v.string(), field: v.string(), code: v.string(), message: v.string() });
const conflictEntries = { name: v.string(), host: hostNameSchema, instanceId, differences: v.array(differenceSchema) };

export const planSchema = v.pipe(
  v.object({
    version: v.literal(1, 'must be 1 (a plan made by this version of core)'),
    provider: v.string(),
    environment: environmentNameSchema,
    policy: v.picklist(['report', 'replace']),
    // `resolved` and `problems` came later in version 1: a plan saved without them still reads.
    create: v.array(v.object({ name: v.string(), host: hostNameSchema, spec: createSpecSchema, resolved: v.optional(resolvedSchema) })),
    delete: v.array(v.object({ name: v.string(), host: nullableString, instanceId, reason: v.picklist(['not-in-file', 'duplicate']) })),
    keep: v.array(v.object({ name: v.string(), host: hostNameSchema, instanceId })),
    conflicts: v.array(v.object(conflictEntries)),
    replace: v.array(v.object({ ...conflictEntries, spec: createSpecSchema, resolved: v.optional(resolvedSchema) })),
    problems: v.optional(v.array(problemSchema), () => []),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const plan = dataset.value;
    // Whatever apply creates must carry the environment's tags, or no later plan would see it.
    for (const list of ['create', 'replace'] as const) {
      plan[list].forEach((entry, i) => {
        const expected = `${plan.environment}-${entry.host}`;
        if (entry.name !== expected || entry.spec.name !== expected) {
          addIssue({ path: pathTo(plan, [list, i, 'spec', 'name']), message: `must be "${expected}"` });
        }
        if (entry.spec.tags[ENV_TAG] !== plan.environment || entry.spec.tags[HOST_TAG] !== entry.host) {
          addIssue({ path: pathTo(plan, [list, i, 'spec', 'tags']), message: `must carry ${ENV_TAG} and ${HOST_TAG} of the entry` });
        }
      });
    }
  }),
);

function parseOrThrow(schema: v.GenericSchema, value: unknown, what: string, prefix: string): unknown {
  const parsed = parseFirst(schema, value);
  if (parsed.success) return parsed.output;
  const field = [prefix, parsed.field].filter(Boolean).join('.') || what;
  throw new InvalidInputError(field, `Invalid ${what}: ${field} ${parsed.message}`);
}

/** Checks a desired environment; throws InvalidInputError naming the first bad field (`hosts[3].name`). */
export function validateDesiredEnvironment(desired: DesiredEnvironment): DesiredEnvironment {
  return parseOrThrow(desiredEnvironmentSchema, desired, 'environment', '') as DesiredEnvironment;
}

/** Checks a plan before applying it; fields are named from the plan (`plan.create[0].spec.size`). */
export function validatePlan(plan: Plan): Plan {
  return parseOrThrow(planSchema, plan, 'plan', 'plan') as Plan;
}
