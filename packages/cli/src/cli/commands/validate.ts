/**
 * `validate`: the file is valid, the provider is installed and takes its config, and the cloud
 * accepts the credentials (one light API call). Exit 5 when the credentials are refused.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import type { Runner } from '../runner.js';

export function registerValidateCommand(program: Command, run: Runner): void {
  program
    .command('validate')
    .description('check stagely.yml and that the provider accepts the credentials')
    .action(
      run(async (session) => {
        const out = session.output;
        const loaded = await session.config();
        const { provider } = await session.provider();
        await provider.validateCredentials({ signal: session.signal });
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
        } else {
          out.line(`${ok} no stagely.yml here: using the default provider`);
        }
        out.line(`${ok} ${provider.name} accepted the credentials`);
        return ExitCode.OK;
      }),
    );
}
