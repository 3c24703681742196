/**
 * Checks that a value is a plugin this core can drive (docs/architecture.md, "Plugins and the registry"), whether it was passed to
 * `register` or found in an imported module. Everything is checked at run time: a plugin may come
 * from a package built against another copy or version of core.
 */
import { ARCHITECTURES, PROVIDER_METHODS } from '../contract/contract.js';
import { IncompatiblePluginError } from '../contract/errors.js';
import { SUPPORTED_CONTRACT_VERSIONS, type StagelyPlugin } from './plugin.js';
import { isValidProviderName } from './provider-name.js';

/** A plugin of any config type, as the registry holds them. */
export type AnyPlugin = StagelyPlugin<any>;

const accepted = (): string => `this core accepts contract version ${SUPPORTED_CONTRACT_VERSIONS.join(', ')}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

/** What is wrong with `value` as a plugin, or `undefined` when nothing is. */
function problemWith(value: unknown): string | undefined {
  if (!isRecord(value)) return 'it is not an object';
  if (typeof value.name !== 'string' || !isValidProviderName(value.name)) {
    return '`name` must be a provider name such as "acme"';
  }
  if (value.packageName !== undefined && typeof value.packageName !== 'string') return '`packageName` must be a string';
  if (typeof value.create !== 'function') return '`create` must be a function';
  const schema = value.configSchema;
  if (!isRecord(schema) || !isRecord(schema['~standard']) || typeof schema['~standard'].validate !== 'function') {
    return '`configSchema` must be a Standard Schema (an object with `~standard.validate`)';
  }
  if (schema['~standard'].version !== 1) return '`configSchema` must implement Standard Schema version 1';
  const caps = value.capabilities;
  if (
    !isRecord(caps) ||
    !Array.isArray(caps.architectures) ||
    !caps.architectures.every((a) => (ARCHITECTURES as readonly unknown[]).includes(a)) ||
    typeof caps.spot !== 'boolean' ||
    typeof caps.snapshots !== 'boolean' ||
    typeof caps.sshKeys !== 'boolean'
  ) {
    return '`capabilities` must be { architectures, spot, snapshots, sshKeys }';
  }
  if (
    value.secretFields !== undefined &&
    !(Array.isArray(value.secretFields) && value.secretFields.every((f) => typeof f === 'string'))
  ) {
    return '`secretFields` must be an array of field names';
  }
  return undefined;
}

/**
 * Returns `value` as a plugin, or throws `IncompatiblePluginError` saying what is wrong and which
 * contract versions this core accepts. `source` names where it came from (a package, or `register()`).
 */
export function assertValidPlugin(value: unknown, source: string): AnyPlugin {
  const version = isRecord(value) ? value.contractVersion : undefined;
  if (typeof version !== 'number') {
    throw new IncompatiblePluginError(`${source} is not a Stagely plugin: it has no numeric \`contractVersion\` (${accepted()})`, {
      details: { source, supportedContractVersions: [...SUPPORTED_CONTRACT_VERSIONS] },
    });
  }
  if (!SUPPORTED_CONTRACT_VERSIONS.includes(version)) {
    throw new IncompatiblePluginError(
      `${source} implements contract version ${version}; ${accepted()}. Install a version of the plugin or of @stagely/provider-core that matches.`,
      { details: { source, contractVersion: version, supportedContractVersions: [...SUPPORTED_CONTRACT_VERSIONS] } },
    );
  }
  const problem = problemWith(value);
  if (problem !== undefined) {
    throw new IncompatiblePluginError(`${source} is not a valid Stagely plugin: ${problem} (${accepted()})`, {
      details: { source, contractVersion: version, supportedContractVersions: [...SUPPORTED_CONTRACT_VERSIONS] },
    });
  }
  return value as AnyPlugin;
}

/**
 * The plugin a module exports: its default export, else a `plugin` named export, else the module
 * namespace itself (a module whose named exports are the plugin's fields). The first of these that
 * declares a `contractVersion` is the one checked.
 */
export function pluginFromModule(moduleNamespace: unknown, specifier: string): AnyPlugin {
  const ns = isRecord(moduleNamespace) ? moduleNamespace : {};
  const candidates = [ns.default, ns.plugin, ns];
  const declared = candidates.find((c) => isRecord(c) && 'contractVersion' in c);
  return assertValidPlugin(declared, `Package "${specifier}"`);
}


/** The method a value lacks to be a CloudProvider, or `undefined` when it has them all. */
export function missingProviderMethod(value: unknown): string | undefined {
  if (!isRecord(value)) return 'the provider itself';
  return PROVIDER_METHODS.find((m) => typeof value[m] !== 'function');
}
