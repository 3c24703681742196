import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStagelyError } from '@stagely/provider-core';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, desiredEnvironment, parseConfig, resolveProvider, loadConfig } from '../src/index.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');

/** The ConfigFileError `source` is refused with. */
function refusal(source: string, file = 'stagely.yml'): ConfigFileError {
  try {
    parseConfig(source, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigFileError);
    return error as ConfigFileError;
  }
  throw new Error('the file was accepted');
}

describe('a valid stagely.yml', () => {
  const source = `
provider:
  name: mock
  config:
    region: mock-2
defaults:
  size: small
  architecture: arm64
  image: { ubuntu: "24.04" }
  ssh_keys: [deploy]
  tags: { team: platform }
environments:
  demo:
    hosts:
      web:
        role: web
        tags: { tier: front }
      db:
        role: db
        size: { type: m1.large }
        architecture: amd64
        region: mock-1
        image: { debian: "12" }
        ssh_keys: []
        spot: true
`;

  it('is read with its defaults filled in', () => {
    const { data } = parseConfig(source);
    expect(data.version).toBe(1);
    expect(data.provider).toEqual({ name: 'mock', config: { region: 'mock-2' } });
    expect(Object.keys(data.environments.demo!.hosts)).toEqual(['web', 'db']);
  });

  it('gives each host the file defaults, with its own fields winning and tags merged', () => {
    const desired = desiredEnvironment(parseConfig(source).data, 'demo');
    expect(desired.environment).toBe('demo');
    expect(desired.hosts).toEqual([
      {
        name: 'web',
        role: 'web',
        size: 'small',
        architecture: 'arm64',
        image: { ubuntu: '24.04' },
        tags: { team: 'platform', tier: 'front' },
        sshKeys: ['deploy'],
      },
      {
        name: 'db',
        role: 'db',
        size: { type: 'm1.large' },
        architecture: 'amd64',
        region: 'mock-1',
        image: { debian: '12' },
        tags: { team: 'platform' },
        sshKeys: [],
        spot: true,
      },
    ]);
  });

  it('may be empty: the mock provider and no environments', () => {
    const { data } = parseConfig('');
    expect(data.provider).toEqual({ name: 'mock', config: {} });
    expect(data.environments).toEqual({});
  });

  it('covers the examples', async () => {
    for (const example of ['mock', 'hetzner']) {
      const loaded = await loadConfig(join(examples, example, 'stagely.yml'));
      expect(Object.keys(loaded.data.environments).length).toBeGreaterThan(0);
    }
  });
});

describe('an invalid stagely.yml is refused with file, line, column and field', () => {
  it('names a wrong value where it is', () => {
    const error = refusal(
      ['environments:', '  demo:', '    hosts:', '      web:', '        size: huge', ''].join('\n'),
      'envs/stagely.yml',
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('environments.demo.hosts.web.size');
    expect([error.file, error.line, error.column]).toEqual(['envs/stagely.yml', 5, 15]);
    expect(error.message).toBe(
      'envs/stagely.yml:5:15: environments.demo.hosts.web.size must be one of small, medium, large or { type: <provider type> }',
    );
  });

  it('names an unknown key at the key, and reports every problem at once', () => {
    const error = refusal(
      [
        'defaults:',
        '  size: small',
        'environments:',
        '  demo:',
        '    hosts:',
        '      web:',
        '        szie: small',
        '      Bad_Name:',
        '        role: x',
        '      api:',
        '        tags: { port: 8080, stagely-env: other }',
      ].join('\n'),
    );
    expect(error.problems.map((p) => [p.line, p.column, p.field])).toEqual([
      [7, 9, 'environments.demo.hosts.web.szie'],
      [8, 7, 'environments.demo.hosts.Bad_Name'],
      [11, 23, 'environments.demo.hosts.api.tags.port'],
      [11, 29, 'environments.demo.hosts.api.tags.stagely-env'],
    ]);
    expect(error.problems[0]!.message).toBe('is not a known field');
    expect(error.problems[2]!.message).toMatch(/must be a string/);
    expect(error.problems[3]!.message).toMatch(/reserved/);
    expect(error.message.split('\n')).toHaveLength(4);
  });

  it('names a host without a size at the host', () => {
    const error = refusal(['environments:', '  demo:', '    hosts:', '      web:', '        role: web'].join('\n'));
    expect([error.line, error.field]).toEqual([4, 'environments.demo.hosts.web.size']);
    expect(error.message).toMatch(/is required: set it on the host or in defaults/);
  });

  it('refuses an instance name longer than 63 characters', () => {
    const host = 'h'.repeat(60);
    const error = refusal(['defaults: { size: small }', 'environments:', '  demo:', '    hosts:', `      ${host}: {}`].join('\n'));
    expect(error.field).toBe(`environments.demo.hosts.${host}`);
    expect(error.message).toMatch(/longer than 63 characters/);
  });

  it('names YAML syntax errors by line without echoing the text', () => {
    const error = refusal(['provider:', '  name: mock', '  config: { token: "s3cr3t-literal', 'environments: {}'].join('\n'));
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/is not valid YAML/);
    expect(error.message).not.toContain('s3cr3t-literal');
  });

  it('refuses a duplicated key', () => {
    const error = refusal(['defaults:', '  size: small', '  size: large'].join('\n'));
    expect(error.line).toBe(3);
  });

  it('says when the file does not exist', async () => {
    await expect(loadConfig('no/such/stagely.yml')).rejects.toThrow('no/such/stagely.yml: does not exist');
  });
});

describe('secrets', () => {
  it('refuses a literal secret, naming file, line and field but never the value', () => {
    const error = refusal(['provider:', '  name: hetzner', '  config:', '    location: fsn1', '    token: hc-literal-token-value'].join('\n'));
    expect([error.line, error.column, error.field]).toEqual([5, 12, 'provider.config.token']);
    expect(error.message).toMatch(/is a secret and may not be written in the file.*token_env/);
    expect(JSON.stringify(error.toJSON())).not.toContain('hc-literal-token-value');
  });

  it('refuses literal secrets nested in the config, under any secret-like name', () => {
    const error = refusal(
      ['provider:', '  name: aws', '  config:', '    credentials:', '      secretAccessKey: abc', '    api_key: def', '    password: 12345'].join('\n'),
    );
    expect(error.problems.map((p) => p.field)).toEqual([
      'provider.config.credentials.secretAccessKey',
      'provider.config.api_key',
      'provider.config.password',
    ]);
  });

  it('accepts a sealed secret', () => {
    const { data } = parseConfig(['provider:', '  name: hetzner', '  config:', '    token: { sealed: "stagely:v1:abc" }'].join('\n'));
    expect(data.provider.config).toEqual({ token: { sealed: 'stagely:v1:abc' } });
  });

  it('resolves a reference to an environment variable, and marks it secret', () => {
    const loaded = parseConfig(['provider:', '  name: hetzner', '  config:', '    token_env: HCLOUD_TOKEN', '    location: fsn1'].join('\n'));
    const resolved = resolveProvider(loaded, { env: { HCLOUD_TOKEN: 'tok-from-env' } });
    expect(resolved).toEqual({ name: 'hetzner', config: { token: 'tok-from-env', location: 'fsn1' }, secrets: ['tok-from-env'] });
  });

  it('resolves references that are not secrets without marking them', () => {
    const loaded = parseConfig(['provider:', '  config:', '    region_env: MOCK_REGION'].join('\n'));
    const resolved = resolveProvider(loaded, { env: { MOCK_REGION: 'mock-2' } });
    expect(resolved.config.region).toBe('mock-2');
    expect(resolved.secrets).toEqual([]);
  });

  it('names a missing variable and where it is referenced', () => {
    const loaded = parseConfig(['provider:', '  name: hetzner', '  config:', '    token_env: HCLOUD_TOKEN'].join('\n'));
    let error: unknown;
    try {
      resolveProvider(loaded, { env: {} });
    } catch (e) {
      error = e;
    }
    expect(isStagelyError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as ConfigFileError).message).toBe(
      'stagely.yml:4:16: provider.config.token_env refers to the environment variable HCLOUD_TOKEN, which is not set',
    );
  });

  it('refuses a reference that does not look like a variable name (a pasted token is not echoed)', () => {
    const error = refusal(['provider:', '  config:', '    token_env: hcloud-pasted-token-abc'].join('\n'));
    expect(error.field).toBe('provider.config.token_env');
    expect(error.message).toMatch(/must name an environment variable/);
    expect(error.message).not.toContain('hcloud-pasted-token-abc');
  });

  it('refuses a field given both literally and by reference', () => {
    const error = refusal(['provider:', '  config:', '    region: mock-1', '    region_env: REGION'].join('\n'));
    expect(error.field).toBe('provider.config.region_env');
  });
});

describe('the mock state file', () => {
  it('defaults to .stagely/mock-state.json in the directory of the file', () => {
    const loaded = parseConfig('provider: { name: mock }', join('/projects/shop', 'stagely.yml'));
    expect(resolveProvider(loaded).config.stateFile).toBe(join('/projects/shop', '.stagely', 'mock-state.json'));
  });

  it('without a file, lives in the working directory', () => {
    expect(resolveProvider(undefined, { cwd: '/projects/shop' })).toEqual({
      name: 'mock',
      config: { stateFile: join('/projects/shop', '.stagely', 'mock-state.json') },
      secrets: [],
    });
  });

  it('may be named relative to the file', () => {
    const loaded = parseConfig('provider: { config: { stateFile: state/mock.json } }', join('/projects/shop', 'stagely.yml'));
    expect(resolveProvider(loaded).config.stateFile).toBe(join('/projects/shop', 'state', 'mock.json'));
  });
});

it('the README documents every command', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  for (const command of ['providers', 'validate', 'create', 'list', 'get', 'wait', 'terminate', 'plan', 'apply', 'destroy', 'sweep']) {
    expect(readme).toContain(`stagely ${command}`);
  }
});
