/**
 * The provider's configuration (zod, the plugin's `configSchema`). Credentials are optional: when
 * `accessKeyId` and `secretAccessKey` are absent, the SDK's default chain is used (environment,
 * shared profile, SSO, instance or container role), as AWS users expect. A bad value is an
 * InvalidInputError naming the field; no message ever repeats a credential.
 */
import { commonProviderConfigShape, parseProviderConfig } from '@stagely/provider-core/provider';
import { z } from 'zod';

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const awsConfigSchema = z
  .strictObject({
    /** The region to create in when a spec names none. */
    region: z.string().regex(REGION_PATTERN, 'must be an AWS region name such as us-east-1 or eu-central-1').default('us-east-1'),
    /** Static credentials (sealed ones are opened by the registry before this schema sees them). */
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id (upper-case letters and digits)').optional(),
    secretAccessKey: z.string().min(1, 'must not be empty').refine((s) => !/\s/.test(s), { error: 'must not contain whitespace' }).optional(),
    sessionToken: z.string().min(1, 'must not be empty').optional(),
    /** Subnet to launch into (default: the default VPC's default subnet). */
    subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id such as subnet-0abc1234').optional(),
    /** Security groups for new instances (default: the VPC's default group). */
    securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0abc1234')).min(1).optional(),
    /** A spot request without spot capacity falls back to on-demand (with a warning); `false`: it fails. */
    spotFallback: z.boolean().default(true),
    /** The EC2 endpoint URL (fakes, emulators, VPC endpoints); default the SDK's for the region. */
    endpoint: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    /** MaxResults of listing calls (EC2 bounds it to 5-1000); default 1000, the fewest requests. */
    pageSize: z.number().int().min(5).max(1000).default(1000),
    sizes: commonProviderConfigShape.sizes,
    strict: commonProviderConfigShape.strict,
    retry: commonProviderConfigShape.retry,
    readinessPoll: commonProviderConfigShape.readinessPoll,
    /** Limit of one HTTP request (default 30 s); how often an AMI being made is looked at (default 1 s). */
    requestTimeoutMs: commonProviderConfigShape.requestTimeoutMs,
    operationPollMs: commonProviderConfigShape.operationPollMs,
    /** How long InvalidInstanceID.NotFound right after RunInstances means "not yet"; default 60 s. */
    notFoundGraceMs: commonProviderConfigShape.notFoundGraceMs,
    /** The client-side limiter's budget; default EC2's bucket for describe calls (100, 20 a second back); `false`: none. */
    rateLimit: commonProviderConfigShape.rateLimit,
  })
  .superRefine((config, ctx) => {
    if ((config.accessKeyId === undefined) !== (config.secretAccessKey === undefined)) {
      const missing = config.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required together with the other static credential' });
    }
    if (config.sessionToken !== undefined && config.accessKeyId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['accessKeyId'], message: 'is required with sessionToken' });
    }
  });

/** What callers pass. */
export type AwsConfig = z.input<typeof awsConfigSchema>;
/** The config with defaults filled in. */
export type ResolvedAwsConfig = z.output<typeof awsConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field (never its value). */
export function parseAwsConfig(config: unknown): ResolvedAwsConfig {
  return parseProviderConfig(awsConfigSchema, config, 'aws');
}
