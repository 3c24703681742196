/**
 * Finds installed provider packages without importing them: it reads only `package.json` files of
 * `@stagely/provider-*`, `stagely-provider-*` and `@<scope>/stagely-provider-*` packages in every
 * `node_modules` from a directory upwards (the places Node looks in). What it finds may still fail to
 * load; `registry.get()` says why.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { providerNameOfPackage } from './provider-name.js';

export interface InstalledProvider {
  /** The name to pass to `registry.get()`, e.g. `hetzner` or `@acme/foo`. */
  name: string;
  /** The package, e.g. `@stagely/provider-hetzner`; `registry.get(packageName)` always loads exactly it. */
  packageName: string;
  version: string | undefined;
  description: string | undefined;
  /** The package's directory (where it was found). */
  directory: string;
}

export interface DiscoverOptions {
  /** Where to start looking; default `process.cwd()`. */
  from?: string;
}

async function entries(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch {
    return [];
  }
}

async function readManifest(directory: string): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not a package, or a broken one: nothing to show
  }
}

/** Provider package directories directly in one `node_modules`. */
async function candidatesIn(nodeModules: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(nodeModules)) {
    if (entry.startsWith('stagely-provider-')) found.push(join(nodeModules, entry));
    else if (entry.startsWith('@')) {
      for (const scoped of await entries(join(nodeModules, entry))) {
        if (scoped.startsWith('stagely-provider-') || (entry === '@stagely' && scoped.startsWith('provider-'))) {
          found.push(join(nodeModules, entry, scoped));
        }
      }
    }
  }
  return found;
}

/**
 * Installed provider packages visible from `from` (default: the working directory), nearest first
 * when a package is installed at several levels, sorted by name.
 */
export async function discoverInstalledProviders(options: DiscoverOptions = {}): Promise<InstalledProvider[]> {
  const byPackage = new Map<string, InstalledProvider>();
  let directory = resolve(options.from ?? process.cwd());
  for (;;) {
    for (const packageDirectory of await candidatesIn(join(directory, 'node_modules'))) {
      const manifest = await readManifest(packageDirectory);
      const packageName = typeof manifest?.name === 'string' ? manifest.name : undefined;
      const name = packageName === undefined ? undefined : providerNameOfPackage(packageName);
      if (packageName === undefined || name === undefined || byPackage.has(packageName)) continue;
      byPackage.set(packageName, {
        name,
        packageName,
        version: typeof manifest?.version === 'string' ? manifest.version : undefined,
        description: typeof manifest?.description === 'string' ? manifest.description : undefined,
        directory: packageDirectory,
      });
    }
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return [...byPackage.values()].sort((a, b) => a.name.localeCompare(b.name) || a.packageName.localeCompare(b.packageName));
}
