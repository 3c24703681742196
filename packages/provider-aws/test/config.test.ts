/** The provider config: defaults, credential pairs, and errors that name the field but never a value. */
import { isStagelyError } from '@stagely/provider-core';
import { describe, expect, it } from 'vitest';
import { parseAwsConfig } from '../src/index.js';

function fieldOf(config: unknown): string {
  try {
    parseAwsConfig(config);
  } catch (error) {
    if (isStagelyError(error, 'INVALID_INPUT')) {
      expect(error.message).not.toContain('s3cr3t-value');
      return String(error.details.field);
    }
    throw error;
  }
  return 'accepted';
}

describe('aws config', () => {
  it('defaults: us-east-1, the SDK default chain (no credentials), spot fallback on', () => {
    expect(parseAwsConfig({})).toMatchObject({ region: 'us-east-1', spotFallback: true, strict: false, requestTimeoutMs: 30_000 });
    expect(parseAwsConfig({}).accessKeyId).toBeUndefined();
  });

  it('takes static credentials only as a pair, and a session token only with them', () => {
    expect(fieldOf({ accessKeyId: 'AKIAEXAMPLE000000001' })).toBe('secretAccessKey');
    expect(fieldOf({ secretAccessKey: 's3cr3t-value' })).toBe('accessKeyId');
    expect(fieldOf({ sessionToken: 's3cr3t-value' })).toBe('accessKeyId');
    expect(fieldOf({ accessKeyId: 'AKIAEXAMPLE000000001', secretAccessKey: 's3cr3t-value', sessionToken: 'tok' })).toBe('accepted');
  });

  it('names the bad field', () => {
    expect(fieldOf({ region: 'Frankfurt' })).toBe('region');
    expect(fieldOf({ accessKeyId: 'lower-case-key', secretAccessKey: 's3cr3t-value' })).toBe('accessKeyId');
    expect(fieldOf({ subnetId: 'subnet-xyz' })).toBe('subnetId');
    expect(fieldOf({ securityGroupIds: ['sg-nothex!'] })).toBe('securityGroupIds[0]');
    expect(fieldOf({ endpoint: 'ftp://example' })).toBe('endpoint');
    expect(fieldOf({ sizes: { small: { amd64: '' } } })).toBe('sizes.small.amd64');
    expect(fieldOf({ pageSize: 4 })).toBe('pageSize');
    expect(fieldOf({ token: 's3cr3t-value' })).toBe('token');
  });

  it('rateLimit: a ceiling { requests, windowMs } for every action, or false', () => {
    expect(fieldOf({ rateLimit: { requests: 50, windowMs: 5000 } })).toBe('accepted');
    expect(fieldOf({ rateLimit: false })).toBe('accepted');
    expect(fieldOf({ rateLimit: { requests: 0, windowMs: 5000 } })).toBe('rateLimit.requests');
    expect(fieldOf({ rateLimit: { requests: 50, windowMs: 1.5 } })).toBe('rateLimit.windowMs');
    expect(fieldOf({ rateLimit: true })).toBe('rateLimit');
    expect(fieldOf({ rateLimit: { requests: 50, windowMs: 5000, perAction: true } })).toBe('rateLimit');
  });
});
