/**
 * How the CLI imports a provider package: from where the CLI is installed (a project's own
 * node_modules, or next to a global install), and failing that from the project, i.e. the
 * `node_modules` directories from the working directory upwards: a globally installed `stagely`
 * then uses the providers a project installed, the same ones `stagely providers` lists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Importer } from '@stagely/provider-core';

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The ESM entry of a package's main export (the shapes packages use: exports, module, main). */
function entryOf(directory: string): string {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value !== 'object' || value === null) return undefined;
    const conditions = value as Record<string, unknown>;
    for (const key of ['.', 'import', 'node', 'default']) {
      const found = key in conditions ? pick(conditions[key]) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return join(directory, pick(manifest.exports) ?? manifest.module ?? manifest.main ?? 'index.js');
}

/** The directory of `specifier`'s package in a node_modules from `from` upwards. */
function findInProject(specifier: string, from: string): string | undefined {
  for (let directory = resolve(from); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', ...specifier.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

/** `importHere` must be `(s) => import(s)` written in the CLI's own code (resolution starts there). */
export function projectImporter(importHere: Importer, cwd: string): Importer {
  return async (specifier) => {
    try {
      return await importHere(specifier);
    } catch (error) {
      const directory = isNotFound(error) ? findInProject(specifier, cwd) : undefined;
      if (directory === undefined) throw error;
      return import(pathToFileURL(entryOf(directory)).href);
    }
  };
}
