/**
 * Everything the CLI prints goes through here: results to stdout (one JSON document with --json),
 * messages and provider events to stderr, colour per stream, and every line scrubbed of the secrets
 * the CLI knows of (values read from `<field>_env` variables) before it is written.
 */
import { createRedactor, type Redactor } from '@stagely/provider-core/provider';
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Colour on a stream: never with `--no-color` or a non-empty NO_COLOR; always with FORCE_COLOR
 * (other than `0` / `false`); otherwise when the stream is a terminal (and TERM is not `dumb`).
 */
export function useColor(stream: Stream, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export interface OutputOptions {
  json: boolean;
  color?: boolean | undefined;
  verbose?: boolean | undefined;
  stdout?: Stream;
  stderr?: Stream;
  env?: NodeJS.ProcessEnv;
}

export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly stdout: Stream;
  readonly stderr: Stream;
  /** Colours for stdout and for stderr (each follows its own stream). */
  readonly c: Colors;
  readonly ce: Colors;
  #secrets: string[] = [];
  #redact: Redactor = createRedactor([]);

  constructor(options: OutputOptions) {
    const env = options.env ?? process.env;
    this.json = options.json;
    this.verbose = options.verbose ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.c = pc.createColors(useColor(this.stdout, env, options.color));
    this.ce = pc.createColors(useColor(this.stderr, env, options.color));
  }

  /** Values that must never be printed (they are replaced by `[redacted]`). */
  addSecrets(secrets: readonly string[]): void {
    this.#secrets.push(...secrets);
    this.#redact = createRedactor(this.#secrets);
  }

  redact(text: string): string {
    return this.#redact(text);
  }

  /** A line of the human result on stdout; nothing in JSON mode. */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${this.#redact(text)}\n`);
  }

  /** A message for people on stderr; nothing in JSON mode. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${this.#redact(text)}\n`);
  }

  /** The JSON document of a command (JSON mode only). */
  result(value: unknown): void {
    if (this.json) this.stdout.write(`${this.#redact(JSON.stringify(value, null, 2))}\n`);
  }
}
