/**
 * What every command shares in one run: the output, the abort signal (Ctrl-C), the stagely.yml (read
 * once, only if the command needs it) and the provider it names, created through core's registry with
 * the mock registered and other providers imported on demand from where the CLI is installed.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRegistry,
  isStagelyError,
  type CloudProvider,
  type InstalledProvider,
  type Registry,
  type StagelyEvent,
} from '@stagely/provider-core';
import mockPlugin from '@stagely/provider-mock';
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigFileError, type ConfigProblem } from '../config/errors.js';
import { resolveProvider, type ResolvedProvider } from '../config/resolve.js';
import { BOOT_TIMES_FILE, BootTimesFile } from './boot-times-file.js';
import { projectImporter } from './project-importer.js';
import { renderEvent } from './render/events.js';
import type { Output } from './output.js';

export interface GlobalOptions {
  file?: string;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  yes?: boolean;
}

export interface SessionIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: { isTTY?: boolean };
}

export interface ActiveProvider {
  provider: CloudProvider;
  resolved: ResolvedProvider;
}

export class Session {
  readonly output: Output;
  readonly options: GlobalOptions;
  readonly io: SessionIO;
  readonly signal: AbortSignal;
  readonly registry: Registry;
  #config: Promise<LoadedConfig | undefined> | undefined;
  #provider: Promise<ActiveProvider> | undefined;
  /** Known once the file is read: where the project's `.stagely/` is. */
  #projectDir: string | undefined;
  readonly #bootTimes = new BootTimesFile(() => (this.#projectDir === undefined ? undefined : join(this.#projectDir, BOOT_TIMES_FILE)));

  constructor(options: GlobalOptions, output: Output, io: SessionIO, signal: AbortSignal) {
    this.options = options;
    this.output = output;
    this.io = io;
    this.signal = signal;
    this.registry = createRegistry({
      plugins: [mockPlugin],
      events: (event: StagelyEvent) => renderEvent(output, event),
      bootHistory: this.#bootTimes,
      // Written here so that providers are resolved from where the CLI is installed (not core), then the project.
      importer: projectImporter((specifier) => import(specifier), io.cwd),
    });
  }

  /** Whether a person can answer a question: stdin is a terminal and stdout is not JSON for a program. */
  get interactive(): boolean {
    return this.io.stdin.isTTY === true && !this.output.json;
  }

  /**
   * The file named by --file (which must exist), else `stagely.yml` in the working directory when
   * there is one. `required`: a command that cannot work without a file says so.
   */
  config(required = false): Promise<LoadedConfig | undefined> {
    this.#config ??= (async () => {
      const named = this.options.file;
      if (named !== undefined) return loadConfig(named);
      if (existsSync(DEFAULT_CONFIG_FILE)) return loadConfig(DEFAULT_CONFIG_FILE);
      return undefined;
    })();
    return this.#config.then((loaded) => {
      if (loaded === undefined && required) {
        throw new ConfigFileError(DEFAULT_CONFIG_FILE, [
          { field: '', line: 0, column: 0, message: 'does not exist in the working directory: `stagely init` writes a commented starter (`stagely init hetzner` for a provider), or pass --file; the @stagely/cli README describes the file' },
        ]);
      }
      return loaded;
    });
  }

  /** The provider the file names (default: the mock, its state in the project directory). */
  provider(): Promise<ActiveProvider> {
    this.#provider ??= (async () => {
      const loaded = await this.config();
      this.#projectDir = loaded?.dir ?? resolve(this.io.cwd);
      const resolved = resolveProvider(loaded, { env: this.io.env, cwd: this.io.cwd });
      this.output.addSecrets(resolved.secrets);
      try {
        return { provider: await this.registry.get(resolved.name, resolved.config), resolved };
      } catch (error) {
        throw loaded ? placeConfigError(error, loaded) : error;
      }
    })();
    return this.#provider;
  }

  /** The command is over: keep what it learned for the next run. */
  close(): void {
    this.#bootTimes.flush();
  }

  /** Provider packages installed where the CLI can load them (its own install and the working directory). */
  async installedProviders(): Promise<InstalledProvider[]> {
    const here = dirname(fileURLToPath(import.meta.url));
    const found = new Map<string, InstalledProvider>();
    for (const from of [this.io.cwd, here]) {
      for (const p of await this.registry.discover({ from })) if (!found.has(p.packageName)) found.set(p.packageName, p);
    }
    return [...found.values()];
  }
}

/**
 * The provider refused its config (InvalidInputError naming `config.<field>`): point at that field
 * in the file, or at its `<field>_env` reference.
 */
function placeConfigError(error: unknown, loaded: LoadedConfig): unknown {
  if (!isStagelyError(error, 'INVALID_INPUT') || error instanceof ConfigFileError) return error;
  const issues = Array.isArray(error.details.issues)
    ? (error.details.issues as { field: string; message: string }[])
    : [{ field: String(error.details.field ?? 'config'), message: error.message }];
  if (!issues.every((issue) => issue.field === 'config' || issue.field.startsWith('config.'))) return error;
  const data = loaded.data.provider.config;
  const problems: ConfigProblem[] = issues.map(({ field, message }) => {
    const keys = field.split('.').slice(1);
    // A strict schema names an unknown key only in its message: point at that key.
    const unknown = /^Unrecognized keys?: "([^"]+)"/.exec(message)?.[1];
    if (unknown !== undefined) {
      const path = ['provider', 'config', ...keys, unknown];
      return { field: path.join('.'), ...loaded.locate(path, 'key'), message: `is not a config field of provider ${error.provider ?? loaded.data.provider.name}` };
    }
    const last = keys.at(-1);
    // Read from the environment? Then the reference is where the value came from.
    if (last !== undefined && keys.length === 1 && !(last in data) && `${last}_env` in data) keys[0] = `${last}_env`;
    const path = ['provider', 'config', ...keys];
    return { field: path.join('.'), ...loaded.locate(path), message: `is refused by provider ${error.provider ?? loaded.data.provider.name}: ${message}` };
  });
  return new ConfigFileError(loaded.file, problems);
}
