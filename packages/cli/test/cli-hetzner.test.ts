/**
 * The `stagely` bin against the Hetzner provider and its fake API (the real hcloud-js client over
 * loopback HTTP): the same lifecycle as on the mock, credentials refused, the token never printed,
 * and the provider's retry / rate-limit events rendered on stderr.
 */
import { startFakeHetzner, type FakeHetzner } from '@stagely/provider-hetzner/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, stagely } from './helpers/cli.js';

const TOKEN = 'cli-hetzner-token-5be1d0a7c3';
let fake: FakeHetzner;
const cleanups: (() => void)[] = [];

const startFake = () => startFakeHetzner({ token: TOKEN, bootDelayMs: 30, actionDelayMs: 10, rateLimit: { limit: 1000, refillPerSecond: 1000 } });

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await fake.close();
});

/** The `provider` part of a stagely.yml for the fake `api`: fast polls and retries. */
const hetznerProvider = (api: FakeHetzner) => `
provider:
  name: hetzner
  config:
    token_env: HCLOUD_TOKEN
    endpoint: ${api.endpoint}
    location: fsn1
    readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 }
    actionPollMs: 5
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 5000 }
`;

// Tests run concurrently: each environment name is its own, and fault injection gets a fake of its own.
function hetznerProject(environment: string, api: FakeHetzner = fake) {
  const p = project(`${hetznerProvider(api)}
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

const env = { HCLOUD_TOKEN: TOKEN };

describe('on Hetzner (fake API)', () => {
  it('validate: the token is accepted, a wrong one is exit 5, neither is printed', async () => {
    const { dir } = hetznerProject('check');
    const ok = await stagely(['validate'], { cwd: dir, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hetzner accepted the credentials');
    const refused = await stagely(['validate', '--json'], { cwd: dir, env: { HCLOUD_TOKEN: 'wrong-token-0123456789' } });
    expect(refused.code).toBe(5);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('AUTHENTICATION');
    for (const r of [ok, refused]) expect(r.stdout + r.stderr).not.toMatch(/cli-hetzner-token|wrong-token-0123456789/);
  });

  it('apply, list, plan (empty) and destroy across separate runs', async () => {
    const { dir } = hetznerProject('staging');
    const applied = await stagely(['apply', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(applied.code).toBe(0);
    const created = applied.json<{ result: { created: { name: string; instanceId: string }[] } }>().result.created;
    expect(created.map((c) => c.name)).toEqual(['staging-web', 'staging-worker']);
    // Hosts are created concurrently, so the fake's id order is not the name order.
    const servers = fake.servers().filter((s) => s.labels['stagely-env'] === 'staging');
    expect(servers.map((s) => [s.name, s.serverType, s.location]).sort()).toEqual([
      ['staging-web', 'cx23', 'fsn1'],
      ['staging-worker', 'cax11', 'fsn1'],
    ]);

    const listed = await stagely(['list', '--env', 'staging', '--json'], { cwd: dir, env });
    expect(listed.json<{ instances: { name: string; state: string; publicIp: string | null }[] }>().instances.map((i) => [i.name, i.state])).toEqual([
      ['staging-web', 'running'],
      ['staging-worker', 'running'],
    ]);
    expect((await stagely(['plan', 'staging', '--json'], { cwd: dir, env })).json<{ empty: boolean }>().empty).toBe(true);

    const destroyed = await stagely(['destroy', 'staging', '--yes', '--json'], { cwd: dir, env });
    expect(destroyed.code).toBe(0);
    expect(destroyed.json<{ result: { deleted: unknown[] } }>().result.deleted).toHaveLength(2);
    expect((await stagely(['list', '--env', 'staging', '--json'], { cwd: dir, env })).json<{ instances: unknown[] }>().instances).toEqual([]);
  });

  it('shows retries and rate limits on stderr, and nothing of them with --json', async () => {
    const own = await startFake();
    cleanups.push(() => void own.close());
    const { dir } = hetznerProject('events', own);
    own.injectFault('rate-limited', 1);
    const human = await stagely(['list'], { cwd: dir, env });
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/^rate-limit hetzner: rate limited on /m);
    expect(human.stderr).toMatch(/^retry hetzner: .* failed with RATE_LIMITED; retry 1 in /m);

    own.injectFault('server-error', 1);
    const json = await stagely(['list', '--json'], { cwd: dir, env });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(Array.isArray(json.json<{ instances: unknown[] }>().instances)).toBe(true);
  });

  it('plan, validate and apply --yes name every problem the preflight finds with file:line, exit 2 and create nothing; fixed, it applies', async () => {
    const own = await startFake();
    cleanups.push(() => void own.close());
    const file = (location: string, tagKey: string, otherHost: string) => `${hetznerProvider(own)}defaults:
  size: small
environments:
  pre:
    hosts:
      web:
        region: ${location}
      db:
        tags:
          "${tagKey}": finance
      api-1: {}
  pre-api:
    hosts:
      ${otherHost}: {}
`;
    const p = project(file('mars1', 'cost center', '1'));
    cleanups.push(p.cleanup);
    const expected = [
      /^INVALID_INPUT: stagely\.yml:17:17: environments\.pre\.hosts\.web\.region is refused by hetzner: Unknown Hetzner location "mars1"/m,
      /^stagely\.yml:20:11: environments\.pre\.hosts\.db\.tags\.cost center is refused by hetzner: Tag key "cost center" is not a valid Hetzner label key/m,
      /^stagely\.yml:21:7: environments\.pre\.hosts\.api-1 makes the instance name "pre-api-1", as host "1" of environment "pre-api" does/m,
    ];
    for (const args of [['plan', 'pre'], ['apply', 'pre', '--yes'], ['validate']]) {
      const r = await stagely(args, { cwd: p.dir, env });
      expect(r.code, args.join(' ')).toBe(2);
      for (const line of expected) expect(r.stderr, args.join(' ')).toMatch(line);
    }
    const json = await stagely(['plan', 'pre', '--json'], { cwd: p.dir, env });
    expect(json.code).toBe(2);
    const { error } = json.json<{ error: { code: string; details: { problems: { field: string; line: number; host: string; code: string }[] } } }>();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details.problems.map((x) => [x.line, x.field, x.host, x.code])).toEqual([
      [17, 'environments.pre.hosts.web.region', 'web', 'INVALID_INPUT'],
      [20, 'environments.pre.hosts.db.tags.cost center', 'db', 'INVALID_INPUT'],
      [21, 'environments.pre.hosts.api-1', 'api-1', 'CONFLICT'],
    ]);
    expect(own.http.count('servers.create')).toBe(0);
    expect(own.servers()).toEqual([]);

    p.write(file('nbg1', 'cost-center', 'one'));
    const planned = await stagely(['plan', 'pre'], { cwd: p.dir, env });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/pre-web +create +cx23 in nbg1, ubuntu-24\.04$/m);
    const applied = await stagely(['apply', 'pre', '--yes', '--json'], { cwd: p.dir, env });
    expect(applied.code).toBe(0);
    expect(own.servers().map((s) => [s.name, s.location, s.labels['cost-center'] ?? null]).sort()).toEqual([
      ['pre-api-1', 'fsn1', null],
      ['pre-db', 'fsn1', 'finance'],
      ['pre-web', 'nbg1', null],
    ]);
  });

  it('a partly failed apply is exit 4 and reports what was created and what failed', async () => {
    const own = await startFake();
    cleanups.push(() => void own.close());
    const { dir } = hetznerProject('partial', own);
    // One host at a time, in name order: the first create (staging-web) is refused, the second goes through.
    own.injectFault('quota', 1);
    const r = await stagely(['apply', '--yes', '--json', '--concurrency', '1'], { cwd: dir, env });
    expect(r.code).toBe(4);
    const { error } = r.json<{ error: { code: string; details: { created: { name: string }[]; failed: unknown[] } } }>();
    expect(error.code).toBe('APPLY_FAILED');
    expect(error.details.created.map((c) => c.name)).toEqual(['partial-worker']);
    expect(error.details.failed).toEqual([expect.objectContaining({ name: 'partial-web', action: 'create', code: 'QUOTA_EXCEEDED' })]);

    own.injectFault('quota', 1);
    const human = await stagely(['apply', '--yes', '--concurrency', '1'], { cwd: dir, env });
    expect(human.code).toBe(4);
    expect(human.stdout).toMatch(/partial-web +create failed +- +QUOTA_EXCEEDED: /);
    expect(human.stderr).toMatch(/^APPLY_FAILED: /);
  });

  it('providers lists hetzner with its capabilities', async () => {
    const { dir } = hetznerProject('providers');
    const r = await stagely(['providers', '--json'], { cwd: dir });
    const hetzner = r.json<{ providers: { name: string; capabilities: { architectures: string[] } | null }[] }>().providers.find((p) => p.name === 'hetzner');
    expect(hetzner?.capabilities?.architectures).toEqual(['amd64', 'arm64']);
  });
});
