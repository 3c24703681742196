/**
 * Type-level test, checked by `tsc` (the package's typecheck), never run: with the Hetzner and mock
 * packages' types loaded, `registry.get()` checks their configs; any other name takes any record.
 * Each `@ts-expect-error` fails the typecheck if the line below it stops being an error.
 */
import { createRegistry, type CloudProvider, type ProviderConfigFor } from '@stagely/provider-core';
import type {} from '@stagely/provider-hetzner';
import type {} from '@stagely/provider-mock';

const registry = createRegistry();

export async function typedConfigs(): Promise<CloudProvider[]> {
  return [
    await registry.get('hetzner', { token: 'x', location: 'fsn1' }),
    await registry.get('@stagely/provider-hetzner', { token: 'x' }),
    // A sealed value in place of a field, or of the whole config.
    await registry.get('hetzner', { token: { sealed: 'stagely:v1:...' } }),
    await registry.get('hetzner', { sealed: 'stagely:v1:...' }),
    // @ts-expect-error a misspelt field of the Hetzner config
    await registry.get('hetzner', { tokn: 'x' }),
    // @ts-expect-error the token is a string
    await registry.get('hetzner', { token: 42 }),
    // @ts-expect-error the same by package name
    await registry.get('@stagely/provider-hetzner', { tokn: 'x' }),
    await registry.get('mock', { bootDelayMs: 10 }),
    // @ts-expect-error bootDelayMs is a number
    await registry.get('mock', { bootDelayMs: 'soon' }),
    // Unknown names stay open.
    await registry.get('@acme/widget', { anything: true }),
    await registry.get('acme'),
  ];
}

export function openForAnyName(name: string, config: Record<string, unknown>): Promise<CloudProvider> {
  return registry.get(name, config);
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const unknownNamesTakeRecords: Equal<ProviderConfigFor<'acme'>, Record<string, unknown>> = true;
