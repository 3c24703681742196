/**
 * Which environment a command works on: the one named, else the file's only one. Names are checked
 * the way the file checks them, so a typo is a usage error, not an empty plan.
 */
import { NAME_PATTERN } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import { usageError } from './exit-codes.js';

export function pickEnvironment(loaded: LoadedConfig | undefined, named: string | undefined, mustBeInFile: boolean): string {
  if (loaded?.empty && (mustBeInFile || named === undefined)) {
    throw usageError(`${loaded.file} is empty: describe the provider and its environments in it (\`stagely init\` writes a commented starter file)`);
  }
  const known = loaded ? Object.keys(loaded.data.environments).sort() : [];
  const list = known.length > 0 ? `environments in ${loaded!.file}: ${known.join(', ')}` : `${loaded?.file ?? 'stagely.yml'} has no environments`;
  if (named === undefined) {
    if (known.length === 1) return known[0]!;
    throw usageError(`Name the environment (${list})`);
  }
  if (!NAME_PATTERN.test(named)) {
    throw usageError(`Invalid environment name "${named}": lower-case letters, digits and hyphens, not starting or ending with a hyphen`);
  }
  if (mustBeInFile && !known.includes(named)) throw usageError(`No environment "${named}" (${list})`);
  return named;
}
