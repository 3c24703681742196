/**
 * SSH key names of a spec resolved against the keys an account holds: every provider refuses an
 * unknown name the same way, naming the entry (`sshKeys[1]`) and the keys that do exist.
 */
import { InvalidInputError } from '../contract/errors.js';

/**
 * The account's key for each of `names`, in order. `where` finishes "No SSH key named x in ...",
 * e.g. `this Hetzner project`.
 */
export function keysByName<K extends { name: string }>(names: readonly string[], keys: readonly K[], options: { provider: string; where: string }): K[] {
  return names.map((name, index) => {
    const key = keys.find((k) => k.name === name);
    if (key) return key;
    const known = keys.map((k) => k.name).sort();
    throw new InvalidInputError(`sshKeys[${index}]`, `No SSH key named "${name}" in ${options.where}. Keys: ${known.length > 0 ? known.join(', ') : 'none'}`, {
      provider: options.provider,
      details: { alternatives: known },
    });
  });
}
