import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConflictError,
  IncompatiblePluginError,
  InvalidInputError,
  PROVIDER_METHODS,
  StagelyError,
  createRegistry,
  type CloudProvider,
  type ProviderContext,
  type StagelyEvent,
} from '../src/index.js';
import { definePlugin } from '../src/provider.js';
import { canonicalHash, canonicalJson } from '../src/plugins/canonical.js';
import { defaultImporter, type Importer } from '../src/plugins/loader.js';

const SECRET = 'tok_9f8e7d6c5b4a-super-secret';

async function failure(promise: Promise<unknown>): Promise<StagelyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!StagelyError.isInstance(error)) throw new Error(`expected a StagelyError, got ${String(error)}`);
  return error;
}

interface TestProvider extends CloudProvider {
  config: unknown;
  context: ProviderContext;
}

/** A plugin with a zod schema whose `create` counts calls and can be told to fail. */
function countingPlugin(name = 'counter', behaviour: { fail?: () => unknown; delayMs?: number } = {}) {
  const calls: unknown[] = [];
  const plugin = definePlugin({
    contractVersion: 1,
    name,
    packageName: `stagely-provider-${name}`,
    capabilities: { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false },
    configSchema: z.object({
      token: z.string().min(8),
      region: z.string().default('r1'),
      sizes: z.record(z.string(), z.object({ amd64: z.string() })).optional(),
    }),
    secretFields: ['token'],
    create(config, context): TestProvider {
      calls.push(config);
      const failure = behaviour.fail?.();
      if (failure !== undefined) throw failure;
      const provider = { name, contractVersion: 1, config, context } as Record<string, unknown>;
      for (const m of PROVIDER_METHODS) provider[m] = async () => undefined;
      return provider as unknown as TestProvider;
    },
  });
  return { plugin, calls };
}

describe('registry.get: config', () => {
  it('validates with the Standard Schema and passes its output to create', async () => {
    const { plugin, calls } = countingPlugin();
    const provider = await createRegistry({ plugins: [plugin] }).get<TestProvider>('counter', { token: SECRET });
    expect(provider.config).toEqual({ token: SECRET, region: 'r1' });
    expect(calls).toHaveLength(1);
  });

  it('names the failing field in InvalidInputError, listing every issue', async () => {
    const { plugin, calls } = countingPlugin();
    const registry = createRegistry({ plugins: [plugin] });
    const error = await failure(registry.get('counter', { region: 7, sizes: { small: { amd64: 1 } } }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).field).toBe('config.token');
    const issues = error.details.issues as { field: string }[];
    expect(issues.map((i) => i.field)).toEqual(['config.token', 'config.region', 'config.sizes.small.amd64']);
    expect(error.message).toContain('config.region');
    expect(calls).toEqual([]);
  });

  it('never puts a secret field value into the error, even when the schema echoes it', async () => {
    // The acme fixture's hand-made schema echoes what it got; its secretFields names `token`.
    const registry = createRegistry();
    const badToken = { nested: 'acme-secret-value-123' };
    const error = await failure(registry.get('acme', { token: badToken }));
    expect((error as InvalidInputError).field).toBe('config.token');
    expect(JSON.stringify(error)).not.toContain('acme-secret-value-123');
    expect(error.message).toContain('[redacted]');
  });

  it('hands the registry events to create', async () => {
    const events: StagelyEvent[] = [];
    const registry = createRegistry({ events: (e) => events.push(e) });
    const acme = (await registry.get('acme', { token: 't' })) as CloudProvider & { receivedContext: ProviderContext };
    expect(events).toEqual([{ type: 'warning', provider: 'acme', message: 'acme fixture created' }]);
    expect(typeof acme.receivedContext.events).toBe('function');
  });
});

describe('registry.get: one provider per canonical config', () => {
  it('returns the same instance for the same config in any key order', async () => {
    const { plugin, calls } = countingPlugin();
    const registry = createRegistry({ plugins: [plugin] });
    const a = await registry.get('counter', { token: SECRET, region: 'r2', sizes: { small: { amd64: 'x' }, large: { amd64: 'y' } } });
    const b = await registry.get('counter', { sizes: { large: { amd64: 'y' }, small: { amd64: 'x' } }, region: 'r2', token: SECRET, endpoint: undefined });
    const c = await registry.get('counter', { token: SECRET, region: 'r3' });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(calls).toHaveLength(2);
  });

  it('shares one in-flight load and creation between concurrent calls', async () => {
    const { plugin, calls } = countingPlugin('slowpoke');
    const asked: string[] = [];
    const importer: Importer = async (s) => {
      asked.push(s);
      await new Promise((r) => setTimeout(r, 20));
      return { default: plugin };
    };
    const registry = createRegistry({ importer });
    const all = await Promise.all(Array.from({ length: 5 }, () => registry.get('slowpoke', { token: SECRET })));
    expect(new Set(all).size).toBe(1);
    expect(calls).toHaveLength(1);
    expect(asked).toEqual(['@stagely/provider-slowpoke']);
  });

  it('does not cache a failed import', async () => {
    const { plugin } = countingPlugin('flaky');
    let attempts = 0;
    const importer: Importer = async (s) => {
      attempts += 1;
      if (attempts === 1) throw new Error('disk on fire');
      return s === '@stagely/provider-flaky' ? { default: plugin } : defaultImporter(s);
    };
    const registry = createRegistry({ importer });
    const error = await failure(registry.get('flaky', { token: SECRET }));
    expect(error.code).toBe('INCOMPATIBLE_PLUGIN');
    expect(error.message).toContain('disk on fire');
    expect((await registry.get<TestProvider>('flaky', { token: SECRET })).name).toBe('flaky');
  });

  it('does not cache a failed creation, and wraps non-Stagely errors without the secret', async () => {
    let failWith: unknown = new Error(`bad token ${SECRET}`);
    const { plugin, calls } = countingPlugin('fragile', { fail: () => failWith });
    const registry = createRegistry({ plugins: [plugin] });

    const wrapped = await failure(registry.get('fragile', { token: SECRET }));
    expect(IncompatiblePluginError.isInstance(wrapped)).toBe(true);
    expect(wrapped.message).toBe('Plugin "fragile" failed to create a provider: bad token [redacted]');
    expect(wrapped.cause).toBeUndefined(); // the original held the secret

    failWith = new InvalidInputError('config.region', 'no such region');
    const passedThrough = await failure(registry.get('fragile', { token: SECRET }));
    expect(passedThrough).toBe(failWith);

    failWith = undefined;
    const provider = await registry.get('fragile', { token: SECRET });
    expect(await registry.get('fragile', { token: SECRET })).toBe(provider);
    expect(calls).toHaveLength(3);
  });

  it('refuses a create that returns something other than a provider', async () => {
    const plugin = definePlugin({
      ...countingPlugin('hollow').plugin,
      create: () => ({ name: 'hollow' }) as unknown as CloudProvider,
    });
    const error = await failure(createRegistry({ plugins: [plugin] }).get('hollow', { token: SECRET }));
    expect(error.code).toBe('INCOMPATIBLE_PLUGIN');
    expect(error.message).toMatch(/lacks validateCredentials/);
  });

  it('refuses a config that refers to itself', async () => {
    const { plugin } = countingPlugin();
    const config: Record<string, unknown> = { token: SECRET };
    config.self = config;
    const error = await failure(createRegistry({ plugins: [plugin] }).get('counter', config));
    expect((error as InvalidInputError).field).toBe('config.self');
  });
});

describe('register and list', () => {
  it('finds a registered plugin by name or package name, without importing', async () => {
    const { plugin, calls } = countingPlugin('local');
    const asked: string[] = [];
    const registry = createRegistry({ importer: async (s) => (asked.push(s), defaultImporter(s)) });
    registry.register(plugin);
    const byName = await registry.get('local', { token: SECRET });
    const byPackage = await registry.get('stagely-provider-local', { token: SECRET });
    expect(byPackage).toBe(byName);
    expect(calls).toHaveLength(1);
    expect(asked).toEqual([]);
  });

  it('validates registered plugins like imported ones', () => {
    const registry = createRegistry();
    const future = { ...countingPlugin('future').plugin, contractVersion: 2 };
    expect(() => registry.register(future as never)).toThrow(/contract version 2; this core accepts contract version 1/);
    expect(() => registry.register({ ...countingPlugin('bad name').plugin })).toThrow(IncompatiblePluginError);
    expect(() => registry.register({ ...countingPlugin().plugin, configSchema: z.string() as never, create: 'no' as never })).toThrow(
      /`create` must be a function/,
    );
  });

  it('refuses a second, different plugin under a name already taken', () => {
    const first = countingPlugin('twin').plugin;
    const registry = createRegistry({ plugins: [first] });
    registry.register(first);
    expect(() => registry.register(countingPlugin('twin').plugin)).toThrow(ConflictError);
  });

  it('lists registered and imported plugins', async () => {
    const registry = createRegistry({ plugins: [countingPlugin('local').plugin] });
    expect(registry.list().map((p) => [p.name, p.source])).toEqual([['local', 'registered']]);
    await registry.load('@acme/widget');
    expect(registry.list()).toEqual([
      {
        name: 'local',
        packageName: 'stagely-provider-local',
        contractVersion: 1,
        capabilities: { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false },
        secretFields: ['token'],
        source: 'registered',
      },
      {
        name: 'widget',
        packageName: '@acme/stagely-provider-widget',
        contractVersion: 1,
        capabilities: { architectures: ['amd64', 'arm64'], spot: true, snapshots: false, sshKeys: false },
        secretFields: [],
        source: 'imported',
      },
    ]);
  });
});

describe('discover', () => {
  const temp = mkdtemp(join(tmpdir(), 'stagely-discover-'));
  afterAll(async () => rm(await temp, { recursive: true, force: true }));

  async function fakePackage(root: string, name: string, version: string): Promise<void> {
    const dir = join(root, 'node_modules', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module', exports: './index.js' }));
    // Evaluating this would fail the test run: discovery must read package.json only.
    await writeFile(join(dir, 'index.js'), "throw new Error('discover imported a provider');\n");
  }

  it('finds provider packages from a directory upwards, reading only package.json', async () => {
    const root = await temp;
    const nested = join(root, 'app', 'packages', 'web');
    await mkdir(nested, { recursive: true });
    await fakePackage(root, '@stagely/provider-hetzner', '1.0.0');
    await fakePackage(root, 'stagely-provider-acme', '0.9.0');
    await fakePackage(join(root, 'app'), 'stagely-provider-acme', '2.0.0'); // nearer: wins
    await fakePackage(join(root, 'app'), '@other/stagely-provider-thing', '3.0.0');
    await fakePackage(root, '@stagely/provider-core', '1.0.0');
    await fakePackage(root, 'left-pad', '1.0.0');

    const found = await createRegistry().discover({ from: nested });
    const ours = found.filter((p) => p.directory.startsWith(root));
    expect(ours.map(({ name, packageName, version }) => ({ name, packageName, version }))).toEqual([
      { name: '@other/thing', packageName: '@other/stagely-provider-thing', version: '3.0.0' },
      { name: 'acme', packageName: 'stagely-provider-acme', version: '2.0.0' },
      { name: 'hetzner', packageName: '@stagely/provider-hetzner', version: '1.0.0' },
    ]);
  });

  it("sees the fixtures linked into core's node_modules", async () => {
    const found = await createRegistry().discover({ from: fileURLToPath(new URL('..', import.meta.url)) });
    const names = found.map((p) => p.packageName);
    for (const fixture of ['stagely-provider-acme', '@acme/stagely-provider-widget', 'stagely-provider-future']) {
      expect(names).toContain(fixture);
    }
    expect(found.find((p) => p.packageName === 'stagely-provider-acme')?.version).toBe('1.2.3');
    expect(globalThis).not.toHaveProperty('__stagelyFixturesEvaluated', expect.arrayContaining(['stagely-provider-future']));
  });
});

describe('canonicalJson (the cache key)', () => {
  it('ignores key order and undefined properties, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalHash('x', { a: 1, b: 2 })).toBe(canonicalHash('x', { b: 2, a: 1 }));
    expect(canonicalHash('x', { a: 1 })).not.toBe(canonicalHash('y', { a: 1 }));
  });

  it('keys values JSON cannot hold by what they are, never colliding with strings', () => {
    const fetchA = async () => undefined;
    const fetchB = async () => undefined;
    expect(canonicalJson({ fetch: fetchA })).toBe(canonicalJson({ fetch: fetchA }));
    expect(canonicalJson({ fetch: fetchA })).not.toBe(canonicalJson({ fetch: fetchB }));
    expect(canonicalJson({ at: new Date(5) })).toBe(canonicalJson({ at: new Date(5) }));
    expect(canonicalJson({ at: new Date(5) })).not.toBe(canonicalJson({ at: new Date(6) }));
    expect(canonicalJson({ n: 1n })).not.toBe(canonicalJson({ n: 1 }));
    expect(canonicalJson({ n: Number.NaN })).not.toBe(canonicalJson({ n: null }));
    const text = canonicalJson({ fetch: fetchA });
    expect(canonicalJson({ fetch: text.slice('{"fetch":'.length, -1) })).not.toBe(text);
  });

  it('names the field of a cycle', () => {
    const looped: Record<string, unknown> = { list: [] };
    (looped.list as unknown[]).push(looped);
    expect(() => canonicalJson(looped)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'config.list.0' }));
  });
});
