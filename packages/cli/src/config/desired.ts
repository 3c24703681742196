/**
 * One environment of the file as core's desired state: every host with the file's defaults filled
 * in. Instance names, tags and the comparison with what runs are core's (`plan`).
 */
import type { DesiredEnvironment, HostSpec, InstanceSpec } from '@stagely/provider-core';
import type { StagelyFile } from './schema.js';

/** The fields `defaults` and a host may set (snake_case, as in the file). */
export type HostFields = Partial<StagelyFile['defaults']>;

/**
 * `host`'s fields over `defaults` as an InstanceSpec: the host's value wins, tags are merged (the
 * host's win on the same key). `size` is left out when neither gives one.
 */
export function specWithDefaults(host: HostFields, defaults: HostFields): Omit<InstanceSpec, 'size'> & { size?: InstanceSpec['size'] } {
  const spec: Omit<InstanceSpec, 'size'> & { size?: InstanceSpec['size'] } = {};
  const size = host.size ?? defaults.size;
  if (size !== undefined) spec.size = size;
  const architecture = host.architecture ?? defaults.architecture;
  if (architecture !== undefined) spec.architecture = architecture;
  const region = host.region ?? defaults.region;
  if (region !== undefined) spec.region = region;
  const image = host.image ?? defaults.image;
  if (image !== undefined) spec.image = image;
  const tags = { ...defaults.tags, ...host.tags };
  if (Object.keys(tags).length > 0) spec.tags = tags;
  const spot = host.spot ?? defaults.spot;
  if (spot !== undefined) spec.spot = spot;
  const sshKeys = host.ssh_keys ?? defaults.ssh_keys;
  if (sshKeys !== undefined) spec.sshKeys = sshKeys;
  const userData = host.user_data ?? defaults.user_data;
  if (userData !== undefined) spec.userData = userData;
  return spec;
}

export function desiredEnvironment(file: StagelyFile, environment: string): DesiredEnvironment {
  const hosts = file.environments[environment]?.hosts ?? {};
  return {
    environment,
    hosts: Object.entries(hosts).map(([name, host]) => {
      const { size, ...fields } = specWithDefaults(host, file.defaults);
      // The schema refused a host without a size when defaults have none.
      const spec: HostSpec = { name, size: size!, ...fields };
      if (host.role !== undefined) spec.role = host.role;
      return spec;
    }),
  };
}
