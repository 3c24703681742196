/** What `providers` does (../commands/providers.ts): installed providers, each with its capabilities. */
import type { Capabilities } from '@stagely/provider-core';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { table } from '../render/table.js';
import { errorJson } from '../runner.js';
import type { Session } from '../session.js';


interface ProviderRow {
  name: string;
  packageName: string | null;
  version: string | null;
  capabilities: Capabilities | null;
  /** Found but not loadable: why. */
  error: { code: string; message: string } | null;
}

export async function providersCommand(session: Session): Promise<ExitCodeValue> {
  const rows = new Map<string, ProviderRow>();
  for (const info of session.registry.list()) {
    rows.set(info.packageName ?? info.name, {
      name: info.name,
      packageName: info.packageName ?? null,
      version: null,
      capabilities: info.capabilities,
      error: null,
    });
  }
  for (const found of await session.installedProviders()) {
    const row: ProviderRow = rows.get(found.packageName) ?? {
      name: found.name,
      packageName: found.packageName,
      version: null,
      capabilities: null,
      error: null,
    };
    row.version = found.version ?? null;
    if (row.capabilities === null) {
      try {
        const plugin = await session.registry.load(found.packageName);
        row.name = plugin.name;
        row.capabilities = plugin.capabilities;
      } catch (error) {
        const { code, message } = errorJson(error);
        row.error = { code, message };
      }
    }
    rows.set(found.packageName, row);
  }
  const providers = [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out = session.output;
  out.result({ providers });
  const describe = (caps: Capabilities | null) =>
    caps === null
      ? '-'
      : [caps.architectures.join('+'), caps.spot ? 'spot' : null, caps.snapshots ? 'snapshots' : null, caps.sshKeys ? 'ssh-keys' : null]
          .filter(Boolean)
          .join(', ');
  const lines = table(
    ['NAME', 'PACKAGE', 'VERSION', 'CAPABILITIES'],
    providers.map((p) => [
      p.name,
      p.packageName ?? '-',
      p.version ?? '-',
      p.error ? out.c.red(`${p.error.code}: ${p.error.message}`) : describe(p.capabilities),
    ]),
    out.c.bold,
  );
  for (const line of lines) out.line(line);
  return ExitCode.OK;
}
