/**
 * The `stagely` command as a spawned process of the built bin, against the mock provider: exit
 * codes, --json shapes, refusing to change anything unconfirmed, file errors, and state shared by
 * separate runs through the mock's state file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOCK_FILE, stagely, tempProjects } from './helpers/cli.js';

interface InstanceJson {
  id: string;
  name: string;
  state: string;
  publicIp: string | null;
  tags: Record<string, string>;
}
interface ErrorJson {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface PlanJson {
  plan: { environment: string; create: { name: string }[]; delete: { name: string }[]; keep: { name: string }[]; conflicts: { name: string }[] };
  empty: boolean;
}

// Tests run concurrently (vitest.config.ts), each in its own directory, removed at the end.
const tempProject = tempProjects();

describe('usage', () => {
  it('--help lists every command and the exit codes', async () => {
    const { dir } = tempProject();
    const r = await stagely(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const command of ['providers', 'validate', 'create', 'list', 'get', 'wait', 'terminate', 'plan', 'apply', 'destroy', 'sweep']) {
      expect(r.stdout).toContain(`  ${command}`);
    }
    expect(r.stdout).toContain('Exit codes:');
  });

  it('an unknown command or a bad option value is exit 2, with a JSON error under --json', async () => {
    const { dir } = tempProject();
    const unknown = await stagely(['frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");

    const bad = await stagely(['list', '--tag', 'no-equals-sign', '--json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.json<ErrorJson>().error).toMatchObject({ code: 'USAGE', message: expect.stringContaining('expected key=value') });
  });

  it('providers lists the mock with its capabilities', async () => {
    const { dir } = tempProject();
    const r = await stagely(['providers', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const mock = r.json<{ providers: { name: string; packageName: string; capabilities: unknown; error: unknown }[] }>().providers.find(
      (p) => p.name === 'mock',
    );
    expect(mock).toEqual(
      expect.objectContaining({
        packageName: '@stagely/provider-mock',
        capabilities: { architectures: ['amd64', 'arm64'], spot: true, snapshots: true, sshKeys: true },
        error: null,
      }),
    );
  });
});

describe('the file', () => {
  it('an invalid stagely.yml is exit 2 naming file, line, column and field', async () => {
    const { dir } = tempProject(['environments:', '  demo:', '    hosts:', '      web:', '        size: tiny'].join('\n'));
    const human = await stagely(['plan'], { cwd: dir });
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain('INVALID_INPUT: stagely.yml:5:15: environments.demo.hosts.web.size must be one of small, medium, large');

    const json = await stagely(['plan', '--json'], { cwd: dir });
    expect(json.code).toBe(2);
    expect(json.json<ErrorJson>().error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { file: 'stagely.yml', line: 5, column: 15, field: 'environments.demo.hosts.web.size' },
    });
  });

  it('a literal secret is refused with its line, and never printed', async () => {
    const { dir } = tempProject(['provider:', '  name: mock', '  config:', '    token: literal-secret-in-file'].join('\n'));
    const r = await stagely(['list'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stagely.yml:4:12: provider.config.token is a secret and may not be written in the file');
    expect(r.stdout + r.stderr).not.toContain('literal-secret-in-file');
  });

  it('a missing environment variable is named', async () => {
    const { dir } = tempProject(['provider:', '  name: mock', '  config:', '    token_env: STAGELY_TEST_TOKEN'].join('\n'));
    const r = await stagely(['list'], { cwd: dir, env: { STAGELY_TEST_TOKEN: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stagely.yml:4:16: provider.config.token_env refers to the environment variable STAGELY_TEST_TOKEN, which is not set');
  });

  it("a config the provider refuses points at the field in the file", async () => {
    const { dir } = tempProject(['provider:', '  name: mock', '  config:', '    region: mars-1', '    bootDelay: 5'].join('\n'));
    const r = await stagely(['list', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const problems = r.json<ErrorJson>().error.details!.problems as { field: string; line: number }[];
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['provider.config.region', 4],
      ['provider.config.bootDelay', 5],
    ]);
  });

  it('--file names another file; a missing one is exit 2', async () => {
    const { dir, write } = tempProject();
    write(MOCK_FILE, 'envs.yml');
    expect((await stagely(['--file', 'envs.yml', 'plan', '--json'], { cwd: dir })).code).toBe(0);
    const missing = await stagely(['plan', '--file', 'nope.yml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yml: does not exist');
  });

  it('plan without a file, or with an environment not in it, is exit 2', async () => {
    const { dir, write } = tempProject();
    const noFile = await stagely(['plan'], { cwd: dir });
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('stagely.yml: does not exist in the working directory');
    write(MOCK_FILE);
    const unknown = await stagely(['plan', 'prod'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No environment "prod" (environments in stagely.yml: demo)');
  });

  it('an unknown provider is exit 7 and says which package to install', async () => {
    const { dir } = tempProject('provider: { name: nimbus }');
    const r = await stagely(['list', '--json'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.json<ErrorJson>().error).toMatchObject({
      code: 'PROVIDER_NOT_INSTALLED',
      message: expect.stringContaining('npm install @stagely/provider-nimbus'),
    });
  });
});

describe('credentials', () => {
  const file = ['provider:', '  name: mock', '  config:', '    bootDelayMs: 20', '    token_env: STAGELY_TEST_TOKEN', 'defaults: { size: small }'].join('\n');

  it('validate accepts good credentials and refuses bad ones with exit 5', async () => {
    const { dir } = tempProject(file);
    const ok = await stagely(['validate', '--json'], { cwd: dir, env: { STAGELY_TEST_TOKEN: 'tok-good-0123456789' } });
    expect(ok.code).toBe(0);
    expect(ok.json()).toEqual({ valid: true, file: 'stagely.yml', provider: 'mock', environments: [] });

    const refused = await stagely(['validate'], { cwd: dir, env: { STAGELY_TEST_TOKEN: 'invalid' } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/^AUTHENTICATION: /);
  });

  it('the token from the environment is never printed, even with --verbose', async () => {
    const { dir } = tempProject(file);
    const env = { STAGELY_TEST_TOKEN: 'tok-never-print-me-42' };
    const runs = [
      await stagely(['--verbose', 'create', 'box', '--wait'], { cwd: dir, env }),
      await stagely(['--verbose', 'list'], { cwd: dir, env }),
      await stagely(['--verbose', 'list', '--json'], { cwd: dir, env }),
      await stagely(['validate'], { cwd: dir, env }),
    ];
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('tok-never-print-me-42');
    }
    // --verbose did show the provider's events.
    expect(runs[0]!.stderr).toMatch(/state mock: mock-1 is running/);
  });
});

describe('apply, list and destroy across separate runs', () => {
  it('refuses to apply without --yes when there is no terminal, and changes nothing', async () => {
    const { dir } = tempProject(MOCK_FILE);
    const r = await stagely(['apply'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('+ demo-db'); // the plan was shown first
    expect(r.stderr).toContain('NOT_CONFIRMED: Refusing to apply without confirmation (stdin is not a terminal): nothing was changed. Re-run with --yes');
    const json = await stagely(['apply', '--json'], { cwd: dir });
    expect(json.code).toBe(3);
    expect(json.json<ErrorJson>().error.code).toBe('NOT_CONFIRMED');
    expect((await stagely(['list', '--json'], { cwd: dir })).json<{ instances: unknown[] }>().instances).toEqual([]);
  });

  it('apply, list, plan (empty), apply (no changes), destroy: each a separate process', async () => {
    const { dir } = tempProject(MOCK_FILE);

    const plan = await stagely(['plan', '--json'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.json<PlanJson>().plan.create.map((c) => c.name)).toEqual(['demo-db', 'demo-web']);
    expect(plan.json<PlanJson>().empty).toBe(false);

    const applied = await stagely(['apply', 'demo', '--yes', '--json'], { cwd: dir });
    expect(applied.code).toBe(0);
    const result = applied.json<{ result: { created: { name: string; instanceId: string; publicIp: string }[]; deleted: unknown[] } }>().result;
    expect(result.created.map((c) => c.name)).toEqual(['demo-db', 'demo-web']);
    expect(result.created.every((c) => /^mock-\d+$/.test(c.instanceId) && c.publicIp)).toBe(true);
    expect(result.deleted).toEqual([]);
    expect(existsSync(join(dir, '.stagely', 'mock-state.json'))).toBe(true);

    const listed = (await stagely(['list', '--json'], { cwd: dir })).json<{ instances: InstanceJson[] }>().instances;
    expect(listed.map((i) => [i.name, i.state, i.tags['stagely-env'], i.tags['stagely-role']])).toEqual([
      ['demo-db', 'running', 'demo', 'db'],
      ['demo-web', 'running', 'demo', 'web'],
    ]);
    const human = await stagely(['list'], { cwd: dir });
    expect(human.stdout).toMatch(/^NAME +ID +STATE +PUBLIC IP/);
    expect(human.stdout).toMatch(/demo-web +mock-\d+ +running/);

    const again = await stagely(['plan', '--json'], { cwd: dir });
    expect(again.json<PlanJson>().empty).toBe(true);
    expect(again.json<PlanJson>().plan.keep.map((k) => k.name)).toEqual(['demo-db', 'demo-web']);

    const noop = await stagely(['apply'], { cwd: dir }); // nothing to do: nothing to confirm
    expect(noop.code).toBe(0);
    expect(noop.stdout).toContain('No changes');

    expect((await stagely(['destroy'], { cwd: dir })).code).toBe(3);
    const destroyed = await stagely(['destroy', 'demo', '--yes'], { cwd: dir });
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('Destroyed demo: 2 instance(s) deleted.');
    expect(destroyed.stdout).not.toContain('created');
    expect((await stagely(['list', '--json'], { cwd: dir })).json<{ instances: unknown[] }>().instances).toEqual([]);
  });

  it('a host removed from the file is deleted by the next apply', async () => {
    const { dir, write } = tempProject(MOCK_FILE);
    expect((await stagely(['apply', '--yes'], { cwd: dir })).code).toBe(0);
    write(MOCK_FILE.replace(/ {6}db:\n.*\n.*\n/, ''));
    const r = await stagely(['apply', '--yes', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const { plan, result } = r.json<{ plan: PlanJson['plan']; result: { deleted: { name: string }[] } }>();
    expect(plan.delete.map((d) => d.name)).toEqual(['demo-db']);
    expect(result.deleted.map((d) => d.name)).toEqual(['demo-db']);
  });

  it('a host that differs from the file is a conflict: left alone (exit 8) unless --replace', async () => {
    const { dir, write } = tempProject(MOCK_FILE);
    expect((await stagely(['apply', '--yes'], { cwd: dir })).code).toBe(0);
    write(MOCK_FILE.replace('size: medium', 'size: large'));

    const plan = await stagely(['plan'], { cwd: dir });
    expect(plan.stdout).toMatch(/! demo-db +conflict +mock-\d+: size medium -> large/);

    const left = await stagely(['apply', '--yes', '--json'], { cwd: dir });
    expect(left.code).toBe(8);
    expect(left.json<PlanJson>().plan.conflicts.map((c) => c.name)).toEqual(['demo-db']);

    const replaced = await stagely(['apply', '--yes', '--replace'], { cwd: dir });
    expect(replaced.code).toBe(0);
    expect((await stagely(['plan', '--json'], { cwd: dir })).json<PlanJson>().empty).toBe(true);
  });

  it('a host the provider would refuse is exit 2 at plan and apply, naming its line, and nothing is created', async () => {
    const { dir } = tempProject(MOCK_FILE.replace('size: medium', 'size: medium\n        region: mock-9'));
    const r = await stagely(['apply', '--yes', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const { error } = r.json<ErrorJson>();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details!.problems).toEqual([
      expect.objectContaining({ field: 'environments.demo.hosts.db.region', line: 16, host: 'db', code: 'INVALID_INPUT' }),
    ]);

    const human = await stagely(['plan'], { cwd: dir });
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^INVALID_INPUT: stagely\.yml:16:17: environments\.demo\.hosts\.db\.region is refused by mock: Unknown region "mock-9"/);
    expect((await stagely(['list', '--json'], { cwd: dir })).json<{ instances: unknown[] }>().instances).toEqual([]);
  });

  it('every problem of a file at once: an unknown key beside hosts without a size and a name too long', async () => {
    const { dir } = tempProject(
      [
        'environments:',
        '  demo:',
        '    hosts:',
        '      web:',
        '        szie: small',
        '      db: {}',
        '      api:',
        '        architecture: arm65',
        `      ${'x'.repeat(60)}: { size: small }`,
      ].join('\n'),
    );
    const r = await stagely(['validate', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect((r.json<ErrorJson>().error.details!.problems as { line: number; field: string }[]).map((p) => [p.line, p.field])).toEqual([
      [4, 'environments.demo.hosts.web.size'],
      [5, 'environments.demo.hosts.web.szie'],
      [6, 'environments.demo.hosts.db.size'],
      [7, 'environments.demo.hosts.api.size'],
      [8, 'environments.demo.hosts.api.architecture'],
      [9, `environments.demo.hosts.${'x'.repeat(60)}`],
    ]);
  });
});

describe('Ctrl-C', () => {
  it('stops apply: exit 130, the summary names every host, and no instance is left half-made', async () => {
    const { dir } = tempProject(MOCK_FILE.replace('bootDelayMs: 20', 'bootDelayMs: 60000'));
    let interrupted = false;
    const r = await stagely(['apply', '--yes'], {
      cwd: dir,
      onStdout: (stdout, child) => {
        // Both hosts were accepted by the cloud and are booting: interrupt now.
        if (!interrupted && (stdout.match(/waiting until ready/g) ?? []).length === 2) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Stopping');
    expect(r.stdout).toMatch(/demo-db +create failed +mock-\d+ +ABORTED: .*\(the instance made for it was terminated\)/);
    expect(r.stdout).toMatch(/demo-web +create failed +mock-\d+ +ABORTED: /);
    expect((await stagely(['list', '--json'], { cwd: dir })).json<{ instances: unknown[] }>().instances).toEqual([]);
  });
});

describe('single instances', () => {
  it('create, get, wait, terminate; an unknown id is exit 6, a malformed one exit 2', async () => {
    const { dir } = tempProject('provider: { config: { bootDelayMs: 20 } }');
    const created = await stagely(['create', 'one', '--size', 'small', '--arch', 'arm64', '--tag', 'team=ci', '--json'], { cwd: dir });
    expect(created.code).toBe(0);
    const { instance } = created.json<{ instance: InstanceJson & { architecture: string } }>();
    expect(instance).toMatchObject({ name: 'one', architecture: 'arm64', tags: expect.objectContaining({ team: 'ci' }) });

    const waited = await stagely(['wait', instance.id, '--json'], { cwd: dir });
    expect(waited.code).toBe(0);
    expect(waited.json<{ instance: InstanceJson }>().instance).toMatchObject({ id: instance.id, state: 'running', publicIp: expect.any(String) });

    const got = await stagely(['get', instance.id], { cwd: dir });
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/state +running/);

    const terminated = await stagely(['terminate', instance.id, '--json'], { cwd: dir });
    expect(terminated.json()).toEqual({ terminated: [instance.id], missing: [], failed: [] });

    const unknown = await stagely(['get', 'mock-999', '--json'], { cwd: dir });
    expect(unknown.code).toBe(6);
    expect(unknown.json<ErrorJson>().error.code).toBe('NOT_FOUND');
    expect((await stagely(['get', 'not-an-id'], { cwd: dir })).code).toBe(2);
  });

  it('create without a size anywhere is exit 2', async () => {
    const { dir } = tempProject();
    const r = await stagely(['create'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Give --size');
  });
});

describe('sweep', () => {
  it('is a dry run unless --yes, and only touches instances with the tags', async () => {
    const { dir } = tempProject('provider: { config: { bootDelayMs: 20 } }');
    for (const [name, run] of [['a', 'r1'], ['b', 'r1'], ['c', 'r2']]) {
      expect((await stagely(['create', name!, '--size', 'small', '--tag', `run=${run}`], { cwd: dir })).code).toBe(0);
    }
    expect((await stagely(['sweep'], { cwd: dir })).code).toBe(2);

    const dry = await stagely(['sweep', '--tag', 'run=r1', '--json'], { cwd: dir });
    expect(dry.code).toBe(0);
    const plan = dry.json<{ dryRun: boolean; instances: InstanceJson[]; terminated: string[] }>();
    expect([plan.dryRun, plan.instances.map((i) => i.name), plan.terminated]).toEqual([true, ['a', 'b'], []]);
    expect((await stagely(['list', '--json'], { cwd: dir })).json<{ instances: unknown[] }>().instances).toHaveLength(3);

    const swept = await stagely(['sweep', '--tag', 'run=r1', '--yes'], { cwd: dir });
    expect(swept.code).toBe(0);
    expect(swept.stdout).toContain('Swept 2 of 2 instance(s).');
    const left = (await stagely(['list', '--json'], { cwd: dir })).json<{ instances: InstanceJson[] }>().instances;
    expect(left.map((i) => i.name)).toEqual(['c']);
  });
});

describe('colour', () => {
  it('is off on a pipe, on with FORCE_COLOR, and NO_COLOR wins', async () => {
    const { dir } = tempProject(MOCK_FILE);
    const ESC = '\u001b[';
    expect((await stagely(['plan'], { cwd: dir })).stdout).not.toContain(ESC);
    expect((await stagely(['plan'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).toContain(ESC);
    expect((await stagely(['plan'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await stagely(['plan', '--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).not.toContain(ESC);
  });
});

describe('providers installed in the project', () => {
  /** A minimal provider package in the project's node_modules, where the CLI itself is not installed. */
  function withProviderPackage(name: string, source: string) {
    const p = tempProject(`provider: { name: ${name.replace('stagely-provider-', '')} }\n`);
    const directory = join('node_modules', name);
    mkdirSync(join(p.dir, directory), { recursive: true });
    p.write(JSON.stringify({ name, version: '1.2.3', type: 'module', exports: { '.': { import: './index.js' } } }), join(directory, 'package.json'));
    p.write(source, join(directory, 'index.js'));
    return p;
  }

  it('are listed and loaded from the working directory', async () => {
    const { dir } = withProviderPackage(
      'stagely-provider-fixture',
      `
const accept = { '~standard': { version: 1, vendor: 'fixture', validate: (value) => ({ value }) } };
const capabilities = { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false };
const none = async () => [];
export default {
  contractVersion: 1, name: 'fixture', packageName: 'stagely-provider-fixture', capabilities, configSchema: accept,
  create: () => ({
    contractVersion: 1, name: 'fixture', capabilities,
    validateCredentials: async () => {}, validateSpec: none, createInstance: none, getInstance: async () => null, listInstances: none,
    terminateInstance: async () => {}, waitUntilReady: none, createSnapshot: none, listSnapshots: none,
    deleteSnapshot: async () => {}, listSshKeys: none,
  }),
};
`,
    );
    const providers = await stagely(['providers', '--json'], { cwd: dir });
    expect(providers.json<{ providers: unknown[] }>().providers).toContainEqual({
      name: 'fixture',
      packageName: 'stagely-provider-fixture',
      version: '1.2.3',
      capabilities: { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false },
      error: null,
    });
    const listed = await stagely(['list', '--json'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.json()).toEqual({ instances: [] });
  });

  it('one that is not a valid plugin is exit 7, and providers says why', async () => {
    const { dir } = withProviderPackage('stagely-provider-broken', 'export default { hello: "world" };\n');
    const listed = await stagely(['list'], { cwd: dir });
    expect(listed.code).toBe(7);
    expect(listed.stderr).toMatch(/^INCOMPATIBLE_PLUGIN: /);
    const providers = await stagely(['providers', '--json'], { cwd: dir });
    const broken = providers.json<{ providers: { packageName: string; error: { code: string } | null }[] }>().providers.find(
      (p) => p.packageName === 'stagely-provider-broken',
    );
    expect(broken?.error?.code).toBe('INCOMPATIBLE_PLUGIN');
  });
});
