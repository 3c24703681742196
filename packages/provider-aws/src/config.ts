/**
 * The provider's configuration (valibot, the plugin's `configSchema`). Credentials are optional: when
 * `accessKeyId` and `secretAccessKey` are absent, the SDK's default chain is used (environment,
 * shared profile, SSO, instance or container role), as AWS users expect. A bad value is an
 * InvalidInputError naming the field; no message ever repeats a credential.
 */
import { commonProviderConfigShape, httpUrlSchema, parseProviderConfig } from '@stagely/provider-core/provider';
import * as v from 'valibot';

/** Every shared option but `endpoint`, which EC2's schema checks itself (no default: the SDK's for the region). */
const { endpoint: _endpoint, ...sharedShape } = commonProviderConfigShape;

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A string matching `pattern`, told `message` otherwise. */
const matching = (pattern: RegExp, message: string) => v.pipe(v.string('must be a string'), v.regex(pattern, message));
const nonEmpty = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'));

export const awsConfigSchema = v.pipe(
  v.strictObject(
    {
      /** The region to create in when a spec names none. */
      region: v.optional(matching(REGION_PATTERN, 'must be an AWS region name such as us-east-1 or eu-central-1'), 'us-east-1'),
      /** Static credentials (sealed ones are opened by the registry before this schema sees them). */
      accessKeyId: v.optional(matching(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id (upper-case letters and digits)')),
      secretAccessKey: v.optional(v.pipe(nonEmpty, v.check((s) => !/\s/.test(s), 'must not contain whitespace'))),
      sessionToken: v.optional(nonEmpty),
      /** Subnet to launch into (default: the default VPC's default subnet). */
      subnetId: v.optional(matching(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as subnet-0abc1234')),
      /** Security groups for new instances (default: the VPC's default group). */
      securityGroupIds: v.optional(
        v.pipe(
          v.array(matching(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0abc1234'), 'must be a list of security group ids'),
          v.minLength(1, 'must not be empty'),
        ),
      ),
      /** A spot request without spot capacity falls back to on-demand (with a warning); `false`: it fails. */
      spotFallback: v.optional(v.boolean('must be true or false'), true),
      /** The EC2 endpoint URL (fakes, emulators, VPC endpoints); default the SDK's for the region. */
      endpoint: v.optional(httpUrlSchema('https://ec2.us-east-1.amazonaws.com')),
      /** MaxResults of listing calls (EC2 bounds it to 5-1000); default 1000, the fewest requests. */
      pageSize: v.optional(
        v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(5, 'must be at least 5'), v.maxValue(1000, 'must be at most 1000')),
        1000,
      ),
      /**
       * sizes, strict, retry, readinessPoll; requestTimeoutMs (one HTTP request, default 30 s),
       * operationPollMs (how often an AMI being made is looked at, default 1 s), notFoundGraceMs (how
       * long InvalidInstanceID.NotFound right after RunInstances means "not yet", default 60 s) and
       * rateLimit (default EC2's buckets, one per action; a budget given caps every action's request
       * bucket, burst and refill alike; `false`: none).
       */
      ...sharedShape,
    },
    'must be an object',
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const config = dataset.value;
    const issueAt = (key: 'accessKeyId' | 'secretAccessKey', message: string) =>
      addIssue({ message, path: [{ type: 'object', origin: 'value', input: config, key, value: config[key] }] });
    if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
      issueAt(config.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey', 'is required together with the other static credential');
    }
    if (config.sessionToken !== undefined && config.accessKeyId === undefined) issueAt('accessKeyId', 'is required with sessionToken');
  }),
);

/** What callers pass. */
export type AwsConfig = v.InferInput<typeof awsConfigSchema>;
/** The config with defaults filled in. */
export type ResolvedAwsConfig = v.InferOutput<typeof awsConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field (never its value). */
export function parseAwsConfig(config: unknown): ResolvedAwsConfig {
  return parseProviderConfig(awsConfigSchema, config, 'aws');
}
