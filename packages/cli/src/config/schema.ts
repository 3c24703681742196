/**
 * The shape of `stagely.yml`, as one zod schema: it validates files (issues are mapped to lines by
 * `load.ts`) and is turned into the JSON Schema editors use (`json-schema.ts`). Keys are snake_case;
 * `provider.config` is the provider's own config, passed through as it is except for `<field>_env`
 * references, which `resolve.ts` replaces with the environment variable's value.
 */
import {
  ARCHITECTURES,
  MANAGED_BY_TAG,
  MAX_INSTANCE_NAME,
  RESERVED_TAGS as PLAN_TAGS,
  ROLE_MESSAGE,
  ROLE_PATTERN,
  SIZES,
  type Architecture,
  type Size,
} from '@stagely/provider-core';
import { z } from 'zod';

/** Environment and host names end up in instance names `<environment>-<host>` (at most 63 characters). */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** An environment variable name: upper case, so that a pasted token is refused rather than echoed. */
export const ENV_VAR_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

/** A key of `provider.config` that refers to an environment variable: `token_env: HCLOUD_TOKEN`. */
export const ENV_REFERENCE_SUFFIX = '_env';

/** Config keys that hold secrets: they may only be given by reference (`<key>_env`). */
export const SECRET_KEY_PATTERN = /token|secret|password|passphrase|api_?key|private_?key|access_?key|credential/i;

/** Tags that providers and plan/apply set on every host; the file may not set them. */
export const RESERVED_TAGS: readonly string[] = [MANAGED_BY_TAG, ...PLAN_TAGS];

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const name = () =>
  z.string().regex(NAME_PATTERN, 'must be lower-case letters, digits and hyphens, not starting or ending with a hyphen');

const sizeSchema = z
  .union([z.enum(SIZES as [Size, ...Size[]]), z.strictObject({ type: nonEmpty.meta({ description: 'A provider-native type, e.g. cx23' }) })], {
    error: `must be one of ${SIZES.join(', ')} or { type: <provider type> }`,
  })
  .meta({ description: `Abstract size (${SIZES.join(', ')}) or { type: <provider type> }` });

const architectureSchema = z.enum(ARCHITECTURES as [Architecture, ...Architecture[]], { error: `must be one of ${ARCHITECTURES.join(', ')}` });

const imageSchema = z
  .union(
    [
      z.strictObject({ ubuntu: nonEmpty }),
      z.strictObject({ debian: nonEmpty }),
      z.strictObject({ id: nonEmpty }),
      z.strictObject({ snapshot: nonEmpty }),
    ],
    { error: 'must be one of { ubuntu: "24.04" }, { debian: "12" }, { id: <provider image> } or { snapshot: <snapshot id> }' },
  )
  .meta({ description: 'Default { ubuntu: "24.04" }' });

const tagsSchema = z
  .record(
    z.string().min(1).refine((key) => !RESERVED_TAGS.includes(key), {
      error: `is set by stagely itself (${RESERVED_TAGS.join(', ')} are reserved)`,
    }),
    z.string({ error: 'must be a string (quote numbers and booleans)' }),
  )
  .meta({ description: 'Labels added to each instance' });

const sshKeysSchema = z.array(nonEmpty).meta({ description: 'Names of SSH keys that exist in the account' });

/** What `defaults` and every host may set. */
const hostFields = {
  size: sizeSchema.optional(),
  architecture: architectureSchema.optional(),
  region: nonEmpty.optional(),
  image: imageSchema.optional(),
  tags: tagsSchema.optional(),
  spot: z.boolean().optional(),
  ssh_keys: sshKeysSchema.optional(),
  user_data: z.string().optional().meta({ description: 'Raw cloud-init' }),
};

const hostSchema = z
  .strictObject({
    // Also a tag value on every cloud: core's rule (no dots, no colons).
    role: z.string({ error: 'must be a string' }).regex(ROLE_PATTERN, ROLE_MESSAGE).optional().meta({ description: 'Recorded in the stagely-role tag' }),
    ...hostFields,
  })
  .meta({ description: 'A host; fields left out come from defaults' });

const environmentSchema = z.strictObject({
  hosts: z.record(name(), hostSchema).default({}).meta({ description: 'Hosts by name; instance names are <environment>-<host>' }),
});

const providerSchema = z
  .strictObject({
    name: z.string().min(1).default('mock').meta({ description: 'A provider name (mock, hetzner, ...) or its package name' }),
    config: z
      .record(z.string(), z.unknown())
      .superRefine((config, ctx) => checkProviderConfig(config, [], ctx))
      .default({})
      .meta({
        description:
          "The provider's config. Secrets only by reference to an environment variable: token_env: HCLOUD_TOKEN (never token: <literal>)",
      }),
  })
  .prefault({});

export const stagelyFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'must be 1' }).default(1),
    provider: providerSchema,
    defaults: z.strictObject(hostFields).prefault({}),
    environments: z.record(name(), environmentSchema).default({}),
  })
  // Runs even when other parts of the file are wrong (`when`), so one run names every problem: a
  // typo elsewhere must not hide a host without a size. The value may then be malformed: read it warily.
  .superRefine(
    (file, ctx) => {
      const records = (value: unknown): [string, unknown][] =>
        typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
      const defaults = Object.fromEntries(records(file.defaults));
      for (const [envName, env] of records(file.environments)) {
        for (const [hostName, host] of records(Object.fromEntries(records(env)).hosts)) {
          const path = ['environments', envName, 'hosts', hostName];
          if (Object.fromEntries(records(host)).size === undefined && defaults.size === undefined) {
            ctx.addIssue({ code: 'custom', path: [...path, 'size'], message: 'is required: set it on the host or in defaults' });
          }
          if (envName.length + 1 + hostName.length > MAX_INSTANCE_NAME) {
            ctx.addIssue({
              code: 'custom',
              path,
              message: `makes the instance name "${envName}-${hostName}" longer than ${MAX_INSTANCE_NAME} characters`,
            });
          }
        }
      }
    },
    { when: () => true },
  )
  .meta({ title: 'stagely.yml', description: 'Environments of virtual machines for the stagely CLI' });

/** The file as written (before defaults). */
export type StagelyFileInput = z.input<typeof stagelyFileSchema>;
/** The file after validation, with its defaults filled in. */
export type StagelyFile = z.output<typeof stagelyFileSchema>;
export type HostEntry = StagelyFile['environments'][string]['hosts'][string];

/**
 * Walks the provider config: a secret-looking key with a literal value is refused, and every
 * `<key>_env` must name an environment variable and must not sit next to `<key>` itself.
 */
function checkProviderConfig(value: unknown, path: string[], ctx: z.RefinementCtx<Record<string, unknown>>): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const [key, inner] of Object.entries(record)) {
    const at = [...path, key];
    if (key.endsWith(ENV_REFERENCE_SUFFIX)) {
      const target = key.slice(0, -ENV_REFERENCE_SUFFIX.length);
      if (typeof inner !== 'string' || !ENV_VAR_PATTERN.test(inner)) {
        ctx.addIssue({ code: 'custom', path: at, message: 'must name an environment variable (upper-case letters, digits, underscores)' });
      } else if (target === '') {
        ctx.addIssue({ code: 'custom', path: at, message: 'must be <field>_env, e.g. token_env' });
      } else if (target in record) {
        ctx.addIssue({ code: 'custom', path: at, message: `and ${target} are both set: keep only ${key}` });
      }
    } else if (SECRET_KEY_PATTERN.test(key) && inner !== null && typeof inner !== 'object') {
      ctx.addIssue({
        code: 'custom',
        path: at,
        message: `is a secret and may not be written in the file: reference an environment variable instead (${key}${ENV_REFERENCE_SUFFIX}: <VARIABLE>)`,
      });
    } else {
      checkProviderConfig(inner, at, ctx);
    }
  }
}
