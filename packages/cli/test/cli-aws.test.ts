/**
 * The `stagely` bin against the AWS provider and the fake EC2 (the real @aws-sdk/client-ec2 with
 * SigV4 over loopback): apply, list, plan and destroy across separate runs, credentials refused,
 * and no credential ever printed. Credentials come by reference (`<field>_env`) or, when the file
 * names none, from the SDK's default chain (the AWS_* variables).
 */
import { startFakeEc2, type FakeEc2 } from '@stagely/provider-aws/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, stagely } from './helpers/cli.js';

const CREDENTIALS = { accessKeyId: 'AKIACLITEST000000001', secretAccessKey: 'cli-aws-secret-5be1d0a7c3e4f5' };
let fake: FakeEc2;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  fake = await startFakeEc2({ credentials: [CREDENTIALS], bootDelayMs: 30, terminateDelayMs: 10 });
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await fake.close();
});

// Tests run concurrently: each environment name is its own.
function awsProject(environment: string, credentials: 'reference' | 'default-chain' = 'reference') {
  const p = project(`
provider:
  name: aws
  config:
${credentials === 'reference' ? '    accessKeyId_env: STAGELY_TEST_AWS_KEY\n    secretAccessKey_env: STAGELY_TEST_AWS_SECRET\n' : ''}    endpoint: ${fake.endpoint}
    region: us-east-1
    readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 }
    operationPollMs: 5
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 5000 }
defaults:
  size: small
  ssh_keys: [stagely-test]
environments:
  ${environment}:
    hosts:
      web: { role: web }
      worker: { role: worker, architecture: arm64 }
`);
  cleanups.push(p.cleanup);
  return p;
}

const env = { STAGELY_TEST_AWS_KEY: CREDENTIALS.accessKeyId, STAGELY_TEST_AWS_SECRET: CREDENTIALS.secretAccessKey };
const printed = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('on AWS (fake EC2)', () => {
  it('validate: the credentials are accepted, a wrong secret is exit 5, neither is printed', async () => {
    const { dir } = awsProject('check');
    const ok = await stagely(['validate'], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('aws accepted the credentials');
    const refused = await stagely(['validate', '--json'], { cwd: dir, env: { ...env, STAGELY_TEST_AWS_SECRET: 'wrong-secret-0123456789abcdef' } });
    expect(refused.code).toBe(5);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AUTHENTICATION');
    for (const r of [ok, refused]) expect(printed(r)).not.toMatch(/cli-aws-secret|wrong-secret-0123456789abcdef|Signature=/);
  });

  it('apply, list, plan (empty) and destroy across separate runs', async () => {
    const { dir } = awsProject('staging');
    const applied = await stagely(['apply', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    const created = applied.json<{ result: { created: { name: string; instanceId: string }[] } }>().result.created;
    expect(created.map((c) => c.name)).toEqual(['staging-web', 'staging-worker']);
    const instances = fake.instances().filter((i) => i.tags['stagely-env'] === 'staging');
    expect(instances.map((i) => [i.tags.Name, i.instanceType, i.architecture, i.keyName]).sort()).toEqual([
      ['staging-web', 't3.small', 'x86_64', 'stagely-test'],
      ['staging-worker', 't4g.small', 'arm64', 'stagely-test'],
    ]);

    const listed = await stagely(['list', '--env', 'staging', '--json'], { cwd: dir, env });
    expect(listed.json<{ instances: { name: string; state: string }[] }>().instances.map((i) => [i.name, i.state])).toEqual([
      ['staging-web', 'running'],
      ['staging-worker', 'running'],
    ]);
    expect((await stagely(['plan', 'staging', '--json'], { cwd: dir, env })).json<{ empty: boolean }>().empty).toBe(true);

    const destroyed = await stagely(['destroy', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.json<{ result: { deleted: unknown[] } }>().result.deleted).toHaveLength(2);
    expect((await stagely(['list', '--env', 'staging', '--json'], { cwd: dir, env })).json<{ instances: unknown[] }>().instances).toEqual([]);
    for (const r of [applied, listed, destroyed]) expect(printed(r)).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('without credentials in the file, the SDK default chain (AWS_* variables) is used', async () => {
    const { dir } = awsProject('chain', 'default-chain');
    const r = await stagely(['list', '--json'], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_PROFILE: undefined },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(Array.isArray(r.json<{ instances: unknown[] }>().instances)).toBe(true);
    expect(printed(r)).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('providers lists aws with its capabilities', async () => {
    const { dir } = awsProject('providers');
    const r = await stagely(['providers', '--json'], { cwd: dir });
    const aws = r.json<{ providers: { name: string; capabilities: { architectures: string[]; spot: boolean } | null }[] }>().providers.find((p) => p.name === 'aws');
    expect(aws?.capabilities).toMatchObject({ architectures: ['amd64', 'arm64'], spot: true });
  });
});
