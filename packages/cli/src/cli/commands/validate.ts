/**
 * `validate`: the file is valid, the provider is installed and takes its config, the cloud accepts
 * the credentials (one light API call), and every host passes the provider's preflight (catalogue,
 * region, image, SSH keys, tags; read calls only) with an instance name no other host makes. Exit 5
 * when the credentials are refused, 2 with every problem at its line of the file.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { preflightFile, problemsError } from '../preflight.js';
import type { Runner } from '../runner.js';

export function registerValidateCommand(program: Command, run: Runner): void {
  program
    .command('validate')
    .description('check stagely.yml and that the provider accepts the credentials')
    .action(
      run(async (session) => {
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
      }),
    );
}
