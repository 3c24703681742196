import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IncompatiblePluginError, ProviderNotInstalledError, StagelyError, UnknownProviderError, createRegistry } from '../src/index.js';
import { SUPPORTED_CONTRACT_VERSIONS } from '../src/provider.js';
import { defaultImporter, isModuleNotFoundFor, loadPlugin, type Importer } from '../src/plugins/loader.js';
import { installCommand, packageCandidates, providerNameOfPackage } from '../src/plugins/provider-name.js';

async function failure(promise: Promise<unknown>): Promise<StagelyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!StagelyError.isInstance(error)) throw new Error(`expected a StagelyError, got ${String(error)}`);
  return error;
}

/** The default importer, recording every specifier it is asked for. */
function recordingImporter(): { importer: Importer; asked: string[] } {
  const asked: string[] = [];
  return { asked, importer: (s) => (asked.push(s), defaultImporter(s)) };
}

describe('provider names', () => {
  it('maps short, scoped and full names to the packages tried, in order', () => {
    expect(packageCandidates('hetzner')).toEqual(['@stagely/provider-hetzner', 'stagely-provider-hetzner']);
    expect(packageCandidates('@acme/foo')).toEqual(['@acme/stagely-provider-foo']);
    expect(packageCandidates('@acme/stagely-provider-foo')).toEqual(['@acme/stagely-provider-foo']);
    expect(packageCandidates('stagely-provider-foo')).toEqual(['stagely-provider-foo']);
    expect(packageCandidates('@stagely/provider-aws')).toEqual(['@stagely/provider-aws']);
    expect(packageCandidates('my-provider-x')).toEqual(['my-provider-x']);
    expect(installCommand('hetzner')).toBe('npm install @stagely/provider-hetzner');
    expect(installCommand('@acme/foo')).toBe('npm install @acme/stagely-provider-foo');
  });

  it('turns a package name back into the name to ask for', () => {
    expect(providerNameOfPackage('@stagely/provider-hetzner')).toBe('hetzner');
    expect(providerNameOfPackage('stagely-provider-acme')).toBe('acme');
    expect(providerNameOfPackage('@acme/stagely-provider-widget')).toBe('@acme/widget');
    expect(providerNameOfPackage('stagely-provider-myprovider')).toBe('stagely-provider-myprovider');
    expect(providerNameOfPackage('@stagely/provider-core')).toBeUndefined();
    expect(providerNameOfPackage('left-pad')).toBeUndefined();
    for (const name of ['hetzner', '@acme/foo', 'stagely-provider-myprovider']) {
      const back = packageCandidates(name).map(providerNameOfPackage);
      expect(back).toContain(name);
    }
  });

  it.each(['', ' ', 'het zner', '../x', './x', '/etc/passwd', 'node:fs', '@acme/../x', 'Hetzner', 'a/b', '@acme/', 'x\n'])(
    'refuses %j before importing anything',
    async (name) => {
      const { importer, asked } = recordingImporter();
      const error = await failure(loadPlugin(name, importer));
      expect(UnknownProviderError.isInstance(error)).toBe(true);
      expect(error.details).toMatchObject({ field: 'provider' });
      expect(asked).toEqual([]);
    },
  );
});

describe('loadPlugin', () => {
  it('loads a third-party plugin by its short name from stagely-provider-<x>, after trying @stagely/provider-<x>', async () => {
    const { importer, asked } = recordingImporter();
    const { plugin, packageName } = await loadPlugin('acme', importer);
    expect(plugin.name).toBe('acme');
    expect(plugin.contractVersion).toBe(1);
    expect(packageName).toBe('stagely-provider-acme');
    expect(asked).toEqual(['@stagely/provider-acme', 'stagely-provider-acme']);
  });

  it('loads a scoped plugin exported as `plugin` from @scope/stagely-provider-<y>', async () => {
    const { importer, asked } = recordingImporter();
    const { plugin, packageName } = await loadPlugin('@acme/widget', importer);
    expect(plugin.name).toBe('widget');
    expect(packageName).toBe('@acme/stagely-provider-widget');
    expect(asked).toEqual(['@acme/stagely-provider-widget']);
  });

  it('imports a full package name as it is', async () => {
    const { importer, asked } = recordingImporter();
    expect((await loadPlugin('stagely-provider-acme', importer)).plugin.name).toBe('acme');
    expect(asked).toEqual(['stagely-provider-acme']);
  });

  it('names what was tried and the install command when nothing is installed', async () => {
    const error = await failure(loadPlugin('nonexistent'));
    expect(ProviderNotInstalledError.isInstance(error)).toBe(true);
    const notInstalled = error as ProviderNotInstalledError;
    expect(notInstalled.tried).toEqual(['@stagely/provider-nonexistent', 'stagely-provider-nonexistent']);
    expect(notInstalled.installCommand).toBe('npm install @stagely/provider-nonexistent');
    expect(error.message).toContain('npm install @stagely/provider-nonexistent');
    expect(error.message).toContain('stagely-provider-nonexistent');

    const scoped = (await failure(loadPlugin('@acme/absent'))) as ProviderNotInstalledError;
    expect(scoped.code).toBe('PROVIDER_NOT_INSTALLED');
    expect(scoped.installCommand).toBe('npm install @acme/stagely-provider-absent');
  });

  it('reports a module without a plugin as incompatible, naming the versions core accepts', async () => {
    const error = await failure(loadPlugin('notaplugin'));
    expect(IncompatiblePluginError.isInstance(error)).toBe(true);
    expect(error.message).toContain('stagely-provider-notaplugin');
    expect(error.message).toContain(`contract version ${SUPPORTED_CONTRACT_VERSIONS.join(', ')}`);
    expect(error.details).toMatchObject({ supportedContractVersions: [...SUPPORTED_CONTRACT_VERSIONS] });
  });

  it('reports a plugin for another contract version as incompatible', async () => {
    const error = await failure(loadPlugin('future'));
    expect(IncompatiblePluginError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/contract version 2; this core accepts contract version 1/);
    expect(error.details).toMatchObject({ contractVersion: 2, supportedContractVersions: [1] });
  });

  it('surfaces an installed plugin missing its own dependency as that, not as "not installed"', async () => {
    const error = await failure(loadPlugin('brokendep'));
    expect(error.code).toBe('INCOMPATIBLE_PLUGIN');
    expect(error.message).toContain('stagely-provider-brokendep');
    expect(error.message).toContain('stagely-fixture-dependency-that-is-not-installed');
    expect((error.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it.each([
    ['no default, plugin or contractVersion', { other: 1 }, /no numeric `contractVersion`/],
    ['create missing', { default: { contractVersion: 1, name: 'x', capabilities: {}, configSchema: {} } }, /`create` must be a function/],
    [
      'a zod-like schema without ~standard',
      { default: { contractVersion: 1, name: 'x', create() {}, configSchema: { parse() {} }, capabilities: {} } },
      /Standard Schema/,
    ],
    [
      'bad capabilities',
      {
        default: {
          contractVersion: 1,
          name: 'x',
          create() {},
          configSchema: { '~standard': { version: 1, vendor: 't', validate: () => ({ value: {} }) } },
          capabilities: { architectures: ['sparc'], spot: false, snapshots: false, sshKeys: false },
        },
      },
      /`capabilities`/,
    ],
  ])('refuses a module whose export has %s', async (_what, moduleNamespace, message) => {
    const error = await failure(loadPlugin('x', async () => moduleNamespace));
    expect(IncompatiblePluginError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('accepts a module whose named exports are the plugin itself', async () => {
    const acme = (await import('stagely-provider-acme' as string)) as { default: Record<string, unknown> };
    const namespace = { ...acme.default };
    const { plugin } = await loadPlugin('ns', async () => namespace);
    expect(plugin.name).toBe('acme');
  });
});

describe('isModuleNotFoundFor', () => {
  it('tells a missing package from a missing dependency, on errors Node itself throws', async () => {
    const missing = await defaultImporter('stagely-provider-absent').catch((e: unknown) => e);
    expect(isModuleNotFoundFor(missing, 'stagely-provider-absent')).toBe(true);
    expect(isModuleNotFoundFor(missing, 'stagely-provider-abs')).toBe(false);

    const broken = await defaultImporter('stagely-provider-brokendep').catch((e: unknown) => e);
    expect(isModuleNotFoundFor(broken, 'stagely-provider-brokendep')).toBe(false);
    expect(isModuleNotFoundFor(broken, 'stagely-fixture-dependency-that-is-not-installed')).toBe(true);
  });

  it('reads CommonJS "Cannot find module" errors too', () => {
    const requireHere = createRequire(import.meta.url);
    let error: unknown;
    try {
      requireHere('stagely-provider-absent');
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('MODULE_NOT_FOUND');
    expect(isModuleNotFoundFor(error, 'stagely-provider-absent')).toBe(true);
    expect(isModuleNotFoundFor(error, 'stagely-provider')).toBe(false);
  });

  it('ignores other errors', () => {
    expect(isModuleNotFoundFor(new Error("Cannot find package 'x'"), 'x')).toBe(false);
    expect(isModuleNotFoundFor(undefined, 'x')).toBe(false);
    expect(isModuleNotFoundFor({ code: 'ERR_MODULE_NOT_FOUND', message: 42 }, 'x')).toBe(false);
  });
});

describe('only the chosen provider is imported', () => {
  it('asks the importer for the chosen provider only', async () => {
    const { importer, asked } = recordingImporter();
    const registry = createRegistry({ importer });
    await registry.get('@acme/widget', {});
    expect(asked).toEqual(['@acme/stagely-provider-widget']);
  });

  // The real proof: a fresh Node process loads one fixture through the built registry; each fixture
  // records its own evaluation on globalThis.
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const built = existsSync(new URL('../dist/index.js', import.meta.url)) && existsSync(new URL('../dist/index.cjs', import.meta.url));

  function evaluatedIn(script: string, type: 'module' | 'commonjs'): { evaluated: string[]; name: string } {
    const stdout = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], { cwd: packageDir, encoding: 'utf8' });
    return JSON.parse(stdout) as { evaluated: string[]; name: string };
  }

  const program = (load: string): string => `
    ${load}
    const registry = createRegistry();
    registry.get('acme', { token: 'fixture-token' }).then((provider) => {
      process.stdout.write(JSON.stringify({ evaluated: globalThis.__stagelyFixturesEvaluated ?? [], name: provider.name }));
    }, (error) => { console.error(error); process.exit(1); });`;

  it.runIf(built)('from the ESM build', () => {
    const result = evaluatedIn(program("import { createRegistry } from './dist/index.js';"), 'module');
    expect(result).toEqual({ evaluated: ['stagely-provider-acme'], name: 'acme' });
  });

  it.runIf(built)('from the CommonJS build', () => {
    const result = evaluatedIn(program("const { createRegistry } = require('./dist/index.cjs');"), 'commonjs');
    expect(result).toEqual({ evaluated: ['stagely-provider-acme'], name: 'acme' });
  });

  it('has a build to run against', () => {
    expect(built, 'build @stagely/provider-core first (pnpm --filter @stagely/provider-core build)').toBe(true);
  });
});
