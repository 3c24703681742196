/**
 * What `validate` does (../commands/validate.ts): file, provider config, credentials, then every
 * host through the provider's preflight; every problem at its line of the file.
 */
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { preflightFile, problemsError } from '../preflight.js';
import type { Session } from '../session.js';


export async function validateCommand(session: Session): Promise<ExitCodeValue> {
  const out = session.output;
  const loaded = await session.config();
  const { provider, resolved } = await session.provider();
  await provider.validateCredentials({ signal: session.signal });
  if (loaded) {
    const problems = await preflightFile(loaded, provider, resolved.config, session.signal);
    if (problems.length > 0) throw problemsError(loaded, problems, provider.name);
  }
  const environments = loaded
    ? Object.entries(loaded.data.environments)
        .map(([name, env]) => ({ name, hosts: Object.keys(env.hosts).length }))
        .sort((a, b) => (a.name < b.name ? -1 : 1))
    : [];
  out.result({ valid: true, file: loaded?.file ?? null, provider: provider.name, environments });
  const ok = out.c.green('ok');
  if (loaded) {
    const hosts = environments.reduce((n, e) => n + e.hosts, 0);
    out.line(`${ok} ${loaded.file} is valid: ${environments.length} environment(s), ${hosts} host(s)`);
    out.line(`${ok} ${provider.name} would create every host as written`);
  } else {
    out.line(`${ok} no stagely.yml here: using the default provider`);
  }
  out.line(`${ok} ${provider.name} accepted the credentials`);
  return ExitCode.OK;
}
