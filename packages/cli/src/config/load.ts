/**
 * Reads and validates `stagely.yml`. YAML syntax errors and schema issues are both reported as a
 * ConfigFileError naming file, line, column and field; nothing from the file's text is echoed, so a
 * secret written by mistake never reaches the terminal.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fieldPath } from '@stagely/provider-core/provider';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError, type ConfigProblem } from './errors.js';
import { locate, type Position } from './locate.js';
import { sortByPlace } from './problems.js';
import { stagelyFileSchema, type StagelyFile } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'stagely.yml';

export interface LoadedConfig {
  /** The file as the user named it (shown in messages). */
  file: string;
  /** Its directory, absolute: relative paths in the file are resolved against it. */
  dir: string;
  data: StagelyFile;
  /** The file holds nothing (no text, or only comments): every setting is a default. */
  empty: boolean;
  /** Where `path` is in the file, for problems found after validation (e.g. by the provider). */
  locate(path: readonly PropertyKey[], at?: 'key' | 'value'): Position;
  /** A ConfigFileError for a problem at `path`. */
  problem(path: readonly PropertyKey[], message: string, at?: 'key' | 'value'): ConfigFileError;
}

/** Validates YAML text. `file` is only used in messages and to resolve relative paths. */
export function parseConfig(source: string, file: string = DEFAULT_CONFIG_FILE): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((error) => {
        const pos = lines.linePos(error.pos[0]);
        return { field: '', line: pos.line, column: pos.col, message: `is not valid YAML: ${syntaxMessage(error.message)}` };
      }),
    );
  }
  const parsed = stagelyFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigFileError(file, sortByPlace(parsed.error.issues.flatMap((issue) => problemsOf(issue, doc, lines))));

  const at = (path: readonly PropertyKey[], where?: 'key' | 'value') => locate(doc, lines, path, where);
  return {
    file,
    dir: resolve(dirname(file)),
    data: parsed.data,
    empty: doc.contents === null,
    locate: at,
    problem: (path, message, where) => new ConfigFileError(file, [{ field: fieldPath(path), ...at(path, where), message }]),
  };
}

/** Reads and validates the file at `file`; a missing file is a ConfigFileError too. */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new ConfigFileError(file, [{ field: '', line: 0, column: 0, message: reason }]);
  }
  return parseConfig(source, file);
}

function problemsOf(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { field: fieldPath(path), ...locate(doc, lines, path, 'key'), message: 'is not a known field' };
    });
  }
  if (issue.code === 'invalid_key') {
    // The key itself is wrong (a bad host name, a reserved tag): its own issue says why.
    const message = issue.issues[0]?.message ?? issue.message;
    return [{ field: fieldPath(issue.path), ...locate(doc, lines, issue.path, 'key'), message }];
  }
  return [{ field: fieldPath(issue.path), ...locate(doc, lines, issue.path), message: issue.message }];
}

/** The yaml library's message without its "at line N, column M" tail (we add the place ourselves). */
function syntaxMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+.*$/s, '').trim();
}
