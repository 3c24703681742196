/**
 * An invalid `stagely.yml`: an InvalidInputError (code INVALID_INPUT) that names the file, line,
 * column and field of every problem found, so one run shows them all.
 */
import { InvalidInputError } from '@stagely/provider-core';

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `environments.demo.hosts.web.size`; `` for the whole file. */
  field: string;
  /** 1-based; 0 when the problem has no place in the file (e.g. the file is missing). */
  line: number;
  column: number;
  message: string;
  /** For a problem the provider's preflight found: the host's environment, the host, and the error code. */
  environment?: string;
  host?: string;
  code?: string;
}

export class ConfigFileError extends InvalidInputError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const first = problems[0] ?? { field: '', line: 0, column: 0, message: 'is invalid' };
    super(first.field || 'file', problems.map((p) => formatProblem(file, p)).join('\n'), {
      details: { file, line: first.line, column: first.column, problems: problems.map((p) => ({ ...p })) },
    });
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.problems = problems;
  }
}

/** `stagely.yml:12:7: environments.demo.hosts.web.size must be one of ...` */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const place = problem.line > 0 ? `${file}:${problem.line}:${problem.column}` : file;
  return problem.field ? `${place}: ${problem.field} ${problem.message}` : `${place}: ${problem.message}`;
}
