/**
 * Plugins (docs/architecture.md, "Plugins and the registry"). A provider package default-exports `definePlugin({...})`; the registry
 * validates config with `configSchema` (any Standard Schema, e.g. zod) before calling `create`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Capabilities, CloudProvider, ContractVersion } from '../contract/contract.js';
import type { EventSink } from '../contract/events.js';
import type { BootHistory } from '../runtime/readiness/boot-history.js';

/** What core hands to a provider when it creates one. */
export interface ProviderContext {
  events?: EventSink | undefined;
  /** Boot times to learn readiness from (give it to createReadinessWaiter); absent: the process's. */
  bootHistory?: BootHistory | undefined;
}

export interface StagelyPlugin<Config = unknown, P extends CloudProvider = CloudProvider> {
  readonly contractVersion: ContractVersion;
  /** Short name, e.g. `hetzner`. */
  readonly name: string;
  /** The npm package it ships in, e.g. `@stagely/provider-hetzner`. */
  readonly packageName: string;
  readonly capabilities: Capabilities;
  /** Validates config + credentials; its output is what `create` receives. */
  readonly configSchema: StandardSchemaV1<unknown, Config>;
  /** Names of config fields that hold secrets: sealed at rest, never printed. */
  readonly secretFields?: readonly string[];
  create(config: Config, context: ProviderContext): P;
}

/** Identity function that gives a plugin its type and freezes it. */
export function definePlugin<Config, P extends CloudProvider>(plugin: StagelyPlugin<Config, P>): StagelyPlugin<Config, P> {
  return Object.freeze({ ...plugin });
}

/** Contract versions this core accepts from plugins. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [1];
