/**
 * One environment of the file as core's desired state: every host with the file's defaults filled
 * in. Instance names, tags and the comparison with what runs are core's (`plan`).
 */
import type { DesiredEnvironment, HostSpec } from '@stagely/provider-core';
import type { StagelyFile } from './schema.js';

export function desiredEnvironment(file: StagelyFile, environment: string): DesiredEnvironment {
  const hosts = file.environments[environment]?.hosts ?? {};
  const d = file.defaults;
  return {
    environment,
    hosts: Object.entries(hosts).map(([name, host]) => {
      const tags = { ...d.tags, ...host.tags };
      const sshKeys = host.ssh_keys ?? d.ssh_keys;
      // The schema refused a host without a size when defaults have none.
      const spec: HostSpec = { name, size: (host.size ?? d.size)! };
      if (host.role !== undefined) spec.role = host.role;
      const architecture = host.architecture ?? d.architecture;
      if (architecture !== undefined) spec.architecture = architecture;
      const region = host.region ?? d.region;
      if (region !== undefined) spec.region = region;
      const image = host.image ?? d.image;
      if (image !== undefined) spec.image = image;
      if (Object.keys(tags).length > 0) spec.tags = tags;
      const spot = host.spot ?? d.spot;
      if (spot !== undefined) spec.spot = spot;
      if (sshKeys !== undefined) spec.sshKeys = sshKeys;
      const userData = host.user_data ?? d.user_data;
      if (userData !== undefined) spec.userData = userData;
      return spec;
    }),
  };
}
