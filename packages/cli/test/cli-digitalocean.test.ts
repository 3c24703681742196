/**
 * The `stagely` bin against the DigitalOcean provider and its fake API (the real dots-wrapper
 * client over loopback HTTP): plan, apply, list and destroy across separate runs, credentials
 * refused, the token never printed, and the provider's retry events rendered on stderr.
 */
import { startFakeDigitalOcean, type FakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { project, stagely } from './helpers/cli.js';

const TOKEN = 'cli-digitalocean-token-9d3e2f1a7b';
let fake: FakeDigitalOcean;
const cleanups: (() => void)[] = [];

const startFake = () => startFakeDigitalOcean({ token: TOKEN, bootDelayMs: 30, ipDelayMs: 5, deleteDelayMs: 10, actionDelayMs: 10, rateLimit: { perMinute: 100_000, perHour: 1_000_000 } });

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await fake.close();
});

/** The `provider` part of a stagely.yml for the fake `api`: fast polls and retries. */
const digitalOceanProvider = (api: FakeDigitalOcean) => `
provider:
  name: digitalocean
  config:
    token_env: DIGITALOCEAN_TOKEN
    endpoint: ${api.endpoint}
    region: fra1
    readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 }
    operationPollMs: 5
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 5000 }
`;

// Tests run concurrently: each environment name is its own, and fault injection gets a fake of its own.
function digitalOceanProject(environment: string, api: FakeDigitalOcean = fake) {
  const p = project(`${digitalOceanProvider(api)}
defaults:
  size: small
  ssh_keys: [stagely-test]
environments:
  ${environment}:
    hosts:
      web: { role: web }
      db: { role: db, size: medium, image: { debian: '12' } }
`);
  cleanups.push(p.cleanup);
  return p;
}

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

const env = { DIGITALOCEAN_TOKEN: TOKEN };

describe('on DigitalOcean (fake API)', () => {
  it('validate: the token is accepted, a wrong one is exit 5, neither is printed', async () => {
    const { dir } = digitalOceanProject('check');
    const ok = await stagely(['validate'], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('digitalocean accepted the credentials');
    const refused = await stagely(['validate', '--json'], { cwd: dir, env: { DIGITALOCEAN_TOKEN: 'wrong-token-0123456789' } });
    expect(refused.code).toBe(5);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AUTHENTICATION');
    for (const r of [ok, refused]) expect(r.stdout + r.stderr).not.toMatch(/cli-digitalocean-token|wrong-token-0123456789/);
  });

  it('plan, apply, list, plan (empty) and destroy across separate runs', async () => {
    const { dir } = digitalOceanProject('staging');
    const planned = await stagely(['plan', 'staging', '--json'], { cwd: dir, env });
    expect(planned.code).toBe(0);
    expect(planned.json<{ empty: boolean }>().empty).toBe(false);

    const applied = await stagely(['apply', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    const created = applied.json<{ result: { created: { name: string; instanceId: string }[] } }>().result.created;
    expect(created.map((c) => c.name)).toEqual(['staging-db', 'staging-web']);
    // Hosts are created concurrently, so the fake's id order is not the name order.
    const droplets = fake.droplets().filter((d) => d.tags.includes('stagely-env:staging'));
    expect(droplets.map((d) => [d.name, d.size, d.region, d.image, d.sshKeyNames.join()]).sort()).toEqual([
      ['staging-db', 'c-4', 'fra1', 'debian-12-x64', 'stagely-test'],
      ['staging-web', 's-2vcpu-4gb', 'fra1', 'ubuntu-24-04-x64', 'stagely-test'],
    ]);

    const listed = await stagely(['list', '--env', 'staging', '--json'], { cwd: dir, env });
    expect(listed.json<{ instances: { name: string; state: string; publicIp: string | null }[] }>().instances.map((i) => [i.name, i.state, i.publicIp !== null])).toEqual([
      ['staging-db', 'running', true],
      ['staging-web', 'running', true],
    ]);
    expect((await stagely(['plan', 'staging', '--json'], { cwd: dir, env })).json<{ empty: boolean }>().empty).toBe(true);

    const destroyed = await stagely(['destroy', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(destroyed.code).toBe(0);
    expect(destroyed.json<{ result: { deleted: unknown[] } }>().result.deleted).toHaveLength(2);
    expect(fake.droplets().filter((d) => d.tags.includes('stagely-env:staging') && !d.deleted)).toEqual([]);
  });

  it('shows retries on stderr, and nothing of them with --json', async () => {
    const own = await startFake();
    cleanups.push(() => void own.close());
    const { dir } = digitalOceanProject('events', own);
    own.injectFault('server-error', 1);
    const human = await stagely(['list'], { cwd: dir, env });
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^retry digitalocean: .* failed with API; retry 1 in /m);

    own.injectFault('server-error', 1);
    const json = await stagely(['list', '--json'], { cwd: dir, env });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
  });

  it('plan, validate and apply --yes name every problem the preflight finds with file:line, exit 2 and create nothing; fixed, it applies', async () => {
    const own = await startFake();
    cleanups.push(() => void own.close());
    const file = (region: string, tagKey: string, size: string) => `${digitalOceanProvider(own)}defaults:
  size: small
environments:
  pre:
    hosts:
      web:
        region: ${region}
      db:
        tags:
          "${tagKey}": finance
      cache:
        region: ams3
        size: { type: ${size} }
`;
    const text = file('mars1', 'cost center', 'm-2vcpu-16gb');
    const p = project(text);
    cleanups.push(p.cleanup);
    const expected = [
      new RegExp(`^INVALID_INPUT: stagely\\.yml:${lineOf(text, 'region: mars1')}:\\d+: environments\\.pre\\.hosts\\.web\\.region is refused by digitalocean: DigitalOcean region "mars1" does not exist`, 'm'),
      new RegExp(`^stagely\\.yml:${lineOf(text, 'cost center')}:\\d+: environments\\.pre\\.hosts\\.db\\.tags\\.cost center is refused by digitalocean: Tag "cost center" cannot be a DigitalOcean tag`, 'm'),
      new RegExp(`^stagely\\.yml:${lineOf(text, 'm-2vcpu-16gb')}:\\d+: environments\\.pre\\.hosts\\.cache\\.size is refused by digitalocean: DigitalOcean size "m-2vcpu-16gb" is not offered in ams3 \\(it is offered in nyc3, fra1\\)`, 'm'),
    ];
    for (const args of [['plan', 'pre'], ['apply', 'pre', '--yes'], ['validate']]) {
      const r = await stagely(args, { cwd: p.dir, env });
      expect(r.code, args.join(' ')).toBe(2);
      for (const line of expected) expect(r.stderr, args.join(' ')).toMatch(line);
    }
    expect(own.http.count('droplets_create')).toBe(0);
    expect(own.droplets()).toEqual([]);

    p.write(file('ams3', 'cost-center', 's-4vcpu-8gb'));
    const planned = await stagely(['plan', 'pre'], { cwd: p.dir, env });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toMatch(/pre-web +create +s-2vcpu-4gb in ams3, ubuntu-24-04-x64$/m);
    const applied = await stagely(['apply', 'pre', '--yes', '--json'], { cwd: p.dir, env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(own.droplets().map((d) => [d.name, d.region, d.size, d.tags.includes('cost-center:finance')]).sort()).toEqual([
      ['pre-cache', 'ams3', 's-4vcpu-8gb', false],
      ['pre-db', 'fra1', 's-2vcpu-4gb', true],
      ['pre-web', 'ams3', 's-2vcpu-4gb', false],
    ]);
  });

  it('the DigitalOcean example file is valid', async () => {
    const loaded = await loadConfig(join(import.meta.dirname, '..', '..', '..', 'examples', 'digitalocean', 'stagely.yml'));
    expect(loaded.data.provider.name).toBe('digitalocean');
    expect(Object.keys(loaded.data.environments)).toEqual(['staging', 'production']);
  });

  it('providers lists digitalocean with its capabilities', async () => {
    const { dir } = digitalOceanProject('providers');
    const r = await stagely(['providers', '--json'], { cwd: dir });
    const digitalocean = r.json<{ providers: { name: string; capabilities: { architectures: string[] } | null }[] }>().providers.find((p) => p.name === 'digitalocean');
    expect(digitalocean?.capabilities?.architectures).toEqual(['amd64']);
  });
});
