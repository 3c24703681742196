/**
 * Provider names and the package names they map to (docs/architecture.md, "Plugins and the registry").
 *
 * - `hetzner`                      -> `@stagely/provider-hetzner`, then `stagely-provider-hetzner`
 * - `@acme/foo`                    -> `@acme/stagely-provider-foo`
 * - any name containing `provider` -> imported as it is (`stagely-provider-foo`, `@acme/stagely-provider-foo`)
 *
 * A name must be a valid npm package name (lowercase, no spaces, no path segments): it ends up in
 * `import()`, so `../x`, `/abs/path` or `node:fs` are refused before anything is imported.
 */
import { UnknownProviderError } from '../contract/errors.js';

const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const MAX_PACKAGE_NAME_LENGTH = 214;

export function isValidProviderName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_PACKAGE_NAME_LENGTH && PACKAGE_NAME.test(name);
}

/** Throws `UnknownProviderError` for a name that cannot name a package. */
export function assertProviderName(name: unknown): asserts name is string {
  if (isValidProviderName(name)) return;
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name;
  throw new UnknownProviderError(
    `Invalid provider name ${shown}: expected a short name like "hetzner", "@acme/foo", or a package name like "stagely-provider-foo"`,
    { details: { field: 'provider' } },
  );
}

/** The package specifiers tried, in order, for a provider name. */
export function packageCandidates(name: string): string[] {
  assertProviderName(name);
  if (name.includes('provider')) return [name];
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/') as [string, string];
    return [`${scope}/stagely-provider-${rest}`];
  }
  return [`@stagely/provider-${name}`, `stagely-provider-${name}`];
}

/** The command that installs a provider's package: its first candidate. */
export function installCommand(name: string): string {
  return `npm install ${packageCandidates(name)[0]}`;
}

/**
 * The short name a provider package is asked for by (the inverse of `packageCandidates`), or
 * `undefined` when the package name does not follow the convention. `@stagely/provider-core` is not
 * a provider.
 */
export function providerNameOfPackage(packageName: string): string | undefined {
  if (packageName === '@stagely/provider-core' || !isValidProviderName(packageName)) return undefined;
  const match =
    /^@stagely\/provider-(.+)$/.exec(packageName) ??
    /^stagely-provider-(.+)$/.exec(packageName) ??
    /^(@[^/]+\/)stagely-provider-(.+)$/.exec(packageName);
  if (!match) return undefined;
  const short = match.length === 3 ? `${match[1]}${match[2]}` : match[1]!;
  // A short name containing "provider" would be imported as it is: only the package name finds it.
  return short.includes('provider') ? packageName : short;
}
