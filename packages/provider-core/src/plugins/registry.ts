/**
 * The provider registry (docs/architecture.md, "Plugins and the registry"): turns a provider name and a config into a ready CloudProvider.
 *
 * `get(name, config)`:
 * 1. finds the plugin: one registered (by name or package name), else imports it on demand (see
 *    loader.ts; concurrent calls share one import, a failed import is retried next time);
 * 2. opens sealed values in the config (see sealed-config.ts) with the registry's key ring;
 * 3. returns the cached provider for SHA-256(plugin + canonical config), or validates the config with
 *    the plugin's Standard Schema and calls `plugin.create(config, { events, bootHistory })` once, shared by
 *    concurrent callers. A failed creation is not cached.
 *
 * Errors from `plugin.create`: a StagelyError passes through as it is (a plugin may refuse a config
 * its schema let through); anything else is a plugin bug and becomes `IncompatiblePluginError`, with
 * secrets scrubbed from its message (and the original as `cause` unless it mentioned a secret).
 */
import { canonicalHash } from './canonical.js';
import type { Capabilities, CloudProvider } from '../contract/contract.js';
import { parseKeyRing, type EncryptionKeyRing } from '../credentials/credentials.js';
import { validateConfig } from './config-validation.js';
import { discoverInstalledProviders, type DiscoverOptions, type InstalledProvider } from './discover.js';
import { ConflictError, IncompatiblePluginError, isStagelyError } from '../contract/errors.js';
import type { EventSink } from '../contract/events.js';
import type { BootHistory } from '../runtime/readiness/boot-history.js';
import type { ProviderContext } from './plugin.js';
import { defaultImporter, loadPlugin, type Importer, type LoadedPlugin } from './loader.js';
import { assertValidPlugin, missingProviderMethod, type AnyPlugin } from './plugin-validation.js';
import { assertProviderName } from './provider-name.js';
import { createRedactor, type Redactor } from '../authoring/redact.js';
import { collectStrings, openSealedConfig } from '../credentials/sealed-config.js';

/** Read when a config holds a sealed value and no `encryptionKey` was given; several keys comma-separated. */
export const ENCRYPTION_KEY_ENV = 'STAGELY_ENCRYPTION_KEY';

export interface RegistryOptions {
  /** Plugins available without importing anything. */
  plugins?: readonly AnyPlugin[];
  /** Key (or key ring, newest first) that opens sealed config values; default: `STAGELY_ENCRYPTION_KEY`. */
  encryptionKey?: EncryptionKeyRing;
  /** Receives every provider's events (passed to `plugin.create` as `context.events`). */
  events?: EventSink;
  /**
   * Where providers keep and learn boot times (`context.bootHistory`); default one per process. The
   * CLI passes one kept in its state directory.
   */
  bootHistory?: BootHistory;
  /**
   * Imports a plugin package. Default `(s) => import(s)` inside core, which resolves from core's own
   * location. An app that bundles core, or installs providers where core cannot see them, passes
   * `importer: (s) => import(s)` written in its own code so that resolution starts at the app.
   */
  importer?: Importer;
}

/**
 * The config type of each installed provider, by the name given to `registry.get()`. Empty here:
 * each provider package adds itself by declaration merging, so that `registry.get('hetzner', config)`
 * is checked wherever that package's types are loaded (docs/architecture.md, "Plugins and the registry"):
 *
 * ```ts
 * declare module '@stagely/provider-core' {
 *   interface ProviderConfigs { hetzner: HetznerConfig; '@stagely/provider-hetzner': HetznerConfig }
 * }
 * ```
 */
export interface ProviderConfigs {}

/** A config value given sealed (`{ sealed: 'stagely:v1:...' }`): opened by the registry. */
export interface SealedValue {
  sealed: string;
}

/** `T` with any value, or the whole of it, given sealed instead. */
export type Sealable<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly unknown[]
    ? T | SealedValue
    : T extends object
      ? { [K in keyof T]: Sealable<T[K]> } | SealedValue
      : T | SealedValue;

/** What `registry.get(name, config)` takes: the provider's own config type when known, else any record. */
export type ProviderConfigFor<N extends string> = N extends keyof ProviderConfigs ? Sealable<ProviderConfigs[N]> : Record<string, unknown>;

export interface PluginInfo {
  name: string;
  packageName: string | undefined;
  contractVersion: number;
  capabilities: Capabilities;
  secretFields: readonly string[];
  /** `registered`: passed in; `imported`: loaded on demand by `get()` / `load()`. */
  source: 'registered' | 'imported';
}

export interface Registry {
  /**
   * A ready provider for this config (cached per plugin and canonical config). The config is
   * type-checked for providers whose package declares it in `ProviderConfigs`.
   */
  get<P extends CloudProvider = CloudProvider, N extends string = string>(name: N, config?: ProviderConfigFor<N>): Promise<P>;
  /** The plugin for a name, registered or imported, without creating a provider. */
  load(name: string): Promise<AnyPlugin>;
  /** Makes a plugin available under its name (and package name). */
  register(plugin: AnyPlugin): void;
  /** Plugins registered or imported so far, sorted by name. Installed ones: `discover()`. */
  list(): PluginInfo[];
  /** Provider packages installed from `options.from` (default: cwd) upwards; imports nothing. */
  discover(options?: DiscoverOptions): Promise<InstalledProvider[]>;
}

function keyRingFromEnvironment(): string[] | undefined {
  const text = process.env[ENCRYPTION_KEY_ENV];
  const keys = (text ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  return keys.length > 0 ? keys : undefined;
}

/** String values of a plugin's `secretFields` (dotted paths) in a config. */
function secretValues(plugin: AnyPlugin, config: unknown): string[] {
  const found: string[] = [];
  for (const field of plugin.secretFields ?? []) {
    let value: unknown = config;
    for (const key of field.split('.')) {
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    collectStrings(value, found);
  }
  return found;
}

async function createProvider(
  plugin: AnyPlugin,
  config: unknown,
  secrets: string[],
  context: ProviderContext,
): Promise<CloudProvider> {
  let redact: Redactor = createRedactor([...secrets, ...secretValues(plugin, config)]);
  const valid = await validateConfig(plugin.configSchema, config, plugin.name, redact);
  redact = createRedactor([...secrets, ...secretValues(plugin, config), ...secretValues(plugin, valid)]);
  let provider: unknown;
  try {
    provider = await plugin.create(valid, context);
  } catch (error) {
    if (isStagelyError(error)) throw error;
    const original = error instanceof Error ? error.message : String(error);
    const message = redact(original);
    throw new IncompatiblePluginError(`Plugin "${plugin.name}" failed to create a provider: ${message}`, {
      provider: plugin.name,
      ...(message === original ? { cause: error } : {}),
    });
  }
  const missing = missingProviderMethod(provider);
  if (missing !== undefined) {
    throw new IncompatiblePluginError(`Plugin "${plugin.name}" created something that is not a CloudProvider: it lacks ${missing}`, {
      provider: plugin.name,
    });
  }
  return provider as CloudProvider;
}

export function createRegistry(options: RegistryOptions = {}): Registry {
  const importer = options.importer ?? defaultImporter;
  const context: ProviderContext = {
    ...(options.events ? { events: options.events } : {}),
    ...(options.bootHistory ? { bootHistory: options.bootHistory } : {}),
  };
  // A key given in code is checked now; one from the environment only when a sealed value needs it.
  const configuredKeys = options.encryptionKey === undefined ? undefined : parseKeyRing(options.encryptionKey);
  const keyRing = (): EncryptionKeyRing | undefined => configuredKeys ?? keyRingFromEnvironment();

  const registered = new Map<string, AnyPlugin>();
  const imports = new Map<string, Promise<LoadedPlugin>>();
  const imported = new Map<string, LoadedPlugin>();
  const instances = new Map<string, Promise<CloudProvider>>();

  const findRegistered = (name: string): AnyPlugin | undefined =>
    registered.get(name) ?? [...registered.values()].find((p) => p.packageName === name);

  const register = (plugin: AnyPlugin): void => {
    const valid = assertValidPlugin(plugin, `Plugin "${String((plugin as { name?: unknown } | null)?.name)}" passed to register()`);
    const existing = registered.get(valid.name);
    if (existing !== undefined && existing !== valid) {
      throw new ConflictError(`Another plugin is already registered as "${valid.name}"`, { provider: valid.name });
    }
    registered.set(valid.name, valid);
  };

  /** The plugin and the package it is known by (a plugin without `packageName`: the specifier it came from). */
  const resolvePlugin = async (name: string): Promise<LoadedPlugin> => {
    assertProviderName(name);
    const found = findRegistered(name);
    if (found !== undefined) return { plugin: found, packageName: found.packageName ?? '' };
    let pending = imports.get(name);
    if (pending === undefined) {
      pending = loadPlugin(name, importer).then((loaded) => {
        imported.set(name, loaded);
        return loaded;
      });
      imports.set(name, pending);
      pending.catch(() => imports.delete(name)); // a failed import is tried again next time
    }
    return pending;
  };

  const get = async <P extends CloudProvider = CloudProvider>(name: string, config: unknown = {}): Promise<P> => {
    const { plugin, packageName } = await resolvePlugin(name);
    const opened = openSealedConfig(config, plugin.name, keyRing);
    const key = canonicalHash(`${packageName}#${plugin.name}`, opened.config);
    let pending = instances.get(key);
    if (pending === undefined) {
      pending = createProvider(plugin, opened.config, opened.secrets, context);
      instances.set(key, pending);
      const settled = pending;
      settled.catch(() => {
        if (instances.get(key) === settled) instances.delete(key); // a failed creation is not cached
      });
    }
    return (await pending) as P;
  };

  const list = (): PluginInfo[] => {
    const seen = new Set<AnyPlugin>();
    const infos: PluginInfo[] = [];
    const add = (plugin: AnyPlugin, packageName: string | undefined, source: PluginInfo['source']): void => {
      if (seen.has(plugin)) return;
      seen.add(plugin);
      infos.push({
        name: plugin.name,
        packageName,
        contractVersion: plugin.contractVersion,
        capabilities: plugin.capabilities,
        secretFields: plugin.secretFields ?? [],
        source,
      });
    };
    for (const plugin of registered.values()) add(plugin, plugin.packageName, 'registered');
    for (const { plugin, packageName } of imported.values()) add(plugin, packageName, 'imported');
    return infos.sort((a, b) => a.name.localeCompare(b.name) || (a.packageName ?? '').localeCompare(b.packageName ?? ''));
  };

  for (const plugin of options.plugins ?? []) register(plugin);

  const load = async (name: string): Promise<AnyPlugin> => (await resolvePlugin(name)).plugin;

  return { get, load, register, list, discover: (o) => discoverInstalledProviders(o) };
}
