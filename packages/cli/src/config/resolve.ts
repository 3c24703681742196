/**
 * Turns `provider` from the file into what the registry takes: `<field>_env` references replaced by
 * the variables' values (a missing one is named, with its line), and the mock's state file put in
 * the project directory so that separate runs of the CLI share one set of instances.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { ENV_REFERENCE_SUFFIX, SECRET_KEY_PATTERN } from './schema.js';
import type { LoadedConfig } from './load.js';

export const DEFAULT_PROVIDER = 'mock';
/** Where the mock keeps its instances, relative to the project directory (it is git-ignored). */
export const MOCK_STATE_FILE = join('.stagely', 'mock-state.json');
const MOCK_NAMES = new Set(['mock', '@stagely/provider-mock']);

export interface ResolvedProvider {
  name: string;
  config: Record<string, unknown>;
  /** Secret values read from the environment: every line the CLI prints is scrubbed of them. */
  secrets: string[];
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** The project directory when there is no file; default the working directory. */
  cwd?: string;
}

/** The provider and its config; without a file, the mock with its state in the working directory. */
export function resolveProvider(loaded: LoadedConfig | undefined, options: ResolveOptions = {}): ResolvedProvider {
  const env = options.env ?? process.env;
  const name = loaded?.data.provider.name ?? DEFAULT_PROVIDER;
  const secrets: string[] = [];
  const config = loaded
    ? (resolveReferences(loaded.data.provider.config, ['provider', 'config'], loaded, env, secrets) as Record<string, unknown>)
    : {};
  if (MOCK_NAMES.has(name)) {
    const projectDir = loaded?.dir ?? resolve(options.cwd ?? process.cwd());
    const stateFile = typeof config.stateFile === 'string' ? config.stateFile : MOCK_STATE_FILE;
    config.stateFile = isAbsolute(stateFile) ? stateFile : join(projectDir, stateFile);
  }
  return { name, config, secrets };
}

function resolveReferences(
  value: unknown,
  path: string[],
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveReferences(item, [...path, String(i)], loaded, env, secrets));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!key.endsWith(ENV_REFERENCE_SUFFIX)) {
      out[key] = resolveReferences(inner, [...path, key], loaded, env, secrets);
      continue;
    }
    // The schema made sure `inner` is a variable name.
    const variable = String(inner);
    const target = key.slice(0, -ENV_REFERENCE_SUFFIX.length);
    const resolved = env[variable];
    if (resolved === undefined || resolved === '') {
      throw loaded.problem([...path, key], `refers to the environment variable ${variable}, which is not set`);
    }
    if (SECRET_KEY_PATTERN.test(target)) secrets.push(resolved);
    out[target] = resolved;
  }
  return out;
}
