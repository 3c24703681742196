/**
 * The commented starter `stagely.yml` that `stagely init [provider]` writes: one small environment,
 * the provider's config with its credentials read from the environment, and pointers to the rest.
 * Providers the CLI knows get their usual settings; any other name gets an empty config to fill in.
 */

interface ProviderStarter {
  /** What to install next to the CLI, shown in the file's header. */
  install?: string;
  /** Steps before `stagely validate`, e.g. exporting the token. */
  setup: string[];
  /** The lines under `config:` (indented by the caller). */
  config: string[];
  size: string;
}

const STARTERS: Record<string, ProviderStarter> = {
  mock: {
    setup: [],
    config: ['bootDelayMs: 300 # its instances "boot" in 0.3 s; they live in .stagely/mock-state.json'],
    size: 'small',
  },
  hetzner: {
    install: '@stagely/provider-hetzner',
    setup: ['export HCLOUD_TOKEN=...        # a project API token with read & write access'],
    config: ['token_env: HCLOUD_TOKEN # read from the environment; a literal token here is refused', 'location: fsn1 # where hosts without a region are created'],
    size: 'small # cx23 on amd64, cax11 on arm64',
  },
  digitalocean: {
    install: '@stagely/provider-digitalocean',
    setup: ['export DIGITALOCEAN_TOKEN=...  # a personal access token with read & write scope'],
    config: ['token_env: DIGITALOCEAN_TOKEN # read from the environment; a literal token here is refused', 'region: nyc3 # where hosts without a region are created'],
    size: 'small # s-2vcpu-4gb',
  },
  aws: {
    install: '@stagely/provider-aws',
    setup: ['export AWS_PROFILE=...          # or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
    config: [
      'region: us-east-1 # where hosts without a region are created',
      '# Credentials come from the AWS SDK (environment, profile, instance role); to name variables:',
      '# accessKeyId_env: AWS_ACCESS_KEY_ID',
      '# secretAccessKey_env: AWS_SECRET_ACCESS_KEY',
    ],
    size: 'small # t3.small on amd64, t4g.small on arm64',
  },
};

/** Known providers by their package name too. */
const ALIASES: Record<string, string> = Object.fromEntries(Object.keys(STARTERS).map((name) => [`@stagely/provider-${name}`, name]));

export const STARTER_PROVIDERS = Object.keys(STARTERS);

/** A YAML scalar for `value`: as it is when plain, quoted otherwise. */
function scalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9@/._-]*$/.test(value) ? value : JSON.stringify(value);
}

export function starterFile(provider: string): string {
  const known = STARTERS[ALIASES[provider] ?? provider];
  const starter: ProviderStarter = known ?? {
    setup: [],
    config: [],
    size: 'small',
  };
  const install = known ? starter.install : provider;
  const header = [
    '# yaml-language-server: $schema=./node_modules/@stagely/cli/schema/stagely.schema.json',
    '#',
    `# Environments of virtual machines on ${provider}, for the stagely command. Next steps:`,
    '#',
    ...(install === undefined ? [] : [`#   npm install @stagely/cli ${install}`]),
    ...starter.setup.map((line) => `#   ${line}`),
    '#   stagely validate               # the file is valid and the provider would create every host',
    '#   stagely plan                   # what apply would change',
    '#   stagely apply                  # asks, then creates the hosts and waits until they are ready',
    '#   stagely destroy                # terminates them again',
    '#',
    '# Every field is described in the @stagely/cli README (node_modules/@stagely/cli/README.md).',
  ];
  const body = [
    'version: 1',
    '',
    'provider:',
    `  name: ${scalar(provider)}`,
    ...(starter.config.length > 0
      ? ['  config:', ...starter.config.map((line) => `    ${line}`)]
      : ["  config: {} # the provider's settings: see its README (credentials only as <field>_env: VARIABLE)"]),
    '',
    '# What every host gets unless it says otherwise.',
    'defaults:',
    `  size: ${starter.size}`,
    '  image: { ubuntu: "24.04" }',
    '  # architecture: arm64',
    '  # ssh_keys: [deploy]            # names of SSH keys in the account',
    '  # tags: { team: platform }',
    '',
    'environments:',
    '  demo: # instance names are <environment>-<host>: demo-web',
    '    hosts:',
    '      web:',
    '        role: web',
    '      # db:',
    '      #   role: db',
    '      #   size: medium',
  ];
  return `${[...header, ...body].join('\n')}\n`;
}
