/**
 * What the CLI hands core's preflight, and what it makes of the answer: the file's other
 * environments (a name two environments make is a problem), the provider config's default region,
 * and problems as a ConfigFileError placed in stagely.yml (exit 2, like a schema error).
 */
import {
  createSpecFor,
  nameCollisions,
  preflightSpecs,
  type CloudProvider,
  type DesiredEnvironment,
  type PlanProblem,
} from '@stagely/provider-core';
import { desiredEnvironment } from '../config/desired.js';
import { ConfigFileError, type ConfigProblem } from '../config/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { placeProblems, sortByPlace } from '../config/problems.js';

/**
 * The provider config's region, so plan can compare hosts that do not name one. Providers call it
 * `region`, or `location` (Hetzner); without either, such hosts' regions are not compared.
 */
export function defaultRegion(config: Record<string, unknown>): string | undefined {
  const region = config.region ?? config.location;
  return typeof region === 'string' ? region : undefined;
}

/** Every environment of the file but `except`, as core's desired state. */
export function otherEnvironments(loaded: LoadedConfig, except: string): DesiredEnvironment[] {
  return Object.keys(loaded.data.environments)
    .filter((name) => name !== except)
    .sort()
    .map((name) => desiredEnvironment(loaded.data, name));
}

/** A ConfigFileError naming every problem at its place in the file. */
export function problemsError(loaded: LoadedConfig, byEnvironment: readonly [string, readonly PlanProblem[]][], provider: string): ConfigFileError {
  const problems: ConfigProblem[] = byEnvironment.flatMap(([environment, list]) => placeProblems(loaded, environment, list, provider));
  return new ConfigFileError(loaded.file, sortByPlace(problems));
}

/**
 * Every host of every environment of the file through the provider's `validateSpec`, and every
 * instance name checked against the other environments': what `stagely validate` reports.
 */
export async function preflightFile(
  loaded: LoadedConfig,
  provider: CloudProvider,
  config: Record<string, unknown>,
  signal: AbortSignal,
): Promise<[string, PlanProblem[]][]> {
  const region = defaultRegion(config);
  const found: [string, PlanProblem[]][] = [];
  for (const environment of Object.keys(loaded.data.environments).sort()) {
    const desired = desiredEnvironment(loaded.data, environment);
    const entries = desired.hosts.map((host) => ({ host: host.name, spec: createSpecFor(environment, host, region) }));
    const { problems } = await preflightSpecs(provider, entries, { signal });
    const all = [...nameCollisions(desired, otherEnvironments(loaded, environment)), ...problems];
    if (all.length > 0) found.push([environment, all]);
  }
  return found;
}
