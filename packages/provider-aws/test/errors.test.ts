/**
 * EC2 error codes -> StagelyErrors, each through the real SDK's error parsing: the fake answers
 * with EC2's error document for the code, the provider maps it.
 */
import type { ErrorCode } from '@stagely/provider-core';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Error, HTML_BAD_GATEWAY } from '../src/testing/index.js';
import { CREDENTIALS, startHarness, type Harness } from './support/harness.js';
import { failure } from './support/failure.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 1000 } });
});
afterAll(() => h.close());


interface Case {
  code: string;
  status: number;
  expected: ErrorCode;
  field?: string;
  retryable?: boolean;
  /** Default RunInstances (through createInstance). */
  on?: 'RunInstances' | 'DescribeInstances';
  message?: string;
}

const CASES: Case[] = [
  { code: 'AuthFailure', status: 401, expected: 'AUTHENTICATION' },
  { code: 'UnauthorizedOperation', status: 403, expected: 'PERMISSION_DENIED' },
  { code: 'InstanceLimitExceeded', status: 400, expected: 'QUOTA_EXCEEDED' },
  { code: 'VcpuLimitExceeded', status: 400, expected: 'QUOTA_EXCEEDED' },
  { code: 'RequestLimitExceeded', status: 503, expected: 'RATE_LIMITED', retryable: true },
  { code: 'Throttling', status: 400, expected: 'RATE_LIMITED', retryable: true },
  { code: 'InsufficientInstanceCapacity', status: 500, expected: 'CAPACITY' },
  { code: 'SpotMaxPriceTooLow', status: 400, expected: 'CAPACITY' },
  { code: 'Unsupported', status: 400, expected: 'CAPACITY' },
  { code: 'InvalidAMIID.NotFound', status: 400, expected: 'INVALID_INPUT', field: 'image' },
  { code: 'InvalidAMIID.Malformed', status: 400, expected: 'INVALID_INPUT', field: 'image' },
  { code: 'InvalidKeyPair.NotFound', status: 400, expected: 'INVALID_INPUT', field: 'sshKeys' },
  { code: 'InvalidSubnetID.NotFound', status: 400, expected: 'INVALID_INPUT', field: 'subnetId' },
  { code: 'InvalidParameterValue', status: 400, expected: 'INVALID_INPUT', field: 'size', message: "Invalid value 'x' for InstanceType." },
  { code: 'InvalidParameterValue', status: 400, expected: 'INVALID_INPUT', field: 'userData', message: 'User data is limited to 16384 bytes' },
  { code: 'IdempotentParameterMismatch', status: 400, expected: 'CONFLICT' },
  { code: 'InternalError', status: 500, expected: 'API', retryable: true },
  { code: 'Unavailable', status: 503, expected: 'API', retryable: true },
  { code: 'InvalidInstanceID.Malformed', status: 400, expected: 'INVALID_INPUT', field: 'id', on: 'DescribeInstances' },
  { code: 'SomethingNew', status: 400, expected: 'INVALID_INPUT', field: 'spec', retryable: false, on: 'DescribeInstances' },
  { code: 'SomethingNew', status: 500, expected: 'API', retryable: true, on: 'DescribeInstances' },
];

// A retryable create's failure also runs createOnce's cleanup lookups (several seconds of real retries).
describe('EC2 error codes', { timeout: 60_000 }, () => {
  for (const c of CASES) {
    it(`${c.code} (HTTP ${c.status}${c.message ? `, "${c.message}"` : ''}) on ${c.on ?? 'RunInstances'} -> ${c.expected}${c.field ? ` (${c.field})` : ''}`, async () => {
      const requestId = `req-${c.code.toLowerCase().replace(/\W/g, '-')}`;
      const operation = c.on ?? 'RunInstances';
      const handle = h.fake.http.faults.add({ operation, times: Infinity, respond: ec2Error(c.status, c.code, c.message ?? `${c.code} happened`, requestId) });
      try {
        const call =
          operation === 'RunInstances'
            ? h.provider.createInstance({ size: 'small', spot: false })
            : h.provider.getInstance('i-0123456789abcdef0');
        const error = await failure(call);
        expect(error.code).toBe(c.expected);
        expect(error.details).toMatchObject({ ec2Code: c.code, status: c.status, requestId, operation });
        if (c.field !== undefined) expect(error.details.field).toBe(c.field);
        if (c.retryable !== undefined) expect(error.retryable).toBe(c.retryable);
        expect(error.message).toContain(c.code);
        const text = `${inspect(error, { depth: 10 })} ${JSON.stringify(error.toJSON())}`;
        expect(text).not.toContain(CREDENTIALS.secretAccessKey);
        expect(text).not.toMatch(/AWS4-HMAC-SHA256|Signature=/);
        expect(error.cause).toBeUndefined();
      } finally {
        handle.remove();
      }
    });
  }

  it('InvalidInstanceID.NotFound is "no such instance": getInstance null, terminate succeeds', async () => {
    expect(await h.provider.getInstance('i-0123456789abcdef0')).toBeNull();
    await h.provider.terminateInstance('i-0123456789abcdef0');
  });

  it('an HTML 502 from something in front of EC2 is a retryable API error with the status', async () => {
    const handle = h.fake.http.faults.add({ operation: 'DescribeKeyPairs', times: Infinity, respond: HTML_BAD_GATEWAY });
    try {
      const error = await failure(h.provider.listSshKeys());
      expect(error).toMatchObject({ code: 'API', retryable: true, details: { status: 502, ec2Code: null } });
    } finally {
      handle.remove();
    }
  });

  it('a connection reset is NETWORK; a request past requestTimeoutMs is TIMEOUT', async () => {
    const reset = h.fake.http.faults.add({ operation: 'DescribeKeyPairs', times: Infinity, reset: true });
    try {
      expect((await failure(h.provider.listSshKeys())).code).toBe('NETWORK');
    } finally {
      reset.remove();
    }
    const slow = h.fake.http.faults.add({ operation: 'DescribeKeyPairs', times: Infinity, latencyMs: 500 });
    try {
      const error = await failure(h.make({ requestTimeoutMs: 50, retry: { maxAttempts: 1 } }).listSshKeys());
      expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    } finally {
      slow.remove();
    }
  });
});
