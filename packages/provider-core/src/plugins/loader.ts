/**
 * Imports a provider's plugin on demand (docs/architecture.md, "Plugins and the registry"). Only the chosen provider's package is imported,
 * so an application pays for (and needs installed) only the SDKs of the clouds it uses.
 *
 * `import(specifier)` resolves from the file that calls it. The default importer lives in core, so it
 * finds packages installed next to core or above it (the app's own node_modules, in npm and pnpm
 * layouts). An application that bundles core, or keeps providers where core cannot see them, passes
 * its own importer, `(s) => import(s)` written in the app, so that resolution starts at the app.
 */
import { IncompatiblePluginError, ProviderNotInstalledError } from '../contract/errors.js';
import { pluginFromModule, type AnyPlugin } from './plugin-validation.js';
import { installCommand, packageCandidates } from './provider-name.js';

/** Imports a module by specifier; `(s) => import(s)` in the module that resolution should start from. */
export type Importer = (specifier: string) => Promise<unknown>;

export const defaultImporter: Importer = (specifier) => import(specifier);

/**
 * True only when `error` says that `specifier` itself cannot be found, not that something the package
 * imports is missing. Node 20 reports both with the same code, and names the missing specifier first:
 *   ESM: ERR_MODULE_NOT_FOUND  "Cannot find package 'x' imported from /app/file.js"
 *   CJS: MODULE_NOT_FOUND      "Cannot find module 'x'\nRequire stack: ..."
 * A plugin missing its own dependency names that dependency ("Cannot find package 'dep' imported from
 * .../stagely-provider-x/index.js"), and a package whose entry file is missing names the file's path.
 */
export function isModuleNotFoundFor(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  if (typeof message !== 'string') return false;
  const missing = (message.split('\n', 1)[0] ?? '').split(' imported from ', 1)[0] ?? '';
  return missing.includes(`'${specifier}'`);
}

export interface LoadedPlugin {
  plugin: AnyPlugin;
  /** The plugin's package: its own `packageName`, else the specifier it was imported by. */
  packageName: string;
}

/**
 * Imports the plugin for provider `name`, trying each candidate package in order (see
 * `packageCandidates`). Throws `UnknownProviderError` for an invalid name, `ProviderNotInstalledError`
 * when no candidate is installed, and `IncompatiblePluginError` when a package is found but fails to
 * load or does not export a plugin of a contract version this core accepts.
 */
export async function loadPlugin(name: string, importer: Importer = defaultImporter): Promise<LoadedPlugin> {
  const candidates = packageCandidates(name);
  for (const specifier of candidates) {
    let moduleNamespace: unknown;
    try {
      moduleNamespace = await importer(specifier);
    } catch (error) {
      if (isModuleNotFoundFor(error, specifier)) continue;
      const reason = error instanceof Error ? error.message : String(error);
      throw new IncompatiblePluginError(`Package "${specifier}" was found but failed to load: ${reason}`, {
        provider: name,
        cause: error,
        details: { source: `Package "${specifier}"` },
      });
    }
    const plugin = pluginFromModule(moduleNamespace, specifier);
    return { plugin, packageName: plugin.packageName ?? specifier };
  }
  throw new ProviderNotInstalledError(name, candidates, installCommand(name), { provider: name });
}
